"""From a fetched feed to stored, analyzed articles grouped into stories."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import timedelta

from bot.analysis.analyze import analyze
from bot.errors import FeedError
from bot.models import Analysis, Article, Entry, Feed, FetchResult
from bot.reader.extract import article_paragraphs
from bot.services import Services

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class AddedFeed:
    """What subscribing to a URL did: the feed, whether it is new, and what it brought."""

    feed: Feed
    created: bool
    new_articles: tuple[Article, ...] = ()
    # The feed was stored but disabled, fetched fine again, and is polled again.
    enabled_again: bool = False


async def _complete(services: Services, entry: Entry) -> Entry:
    paragraphs = await article_paragraphs(
        entry, services.fetcher, min_words=services.settings.fetch_article_below_words
    )
    return replace(entry, paragraphs=paragraphs)


def _analyze_safely(article: Article, services: Services) -> Analysis:
    settings = services.settings
    try:
        return analyze(
            article.title,
            article.text,
            summary_sentences=settings.summary_sentences,
            key_quotes=settings.key_quotes,
        )
    except Exception:
        # Recorded as analyzed with no relevance: the article is kept but never sent, and
        # one odd text cannot stall the feed's other articles.
        logger.exception("analysis failed for article %s (%s)", article.id, article.url)
        return Analysis()


async def analyze_articles(services: Services, articles: Sequence[Article]) -> list[Article]:
    """Analyze new articles, then attach each to a story and store the results."""
    analyzed: list[Article] = []
    for article in articles:
        analyzed.append(replace(article, analysis=_analyze_safely(article, services)))
        # Analysis is CPU work: let the event loop serve chats between articles.
        await asyncio.sleep(0)
    return await services.stories.assign(analyzed, now=services.clock())


def _within_retention(services: Services, entries: Sequence[Entry]) -> list[Entry]:
    # Articles are pruned after retention_days, taking their dedup keys with them. An older
    # item the feed still lists would come back as new after the prune, so it is never stored.
    # Undated entries cannot be told apart and are stored.
    cutoff = services.clock() - timedelta(days=services.settings.retention_days)
    return [e for e in entries if e.published is None or e.published >= cutoff]


async def store_entries(services: Services, feed: Feed, entries: Sequence[Entry]) -> list[Article]:
    """Store the entries this feed has not had before (full text fetched), then analyze them.

    Entries published before the retention window are left out.
    """
    entries = _within_retention(services, entries)
    keys = [e.dedup_key for e in entries]
    known = await services.articles.known_keys(feed.id, keys)
    fresh: dict[str, Entry] = {}
    for entry in entries:
        if entry.dedup_key not in known:
            fresh.setdefault(entry.dedup_key, entry)
    if not fresh:
        return []
    completed = await asyncio.gather(*(_complete(services, e) for e in fresh.values()))
    added = await services.articles.add_new(feed.id, completed, now=services.clock())
    return await analyze_articles(services, added)


async def add_feed(services: Services, url: str) -> AddedFeed:
    """Validate a feed by fetching it once, store it and its recent items.

    Raises ``FeedError`` (fit to show the user) and stores nothing when the URL is not a
    reachable, public RSS/Atom feed.
    """
    url = url.strip()
    existing = await services.feeds.get_by_url(url)
    if existing is not None:
        return await _existing(services, existing)
    result = await services.fetcher.fetch(url)
    if result.url != url:
        moved = await services.feeds.get_by_url(result.url)
        if moved is not None:
            return await _existing(services, moved, result)
    if not result.entries and not result.title:
        raise FeedError("that feed has no items and no title; check the address")
    now = services.clock()
    feed = await services.feeds.add(
        result.url, now=now, title=result.title, site_url=result.site_url
    )
    try:
        await record_fetch(services, feed, result)
        articles = await store_entries(services, feed, result.entries)
    except BaseException:
        # Subscribing is all or nothing: a feed we could not take in is not kept.
        await services.feeds.remove(feed.id)
        raise
    stored = await services.feeds.get(feed.id)
    return AddedFeed(stored or feed, created=True, new_articles=tuple(articles))


async def _existing(services: Services, feed: Feed, result: FetchResult | None = None) -> AddedFeed:
    """A feed already stored; a disabled one is fetched again and, if that works, re-enabled."""
    if feed.disabled_reason is None:
        return AddedFeed(feed, created=False)
    # Handing back a disabled feed would subscribe a chat to a feed nobody polls.
    if result is None:
        try:
            result = await services.fetcher.fetch(feed.url)
        except FeedError as error:
            raise FeedError(
                f"this feed was disabled ({feed.disabled_reason}), "
                f"and fetching it again failed: {error}"
            ) from error
    await services.feeds.enable(feed.id, now=services.clock())
    await record_fetch(services, feed, result)
    articles = await store_entries(services, feed, result.entries)
    logger.info("feed %s enabled again; it was disabled: %s", feed.url, feed.disabled_reason)
    stored = await services.feeds.get(feed.id)
    return AddedFeed(
        stored or feed, created=False, new_articles=tuple(articles), enabled_again=True
    )


async def record_fetch(services: Services, feed: Feed, result: FetchResult) -> None:
    """Store validators, a permanent move and the next poll time after a successful fetch."""
    now = services.clock()
    await services.feeds.record_success(
        feed.id,
        now=now,
        next_poll_at=now + timedelta(seconds=services.settings.poll_interval),
        url=result.url if result.url != feed.url else None,
        etag=result.etag,
        last_modified=result.last_modified,
        title=result.title or None,
        site_url=result.site_url or None,
    )
