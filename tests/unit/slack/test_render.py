"""Slack Block Kit rendering: Slack's limits, escaping of every piece of feed text, order."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.models import Digest, DigestStory, Quote, Rendered, SourceLink
from handlers.slack.render import (
    HEADER_LIMIT,
    MAX_BLOCKS,
    SECTION_LIMIT,
    TEXT_LIMIT,
    render_slack_alert,
    render_slack_digest,
)
from tests.fakes.slack_api import SlackError, blocks_text, check_blocks, read_mrkdwn

# Feed text that tries hard to look like mrkdwn and links, plus astral characters.
hostile_text = st.lists(
    st.one_of(
        st.sampled_from(list("<>&|*_~`\"' ab\n")),
        st.sampled_from(["<!channel>", "<https://evil.example|click>", "&amp;", "&lt;", ">quote"]),
        st.sampled_from(["🇮🇳", "😀", "𝔸", "é", "\u200d"]),
        st.characters(blacklist_categories=("Cs",)),
    ),
    max_size=30,
).map("".join)
long_text = st.builds(lambda unit, n: unit * n, hostile_text, st.integers(0, 60))
urls = st.one_of(
    st.builds(lambda p: f"https://news.example/{p}", hostile_text),
    st.sampled_from(
        ["javascript:alert(1)", "ftp://x/y", "", "//evil", "https://a.example/?a=1&b=2"]
    ),
)
quotes = st.builds(
    Quote,
    text=st.one_of(hostile_text, long_text),
    start=st.just(0),
    end=st.just(1),
    speaker=st.none() | hostile_text,
    role=st.none() | hostile_text,
    key=st.booleans(),
)
stories = st.builds(
    DigestStory,
    headline=st.one_of(hostile_text, long_text),
    url=urls,
    sources=st.lists(st.builds(SourceLink, name=hostile_text, url=urls), max_size=12).map(tuple),
    summary=st.lists(st.one_of(hostile_text, long_text), max_size=4).map(tuple),
    quotes=st.lists(quotes, max_size=4).map(tuple),
    countries=st.lists(st.sampled_from(["IN", "RU", "us"]), max_size=3).map(tuple),
    themes=st.lists(hostile_text, max_size=3).map(tuple),
    published=st.none() | st.just(datetime(2026, 11, 25, 7, 30, tzinfo=UTC)),
)
digests = st.builds(
    Digest,
    title=st.one_of(hostile_text, long_text),
    stories=st.lists(stories, min_size=1, max_size=30).map(tuple),
    generated_at=st.none() | st.just(datetime(2026, 11, 25, 8, tzinfo=UTC)),
)

# Fewer stories where the test reads every message's text: as thorough, much quicker.
small_digests = st.builds(
    Digest,
    title=hostile_text,
    stories=st.lists(stories, min_size=1, max_size=6).map(tuple),
)

PUBLISHED_TS = int(datetime(2026, 11, 25, 7, 30, tzinfo=UTC).timestamp())


def clean(text: str) -> str:
    return " ".join(text.split())


def blocks(message: Rendered) -> list[dict[str, Any]]:
    assert message.format == "blocks"
    parsed: list[dict[str, Any]] = json.loads(message.payload)
    return parsed


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def visible(messages: list[Rendered]) -> str:
    return "\n".join(blocks_text(blocks(m)) for m in messages)


@settings(max_examples=60, deadline=None)
@given(digest=digests)
def test_every_message_keeps_to_block_kits_limits(digest: Digest) -> None:
    messages = render_slack_digest(digest)

    assert messages
    for message in messages:
        payload = blocks(message)
        check_blocks(payload)  # Slack's own rules, as the fake Web API applies them
        assert len(payload) <= MAX_BLOCKS
        for block in payload:
            if block["type"] == "section":
                assert 0 < utf16(block["text"]["text"]) <= SECTION_LIMIT
            if block["type"] == "header":
                assert 0 < utf16(block["text"]["text"]) <= HEADER_LIMIT
        assert 0 < utf16(message.text) <= TEXT_LIMIT


@settings(max_examples=60, deadline=None)
@given(digest=small_digests)
def test_feed_text_reads_as_text_never_as_markup(digest: Digest) -> None:
    messages = render_slack_digest(digest)

    # read_mrkdwn fails on any '<', '>' or '|' Slack would take for markup.
    text = visible(messages)
    for message in messages:
        read_mrkdwn(message.text)
    for story in digest.stories:
        for sentence in story.summary:
            # Cut parts of a long sentence are joined by a line break where they were cut.
            assert clean(sentence).replace(" ", "") in text.replace(" ", "").replace("\n", "")
    assert "<!channel>" not in "".join(m.payload for m in messages)


@settings(max_examples=100, deadline=None)
@given(story=stories)
def test_alerts_keep_to_the_limits_and_link_only_http(story: DigestStory) -> None:
    for message in render_slack_alert(story):
        payload = blocks(message)
        check_blocks(payload)
        for block in payload:
            text = block.get("text", {}).get("text", "")
            for link in (part.split("|")[0] for part in text.split("<")[1:]):
                assert link.startswith(("https://news.example/", "https://a.example/", "!date^"))


def story(n: int, *, sentences: int = 3, sentence_length: int = 200) -> DigestStory:
    body = "word " * (sentence_length // 5)
    return DigestStory(
        headline=f"Story {n}",
        url=f"https://news.example/{n}",
        sources=(SourceLink("RT", f"https://rt.example/{n}"),),
        summary=tuple(f"S{n}.{i} {body.strip()}." for i in range(sentences)),
        countries=("IN",),
    )


def test_a_long_digest_becomes_several_messages_in_order_with_whole_stories() -> None:
    digest = Digest(title="Daily", stories=tuple(story(n) for n in range(40)))

    messages = render_slack_digest(digest)

    assert len(messages) > 1
    texts = [blocks_text(blocks(m)) for m in messages]
    where = []
    for n in range(40):
        holding = [i for i, text in enumerate(texts) if f"S{n}.0 " in text]
        assert len(holding) == 1  # a story that fits one message is never split
        where.append(holding[0])
    assert where == sorted(where)
    assert blocks(messages[0])[0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Daily"},
    }
    assert "Story 39" in messages[-1].text  # each message's own notification text
    assert "Story 0" not in messages[-1].text


def test_an_oversized_story_is_cut_into_sections_in_order() -> None:
    long_story = story(1, sentences=30, sentence_length=400)

    messages = render_slack_alert(long_story)

    sections = [b for m in messages for b in blocks(m) if b["type"] == "section"]
    assert len(sections) > 3
    assert all(utf16(s["text"]["text"]) <= SECTION_LIMIT for s in sections)
    text = visible(messages)
    positions = [text.index(f"S1.{i} ") for i in range(30)]
    assert positions == sorted(positions)


def test_a_story_longer_than_a_message_continues_in_the_next() -> None:
    huge = story(1, sentences=60, sentence_length=2900)

    messages = render_slack_alert(huge)

    assert len(messages) >= 2
    assert all(len(blocks(m)) <= MAX_BLOCKS for m in messages)
    assert len(blocks(messages[0])) == MAX_BLOCKS
    text = visible(messages)
    positions = [text.index(f"S1.{i} ") for i in range(60)]
    assert positions == sorted(positions)


def test_one_huge_quote_is_cut_into_quoted_lines() -> None:
    quote = Quote("&<" * 3000, 0, 6000, speaker="Lavrov", key=True)
    alert = DigestStory("H", "https://a.example", (), quotes=(quote,))

    messages = render_slack_alert(alert)

    sections = [b["text"]["text"] for m in messages for b in blocks(m) if b["type"] == "section"]
    quoted = [line for s in sections for line in s.split("\n") if line.startswith(">")]
    assert len(quoted) >= 6
    assert "".join(read_mrkdwn(q[1:]) for q in quoted).count("&<") == 3000


@pytest.fixture
def india_russia() -> Digest:
    return Digest(
        title="World affairs — morning digest",
        generated_at=datetime(2026, 11, 25, 8, tzinfo=UTC),
        stories=(
            DigestStory(
                headline="Putin's visit | India & Russia sign <energy> deals",
                url="https://www.rt.com/india/600001-putin-visit/?utm=a&b=c",
                sources=(
                    SourceLink("RT", "https://www.rt.com/india/600001-putin-visit/"),
                    SourceLink("The Hindu", "https://www.thehindu.com/news/putin"),
                    SourceLink("Evil", "javascript:alert(1)"),
                ),
                summary=(
                    "Russian President Vladimir Putin arrived in New Delhi on Thursday.",
                    "The two sides signed agreements on energy and defence.",
                ),
                quotes=(
                    Quote(
                        "'Moscow appreciates India's foreign policy'",
                        0,
                        40,
                        speaker="Sergey Lavrov",
                        role="Russian Foreign Minister",
                        key=True,
                    ),
                    Quote("An unimportant aside", 50, 70, speaker="she"),
                ),
                countries=("IN", "RU"),
                themes=("diplomacy", "energy security"),
                published=datetime(2026, 11, 25, 7, 30, tzinfo=UTC),
            ),
        ),
    )


def test_realistic_digest_reads_as_intended(india_russia: Digest) -> None:
    [message] = render_slack_digest(india_russia)

    header, date_line, divider, section, context = blocks(message)
    assert divider == {"type": "divider"}
    assert header["text"]["text"] == "World affairs — morning digest"
    assert date_line["elements"][0]["text"] == "25 November 2026 · 1 story"
    assert section["text"]["text"] == (
        "*<https://www.rt.com/india/600001-putin-visit/?utm=a&amp;b=c|"
        "Putin's visit ¦ India &amp; Russia sign &lt;energy&gt; deals>*\n"
        "Reported by 3 outlets: <https://www.rt.com/india/600001-putin-visit/|RT>, "
        "<https://www.thehindu.com/news/putin|The Hindu>, Evil\n"
        "Russian President Vladimir Putin arrived in New Delhi on Thursday. "
        "The two sides signed agreements on energy and defence.\n"
        ">“Moscow appreciates India's foreign policy”\n"
        ">— Sergey Lavrov, Russian Foreign Minister"
    )
    assert context["elements"][0]["text"] == (
        "Countries: India, Russia · Themes: diplomacy, energy security · "
        f"<!date^{PUBLISHED_TS}^{{date_short_pretty}} {{time}}|25 Nov 2026 07:30 UTC>"
    )
    assert message.text == (
        "World affairs — morning digest: 25 November 2026 · 1 story\n"
        "• <https://www.rt.com/india/600001-putin-visit/?utm=a&amp;b=c|"
        "Putin's visit ¦ India &amp; Russia sign &lt;energy&gt; deals>"
    )


def test_stories_are_divided(india_russia: Digest) -> None:
    two = Digest("Daily", (*india_russia.stories, story(2)))

    [message] = render_slack_digest(two)

    kinds = [b["type"] for b in blocks(message)]
    assert kinds == [
        *("header", "context", "divider"),
        *("section", "context", "divider", "section", "context"),
    ]


def test_an_alert_is_the_story_alone(india_russia: Digest) -> None:
    [alert] = render_slack_alert(india_russia.stories[0])

    assert [b["type"] for b in blocks(alert)] == ["section", "context"]
    assert alert.text.startswith("New story\n• <https://www.rt.com/")


def test_an_update_names_only_who_else_reported_a_story_the_chat_had(
    india_russia: Digest,
) -> None:
    had = replace(
        india_russia.stories[0],
        sources=(SourceLink("Kyodo", "https://english.kyodonews.net/news/putin"),),
        update=True,
    )
    digest = replace(india_russia, stories=(story(1), had))

    [message] = render_slack_digest(digest)
    [alert] = render_slack_alert(had)

    assert blocks(message)[1]["elements"][0]["text"] == "25 November 2026 · 1 story · 1 update"
    update_section = blocks(message)[-1]
    assert update_section["type"] == "section"
    assert update_section["text"]["text"] == (
        "Update: *<https://www.rt.com/india/600001-putin-visit/?utm=a&amp;b=c|"
        "Putin's visit ¦ India &amp; Russia sign &lt;energy&gt; deals>*\n"
        "Also reported by <https://english.kyodonews.net/news/putin|Kyodo>"
    )
    assert "Putin arrived" not in visible([message, alert])
    assert alert.text.startswith("Update\n")


def test_empty_digest_tells_the_user_what_to_do() -> None:
    [message] = render_slack_digest(Digest(title="Daily", stories=()))

    assert message.format == ""
    assert message.text.startswith("No new stories")
    assert "/geodigest list" in message.text


def test_blocks_slack_would_refuse_are_refused_by_the_fake() -> None:
    with pytest.raises(SlackError):
        check_blocks([{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}])
    with pytest.raises(SlackError):
        check_blocks([{"type": "divider"}] * 51)
