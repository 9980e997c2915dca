"""Polling: claim due feeds, fetch them, store what is new, and schedule the next poll."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from bot.errors import FeedError, FeedGone, FeedThrottled
from bot.models import Article, Feed, FetchStatus
from bot.pipeline.ingest import (
    OnNewArticles,
    StoredEntries,
    analyze_articles,
    feed_budget,
    record_fetch,
    store_entries,
)
from bot.services import Services

logger = logging.getLogger(__name__)

# Feeds claimed per round; each claim is leased so a crashed instance's feeds come back.
_CLAIM_BATCH = 50
_CLAIM_LEASE = timedelta(minutes=15)
_JITTER = 0.2  # ±20 %: spreads retries of feeds that failed together
# Articles whose analysis never finished (a crash or database error after they were stored)
# are analyzed at the start of a cycle. Younger ones may still be in the middle of a poll or
# a /subscribe, which analyzes them itself within seconds of storing them.
_LEFTOVER_AGE = timedelta(minutes=5)
_LEFTOVER_BATCH = 200


def failure_delay(
    error_count: int, *, base: float, cap: float, rng: Callable[[], float] = random.random
) -> float:
    """Seconds to wait after the ``error_count``-th consecutive failure: exponential, jittered."""
    delay = min(cap, base * 2.0 ** max(0, error_count - 1))
    return delay * (1 - _JITTER + 2 * _JITTER * rng())


@dataclass(frozen=True, slots=True)
class PollOutcome:
    feed: Feed
    new_articles: tuple[Article, ...] = ()  # stored and analyzed
    not_modified: bool = False
    error: str | None = None
    # Teasers stored and waiting for their pages in the page queue.
    pending: int = 0


@dataclass(slots=True)
class PollSummary:
    """Totals of one poll cycle, printed by ``geodigest poll --once``."""

    polled: int = 0
    not_modified: int = 0
    new_articles: int = 0
    errors: int = 0
    outcomes: list[PollOutcome] = field(default_factory=list)

    def add(self, outcome: PollOutcome) -> None:
        self.polled += 1
        self.not_modified += outcome.not_modified
        self.new_articles += len(outcome.new_articles) + outcome.pending
        self.errors += outcome.error is not None
        self.outcomes.append(outcome)

    def line(self) -> str:
        return (
            f"{self.polled} feeds polled, {self.not_modified} not modified, "
            f"{self.new_articles} new articles, {self.errors} errors"
        )


async def _record_failure(services: Services, feed: Feed, error: FeedError) -> str:
    settings = services.settings
    now = services.clock()
    reason = str(error) or type(error).__name__
    disable: str | None = None
    count_error = True
    if isinstance(error, FeedGone):
        wait, disable = 0.0, reason
    elif isinstance(error, FeedThrottled):
        # The server asked for a pause: not the feed's fault, so no error is counted.
        wait = min(max(error.retry_after, settings.poll_interval), settings.max_backoff)
        count_error = False
    else:
        errors = feed.error_count + 1
        if errors >= settings.max_feed_errors:
            disable = f"disabled after {errors} failed polls in a row; last error: {reason}"
        wait = failure_delay(errors, base=settings.poll_interval, cap=settings.max_backoff)
    await services.feeds.record_failure(
        feed.id,
        error=reason,
        now=now,
        next_poll_at=now + timedelta(seconds=wait),
        disable_reason=disable,
        count_error=count_error,
    )
    return reason


async def poll_feed(
    services: Services, feed: Feed, *, on_new: OnNewArticles | None = None
) -> PollOutcome:
    """Fetch one feed and store its new articles; every failure is recorded, none raised.

    Fetching, parsing and storing are bounded by the feed time budget; teasers' pages are
    fetched afterwards by the page queue, which hands the completed articles to ``on_new``.
    """
    try:
        async with feed_budget(services):
            result = await services.fetcher.fetch(
                feed.url, etag=feed.etag, last_modified=feed.last_modified
            )
            stored = StoredEntries()
            if result.status is not FetchStatus.NOT_MODIFIED:
                stored = await store_entries(services, feed, result.entries, on_new=on_new)
        await record_fetch(services, feed, result)
        if result.status is FetchStatus.NOT_MODIFIED:
            return PollOutcome(feed, not_modified=True)
    except FeedError as error:
        reason = await _record_failure(services, feed, error)
        logger.info("feed %s failed: %s", feed.url, reason)
        return PollOutcome(feed, error=reason)
    except Exception as error:  # the loop must survive whatever one feed does
        logger.exception("unexpected error polling %s", feed.url)
        reason = await _record_failure(services, feed, FeedError(f"internal error: {error!r}"))
        return PollOutcome(feed, error=reason)
    if result.warning:
        logger.info("feed %s recovered from: %s", feed.url, result.warning)
    return PollOutcome(feed, new_articles=stored.analyzed, pending=len(stored.teasers))


OnProgress = Callable[[PollOutcome], object]


async def poll_due(
    services: Services,
    *,
    on_new_articles: OnNewArticles | None = None,
    on_progress: OnProgress | None = None,
) -> PollSummary:
    """Analyze articles left unanalyzed, then poll every due feed in claimed batches.

    Each outcome is reported as soon as its feed is done, not when the batch is; teasers'
    pages are still being fetched when this returns (``services.pages.join()`` waits).
    """
    summary = PollSummary()
    leftovers = await _analyze_leftovers(services)
    if leftovers and on_new_articles is not None:
        # They never reached the instant alerts; the digest window still keeps old news out.
        await on_new_articles(leftovers)
    while True:
        claimed = await services.feeds.claim_due(
            services.clock(), limit=_CLAIM_BATCH, lease=_CLAIM_LEASE
        )
        if not claimed:
            return summary
        polls = [poll_feed(services, f, on_new=on_new_articles) for f in claimed]
        for finished in asyncio.as_completed(polls):
            outcome = await finished
            summary.add(outcome)
            if on_progress is not None:
                on_progress(outcome)
            if outcome.new_articles and on_new_articles is not None:
                await on_new_articles(outcome.new_articles)


async def _analyze_leftovers(services: Services) -> list[Article]:
    """Analyze one batch of articles whose analysis never finished; failures are logged."""
    try:
        leftovers = await services.articles.unanalyzed(
            fetched_before=services.clock() - _LEFTOVER_AGE, limit=_LEFTOVER_BATCH
        )
        if not leftovers:
            return []
        logger.info("analyzing %d articles left unanalyzed", len(leftovers))
        return await analyze_articles(services, leftovers)
    except Exception:
        # Polling must go on even when the leftovers cannot be dealt with this time.
        logger.exception("could not analyze leftover articles")
        return []
