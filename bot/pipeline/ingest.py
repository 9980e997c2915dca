"""From a fetched feed to stored, analyzed articles grouped into stories.

Items whose feed text is only a teaser are stored at once, with the teaser, and completed off
the poll's path: the page queue fetches their pages, then they are analyzed (and reported to
``on_new``) as a group. If that takes long, the leftover sweep of the next poll cycle analyzes
them from their teaser; the page, when it comes, replaces the text and the analysis but never
the story, so nothing is announced twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta

from bot.analysis.analyze import analyze
from bot.errors import FeedError
from bot.models import Analysis, Article, Entry, Feed, FetchResult
from bot.reader.bounds import bounded_paragraphs
from bot.reader.extract import article_paragraphs
from bot.services import Services

logger = logging.getLogger(__name__)

OnNewArticles = Callable[[Sequence[Article]], Awaitable[object]]


@dataclass(frozen=True, slots=True)
class AddedFeed:
    """What subscribing to a URL did: the feed, whether it is new, and what it brought."""

    feed: Feed
    created: bool
    new_articles: tuple[Article, ...] = ()
    # The feed was stored but disabled, fetched fine again, and is polled again.
    enabled_again: bool = False
    # Teasers stored whose pages had not come within the budget: completed in the background.
    pending: int = 0


@dataclass(frozen=True, slots=True)
class StoredEntries:
    """What storing a feed's entries did: articles analyzed now, and teasers being completed."""

    analyzed: tuple[Article, ...] = ()
    teasers: tuple[Article, ...] = ()
    # Completes the teasers (pages, then analysis); its result is what it analyzed.
    completion: asyncio.Task[list[Article]] | None = None


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
    """Analyze articles, then attach each to a story and store the results.

    An article analyzed before (from its teaser, before its page came) keeps its story.
    """
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


def _is_teaser(article: Article, min_words: int) -> bool:
    # The same test article_paragraphs makes before it fetches a page.
    words = sum(len(p.split()) for p in article.paragraphs)
    return bool(article.url) and words < min_words


async def store_entries(
    services: Services,
    feed: Feed,
    entries: Sequence[Entry],
    *,
    on_new: OnNewArticles | None = None,
) -> StoredEntries:
    """Store the entries this feed has not had before and analyze the complete ones.

    Teasers are completed in the background (``StoredEntries.completion``), which hands what
    it analyzed to ``on_new``. Entries published before the retention window are left out,
    and at most ``max_items_per_poll`` entries are taken.
    """
    entries = _within_retention(services, entries)[: services.settings.max_items_per_poll]
    keys = [e.dedup_key for e in entries]
    known = await services.articles.known_keys(feed.id, keys)
    fresh: dict[str, Entry] = {}
    for entry in entries:
        if entry.dedup_key not in known:
            fresh.setdefault(entry.dedup_key, entry)
    if not fresh:
        return StoredEntries()
    added = await services.articles.add_new(feed.id, list(fresh.values()), now=services.clock())
    min_words = services.settings.fetch_article_below_words
    teasers = tuple(a for a in added if _is_teaser(a, min_words))
    teaser_ids = {a.id for a in teasers}
    analyzed = await analyze_articles(services, [a for a in added if a.id not in teaser_ids])
    completion = None
    if teasers:
        completion = services.pages.spawn(
            _complete_teasers(services, feed, teasers, on_new), name=f"article pages of {feed.url}"
        )
    return StoredEntries(tuple(analyzed), teasers, completion)


async def _complete_teasers(
    services: Services, feed: Feed, teasers: Sequence[Article], on_new: OnNewArticles | None
) -> list[Article]:
    """Fetch the teasers' pages through the page queue, then store and analyze the full text."""
    pages = services.pages.for_feed(feed.id)
    min_words = services.settings.fetch_article_below_words
    texts = await asyncio.gather(
        *(article_paragraphs(_entry(a), pages, min_words=min_words) for a in teasers)
    )
    completed = [
        replace(a, paragraphs=bounded_paragraphs(t)) for a, t in zip(teasers, texts, strict=True)
    ]
    changed = {
        new.id: new.paragraphs
        for new, old in zip(completed, teasers, strict=True)
        if new.paragraphs != old.paragraphs
    }
    if changed:
        await services.articles.replace_texts(changed)
    done = await analyze_articles(services, completed)
    if done and on_new is not None:
        await on_new(done)
    return done


