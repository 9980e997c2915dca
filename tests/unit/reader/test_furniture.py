"""Page furniture a reader never wants in the article text, and headlines without site names."""

from __future__ import annotations

import pytest

from bot.reader.extract import clean_plain_text
from bot.reader.furniture import clean_headline, strip_furniture

LEAD = (
    "Foreign ministers of the two countries met in Warsaw on Monday and agreed to reopen the "
    "border crossing that has been closed since the spring."
)
BODY = (
    "The crossing carries most of the trade between them, and its closure had left hundreds "
    "of lorries waiting on both sides for weeks."
)
ONE_PARAGRAPH = (
    "Poland and Lithuania agreed on Monday to reopen the border crossing that has been closed "
    "since the spring, their foreign ministers said after talks in Warsaw. The crossing carries "
    "most of the trade between them. Lorries had waited on both sides for weeks."
)


@pytest.mark.parametrize(
    "line",
    [
        "Image source, Getty Images",
        "A lorry driver waits at the crossing near Budzisko.Image source, Reuters",
        "Short Url",
        "https://example.news/4x8q2",
        "Updated 12 March 2025, 14:05 GMT",
        "Published 3 hours ago",
        "JANE DOESaturday, 17 May 2025, 16:15",
        "Follow",
        "Follow us on Telegram",
        "Home › World › Europe",
        "News | World | Europe",
        "By Jane Doe and John Roe",
        "Lorries queue at the border crossing on Monday. REUTERS/Jane Doe",
        "Lorries queue at the border crossing on Monday. (Photo: Jane Doe)",
        "The minister arrives in Warsaw. Photo by Jane Doe/AFP via Getty Images",
        "Jane Doe is a correspondent for the paper covering Central Europe.",
        "All news",
        "ads banner",
        "The two ministers meet in Warsaw on Monday. (PAP)",
        "The two ministers meet in Warsaw on Monday. PAP",
        "The two ministers meet in Warsaw. (Polish Foreign Ministry/dpa)",
        "20",
        "101/211/219",
        "TT",
    ],
)
def test_furniture_lines_are_cut_where_they_stand(line: str) -> None:
    assert strip_furniture([LEAD, line, BODY]) == (LEAD, BODY)


def test_a_caption_under_its_label_goes_with_the_label() -> None:
    lines = [LEAD, "Image caption,", "Lorries waiting at the crossing in April", BODY]

    assert strip_furniture(lines) == (LEAD, BODY)


@pytest.mark.parametrize(
    "line",
    [
        "Follow-up talks are planned for next month, the ministry said.",
        "Share prices of the rail operator rose after the announcement.",
        "Home Secretary Jane Doe said the government would review the decision.",
        "The minister was a journalist before she entered politics.",
        "Updated figures show trade fell by a third in the first half of the year.",
        "The plan was sent to the International Atomic Energy Agency (IAEA).",
        "Both sides said talks would continue (AP).",
    ],
)
def test_article_sentences_that_look_like_furniture_stay(line: str) -> None:
    assert strip_furniture([LEAD, line, BODY]) == (LEAD, line, BODY)


def test_unrelated_stories_under_a_footer_marker_are_cut() -> None:
    lines = [LEAD, BODY, "Related Articles", "Pop star announces world tour", ONE_PARAGRAPH]

    assert strip_furniture(lines) == (LEAD, BODY)


def test_a_bare_read_more_over_other_stories_ends_the_article() -> None:
    lines = [LEAD, BODY, "Read More:", "Pop star announces world tour", ONE_PARAGRAPH]

    assert strip_furniture(lines) == (LEAD, BODY)


def test_headlines_at_the_foot_of_the_page_are_not_article_text() -> None:
    lines = [LEAD, BODY, "Pop star announces world tour", "PolandLithuania"]

    assert strip_furniture(lines) == (LEAD, BODY)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Lavrov begins visit to North Korea (VIDEO)", "Lavrov begins visit to North Korea"),
        ("Poland reopens border crossing | Reuters", "Poland reopens border crossing"),
        ("Poland reopens border crossing - BBC News", "Poland reopens border crossing"),
        ("Poland reopens border crossing – RT World News", "Poland reopens border crossing"),
        ("WATCH: Poland reopens border crossing", "Poland reopens border crossing"),
        (
            "Kiev needs ceasefire by the end of 2025 – Ukrainian spy chief",
            "Kiev needs ceasefire by the end of 2025 – Ukrainian spy chief",
        ),
    ],
)
def test_headlines_lose_video_labels_and_site_names(raw: str, clean: str) -> None:
    assert clean_headline(raw) == clean


def test_a_one_paragraph_page_is_all_text_and_has_no_title() -> None:
    assert clean_plain_text(ONE_PARAGRAPH + "\n") == ("", (ONE_PARAGRAPH,))


def test_a_first_line_closed_like_a_sentence_is_text() -> None:
    page = f"{LEAD}\n{BODY}\n"

    assert clean_plain_text(page) == ("", (LEAD, BODY))


def test_a_page_that_opens_with_navigation_gets_its_real_headline() -> None:
    page = (
        "All news\nads banner\nWorld\nPoland and Lithuania reopen border crossing\n"
        f"By Jane Doe\nUpdated 12 March 2025\n{LEAD}\n{BODY}\n"
    )

    assert clean_plain_text(page) == ("Poland and Lithuania reopen border crossing", (LEAD, BODY))


def test_a_headline_repeated_under_itself_is_not_text() -> None:
    headline = "Poland and Lithuania reopen border crossing"
    page = f"{headline} | Example News\n{headline}\n{LEAD}\n"

    assert clean_plain_text(page) == (headline, (LEAD,))


def test_a_long_first_line_cut_off_mid_sentence_is_text_not_a_title() -> None:
    cut_off = ONE_PARAGRAPH.removesuffix(" for weeks.")

    assert clean_plain_text(cut_off + "\n") == ("", (cut_off,))
