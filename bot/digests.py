"""What a chat receives: scheduled digests and instant alerts, built from stored stories.

The pure half (``next_digest_at``, ``build_digest``) decides *when* and *what*; the service half
reads storage, renders through a platform renderer and queues the result in the outbox, which
marks the stories as had by the chat in the same transaction so no story is sent twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from bot.models import (
    Analysis,
    Article,
    Chat,
    ChatSettings,
    DeliveryMode,
    Digest,
    DigestStory,
    Feed,
    Follow,
    Platform,
    SourceLink,
)
from bot.services import Services
from bot.topics import matches

logger = logging.getLogger(__name__)

Renderer = Callable[[Digest], Sequence[str]]
AlertRenderer = Callable[[DigestStory], Sequence[str]]

DIGEST_TITLE = "Your world-affairs digest"
# A schedule is a handful of daily times; more than this is a typo or a flood.
MAX_SCHEDULE_TIMES = 6
# A claimed digest not queued within this time (its instance died) falls due again.
DIGEST_CLAIM_LEASE = timedelta(minutes=10)


def parse_local_time(value: str) -> time:
    """Parse a wall-clock ``HH:MM`` (24-hour); ValueError when it is not one."""
    hours, sep, minutes = value.strip().partition(":")
    if not sep or not hours.isdigit() or len(minutes) != 2 or not minutes.isdigit():
        raise ValueError(f"not a time of day: {value!r}")
    return time(int(hours), int(minutes))


def _local_times(settings: ChatSettings) -> list[time]:
    parsed: list[time] = []
    for value in settings.schedule:
        try:
            parsed.append(parse_local_time(value))
        except ValueError:
            logger.warning("ignoring malformed schedule time %r", value)
    return parsed


def next_digest_at(settings: ChatSettings, after: datetime) -> datetime | None:
    """The first scheduled local digest time strictly after ``after``, in UTC."""
    if settings.mode is DeliveryMode.INSTANT:
        return None
    times = _local_times(settings)
    if not times:
        return None
    zone = ZoneInfo(settings.timezone)
    today = after.astimezone(zone).date()
    # Build wall-clock times per local day (never "+24 h in UTC") so DST shifts keep 08:00 at
    # 08:00. A time skipped by a spring-forward gap (fold=0) comes out one gap-length later
    # (02:30 → 03:30); a time repeated at fall-back is taken at its first occurrence only.
    candidates = (
        datetime.combine(today + timedelta(days=offset), at, tzinfo=zone).astimezone(UTC)
        for offset in range(3)
        for at in times
    )
    return min(moment for moment in candidates if moment > after)


@dataclass(frozen=True, slots=True)
class _StoryGroup:
    members: tuple[Article, ...]

    @property
    def lead(self) -> Article:
        return min(self.members, key=lambda a: (_moment(a), a.id))

    @property
    def latest(self) -> datetime:
        return max(_moment(a) for a in self.members)

    @property
    def outlet_ids(self) -> tuple[int, ...]:
        return tuple(dict.fromkeys(a.feed_id for a in self.members))


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _moment(article: Article) -> datetime:
    return article.published or article.fetched_at or _EPOCH


def _group_by_story(articles: Iterable[Article]) -> list[_StoryGroup]:
    groups: dict[tuple[str, int], list[Article]] = {}
    seen: set[int] = set()
    for article in articles:
        if article.id in seen:
            continue
        seen.add(article.id)
        # Not yet clustered articles stand alone rather than being dropped.
        key = ("story", article.story_id) if article.story_id is not None else ("one", article.id)
        groups.setdefault(key, []).append(article)
    return [_StoryGroup(tuple(members)) for members in groups.values()]


def _matches(group: _StoryGroup, follows: Sequence[Follow]) -> bool:
    if not follows:
        return True
    return any(
        matches(follows, (a.analysis or Analysis()).tags, a.title, a.text) for a in group.members
    )


def _outlet_name(article: Article, feeds_by_id: Mapping[int, Feed]) -> str:
    feed = feeds_by_id.get(article.feed_id)
    if feed is not None:
        return feed.display_name
    return urlsplit(article.url).hostname or article.url


def _digest_story(
    group: _StoryGroup, feeds_by_id: Mapping[int, Feed], settings: ChatSettings
) -> DigestStory:
    lead = group.lead
    analysis = lead.analysis or Analysis()
    first_by_outlet: dict[int, Article] = {}
    for article in sorted(group.members, key=lambda a: (_moment(a), a.id)):
        first_by_outlet.setdefault(article.feed_id, article)
    return DigestStory(
        headline=lead.title,
        url=lead.url,
        sources=tuple(
            SourceLink(_outlet_name(a, feeds_by_id), a.url) for a in first_by_outlet.values()
        ),
        summary=analysis.summary[: settings.summary_sentences],
        quotes=analysis.key_quotes if settings.show_quotes else (),
        countries=analysis.tags.countries,
        themes=analysis.tags.themes,
        published=lead.published or lead.fetched_at,
        story_id=lead.story_id,
        article_ids=tuple(a.id for a in group.members),
    )


def build_digest(
    articles: Iterable[Article],
    feeds_by_id: Mapping[int, Feed],
    *,
    follows: Sequence[Follow],
    now: datetime,
    max_stories: int,
    title: str,
    settings: ChatSettings | None = None,
) -> Digest:
    """Group articles into stories, keep the followed ones, most-reported and newest first."""
    chat_settings = settings or ChatSettings()
    groups = [g for g in _group_by_story(articles) if _matches(g, follows)]
    groups.sort(key=lambda g: (len(g.outlet_ids), g.latest), reverse=True)
    stories = tuple(_digest_story(g, feeds_by_id, chat_settings) for g in groups[:max_stories])
    return Digest(title=title, stories=stories, generated_at=now)


async def _chat_digest(
    services: Services, chat: Chat, *, story_ids: Sequence[int] | None = None
) -> Digest:
    """The digest of stories this chat has not had yet, optionally limited to some stories."""
    now = services.clock()
    candidates = await services.articles.undelivered_for_chat(
        chat.id,
        since=now - timedelta(hours=services.settings.digest_window_hours),
        min_relevance=services.settings.relevance_threshold,
    )
    wanted = {a.story_id for a in candidates if a.story_id is not None}
    if story_ids is not None:
        wanted &= set(story_ids)
    members = await services.articles.story_members(sorted(wanted))
    articles = [a for story in members.values() for a in story]
    feeds_by_id = await services.feeds.by_ids(sorted({a.feed_id for a in articles}))
    return build_digest(
        articles,
        feeds_by_id,
        follows=await services.chats.follows(chat.id),
        # The renderer prints this date as given: the chat's local day, not UTC's.
        now=now.astimezone(ZoneInfo(chat.settings.timezone)),
        max_stories=services.settings.digest_max_stories,
        title=DIGEST_TITLE,
        settings=chat.settings,
    )


def _story_ids(stories: Iterable[DigestStory]) -> list[int]:
    return [s.story_id for s in stories if s.story_id is not None]


async def queue_digest(services: Services, chat: Chat, *, render: Renderer) -> int:
    """Queue a digest of the chat's unseen stories; returns how many stories it holds."""
    # A second round only when another caller queued some of these stories meanwhile: the
    # digest is then rebuilt without them.
    for _ in range(2):
        digest = await _chat_digest(services, chat)
        if not digest.stories:
            return 0
        if await services.outbox.enqueue(
            chat.id,
            list(render(digest)),
            now=services.clock(),
            story_ids=_story_ids(digest.stories),
            link_previews=chat.settings.link_previews,
        ):
            return len(digest.stories)
    return 0


