"""Feeds: the sources geodigest polls, with their conditional-GET and error state."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import RowMapping

from bot.models import Feed
from storage.db import Database
from storage.tables import feeds


def _length(column: sa.Column[Any]) -> int:
    length = getattr(column.type, "length", None)
    assert isinstance(length, int), f"{column.name} has no length"
    return length


# What a feed server sends goes into sized columns, and PostgreSQL refuses a longer value along
# with the whole poll, so the feed would fail until disabled. Titles are cut to fit; a cut URL
# or validator would be wrong, so an over-long one is not stored at all.
_TITLE_CHARS = _length(feeds.c.title)


def _fitted_title(title: str) -> str:
    return title if len(title) <= _TITLE_CHARS else title[: _TITLE_CHARS - 1].rstrip() + "…"


def _if_it_fits(value: str | None, column: sa.Column[Any]) -> str | None:
    return value if value is None or len(value) <= _length(column) else None


def feed_from_row(row: RowMapping) -> Feed:
    return Feed(
        id=row["id"],
        url=row["url"],
        title=row["title"],
        site_url=row["site_url"],
        etag=row["etag"],
        last_modified=row["last_modified"],
        next_poll_at=row["next_poll_at"],
        last_polled_at=row["last_polled_at"],
        error_count=row["error_count"],
        last_error=row["last_error"],
        disabled_reason=row["disabled_reason"],
    )


class FeedRepository:
    """Reads and writes feeds; claims due feeds so several instances never poll one twice."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(self, url: str, *, now: datetime, title: str = "", site_url: str = "") -> Feed:
        """Store a feed (or return the existing one with that URL), due for polling now."""
        feed, _ = await self.add_or_get(url, now=now, title=title, site_url=site_url)
        return feed

    async def add_or_get(
        self, url: str, *, now: datetime, title: str = "", site_url: str = ""
    ) -> tuple[Feed, bool]:
        """The feed with this URL and whether this call created it.

        One statement (INSERT … ON CONFLICT DO NOTHING), so chats subscribing to the same new
        feed at the same moment all get it, where a look-up then an insert made all but one
        of them hit the unique constraint.
        """
        insert = sqlite.insert if self._db.is_sqlite else postgresql.insert
        statement = (
            insert(feeds)
            .values(
                url=url,
                title=_fitted_title(title),
                site_url=_if_it_fits(site_url, feeds.c.site_url) or "",
                created_at=now,
            )
            .on_conflict_do_nothing(index_elements=["url"])
            .returning(*feeds.c)
        )
        async with self._db.transaction() as conn:
            created = (await conn.execute(statement)).mappings().first()
            if created is not None:
                return feed_from_row(created), True
            # Inserted by someone else; committed, or the conflict would not have been seen.
            existing = (await conn.execute(feeds.select().where(feeds.c.url == url))).mappings()
            return feed_from_row(existing.one()), False

    async def get(self, feed_id: int) -> Feed | None:
        async with self._db.engine.connect() as conn:
            row = (await conn.execute(feeds.select().where(feeds.c.id == feed_id))).mappings()
            found = row.first()
        return feed_from_row(found) if found else None

    async def get_by_url(self, url: str) -> Feed | None:
        async with self._db.engine.connect() as conn:
            found = (
                (await conn.execute(feeds.select().where(feeds.c.url == url))).mappings().first()
            )
        return feed_from_row(found) if found else None

    async def all(self) -> list[Feed]:
        async with self._db.engine.connect() as conn:
            rows = (await conn.execute(feeds.select().order_by(feeds.c.id))).mappings().all()
        return [feed_from_row(r) for r in rows]

    async def remove(self, feed_id: int) -> bool:
        async with self._db.transaction() as conn:
            result = await conn.execute(feeds.delete().where(feeds.c.id == feed_id))
        return result.rowcount > 0

    async def claim_due(self, now: datetime, *, limit: int, lease: timedelta) -> list[Feed]:
        """Lease up to ``limit`` enabled feeds whose poll time has come, most overdue first."""
        candidate = feeds.alias("candidate")
        due = (
            sa.select(candidate.c.id)
            .where(
                candidate.c.disabled_reason.is_(None),
                sa.or_(candidate.c.next_poll_at.is_(None), candidate.c.next_poll_at <= now),
                sa.or_(candidate.c.lease_until.is_(None), candidate.c.lease_until <= now),
            )
            .order_by(
                candidate.c.next_poll_at.is_not(None), candidate.c.next_poll_at, candidate.c.id
            )
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        # One UPDATE … WHERE id IN (SELECT …) statement: atomic on SQLite, and with
        # SKIP LOCKED on PostgreSQL, so concurrent pollers never claim the same feed.
        claim = (
            feeds.update()
            .where(feeds.c.id.in_(due.scalar_subquery()))
            .values(lease_until=now + lease)
            .returning(*feeds.c)
        )
        async with self._db.transaction() as conn:
            rows = (await conn.execute(claim)).mappings().all()
        claimed = [feed_from_row(r) for r in rows]
        return sorted(
            claimed, key=lambda f: (f.next_poll_at is not None, f.next_poll_at or now, f.id)
        )

    async def record_success(
        self,
        feed_id: int,
        *,
        now: datetime,
        next_poll_at: datetime,
        url: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        title: str | None = None,
        site_url: str | None = None,
    ) -> None:
        """Store a successful poll: validators, a moved URL, and the next poll time."""
        values: dict[str, object] = {
            "last_polled_at": now,
            "next_poll_at": next_poll_at,
            "lease_until": None,
            "error_count": 0,
            "last_error": None,
        }
        if etag is not None or last_modified is not None:
            values.update(
                etag=_if_it_fits(etag, feeds.c.etag),
                last_modified=_if_it_fits(last_modified, feeds.c.last_modified),
            )
        for name, value in (
            ("url", _if_it_fits(url, feeds.c.url)),
            ("title", _fitted_title(title) if title else None),
            ("site_url", _if_it_fits(site_url, feeds.c.site_url)),
        ):
            if value:
                values[name] = value
        async with self._db.transaction() as conn:
            if "url" in values:
                # A feed moved onto an address we already poll keeps its old URL.
                taken = sa.select(feeds.c.id).where(
                    feeds.c.url == values["url"], feeds.c.id != feed_id
                )
                if (await conn.execute(taken)).first() is not None:
                    del values["url"]
            await conn.execute(feeds.update().where(feeds.c.id == feed_id).values(**values))

    async def record_failure(
        self,
        feed_id: int,
        *,
        error: str,
        now: datetime,
        next_poll_at: datetime,
        disable_reason: str | None = None,
        count_error: bool = True,
    ) -> None:
        """Store a failed poll; ``disable_reason`` stops polling until the feed is re-enabled."""
        values: dict[str, object] = {
            "last_polled_at": now,
            "next_poll_at": next_poll_at,
            "lease_until": None,
            "last_error": error,
            "disabled_reason": disable_reason,
        }
        if count_error:
            values["error_count"] = feeds.c.error_count + 1
        async with self._db.transaction() as conn:
            await conn.execute(feeds.update().where(feeds.c.id == feed_id).values(**values))

    async def enable(self, feed_id: int, *, now: datetime) -> None:
        """Clear a disabled feed's reason and error count; it is polled again right away."""
        async with self._db.transaction() as conn:
            await conn.execute(
                feeds.update()
                .where(feeds.c.id == feed_id)
                .values(disabled_reason=None, error_count=0, next_poll_at=now)
            )

    async def make_all_due(self, now: datetime) -> None:
        """Bring every enabled feed's next poll forward to ``now``."""
        async with self._db.transaction() as conn:
            await conn.execute(
                feeds.update().where(feeds.c.disabled_reason.is_(None)).values(next_poll_at=now)
            )

    async def by_ids(self, feed_ids: Sequence[int]) -> dict[int, Feed]:
        if not feed_ids:
            return {}
        async with self._db.engine.connect() as conn:
            rows = (
                (await conn.execute(feeds.select().where(feeds.c.id.in_(feed_ids))))
                .mappings()
                .all()
            )
        return {r["id"]: feed_from_row(r) for r in rows}
