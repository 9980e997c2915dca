"""Sentence splitting on news text: abbreviations, initials, numbers, quotes, line breaks."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.analysis.quotes.names import sentence_starts
from bot.analysis.sentences import split_sentences


def texts(text: str) -> list[str]:
    return [s.text for s in split_sentences(text)]


def test_titles_and_acronyms_do_not_end_sentences() -> None:
    text = (
        "Mr. Blinken met Dr. Jaishankar and Gen. Dwivedi at the U.S. embassy. "
        "Sen. Graham joined them later."
    )

    assert texts(text) == [
        "Mr. Blinken met Dr. Jaishankar and Gen. Dwivedi at the U.S. embassy.",
        "Sen. Graham joined them later.",
    ]


def test_initials_dates_and_decimals_stay_inside_a_sentence() -> None:
    text = (
        "J. R. R. Tolkien was born on Jan. 3, 1892, in South Africa. "
        "Growth slowed to 3.5 percent at No. 10's last count. The end came at 5 p.m. on Friday."
    )

    assert texts(text) == [
        "J. R. R. Tolkien was born on Jan. 3, 1892, in South Africa.",
        "Growth slowed to 3.5 percent at No. 10's last count.",
        "The end came at 5 p.m. on Friday.",
    ]


def test_acronym_at_the_end_of_a_sentence_splits_before_a_new_one() -> None:
    assert texts("Talks were held in the U.S. The delegation left on Monday.") == [
        "Talks were held in the U.S.",
        "The delegation left on Monday.",
    ]


def test_quotes_that_end_sentences_stay_with_their_sentence() -> None:
    text = (
        '"We will not give in," he said. '
        "'This is the start of a new era.' "
        '"Is this the end?” she asked. Nobody answered... Then the talks resumed.'
    )

    assert texts(text) == [
        '"We will not give in," he said.',
        "'This is the start of a new era.'",
        '"Is this the end?” she asked.',
        "Nobody answered...",
        "Then the talks resumed.",
    ]


def test_a_headline_never_merges_into_the_first_sentence() -> None:
    text = "Leaders meet in Geneva\nThe summit opened on Monday. It ends today.\n\nA new paragraph."

    sentences = split_sentences(text)

    assert [s.text for s in sentences] == [
        "Leaders meet in Geneva",
        "The summit opened on Monday.",
        "It ends today.",
        "A new paragraph.",
    ]
    assert [(s.paragraph, s.index) for s in sentences] == [(0, 0), (0, 1), (0, 2), (1, 0)]


def test_offsets_point_into_the_original_text() -> None:
    text = "  First one.   Second one!\n\n\nThird?  "

    for sentence in split_sentences(text):
        assert text[sentence.start : sentence.end] == sentence.text
    assert texts(text) == ["First one.", "Second one!", "Third?"]


news_alphabet = st.sampled_from(
    [*"abcXYZ .,!?\"'”’…\n", "Mr. ", "U.S. ", "3.5 ", "J. ", "\n\n", " said. ", "?” "]
)


@given(st.lists(news_alphabet, max_size=60).map("".join))
def test_spans_are_verbatim_ordered_and_cover_all_text(text: str) -> None:
    sentences = split_sentences(text)

    previous_end = 0
    for sentence in sentences:
        assert sentence.text == text[sentence.start : sentence.end]
        assert sentence.text
        assert sentence.text == sentence.text.strip()
        assert sentence.start >= previous_end
        # Only whitespace lies between consecutive sentences.
        assert text[previous_end : sentence.start].strip() == ""
        previous_end = sentence.end
    assert text[previous_end:].strip() == ""


@pytest.mark.parametrize("title", ["Gen.", "Brig.", "Supt.", "Amb.", "Hon.", "Sen.", "Dr."])
def test_the_sentence_splitter_and_the_quote_finder_know_the_same_abbreviations(
    title: str,
) -> None:
    text = f"The talks with {title} Smith lasted until midnight. Officials said little more."

    assert texts(text) == [
        f"The talks with {title} Smith lasted until midnight.",
        "Officials said little more.",
    ]
    assert sentence_starts(text) == [0, text.index("Officials")]
