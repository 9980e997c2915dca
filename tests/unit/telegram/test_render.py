"""Telegram HTML rendering: limits, balanced tags, escaping of every piece of feed text."""

from __future__ import annotations

from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.models import Digest, DigestStory, Quote, SourceLink
from handlers.telegram.render import (
    TELEGRAM_MESSAGE_LIMIT,
    render_empty_digest,
    render_plain_text,
    render_telegram_alert,
    render_telegram_html,
    utf16_len,
)
from tests.fakes.telegram_api import ApiError, parse_telegram_html

EMITTED_TAGS = {"b", "i", "a", "blockquote"}


class _Structure(HTMLParser):
    """Collects the tags of one message and fails on any imbalance."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tags: list[str] = []
        self.hrefs: list[str] = []
        self.text: list[str] = []
        # The text as a reader of plain text should get it: a link's URL after its words.
        self.read: list[str] = []
        self._link_start = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack.append(tag)
        self.tags.append(tag)
        if tag == "a":
            assert [name for name, _ in attrs] == ["href"]
            self.hrefs.append(attrs[0][1] or "")
            self._link_start = len(self.read)
        else:
            assert attrs == []

    def handle_endtag(self, tag: str) -> None:
        assert self.stack, f"</{tag}> without a start tag"
        assert self.stack.pop() == tag
        if tag == "a":
            words, href = "".join(self.read[self._link_start :]), self.hrefs[-1]
            if href and href != words:
                self.read.append(f" ({href})")

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        self.read.append(data)


def structure(message: str) -> _Structure:
    parser = _Structure()
    parser.feed(message)
    parser.close()
    assert parser.stack == [], f"unclosed tags {parser.stack}"
    return parser


def visible(messages: list[str]) -> str:
    return "\n".join("".join(structure(m).text) for m in messages)


# Feed text that tries hard to look like markup, plus astral characters (2 UTF-16 units each).
hostile_text = st.lists(
    st.one_of(
        st.sampled_from(list("<>&\"'/=; ab")),
        st.sampled_from(["<b>", "</blockquote>", "<a href='x'>", "&amp;", "&lt;", "<script>"]),
        st.sampled_from(["🇮🇳", "😀", "𝔸", "é", "\u200d"]),
        st.characters(blacklist_categories=("Cs",)),
    ),
    max_size=30,
).map("".join)
urls = st.one_of(
    st.builds(lambda p: f"https://news.example/{p}", hostile_text),
    st.sampled_from(["javascript:alert(1)", "ftp://x/y", "", "//evil", "data:text/html,<b>"]),
)
quotes = st.builds(
    Quote,
    text=hostile_text,
    start=st.just(0),
    end=st.just(1),
    speaker=st.none() | hostile_text,
    role=st.none() | hostile_text,
    key=st.booleans(),
)
stories = st.builds(
    DigestStory,
    headline=hostile_text,
    url=urls,
    sources=st.lists(st.builds(SourceLink, name=hostile_text, url=urls), max_size=4).map(tuple),
    summary=st.lists(hostile_text, max_size=4).map(tuple),
    quotes=st.lists(quotes, max_size=4).map(tuple),
    countries=st.lists(st.sampled_from(["IN", "RU", "us"]), max_size=3).map(tuple),
    themes=st.lists(hostile_text, max_size=3).map(tuple),
)
digests = st.builds(
    Digest,
    title=hostile_text,
    stories=st.lists(stories, min_size=1, max_size=6).map(tuple),
    generated_at=st.none() | st.just(datetime(2026, 11, 25, 8, tzinfo=UTC)),
)


def clean(text: str) -> str:
    return " ".join(text.split())


@settings(max_examples=150, deadline=None)
@given(digest=digests, limit=st.integers(min_value=120, max_value=TELEGRAM_MESSAGE_LIMIT))
def test_messages_fit_the_limit_with_balanced_allowed_tags(digest: Digest, limit: int) -> None:
    messages = render_telegram_html(digest, limit=limit)

    assert messages
    for message in messages:
        assert utf16_len(message) <= limit
        parsed = structure(message)
        assert set(parsed.tags) <= EMITTED_TAGS
        assert all(h.startswith("https://news.example/") for h in parsed.hrefs)
        # Telegram's own rules (as the fake Bot API applies them) accept every message.
        assert parse_telegram_html(message).strip()


@settings(max_examples=100, deadline=None)
@given(digest=digests)
def test_feed_text_round_trips_as_text_never_as_markup(digest: Digest) -> None:
    messages = render_telegram_html(digest, limit=TELEGRAM_MESSAGE_LIMIT)
    text = visible(messages)

    for story in digest.stories:
        for piece in (story.headline, *story.summary, *(s.name for s in story.sources[:10])):
            assert clean(piece) in text
        links = sum(1 for m in messages for tag in structure(m).tags if tag == "a")
        assert links <= sum(1 + len(s.sources) for s in digest.stories)


@settings(max_examples=100, deadline=None)
@given(digest=digests)
def test_plain_text_fallback_is_what_the_user_would_have_read(digest: Digest) -> None:
    for message in render_telegram_html(digest):
        parsed = structure(message)
        plain = render_plain_text(message)
        assert utf16_len(plain) <= TELEGRAM_MESSAGE_LIMIT
        spelled_out = "".join(parsed.read)
        if utf16_len(spelled_out) <= TELEGRAM_MESSAGE_LIMIT:
            assert plain == spelled_out
        else:  # no room for the URLs: the words alone
            assert plain == "".join(parsed.text)


def _story(n: int, *, sentences: int = 3, sentence_length: int = 200) -> DigestStory:
    body = "word " * (sentence_length // 5)
    return DigestStory(
        headline=f"Story {n}",
        url=f"https://news.example/{n}",
        sources=(SourceLink("RT", f"https://rt.example/{n}"),),
        summary=tuple(f"S{n}.{i} {body.strip()}." for i in range(sentences)),
    )


def test_a_story_that_fits_is_never_split_across_messages() -> None:
    digest = Digest(title="Daily", stories=tuple(_story(n, sentence_length=400) for n in range(6)))

    messages = render_telegram_html(digest, limit=2000)

    assert len(messages) > 1
    for n in range(6):
        holding = [m for m in messages if f"S{n}." in m]
        assert len(holding) == 1
        assert f">Story {n}</a>" in holding[0]


def test_an_oversized_story_is_cut_to_one_message_in_order() -> None:
    story = _story(1, sentences=30, sentence_length=300)

    (message,) = render_telegram_alert(story, limit=1000)

    assert utf16_len(message) <= 1000
    text = "".join(structure(message).text)
    assert text.startswith("Story 1")
    assert text.endswith("…")
    shown = [s for s in story.summary if s in text]
    assert shown == list(story.summary[: len(shown)])
    assert 0 < len(shown) < 30


def test_one_huge_quote_is_cut_inside_its_blockquote() -> None:
    quote = Quote("&<" * 3000, 0, 6000, speaker="Lavrov", key=True)
    story = DigestStory("H", "https://a.example", (), quotes=(quote,))

    (message,) = render_telegram_alert(story, limit=500)

    assert utf16_len(message) <= 500
    assert parse_telegram_html(message)
    assert structure(message).tags == ["b", "a", "blockquote"]
    assert message.endswith("…</blockquote>")


def test_a_huge_headline_is_one_message_not_hundreds() -> None:
    """A 0.2 MB title once became 52 messages for one alert, holding up the chat's others."""
    story = DigestStory("Breaking " * 25_000, "https://a.example", (), summary=("Then more.",))

    messages = render_telegram_alert(story)

    assert len(messages) == 1
    assert utf16_len(messages[0]) <= TELEGRAM_MESSAGE_LIMIT
    assert parse_telegram_html(messages[0]).endswith("…")