async def queue_due_digests(services: Services, renderers: Mapping[Platform, Renderer]) -> int:
    """Queue the digests whose scheduled time has come; returns the stories queued."""
    now = services.clock()
    queued = 0
    for chat in await services.chats.due_for_digest(now):
        render = renderers.get(chat.platform)
        if render is None or chat.next_digest_at is None:
            # No sender for this platform in this process: leave the chat due for one that has.
            continue
        retry_at = now + DIGEST_CLAIM_LEASE
        if not await services.chats.claim_digest(
            chat.id, due_at=chat.next_digest_at, retry_at=retry_at
        ):
            continue  # another instance is sending this one
        try:
            queued += await queue_digest(services, chat, render=render)
        except Exception:
            # One broken chat must not hold back everyone else's digest.
            logger.exception("could not queue the digest of chat %s; retrying later", chat.id)
            continue
        # An empty digest sends nothing but still moves the schedule on.
        await services.chats.record_digest(
            chat.id, at=now, next_digest_at=next_digest_at(chat.settings, now)
        )
    return queued


async def queue_instant_alerts(
    services: Services,
    articles: Sequence[Article],
    renderers: Mapping[Platform, AlertRenderer],
) -> int:
    """Queue one alert per new story for instant-mode chats of these articles' feeds, at once.

    Only a head start: ``queue_pending_alerts`` finds from storage whatever this misses.
    """
    story_ids = sorted({a.story_id for a in articles if a.story_id is not None})
    if not story_ids:
        return 0
    chats = await services.chats.subscribers(sorted({a.feed_id for a in articles}))
    instant = [c for c in chats if c.settings.mode is DeliveryMode.INSTANT]
    return await _queue_alerts_for(services, instant, renderers, story_ids=story_ids)


async def queue_pending_alerts(
    services: Services, renderers: Mapping[Platform, AlertRenderer]
) -> int:
    """Queue an alert for each story an instant-mode chat should have had and has not.

    Driven by storage alone, so alerts survive a crash before queueing, a ``poll`` run without
    chats and a process that cannot send; returns the alerts queued.
    """
    chats = await services.chats.instant_chats()
    return await _queue_alerts_for(services, chats, renderers, story_ids=None)


async def _queue_alerts_for(
    services: Services,
    chats: Iterable[Chat],
    renderers: Mapping[Platform, AlertRenderer],
    *,
    story_ids: Sequence[int] | None,
) -> int:
    queued = 0
    for chat in chats:
        render = renderers.get(chat.platform)
        if render is None:
            continue  # no sender for this platform here: a process that has one queues them
        try:
            queued += await _queue_alerts(services, chat, story_ids, render)
        except Exception:
            # One broken chat must not hold back everyone else's alerts.
            logger.exception("could not queue alerts for chat %s", chat.id)
    return queued


async def _queue_alerts(
    services: Services, chat: Chat, story_ids: Sequence[int] | None, render: AlertRenderer
) -> int:
    digest = await _chat_digest(services, chat, story_ids=story_ids)
    queued = 0
    # Oldest first, so a chat reads alerts in the order the news broke.
    for story in sorted(digest.stories, key=lambda s: s.published or _EPOCH):
        if story.story_id is not None and await services.outbox.enqueue(
            chat.id,
            list(render(story)),
            now=services.clock(),
            story_ids=[story.story_id],
            link_previews=chat.settings.link_previews,
        ):
            queued += 1
    return queued


async def waiting_stories(services: Services, chat: Chat) -> int:
    """How many stories the chat's next digest would hold if it were sent now."""
    return len((await _chat_digest(services, chat)).stories)
