"""Articles: stored once per (feed, dedup key), with their analysis and story."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import RowMapping

from bot.models import Analysis, Article, Entry, Quote, Tags
from storage.db import Database
from storage.tables import articles, deliveries, subscriptions


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
        async with self._db.transaction() as conn:
            kept = await conn.execute(
                articles.update()
                .where(articles.c.id == article_id)
                .values(
                    analyzed_at=now,
                    summary=list(analysis.summary),
                    quotes=[asdict(q) for q in analysis.quotes],
                    countries=list(analysis.tags.countries),
                    organizations=list(analysis.tags.organizations),
                    themes=list(analysis.tags.themes),
                    geopolitics=analysis.tags.geopolitics,
                    story_id=sa.func.coalesce(articles.c.story_id, story_id),
                )
                .returning(articles.c.story_id)
            )
            story_id_now: int | None = kept.scalar_one_or_none()
            return story_id_now

    async def replace_texts(self, paragraphs: Mapping[int, Sequence[str]]) -> None:
        """Replace the text of articles (a teaser by its page's text), by article id."""
        async with self._db.transaction() as conn:
            for article_id, text in paragraphs.items():
                await conn.execute(
                    articles.update()
                    .where(articles.c.id == article_id)
                    .values(paragraphs=list(text))
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
        """Relevant analyzed articles from the chat's feeds whose story the chat has not had.

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
                articles.c.story_id.not_in(delivered),
            )
            .order_by(articles.c.id)
        )
        async with self._db.engine.connect() as conn:
            return [_article(r) for r in (await conn.execute(query)).mappings().all()]

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
