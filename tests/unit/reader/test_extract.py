"""Article text: plain-text pages, HTML pages, and fetching the page when the feed is a teaser."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from bot.config import Settings
from bot.errors import ExtractError
from bot.models import Entry
from bot.reader.extract import article_paragraphs, clean_plain_text, extract_html
from bot.reader.fetcher import FeedFetcher
from tests.fakes.feed_server import FeedServer, fixture_bytes
from tests.paths import FIXTURES

RT_PAGE = FIXTURES / "rt-india-russia-page.txt"
FURNITURE_WORDS = ("Hashtags", "Related Articles", "Try Our AI Features", "No comments yet")
UNRELATED_STORIES = ("Legkodymov", "Lavrov", "Budanov", "Russia Today")
TEASER = Entry(
    dedup_key="k1",
    url="",
    title="Ceasefire talks resume in Geneva",
    paragraphs=("Diplomats met in Geneva.",),
)


def test_plain_text_page_keeps_the_article_and_drops_the_footer() -> None:
    title, paragraphs = clean_plain_text(RT_PAGE.read_text(encoding="utf-8"))
    assert title == (
        "Namaste, Mr. Putin: Russia and India forge closer ties despite Western pressure"
    )
    text = "\n".join(paragraphs)
    for unwanted in (*FURNITURE_WORDS, *UNRELATED_STORIES):
        assert unwanted not in text
    assert paragraphs[0].startswith("In the current geopolitical landscape")
    assert any("Kulik told RT" in p for p in paragraphs)
    assert any(p.startswith("Tatyana Shaumyan, head of the Center") for p in paragraphs)
    assert paragraphs[-1].startswith("As President Putin prepares to visit India")


FIRST = (
    "Negotiators from both delegations met for six hours in Geneva on Tuesday and agreed to "
    "meet again next week, officials said."
)
SECOND = (
    "The talks, the first in more than a year, focused on prisoner exchanges and on the safety "
    "of the nuclear plant near the front line."
)
THIRD = "Neither side gave details of the proposals on the table."


def test_lone_furniture_lines_go_but_the_article_continues_after_them() -> None:
    page = (
        f"Talks resume\n\n{FIRST}\nAdvertisement\n{SECOND}\n"
        f"Share this article\nRead more: Unrelated headline elsewhere\n{THIRD}\n"
        "Comments (12)\nA reader comment.\n"
    )
    assert clean_plain_text(page) == ("Talks resume", (FIRST, SECOND, THIRD))


def test_a_footer_word_near_the_top_does_not_cut_the_article() -> None:
    page = (
        "Talks resume in Geneva as both sides soften demands\nRelated topics\nUkraine war\n"
        f"{FIRST}\n{SECOND}\n{THIRD}\nRelated topics\nMore on this story\n"
        "Pop star announces world tour\n"
    )

    title, paragraphs = clean_plain_text(page)

    assert title == "Talks resume in Geneva as both sides soften demands"
    assert paragraphs[-3:] == (FIRST, SECOND, THIRD)
    assert "Pop star announces world tour" not in paragraphs


def test_sentences_that_begin_with_a_furniture_word_are_kept() -> None:
    page = (
        "Title\nComments made by the minister drew criticism.\nShare prices fell sharply.\n"
        "Tags on the cargo showed its origin in the port of Odesa and its final destination.\n"
    )
    assert clean_plain_text(page)[1] == (
        "Comments made by the minister drew criticism.",
        "Share prices fell sharply.",
        "Tags on the cargo showed its origin in the port of Odesa and its final destination.",
    )


def test_empty_plain_text() -> None:
    assert clean_plain_text("\n  \n") == ("", ())


def test_html_article_without_navigation_or_footer() -> None:
    page = extract_html(fixture_bytes("article.html"), url="https://news.example.com/geneva")
    assert page.title == "Ceasefire talks resume in Geneva"
    assert page.author == "Jane Roe"
    assert page.published is not None
    assert page.published.date() == datetime(2025, 3, 2, tzinfo=UTC).date()
    assert len(page.paragraphs) >= 5
    assert page.paragraphs[0].startswith("Diplomats from both countries met in Geneva")
    assert any(p.startswith('"We are ready to listen,"') for p in page.paragraphs)
    text = "\n".join(page.paragraphs)
    for unwanted in (
        "Advertisement", "Underdogs", "Markets rally", "No comments yet", "Sign up",
        "Copyright", "Privacy", "Sign in", "Share this",
    ):  # fmt: skip
        assert unwanted not in text


def test_html_without_article_text_is_an_extract_error() -> None:
    with pytest.raises(ExtractError):
        extract_html(
            "<html><head><title>Home</title></head><body><script>x()</script></body></html>"
        )


@pytest.fixture
async def fetcher() -> AsyncIterator[FeedFetcher]:
    async with FeedFetcher(Settings(_env_file=None, allow_private_urls=True)) as client:
        yield client


async def test_teaser_entry_gets_the_full_article(
    feed_server: FeedServer, fetcher: FeedFetcher
) -> None:
    url = feed_server.serve("/geneva", fixture_bytes("article.html"), content_type="text/html")
    entry = Entry(dedup_key="k1", url=url, title="Talks", paragraphs=("Diplomats met.",))
    paragraphs = await article_paragraphs(entry, fetcher, min_words=150)
    assert paragraphs[0].startswith("Diplomats from both countries met in Geneva")
    assert len(paragraphs) >= 5


async def test_plain_text_article_page_is_cleaned(
    feed_server: FeedServer, fetcher: FeedFetcher
) -> None:
    url = feed_server.serve(
        "/rt.txt", RT_PAGE.read_bytes(), content_type="text/plain; charset=utf-8"
    )
    entry = Entry(dedup_key="k2", url=url, title="Namaste", paragraphs=("Teaser.",))
    paragraphs = await article_paragraphs(entry, fetcher, min_words=150)
    assert any("Kulik told RT" in p for p in paragraphs)
    assert not any("Lavrov" in p for p in paragraphs)


async def test_entry_with_enough_words_is_not_fetched(
    feed_server: FeedServer, fetcher: FeedFetcher
) -> None:
    url = feed_server.serve("/geneva", fixture_bytes("article.html"), content_type="text/html")
    entry = Entry(dedup_key="k3", url=url, title="Talks", paragraphs=("one two three four",))
    assert await article_paragraphs(entry, fetcher, min_words=4) == ("one two three four",)
    assert feed_server.requests == []


async def test_page_failure_falls_back_to_the_feed_text(
    feed_server: FeedServer, fetcher: FeedFetcher, caplog: pytest.LogCaptureFixture
) -> None:
    url = feed_server.serve("/gone", b"missing", status=404, content_type="text/html")
    entry = Entry(dedup_key="k4", url=url, title="Talks", paragraphs=("Diplomats met.",))
    with caplog.at_level(logging.INFO, logger="bot.reader.extract"):
        assert await article_paragraphs(entry, fetcher, min_words=150) == ("Diplomats met.",)
    assert "HTTP 404" in caplog.text


async def test_private_article_url_is_not_fetched_when_not_allowed(
    feed_server: FeedServer,
) -> None:
    url = feed_server.serve("/geneva", fixture_bytes("article.html"), content_type="text/html")
    entry = Entry(dedup_key="k5", url=url, title="Talks", paragraphs=("Diplomats met.",))
    async with FeedFetcher(Settings(_env_file=None, allow_private_urls=False)) as guarded:
        assert await article_paragraphs(entry, guarded, min_words=150) == ("Diplomats met.",)
    assert feed_server.requests == []


async def test_non_article_content_falls_back_to_the_feed_text(
    feed_server: FeedServer, fetcher: FeedFetcher
) -> None:
    url = feed_server.serve("/doc.pdf", b"%PDF-1.7 ...", content_type="application/pdf")
    entry = Entry(dedup_key="k6", url=url, title="Report", paragraphs=("A report.",))
    assert await article_paragraphs(entry, fetcher, min_words=150) == ("A report.",)


async def test_entry_without_url_keeps_its_text(fetcher: FeedFetcher) -> None:
    assert await article_paragraphs(TEASER, fetcher, min_words=150) == TEASER.paragraphs
