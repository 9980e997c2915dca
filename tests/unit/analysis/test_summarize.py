"""Extractive summaries: short, faithful, in article order, free of page furniture."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.analysis.sentences import split_sentences
from bot.analysis.summarize import summarize
from tests.paths import FIXTURES

ARTICLE = "\n".join(
    [
        "By Jane Doe, Diplomatic Correspondent",
        "Published: 10:02 GMT, 4 March 2025",
        "",
        "Norway and Finland agreed on Tuesday to build a joint air-defence system along "
        "their Arctic border, the two governments said.",
        "The agreement, signed in Oslo by both defence ministers, covers radar stations, "
        "shared command centers and training.",
        "The defence ministers of Norway and Finland (pictured) sign the Arctic agreement "
        "in Oslo. (Photo: Getty Images)",
        "Officials said the first radar stations on the Arctic border would be running "
        "by the end of next year.",
        "What does this mean for you?",
        '"It is a historic day."',
        "Read more: Nordic defence spending hits a record high as both countries rearm.",
        "Finland joined NATO in 2023, and Norway is a founding member of the alliance.",
        "Both governments will ask their parliaments to approve the Arctic air-defence "
        "budget this spring.",
    ]
)

NOISE = (
    "By Jane Doe",
    "Published:",
    "(pictured)",
    "(Photo:",
    "What does this mean for you?",
    '"It is a historic day."',
    "Read more",
)


def test_summary_has_two_or_three_sentences_of_the_text_in_article_order() -> None:
    summary = summarize(ARTICLE, sentences=3)

    sentences = [s.text for s in split_sentences(ARTICLE)]
    assert 2 <= len(summary) <= 3
    assert all(s in sentences for s in summary)
    assert [sentences.index(s) for s in summary] == sorted(sentences.index(s) for s in summary)
    assert len(set(summary)) == len(summary)


def test_summary_opens_with_the_news_and_skips_bylines_captions_and_calls_to_action() -> None:
    summary = summarize(
        ARTICLE, sentences=3, title="Norway and Finland to build Arctic air defence"
    )

    assert summary[0].startswith("Norway and Finland agreed on Tuesday")
    for sentence in summary:
        assert not any(marker in sentence for marker in NOISE)


def test_sentence_count_follows_the_setting() -> None:
    assert len(summarize(ARTICLE, sentences=2)) == 2
    assert summarize(ARTICLE, sentences=0) == []


def test_headline_repeated_in_the_text_is_not_repeated_in_the_summary() -> None:
    title = "Norway and Finland to build Arctic air defence."
    text = f"{title}\n{ARTICLE}"

    assert title not in summarize(text, title=title)


def test_empty_or_noise_only_text_gives_no_summary() -> None:
    assert summarize("") == []
    assert summarize("Read more: our top stories\nClick here to subscribe.") == []


def test_rt_page_summary_stays_inside_the_article() -> None:
    page = (FIXTURES / "rt-india-russia-page.txt").read_text(encoding="utf-8")
    article, _, boilerplate = page.partition("\nHashtags")
    title = article.split("\n", 1)[0]

    summary = summarize(article, title=title)

    assert len(summary) == 3
    assert all(sentence in article for sentence in summary)
    assert not any(sentence in boilerplate for sentence in summary)
    assert any("India" in sentence for sentence in summary)


sentence_text = st.from_regex(r"[A-Z][a-z]{1,8}( [a-z]{1,8}){3,12}[.!?]", fullmatch=True)


# No deadline: timing belongs in benchmarks, and a loaded machine must not fail the test.
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(sentence_text, min_size=1, max_size=12), st.sampled_from([" ", "\n", "\n\n"]))
def test_summaries_are_verbatim_sentences_of_the_text(sentences: list[str], glue: str) -> None:
    text = glue.join(sentences)

    summary = summarize(text, sentences=3)

    spans = [s.text for s in split_sentences(text)]
    assert len(summary) <= 3
    assert all(s in spans for s in summary)
    assert len(set(summary)) == len(summary)


QUOTED = " ".join(
    [
        "The European Union agreed on Monday to extend sanctions on Iran's drone makers for "
        "another year, diplomats in Brussels said.",
        "“We will not stand by while these drones are used against civilians. Every shipment "
        "that reaches Russia prolongs the war,” the bloc's foreign policy chief told reporters "
        "after the meeting.",
        "Iran's foreign ministry said the sanctions were illegal and would not change its "
        "policy on arms exports to Russia.",
        "The measures freeze the assets of eight companies and ban travel by four executives "
        "accused of supplying engines for the drones.",
    ]
)


def quote_marks_balanced(sentence: str) -> bool:
    return sentence.count("“") == sentence.count("”") and sentence.count('"') % 2 == 0


def test_a_quote_over_two_sentences_is_one_unit_or_left_out() -> None:
    for limit in (1, 2, 3, 4):
        summary = summarize(QUOTED, sentences=limit)

        assert all(quote_marks_balanced(sentence) for sentence in summary)
        assert not any(sentence.startswith("Every shipment") for sentence in summary)


def test_a_whole_multi_sentence_quote_may_be_used() -> None:
    summary = summarize(QUOTED, sentences=4)

    assert any(sentence.startswith("“We will not stand by") for sentence in summary)
    assert all(sentence in QUOTED for sentence in summary)


def test_a_quote_that_runs_on_into_the_next_paragraph_is_not_used() -> None:
    text = "\n\n".join(
        [
            "Lithuania's president said on Friday that the country would double its defense "
            "spending over the next three years.",
            "“The threat is real and it is growing. We have to be ready for the worst,” he "
            "told parliament in Vilnius, adding that the money would go to air defenses.",
            "“Our allies expect it of us,",
            "“and our citizens expect it even more.”",
        ]
    )

    summary = summarize(text, sentences=5)

    assert all(quote_marks_balanced(sentence) for sentence in summary)
    assert not any("allies expect" in sentence for sentence in summary)


@pytest.mark.parametrize(
    "dateline",
    [
        "BRUSSELS/TEHRAN: ",
        "WASHINGTON — ",
        "BEIJING, Sept. 30 (Xinhua) -- ",
        "KYIV, Ukraine (AP) — ",
        "New Delhi, Dec 3 (PTI): ",
        "(CNN) -- ",
        "Example Press/Middle East: ",
        "Details: ",
    ],
)
def test_datelines_are_not_summary_text(dateline: str) -> None:
    lead = (
        "The European Union agreed on Monday to extend sanctions on Iran's drone makers for "
        "another year, diplomats said."
    )
    text = f"{dateline}{lead} Iran's foreign ministry called the decision illegal and hostile."

    summary = summarize(text, sentences=2)

    assert summary[0] == lead
    assert summary[0] in text


def test_captions_are_not_summary_text() -> None:
    text = "\n".join(
        [
            "Poland and Lithuania agreed on Monday to reopen the border crossing that has been "
            "closed since the spring.",
            "Image source, Getty Images. Lorries wait at the crossing near Budzisko on Sunday.",
            "Lorries wait in a queue at the crossing near Budzisko. REUTERS/Jane Doe",
            "Lorries wait at the crossing near Budzisko on Sunday. (Photo: Jane Doe/AFP)",
            "The crossing carries most of the road freight between the two countries.",
        ]
    )

    summary = summarize(text, sentences=3)

    assert not any("Lorries wait" in sentence for sentence in summary)


def test_a_sentence_that_leans_on_an_earlier_one_never_opens_the_summary() -> None:
    text = " ".join(
        [
            "A group of Polish and Lithuanian historians met in Vilnius this week.",
            "Their ideas on the shared history of the two countries have been collected in a "
            "new book on Polish Lithuanian relations published in Warsaw.",
            "He added that Polish Lithuanian relations had never been better.",
            "The book on Polish Lithuanian relations will be translated into English next year.",
        ]
    )
    title = "Book on Polish Lithuanian relations"

    for limit in (1, 2, 3):
        summary = summarize(text, sentences=limit, title=title)

        assert summary
        assert not summary[0].startswith(("Their", "He added"))


def test_the_summary_prefers_reporting_to_quoted_words() -> None:
    text = " ".join(
        [
            "Lithuania will double its defense spending over the next three years, the "
            "president said on Friday.",
            "“Lithuania will double defense spending over the next three years, and the money "
            "will go to air defenses,” the president said.",
            "The extra defense spending will pay for air defenses and a new brigade, the "
            "defense ministry said.",
        ]
    )

    summary = summarize(text, sentences=2)

    assert not any(sentence.startswith("“") for sentence in summary)


def test_a_lead_said_again_in_other_words_is_not_repeated() -> None:
    text = " ".join(
        [
            "Poland and Lithuania agreed on Monday to reopen the border crossing at Budzisko.",
            "Poland and Lithuania agreed on Monday to reopen the Budzisko border crossing soon.",
            "Weather was mild.",
            "Some lorries waited for weeks at the frontier, drivers told local radio stations.",
            "Hauliers in both countries welcomed the decision of the two governments.",
        ]
    )

    summary = summarize(text, sentences=2, title="Poland and Lithuania reopen Budzisko crossing")

    assert len(summary) == 2
    assert sum("Budzisko" in sentence for sentence in summary) == 1
