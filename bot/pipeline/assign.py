"""Story assignment: the one place where analyzed articles join stories.

Every feed of a poll cycle hands its analyzed articles here, and assignment runs one batch at a
time against one in-memory index of the story window (``bot.analysis.story_index``), so feeds
polled together see each other's new articles: the same event from ten feeds of one cycle is one
story, not ten. The index is loaded once from storage (signatures and a few columns, never the
text) and then kept current: each batch first reads what other processes analyzed since the last
batch, then adds its own articles and stores them with their stories in one transaction.

Several processes on one database each keep an index; two batches assigned at the same moment
by two processes do not see each other (the next batch of either does).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from bot.analysis.stories import story_signature
from bot.analysis.story_index import StoryIndex
from bot.models import Analysis, Article, StoryCandidate
from storage import ArticleRepository

logger = logging.getLogger(__name__)

# Articles another process stored a moment before our last read may commit a little after it;
# each read looks this far back, skipping articles the index already holds.
_SYNC_OVERLAP = timedelta(minutes=2)


def story_candidate(article: Article, analysis: Analysis) -> StoryCandidate:
    """What story matching needs of an analyzed article."""
    fetched = article.fetched_at or article.published
    if fetched is None:
        raise ValueError("an article to assign must have been fetched")
    return StoryCandidate(
        article_id=article.id,
        feed_id=article.feed_id,
        moment=article.published or fetched,
        fetched_at=fetched,
        countries=analysis.tags.countries,
        signature=analysis.signature,
    )


def _candidate_of(article: Article) -> StoryCandidate:
    return story_candidate(article, article.analysis or Analysis())


class StoryAssigner:
    """Holds the story window's index and assigns analyzed articles to stories, in turn."""

    def __init__(self, articles: ArticleRepository, *, window: timedelta) -> None:
        self._articles = articles
        self._window = window
        self._lock = asyncio.Lock()
        self._index: StoryIndex | None = None
        self._synced_at: datetime | None = None

    async def assign(self, analyzed: Sequence[Article], *, now: datetime) -> list[Article]:
        """Give each analyzed article its story, store analyses and stories, return them.

        An article that has a story already (analyzed again when its page came after its
        teaser) keeps it; articles deleted meanwhile (their feed was removed) are left out.
        """
        if not analyzed:
            return []
        async with self._lock:
            try:
                index = await self._current(now)
                assigned = [self._assign_one(index, article) for article in analyzed]
                kept = await self._articles.save_analyses(
                    [(a.id, a.analysis or Analysis(), a.story_id or a.id) for a in assigned],
                    now=now,
                )
                for article in assigned:
                    story_id = kept.get(article.id)
                    if story_id is not None and story_id != article.story_id:
                        index.replace(_candidate_of(article), story_id)
            except BaseException:
                # The index may now hold articles that storage does not: start again from
                # storage next time.
                self._index = None
                raise
        return [replace(a, story_id=kept[a.id]) for a in assigned if a.id in kept]

    async def refresh(self, *, now: datetime) -> int:
        """Bring the index up to date with storage now (loading it if need be); its size."""
        async with self._lock:
            return len(await self._current(now))

    @staticmethod
    def _assign_one(index: StoryIndex, article: Article) -> Article:
        candidate = _candidate_of(article)
        story_id = index.story_of(article.id)
        if story_id is None:
            story_id = index.assign(candidate)
        else:
            index.replace(candidate, story_id)  # analyzed again: same story, new signature
        return replace(article, story_id=story_id)

    async def _current(self, now: datetime) -> StoryIndex:
        """The index, brought up to date with storage and the window."""
        if self._index is None or self._synced_at is None:
            index = StoryIndex(window=self._window)
            await self._sign_missing(now - self._window)
            await self._read(index, fetched_since=now - self._window)
            logger.info("story index loaded: %d articles in the window", len(index))
        else:
            index = self._index
            await self._read(index, analyzed_since=self._synced_at - _SYNC_OVERLAP)
        index.evict(now - self._window)
        self._index, self._synced_at = index, now
        return index

    async def _read(
        self,
        index: StoryIndex,
        *,
        fetched_since: datetime | None = None,
        analyzed_since: datetime | None = None,
    ) -> None:
        """Add to the index what storage holds (articles it has already are skipped)."""
        async for batch in self._articles.story_candidates(
            fetched_since=fetched_since, analyzed_since=analyzed_since
        ):
            for candidate in batch:
                index.add(candidate, candidate.story_id or candidate.article_id)

    async def _sign_missing(self, since: datetime) -> None:
        """Sign the window's articles analyzed before signatures were stored (once)."""
        unsigned = await self._articles.unsigned_since(since)
        if unsigned:
            await self._articles.save_signatures(
                {a.id: story_signature(a.title, a.text) for a in unsigned}
            )
