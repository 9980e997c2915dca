"""Frozen dataclasses passed between the layers; storage returns these, never ORM rows."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime

# Paragraphs of an article's text are joined with this; quote offsets index the joined text.
PARAGRAPH_SEPARATOR = "\n\n"


@dataclass(frozen=True, slots=True)
class Feed:
    """A polled RSS/Atom source."""

    id: int
    url: str
    title: str = ""
    site_url: str = ""
    etag: str | None = None
    last_modified: str | None = None
    next_poll_at: datetime | None = None
    last_polled_at: datetime | None = None
    error_count: int = 0
    last_error: str | None = None
    disabled_reason: str | None = None

    @property
    def display_name(self) -> str:
        return self.title or self.url


@dataclass(frozen=True, slots=True)
class Entry:
    """One item of a parsed feed, before it is stored."""

    dedup_key: str
    url: str
    title: str
    published: datetime | None = None
    author: str | None = None
    # Plain-text paragraphs from the feed's content or summary (may be only a teaser).
    paragraphs: tuple[str, ...] = ()

    @property
    def word_count(self) -> int:
        return sum(len(p.split()) for p in self.paragraphs)


class FetchStatus(enum.StrEnum):
    OK = "ok"
    NOT_MODIFIED = "not_modified"


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What one successful fetch of a feed returned."""

    status: FetchStatus
    # Final URL when a permanent redirect (301/308) moved the feed, else the requested URL.
    url: str
    etag: str | None = None
    last_modified: str | None = None
    title: str = ""
    site_url: str = ""
    entries: tuple[Entry, ...] = ()
    # Set when feedparser had to recover from malformed XML but still found entries.
    warning: str | None = None
    # Entries beyond the per-poll cap (the oldest), not taken.
    skipped: int = 0


@dataclass(frozen=True, slots=True)
class Quote:
    """A direct quotation: a verbatim span ``text[start:end]`` of the article text."""

    text: str
    start: int
    end: int
    speaker: str | None = None
    role: str | None = None
    key: bool = False


@dataclass(frozen=True, slots=True)
class Tags:
    """Geopolitics relevance and tags of one article."""

    countries: tuple[str, ...] = ()  # ISO 3166-1 alpha-2, most mentioned first
    organizations: tuple[str, ...] = ()  # short names: "UN", "NATO", "EU" …
    themes: tuple[str, ...] = ()  # "diplomacy", "conflict", "sanctions" …
    geopolitics: float = 0.0  # relevance 0..1


@dataclass(frozen=True, slots=True)
class StorySignature:
    """What story matching compares, computed once when an article is analyzed."""

    # Stems of the headline and lead, heaviest first, and their weights (headline words, names
    # and numbers weigh more).
    terms: tuple[str, ...] = ()
    weights: tuple[float, ...] = ()
    # Countries and organizations the headline names first: who acts in the event.
    agents: tuple[str, ...] = ()
    # Every country and organization the headline and lead name.
    mentions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class StoryCandidate:
    """What story matching needs to know about one article (and all it reads from storage)."""

    article_id: int
    feed_id: int
    # When the event was reported: the published time, or when we fetched an undated item.
    moment: datetime
    fetched_at: datetime
    countries: tuple[str, ...]
    signature: StorySignature
    story_id: int | None = None


@dataclass(frozen=True, slots=True)
class Analysis:
    """Everything the analysis step derives from one article."""

    summary: tuple[str, ...] = ()
    quotes: tuple[Quote, ...] = ()
    tags: Tags = field(default_factory=Tags)
    signature: StorySignature = field(default_factory=StorySignature)

    @property
    def key_quotes(self) -> tuple[Quote, ...]:
        return tuple(q for q in self.quotes if q.key)


@dataclass(frozen=True, slots=True)
class Article:
    """A stored article with its text and (once analyzed) its analysis."""

    id: int
    feed_id: int
    dedup_key: str
    url: str
    title: str
    paragraphs: tuple[str, ...] = ()
    published: datetime | None = None
    author: str | None = None
    fetched_at: datetime | None = None
    analysis: Analysis | None = None
    story_id: int | None = None

    @property
    def text(self) -> str:
        return PARAGRAPH_SEPARATOR.join(self.paragraphs)


