"""Direct quotations: verbatim spans, quote styles, speakers, key quotes."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.analysis.quotes.find import find_quotes
from bot.analysis.quotes.keys import pick_key_quotes
from bot.models import Quote
from tests.paths import FIXTURES


def rt_article() -> str:
    page = (FIXTURES / "rt-india-russia-page.txt").read_text(encoding="utf-8")
    return page.split("\nHashtags", 1)[0]


def only(text: str) -> Quote:
    quotes = find_quotes(text)
    assert len(quotes) == 1, quotes
    return quotes[0]


def assert_verbatim(text: str, quotes: list[Quote]) -> None:
    for quote in quotes:
        assert text[quote.start : quote.end] == quote.text


# --- quote styles -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "inside"),
    [
        ('"We will not back down from this fight," Smith said.', "We will not back down"),
        ("“We will not back down from this fight,” Smith said.", "We will not back down"),
        ("‘We will not back down from this fight,’ Smith said.", "We will not back down"),
        ("'We will not back down from this fight,' Smith said.", "We will not back down"),
        ("« We will not back down from this fight », a dit Smith.", "We will not back down"),
        ("”We will not back down from this fight.” ― Ann Smith", "We will not back down"),
    ],
)
def test_each_quotation_mark_style_gives_the_words_inside(text: str, inside: str) -> None:
    quote = only(text)
    assert quote.text.startswith(inside)
    assert text[quote.start : quote.end] == quote.text
    assert quote.text[0] not in "\"'“”‘’«» "
    assert not quote.key


def test_apostrophes_inside_words_do_not_close_a_single_quoted_passage() -> None:
    text = "'Moscow appreciates India's policy and we don't doubt it,' the envoy said."
    assert only(text).text == "Moscow appreciates India's policy and we don't doubt it,"


def test_plural_possessive_does_not_close_a_single_quoted_passage() -> None:
    text = "'The ministers' talks were useful for both of our countries,' Smith said."
    assert only(text).text == "The ministers' talks were useful for both of our countries,"


def test_scare_quotes_and_short_phrases_are_not_quotes() -> None:
    text = 'He called the plan a "disaster" and a "total betrayal" on Monday.'
    assert find_quotes(text) == []


def test_a_book_title_is_not_a_quote() -> None:
    text = "The volume, titled 'India and Russia: Enduring Trust in a New Era', is out."
    assert find_quotes(text) == []


def test_quote_running_over_paragraphs_gives_one_quote_per_paragraph_same_speaker() -> None:
    text = (
        'Anna Berg, the mayor, said: "We rebuilt the bridge in six months.\n\n'
        '"Nobody believed we could do it, but the town came together."\n\n'
        "The bridge opened on Friday."
    )
    quotes = find_quotes(text)
    assert [q.text for q in quotes] == [
        "We rebuilt the bridge in six months.",
        "Nobody believed we could do it, but the town came together.",
    ]
    assert [q.speaker for q in quotes] == ["Anna Berg", "Anna Berg"]
    assert_verbatim(text, quotes)


def test_split_quote_gives_two_quotes_attributed_to_the_same_person() -> None:
    text = (
        "Foreign Minister Jonas Lind met reporters in Oslo. "
        '"The talks were difficult," he said. "But we reached an agreement on every point."'
    )
    quotes = find_quotes(text)
    assert [q.text for q in quotes] == [
        "The talks were difficult,",
        "But we reached an agreement on every point.",
    ]
    assert [q.speaker for q in quotes] == ["Jonas Lind", "Jonas Lind"]


def test_quotes_nested_in_quotes_stay_inside_the_outer_quote() -> None:
    text = "“I would rather live in what he calls “hell” than anywhere else,” said Ana Ruiz."
    quote = only(text)
    assert quote.text == "I would rather live in what he calls “hell” than anywhere else,"
    assert quote.speaker == "Ana Ruiz"


def test_transcript_label_names_the_speaker_and_is_not_part_of_the_quote() -> None:
    text = 'Transcript:\n\n"WALLACE: Will she be at the debate tomorrow night?"'
    quote = only(text)
    assert quote.text == "Will she be at the debate tomorrow night?"
    assert quote.speaker == "Wallace"


# --- speakers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ('"The sanctions have failed completely," Ivan Petrov told RT.', "Ivan Petrov"),
        ('"The sanctions have failed completely," said Ivan Petrov.', "Ivan Petrov"),
        ("Ivan Petrov noted that 'the sanctions have failed completely.'", "Ivan Petrov"),
        ('According to Ivan Petrov, "the sanctions have failed completely."', "Ivan Petrov"),
        ('Ivan Petrov writes: "The sanctions have failed completely."', "Ivan Petrov"),
        ('Ivan Petrov said on Monday that "the sanctions have failed completely."', "Ivan Petrov"),
        ('"The sanctions have failed completely," the Kremlin said.', "the Kremlin"),
        (
            '"The sanctions have failed completely," the State Department said.',
            "the State Department",
        ),
        ('"The sanctions have failed completely," Mr. Petrov said on Monday.', "Petrov"),
    ],
)
def test_attribution_patterns(text: str, speaker: str) -> None:
    assert only(text).speaker == speaker


def test_apposition_gives_the_role_and_the_full_name_is_used_later() -> None:
    text = (
        "Maria Lopez, head of the Center for Energy Studies at the National University of "
        'Mexico, argued that "prices will keep rising through the winter."\n\n'
        '"Nobody is ready for this," Lopez added.'
    )
    quotes = find_quotes(text)
    assert [q.speaker for q in quotes] == ["Maria Lopez", "Maria Lopez"]
    assert quotes[0].role == "head of the Center for Energy Studies"


def test_pronoun_resolves_to_the_last_person_of_the_right_gender() -> None:
    text = (
        "Ms. Anna Green chaired the meeting. Mr. Peter Brown spoke next.\n\n"
        "'We will not accept these terms at all,' she said."
    )
    assert only(text).speaker == "Anna Green"


def test_speaker_in_the_sentence_before_a_standalone_quote() -> None:
    text = (
        "Workers gathered outside the plant on Tuesday, said union leader Tom Hale.\n\n"
        '"This factory has fed three generations of our families."'
    )
    assert only(text).speaker == "Tom Hale"


def test_no_speaker_when_nothing_credible_is_near() -> None:
    text = '"Four score and seven years ago our fathers brought forth a nation."'
    assert only(text).speaker is None


# --- the RT seed article ------------------------------------------------------------------


def test_rt_article_quotes_speakers_and_roles() -> None:
    text = rt_article()
    quotes = find_quotes(text)
    assert_verbatim(text, quotes)
    by_start = {q.text.split()[0]: q for q in quotes}
    assert len(quotes) == 3

    kulik = by_start["This"]
    assert kulik.text.startswith("This edition is a selection of opinions")
    assert kulik.speaker == "Lydia Kulik"
    assert kulik.role is not None
    assert "India Studies" in kulik.role or "SKOLKOVO" in kulik.role

    moscow = by_start["Moscow"]
    assert moscow.text == (
        "Moscow appreciates India's foreign policy based on the pillars of strategic autonomy."
    )
    assert moscow.speaker == "Tatyana Shaumyan"

    writes = by_start["In"]
    assert writes.text.startswith("In its strategic orientations")
    assert writes.text.endswith("strengthens,")
    assert writes.speaker == "Tatyana Shaumyan"


def test_rt_book_title_is_not_a_quote() -> None:
    titles = [q for q in find_quotes(rt_article()) if "Enduring Trust" in q.text]
    assert titles == []


# --- key quotes ---------------------------------------------------------------------------

ARTICLE_QUOTES = [
    Quote("We will keep talking to everyone who wants peace in the region,", 0, 10, "Ana Ruiz"),
    Quote("It was short,", 20, 30, "Ana Ruiz"),
    Quote("The budget cuts will close four hospitals before the winter comes.", 40, 50, "he"),
    Quote("Our troops will stay on the border for as long as it takes now.", 60, 70, "Li Wei"),
    Quote("Our troops will stay on the border for as long as it takes.", 80, 90, "Li Wei"),
    Quote("Nobody has asked the farmers what they think about the new tariffs.", 100, 110),
]


def test_key_quotes_are_named_substantive_and_not_repeated() -> None:
    picked = pick_key_quotes(ARTICLE_QUOTES, ["Ruiz met Li Wei in Beijing."])
    assert [q.text for q in picked] == [q.text for q in ARTICLE_QUOTES]
    keys = [q.text for q in picked if q.key]
    assert ARTICLE_QUOTES[0].text in keys
    assert sum("Our troops" in k for k in keys) == 1  # near-duplicates: only one
    assert "It was short," not in keys  # too short
    assert ARTICLE_QUOTES[2].text not in keys  # a pronoun is no named speaker
    assert ARTICLE_QUOTES[5].text not in keys  # no speaker


def test_key_quote_that_repeats_the_summary_is_not_picked() -> None:
    summary = ["Ana Ruiz said she will keep talking to everyone who wants peace in the region."]
    keys = [q for q in pick_key_quotes(ARTICLE_QUOTES, summary) if q.key]
    assert ARTICLE_QUOTES[0].text not in [q.text for q in keys]
    assert keys


def test_key_quotes_respect_the_limit() -> None:
    assert sum(q.key for q in pick_key_quotes(ARTICLE_QUOTES, [], limit=1)) == 1
    assert pick_key_quotes([], ["anything"]) == []


# --- properties ---------------------------------------------------------------------------

_QUOTE_HEAVY = st.lists(
    st.sampled_from([*"ab Cd,.:;'\"“”‘’«»\n—s", "India's", " said ", " he ", "Mr. Li", "''"]),
    max_size=80,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.one_of(_QUOTE_HEAVY, st.text(max_size=300)))
def test_every_quote_is_a_verbatim_span_and_find_quotes_never_raises(text: str) -> None:
    quotes = find_quotes(text)
    assert_verbatim(text, quotes)
    starts = [q.start for q in quotes]
    assert starts == sorted(starts)
    assert all(not q.key for q in quotes)
