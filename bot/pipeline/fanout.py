"""Fan-out: scheduled digests and instant alerts, rendered per platform and queued.

Reads storage, builds with ``bot.pipeline.digest``, renders through the chat's platform renderer
and queues the result in the outbox, which records in the same transaction which stories and
reports the chat was told of, so no story is sent twice. A report of a story the chat already
had, from an outlet it was not told of, goes out once as an update: in the next digest, or as
an instant alert no sooner than ``story_update_minutes`` after the last message about the story
(reports arriving meanwhile join that one update).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.delivery.protocols import AlertRenderer, Renderer
from bot.models import Article, Chat, DeliveryMode, Digest, DigestStory, Platform
from bot.pipeline.digest import EPOCH, build_digest
from bot.pipeline.schedule import next_digest_at
from bot.services import Services

logger = logging.getLogger(__name__)

DIGEST_TITLE = "Your world-affairs digest"
# A claimed digest not queued within this time (its instance died) falls due again.
DIGEST_CLAIM_LEASE = timedelta(minutes=10)


@dataclass(frozen=True, slots=True)
class _ChatNews:
    """A chat's digest, with when it was last told of each of the digest's stories."""

    digest: Digest
    last_told: Mapping[int, datetime]


async def _chat_news(
    services: Services, chat: Chat, *, story_ids: Sequence[int] | None = None
) -> _ChatNews:
    """The stories this chat has not had, and updates of those it had, optionally limited."""
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
    told = await services.articles.told(chat.id, sorted({*wanted, *(a.id for a in articles)}))
    feeds_by_id = await services.feeds.by_ids(sorted({a.feed_id for a in articles}))
    digest = build_digest(
        articles,
        feeds_by_id,
        follows=await services.chats.follows(chat.id),
        # The renderer prints this date as given: the chat's local day, not UTC's.
        now=now.astimezone(ZoneInfo(chat.settings.timezone)),
        max_stories=services.settings.digest_max_stories,
        title=DIGEST_TITLE,
        settings=chat.settings,
        told=told.keys(),
        subscribed={feed.id for feed in await services.chats.subscriptions(chat.id)},
    )
    last_told = {
        story_id: max(told[i] for i in ids)
        for story_id, story in members.items()
        if (ids := [i for i in (story_id, *(a.id for a in story)) if i in told])
    }
    return _ChatNews(digest, last_told)


def _claims(stories: Iterable[DigestStory]) -> list[int]:
    """The story and report ids a message tells the chat of: all a new story's reports, and
    only the reports an update adds."""
    ids: set[int] = set()
    for story in stories:
        if story.story_id is not None and not story.update:
            ids.add(story.story_id)
        ids.update(story.article_ids)
    return sorted(ids)


async def queue_digest(services: Services, chat: Chat, *, render: Renderer) -> int:
    """Queue a digest of the chat's unseen stories; returns how many stories it holds."""
    # A second round only when another caller queued some of these stories meanwhile: the
    # digest is then rebuilt without them.
    for _ in range(2):
        digest = (await _chat_news(services, chat)).digest
        if not digest.stories:
            return 0
        if await services.outbox.enqueue(
            chat.id,
            list(render(digest)),
            now=services.clock(),
            story_ids=_claims(digest.stories),
            link_previews=chat.settings.link_previews,
        ):
            return len(digest.stories)
    return 0


async def queue_due_digests(services: Services, renderers: Mapping[Platform, Renderer]) -> int:
    """Queue the digests whose scheduled time has come; returns the stories queued."""
    now = services.clock()
    queued = 0
    # Only platforms rendered here: the others' chats stay due for a process that has them.
    for chat in await services.chats.due_for_digest(now, platforms=renderers.keys()):
        render = renderers.get(chat.platform)
        if render is None or chat.next_digest_at is None:
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
    news = await _chat_news(services, chat, story_ids=story_ids)
    now = services.clock()
    # An update waits until this long after the last message about its story, gathering the
    # outlets that report it meanwhile into one message (the pending sweep sends it then).
    quiet = timedelta(minutes=services.settings.story_update_minutes)
    queued = 0
    # Oldest first, so a chat reads alerts in the order the news broke.
    for story in sorted(news.digest.stories, key=lambda s: s.published or EPOCH):
        if story.story_id is None:
            continue
        last = news.last_told.get(story.story_id)
        if story.update and last is not None and now - last < quiet:
            continue
        if await services.outbox.enqueue(
            chat.id,
            list(render(story)),
            now=now,
            story_ids=_claims([story]),
            link_previews=chat.settings.link_previews,
        ):
            queued += 1
    return queued


async def waiting_stories(services: Services, chat: Chat) -> int:
    """How many stories (updates included) the chat's next digest would hold if sent now."""
    return len((await _chat_news(services, chat)).digest.stories)