class Platform(enum.StrEnum):
    TELEGRAM = "telegram"
    SLACK = "slack"


class PausedBy(enum.StrEnum):
    """Who stopped deliveries to a chat: a person's /pause lasts until /resume; a platform's
    refusal (the bot was blocked or removed) ends as soon as someone writes in the chat again."""

    USER = "user"
    PLATFORM = "platform"


class DeliveryMode(enum.StrEnum):
    DIGEST = "digest"
    INSTANT = "instant"


class FollowKind(enum.StrEnum):
    COUNTRY = "country"
    ORGANIZATION = "organization"
    THEME = "theme"
    KEYWORD = "keyword"


@dataclass(frozen=True, slots=True)
class ChatSettings:
    """Per-chat preferences set by commands."""

    timezone: str = "UTC"
    mode: DeliveryMode = DeliveryMode.DIGEST
    schedule: tuple[str, ...] = ("08:00",)  # local "HH:MM" times of scheduled digests
    summary_sentences: int = 3
    show_quotes: bool = True
    link_previews: bool = False


@dataclass(frozen=True, slots=True)
class Chat:
    """A chat, group, channel or Slack channel geodigest posts to."""

    id: int
    platform: Platform
    external_id: str
    # Forum topic (Telegram message_thread_id) or Slack thread; empty when none.
    thread_id: str = ""
    title: str = ""
    kind: str = ""  # platform chat type: private, group, supergroup, channel …
    settings: ChatSettings = field(default_factory=ChatSettings)
    paused: bool = False
    paused_reason: str | None = None
    paused_by: PausedBy | None = None
    last_digest_at: datetime | None = None
    next_digest_at: datetime | None = None

    @property
    def platform_pause_reason(self) -> str | None:
        """What the platform said when deliveries to the chat stopped; None unless it did."""
        if not self.paused or self.paused_by is not PausedBy.PLATFORM:
            return None
        return self.paused_reason


@dataclass(frozen=True, slots=True)
class Follow:
    """A filter a chat follows: only matching stories get through."""

    kind: FollowKind
    value: str  # ISO code, organization short name, theme name or lower-case keyword


@dataclass(frozen=True, slots=True)
class Subscription:
    chat_id: int
    feed: Feed


class OutboxState(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # given up on, with ``last_error`` saying why


@dataclass(frozen=True, slots=True)
class Rendered:
    """One outgoing message in its platform's own format, as the outbox stores it."""

    text: str  # Telegram: the HTML (or plain) body; Slack: the plain/mrkdwn ``text`` fallback
    format: str = ""  # Telegram "HTML" or "" (plain); Slack "blocks" or "" (text only)
    payload: str = ""  # platform-specific JSON, e.g. Slack's Block Kit ``blocks``; "" when none


@dataclass(frozen=True, slots=True)
class OutboxMessage:
    """One message to one chat, written before it is sent."""

    id: int
    chat_id: int
    platform: Platform
    external_chat_id: str
    thread_id: str
    body: str
    format: str = ""  # the platform's format tag (see ``Rendered``)
    payload: str = ""
    state: OutboxState = OutboxState.PENDING
    attempts: int = 0
    next_attempt_at: datetime | None = None
    last_error: str | None = None
    link_previews: bool = False


@dataclass(frozen=True, slots=True)
class SourceLink:
    name: str
    url: str


@dataclass(frozen=True, slots=True)
class DigestStory:
    """One story of a digest: the lead article plus every outlet that reported it."""

    headline: str
    url: str
    sources: tuple[SourceLink, ...]
    summary: tuple[str, ...] = ()
    quotes: tuple[Quote, ...] = ()
    countries: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    published: datetime | None = None
    story_id: int | None = None
    # The reports this tells the chat of (for an update: only those new to the chat).
    article_ids: tuple[int, ...] = ()
    # A story the chat already had, sent again because ``sources`` (only those) reported it
    # since: rendered as "Update: <headline>" and "also reported by", without summary or quotes.
    update: bool = False


@dataclass(frozen=True, slots=True)
class Digest:
    """What one chat receives at once: a header and its stories."""

    title: str
    stories: tuple[DigestStory, ...]
    generated_at: datetime | None = None