def _entry(article: Article) -> Entry:
    return Entry(article.dedup_key, article.url, article.title, paragraphs=article.paragraphs)


@contextlib.asynccontextmanager
async def feed_budget(services: Services) -> AsyncIterator[asyncio.Timeout]:
    """Bound one feed's fetch, parse and storing by ``feed_time_budget``; FeedError past it."""
    seconds = services.settings.feed_time_budget
    scope = asyncio.timeout(seconds)
    try:
        async with scope:
            yield scope
    except TimeoutError as error:
        if not scope.expired():
            raise
        raise FeedError(f"the feed took longer than {seconds:g} s to fetch and store") from error


async def _completed_within(stored: StoredEntries, scope: asyncio.Timeout) -> list[Article]:
    """The articles analyzed, teasers included if their pages came within the budget."""
    completion = stored.completion
    if completion is None:
        return list(stored.analyzed)
    deadline = scope.when() or asyncio.get_running_loop().time()
    await asyncio.wait({completion}, timeout=max(0.0, deadline - asyncio.get_running_loop().time()))
    if not completion.done() or completion.cancelled() or completion.exception() is not None:
        return list(stored.analyzed)  # still working (or failed): it goes on without us
    return [*stored.analyzed, *completion.result()]


def _added(feed: Feed, stored: StoredEntries, articles: list[Article], **flags: bool) -> AddedFeed:
    waiting = len(stored.teasers) - (len(articles) - len(stored.analyzed))
    return AddedFeed(feed, new_articles=tuple(articles), pending=max(0, waiting), **flags)


async def add_feed(services: Services, url: str) -> AddedFeed:
    """Validate a feed by fetching it once, store it and its recent items.

    Raises ``FeedError`` (fit to show the user) and stores nothing when the URL is not a
    reachable, public RSS/Atom feed, or when taking it in takes longer than the feed budget.
    Teasers' pages are waited for within the same budget.
    """
    url = url.strip()
    existing = await services.feeds.get_by_url(url)
    if existing is not None:
        return await _existing(services, existing)
    async with feed_budget(services) as budget:
        result = await services.fetcher.fetch(url)
        if result.url != url:
            moved = await services.feeds.get_by_url(result.url)
            if moved is not None:
                return await _existing(services, moved, result)
        if not result.entries and not result.title:
            raise FeedError("that feed has no items and no title; check the address")
        feed, created = await services.feeds.add_or_get(
            result.url, now=services.clock(), title=result.title, site_url=result.site_url
        )
        if not created:
            # Subscribed to from another chat at the same moment, which is taking it in.
            return await _existing(services, feed)
        try:
            await record_fetch(services, feed, result)
            stored = await store_entries(services, feed, result.entries)
        except BaseException:
            # Subscribing is all or nothing: a feed we could not take in is not kept.
            await services.feeds.remove(feed.id)
            raise
    articles = await _completed_within(stored, budget)
    return _added(await services.feeds.get(feed.id) or feed, stored, articles, created=True)


async def _existing(services: Services, feed: Feed, result: FetchResult | None = None) -> AddedFeed:
    """A feed already stored; a disabled one is fetched again and, if that works, re-enabled."""
    if feed.disabled_reason is None:
        return AddedFeed(feed, created=False)
    # Handing back a disabled feed would subscribe a chat to a feed nobody polls.
    async with feed_budget(services) as budget:
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
        stored = await store_entries(services, feed, result.entries)
    logger.info("feed %s enabled again; it was disabled: %s", feed.url, feed.disabled_reason)
    articles = await _completed_within(stored, budget)
    stored_feed = await services.feeds.get(feed.id) or feed
    return _added(stored_feed, stored, articles, created=False, enabled_again=True)


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
