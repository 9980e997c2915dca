"""Articles: stored once per (feed, dedup key), with their analysis and story."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import RowMapping

from bot.models import Analysis, Article, Entry, Quote, StoryCandidate, StorySignature, Tags
from storage.db import Database
from storage.tables import articles, deliveries, subscriptions


def _signature(stored: Mapping[str, Any] | None) -> StorySignature:
    if not stored:
        return StorySignature()
    # The stems are stored as one space-separated string (stems hold no spaces): a whole
    # window is read at start, and one string decodes far faster than a list of pairs.
    return StorySignature(
        terms=tuple(stored.get("terms", "").split()),
        weights=tuple(stored.get("weights", ())),
        agents=tuple(stored.get("agents", ())),
        mentions=tuple(stored.get("mentions", ())),
    )


def _signature_json(signature: StorySignature) -> dict[str, Any] | None:
    if not signature.terms:
        return None  # nothing to match on: stored as missing, like an article never signed
    return {
        "terms": " ".join(signature.terms),
        "weights": list(signature.weights),
        "agents": list(signature.agents),
        "mentions": list(signature.mentions),
    }


def _analysis(row: RowMapping) -> Analysis | None:
    if row["analyzed_at"] is None:
        return None
    return Analysis(
        summary=tuple(row["summary"] or ()),
        quotes=tuple(Quote(**q) for q in row["quotes"] or ()),
        tags=Tags(
            countries=tuple(row["countries"] or ()),
            organizations=tuple(row["organizations"] or ()),
            themes=tuple(row["themes"] or ()),
            geopolitics=row["geopolitics"] or 0.0,
        ),
        signature=_signature(row["story_signature"]),
    )


def _analysis_values(analysis: Analysis) -> dict[str, Any]:
    return {
        "summary": list(analysis.summary),
        "quotes": [asdict(q) for q in analysis.quotes],
        "countries": list(analysis.tags.countries),
        "organizations": list(analysis.tags.organizations),
        "themes": list(analysis.tags.themes),
        "geopolitics": analysis.tags.geopolitics,
        "story_signature": _signature_json(analysis.signature),
    }


# Only what story matching reads: never the text of the window's articles.
_CANDIDATE_COLUMNS = (
    articles.c.id,
    articles.c.feed_id,
    articles.c.published,
    articles.c.fetched_at,
    articles.c.countries,
    articles.c.story_signature,
    articles.c.story_id,
)


def _candidate(row: RowMapping) -> StoryCandidate:
    return StoryCandidate(
        article_id=row["id"],
        feed_id=row["feed_id"],
        moment=row["published"] or row["fetched_at"],
        fetched_at=row["fetched_at"],
        countries=tuple(row["countries"] or ()),
        signature=_signature(row["story_signature"]),
        story_id=row["story_id"],
    )


def _article(row: RowMapping) -> Article:
    return Article(
        id=row["id"],
        feed_id=row["feed_id"],
        dedup_key=row["dedup_key"],
        url=row["url"],
        title=row["title"],
        paragraphs=tuple(row["paragraphs"]),
        published=row["published"],
        author=row["author"],
        fetched_at=row["fetched_at"],
        analysis=_analysis(row),
        story_id=row["story_id"],
    )


class ArticleRepository:
    """Stores new articles exactly once and serves them to analysis and digests."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def known_keys(self, feed_id: int, keys: Sequence[str]) -> set[str]:
        """The subset of ``keys`` already stored for this feed."""
        if not keys:
            return set()
        query = sa.select(articles.c.dedup_key).where(
            articles.c.feed_id == feed_id, articles.c.dedup_key.in_(keys)
        )
        async with self._db.engine.connect() as conn:
            return set((await conn.execute(query)).scalars().all())

    async def add_new(
        self, feed_id: int, entries: Sequence[Entry], *, now: datetime
    ) -> list[Article]:
        """Insert the entries not stored yet; returns only the ones inserted now."""
        insert = sqlite.insert if self._db.is_sqlite else postgresql.insert
        added: list[Article] = []
        async with self._db.transaction() as conn:
            for entry in entries:
                statement = (
                    insert(articles)
                    .values(
                        feed_id=feed_id,
                        dedup_key=entry.dedup_key,
                        url=entry.url,
                        title=entry.title,
                        author=entry.author,
                        published=entry.published,
                        fetched_at=now,
                        paragraphs=list(entry.paragraphs),
                    )
                    .on_conflict_do_nothing(index_elements=["feed_id", "dedup_key"])
                    .returning(*articles.c)
                )
                row = (await conn.execute(statement)).mappings().first()
                if row is not None:
                    added.append(_article(row))
        return added

    async def get(self, article_id: int) -> Article | None:
        async with self._db.engine.connect() as conn:
            row = (
                (await conn.execute(articles.select().where(articles.c.id == article_id)))
                .mappings()
                .first()
            )
        return _article(row) if row else None

    async def save_analysis(
        self, article_id: int, analysis: Analysis, *, story_id: int, now: datetime
    ) -> int | None:
        """Store an article's analysis; returns its story, None if the article is gone.

        ``story_id`` is taken only by an article that has no story yet: one analyzed again
        (its page came after its teaser was analyzed) stays in its story, which chats may
        already have been sent.
        """
        kept = await self.save_analyses([(article_id, analysis, story_id)], now=now)
        return kept.get(article_id)

    async def save_analyses(
        self, analyzed: Sequence[tuple[int, Analysis, int]], *, now: datetime
    ) -> dict[int, int]:
        """Store several articles' analyses and stories, ``(article id, analysis, story id)``,
        in one transaction; returns the story each article now has, leaving out articles that
        are gone. An article that has a story already keeps it (see ``save_analysis``)."""
        kept: dict[int, int] = {}
        if not analyzed:
            return kept
        async with self._db.transaction() as conn:
            for article_id, analysis, story_id in analyzed:
                row = await conn.execute(
                    articles.update()
                    .where(articles.c.id == article_id)
                    .values(
                        analyzed_at=now,
                        story_id=sa.func.coalesce(articles.c.story_id, story_id),
                        **_analysis_values(analysis),
                    )
                    .returning(articles.c.story_id)
                )
                story_id_now = row.scalar_one_or_none()
                if story_id_now is not None:
                    kept[article_id] = story_id_now
        return kept

    async def replace_texts(self, paragraphs: Mapping[int, Sequence[str]]) -> None:
        """Replace the text of articles (a teaser by its page's text), by article id."""
        await self._update_each({i: {"paragraphs": list(text)} for i, text in paragraphs.items()})

    async def story_candidates(
        self,
        *,
        fetched_since: datetime | None = None,
        analyzed_since: datetime | None = None,
        batch: int = 250,
    ) -> AsyncIterator[list[StoryCandidate]]:
        """Analyzed articles fetched (or analyzed) since a moment, as story matching sees them,
        in batches: a whole window is never held in memory as rows."""
        query = sa.select(*_CANDIDATE_COLUMNS).where(articles.c.analyzed_at.is_not(None))
        if fetched_since is not None:
            query = query.where(articles.c.fetched_at >= fetched_since)
        if analyzed_since is not None:
            query = query.where(articles.c.analyzed_at >= analyzed_since)
        query = query.order_by(articles.c.id).execution_options(yield_per=batch)
        async with self._db.engine.connect() as conn:
            result = await conn.stream(query)
            async for rows in result.mappings().partitions(batch):
                yield [_candidate(r) for r in rows]

    async def unsigned_since(self, since: datetime) -> list[Article]:
        """Analyzed articles fetched since ``since`` that have no story signature yet."""
        query = (
            articles.select()
            .where(
                articles.c.analyzed_at.is_not(None),
                articles.c.story_signature.is_(None),
                articles.c.fetched_at >= since,
            )
            .order_by(articles.c.id)
        )
        async with self._db.engine.connect() as conn:
            return [_article(r) for r in (await conn.execute(query)).mappings().all()]

    async def save_signatures(self, signatures: Mapping[int, StorySignature]) -> None:
        """Store story signatures computed after the fact, by article id."""
        await self._update_each(
            {i: {"story_signature": _signature_json(s)} for i, s in signatures.items()}
        )

    async def _update_each(self, values: Mapping[int, Mapping[str, Any]]) -> None:
        """Set column values of articles, by article id, in one transaction."""
        async with self._db.transaction() as conn:
            for article_id, row in values.items():
                await conn.execute(
                    articles.update().where(articles.c.id == article_id).values(**row)
                )

    async def unanalyzed(self, *, fetched_before: datetime, limit: int) -> list[Article]:
        """Articles stored before ``fetched_before`` whose analysis never finished."""
        query = (
            articles.select()
            .where(articles.c.analyzed_at.is_(None), articles.c.fetched_at < fetched_before)
            .order_by(articles.c.id)
            .limit(limit)
        )
        async with self._db.engine.connect() as conn:
            return [_article(r) for r in (await conn.execute(query)).mappings().all()]

    async def analyzed_since(self, since: datetime) -> list[Article]:
        """Analyzed articles fetched since ``since``: the candidates for story matching."""
        query = (
            articles.select()
            .where(articles.c.analyzed_at.is_not(None), articles.c.fetched_at >= since)
            .order_by(articles.c.id)
        )
        async with self._db.engine.connect() as conn:
            return [_article(r) for r in (await conn.execute(query)).mappings().all()]

    async def undelivered_for_chat(
        self, chat_id: int, *, since: datetime, min_relevance: float
    ) -> list[Article]:
        """Relevant analyzed articles from the chat's feeds that the chat was not told of.

        Either their story is new to the chat, or it had the story and they reported it later.
        ``since`` applies to when an article was published, not when we fetched it: a new or
        re-enabled feed lists old items that are new to us but not news. Undated articles count
        from when they were fetched.
        """
        subscribed = sa.select(subscriptions.c.feed_id).where(subscriptions.c.chat_id == chat_id)
        delivered = sa.select(deliveries.c.story_id).where(deliveries.c.chat_id == chat_id)
        query = (
            articles.select()
            .where(
                articles.c.feed_id.in_(subscribed),
                sa.func.coalesce(articles.c.published, articles.c.fetched_at) >= since,
                articles.c.analyzed_at.is_not(None),
                articles.c.geopolitics >= min_relevance,
                articles.c.story_id.is_not(None),
                articles.c.id.not_in(delivered),
            )
            .order_by(articles.c.id)
        )
        async with self._db.engine.connect() as conn:
            return [_article(r) for r in (await conn.execute(query)).mappings().all()]

    async def told(self, chat_id: int, ids: Sequence[int]) -> dict[int, datetime]:
        """Which of these story and article ids the chat was told of, and when."""
        if not ids:
            return {}
        query = sa.select(deliveries.c.story_id, deliveries.c.queued_at).where(
            deliveries.c.chat_id == chat_id, deliveries.c.story_id.in_(ids)
        )
        async with self._db.engine.connect() as conn:
            return {row.story_id: row.queued_at for row in await conn.execute(query)}

    async def story_members(self, story_ids: Sequence[int]) -> dict[int, list[Article]]:
        """Every stored article of each story, in the order they arrived."""
        if not story_ids:
            return {}
        query = articles.select().where(articles.c.story_id.in_(story_ids)).order_by(articles.c.id)
        members: dict[int, list[Article]] = {sid: [] for sid in story_ids}
        async with self._db.engine.connect() as conn:
            for row in (await conn.execute(query)).mappings().all():
                members[row["story_id"]].append(_article(row))
        return members

    async def count(self) -> int:
        async with self._db.engine.connect() as conn:
            return int(
                (await conn.execute(sa.select(sa.func.count()).select_from(articles))).scalar_one()
            )

    async def prune(self, before: datetime) -> int:
        """Delete articles fetched before ``before``; returns how many went."""
        async with self._db.transaction() as conn:
            result = await conn.execute(articles.delete().where(articles.c.fetched_at < before))
        return result.rowcount