def test_emoji_count_twice_toward_the_limit() -> None:
    story = DigestStory("🇮🇳" * 600, "https://a.example", ())

    (message,) = render_telegram_alert(story, limit=1000)

    assert utf16_len(message) <= 1000
    # 2,400 UTF-16 units of flags: cut at under half of them, never half an emoji.
    assert 200 <= message.count("🇮🇳") < 250


@pytest.fixture
def india_russia() -> Digest:
    return Digest(
        title="World affairs — morning digest",
        generated_at=datetime(2026, 11, 25, 8, tzinfo=UTC),
        stories=(
            DigestStory(
                headline="Putin's visit: India & Russia sign <energy> deals",
                url='https://www.rt.com/india/600001-putin-visit/?utm=a&b="c"',
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
            ),
        ),
    )


def test_realistic_digest_reads_as_intended(india_russia: Digest) -> None:
    [message] = render_telegram_html(india_russia)

    assert message.startswith(
        "<b>World affairs — morning digest</b>\n<i>25 November 2026 · 1 story</i>\n\n"
    )
    assert (
        '<b><a href="https://www.rt.com/india/600001-putin-visit/?utm=a&amp;b=&quot;c&quot;">'
        "Putin's visit: India &amp; Russia sign &lt;energy&gt; deals</a></b>"
    ) in message
    assert "<i>Reported by 3 outlets:</i> <a href=" in message
    assert ', <a href="https://www.thehindu.com/news/putin">The Hindu</a>, Evil\n' in message
    assert (
        "<blockquote>“Moscow appreciates India's foreign policy”\n"
        "— Sergey Lavrov, Russian Foreign Minister</blockquote>"
    ) in message
    assert "An unimportant aside" not in message  # only key quotes when some are marked
    assert message.endswith("\n#India #Russia #diplomacy #energy_security")
    assert "javascript" not in message


def test_plain_text_fallback_keeps_links_readable(india_russia: Digest) -> None:
    [message] = render_telegram_html(india_russia)

    plain = render_plain_text(message)

    assert "<" not in plain.replace("<energy>", "")
    assert "India & Russia sign <energy> deals" in plain
    assert "The Hindu (https://www.thehindu.com/news/putin)" in plain


def test_the_fake_bot_api_accepts_the_realistic_digest(india_russia: Digest) -> None:
    [message] = render_telegram_html(india_russia)

    assert "Sergey Lavrov" in parse_telegram_html(message)
    with pytest.raises(ApiError):
        parse_telegram_html(message.replace("</blockquote>", "", 1))


def test_empty_digest_tells_the_user_what_to_do() -> None:
    [message] = render_telegram_html(Digest(title="Daily", stories=()))

    assert message == render_empty_digest()
    assert message.startswith("No new stories")
    assert "/list" in message


def test_limit_too_small_for_any_story_is_refused() -> None:
    with pytest.raises(ValueError, match="limit"):
        render_telegram_alert(_story(1), limit=10)


def test_an_update_names_only_who_else_reported_the_story() -> None:
    update = DigestStory(
        headline="EU adopts sanctions package",
        url="https://wire.example/eu",
        sources=(SourceLink("Daily", "https://daily.example/1"),),
        summary=("Never repeated.",),
        update=True,
    )
    [alert] = render_telegram_alert(update)
    assert alert == (
        '<b>Update: </b><b><a href="https://wire.example/eu">EU adopts sanctions package</a></b>'
        '\n<i>Also reported by</i> <a href="https://daily.example/1">Daily</a>'
    )
    new = DigestStory(headline="New", url="https://x.example/1", sources=())
    [digest] = render_telegram_html(Digest(title="Daily", stories=(new, update)))
    assert "<i>1 story · 1 update</i>" in digest
