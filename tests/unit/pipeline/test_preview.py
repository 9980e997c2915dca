"""``geodigest preview`` of plain-text pages: what a reader sees for a page saved as .txt."""

from __future__ import annotations

from pathlib import Path

from bot.config import Settings
from bot.pipeline.preview import preview_file
from tests.paths import FIXTURES

ONE_PARAGRAPH = (
    "Poland and Lithuania agreed on Monday to reopen the border crossing at Budzisko, which has "
    "been closed since the spring, their foreign ministers said after talks in Warsaw. The "
    "crossing carries most of the road freight between the two countries, and its closure had "
    "left hundreds of lorries waiting on both sides. Lithuania's foreign minister said the "
    "decision showed that the neighbours could settle their differences quickly. Poland closed "
    "the crossing after a dispute over transit fees charged to Polish hauliers. Both governments "
    "said customs checks would be simplified from next month. Hauliers' associations welcomed "
    "the agreement but warned that queues would take weeks to clear."
)


def settings() -> Settings:
    return Settings(_env_file=None)


def test_a_one_paragraph_page_gets_a_summary_of_its_own_sentences(tmp_path: Path) -> None:
    page = tmp_path / "article.txt"
    page.write_text(ONE_PARAGRAPH + "\n", encoding="utf-8")

    result = preview_file(page, settings())

    assert result["title"] == ""
    assert result["text"] == ONE_PARAGRAPH
    assert 2 <= len(result["summary"]) <= 3
    assert all(sentence in ONE_PARAGRAPH for sentence in result["summary"])
    assert result["summary"][0].startswith("Poland and Lithuania agreed on Monday")
    assert {"PL", "LT"} <= set(result["countries"])


def test_a_page_saved_with_its_navigation_keeps_the_real_headline(tmp_path: Path) -> None:
    page = tmp_path / "article.txt"
    page.write_text(
        "All news\nads banner\nPoland and Lithuania reopen border crossing | Example News\n"
        f"Short Url\nhttps://example.news/x1\nUpdated 12 March 2025 14:05\n{ONE_PARAGRAPH}\n",
        encoding="utf-8",
    )

    result = preview_file(page, settings())

    assert result["title"] == "Poland and Lithuania reopen border crossing"
    assert result["text"] == ONE_PARAGRAPH


def test_the_sample_page_keeps_its_headline_and_article(tmp_path: Path) -> None:
    result = preview_file(FIXTURES / "rt-india-russia-page.txt", settings())

    assert result["title"].startswith("Namaste, Mr. Putin: Russia and India forge closer ties")
    assert result["text"].startswith("In the current geopolitical landscape")
    assert "Legkodymov" not in result["text"]
    assert {"IN", "RU"} <= set(result["countries"][:2])
