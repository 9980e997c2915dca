"""The outbox: every message is stored before it is sent, and claimed by one sender at a time."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import RowMapping

from bot.models import OutboxMessage, OutboxState, Platform, Rendered
from storage.db import Database
from storage.tables import chats, deliveries, outbox

_COLUMNS = (*outbox.c, chats.c.platform, chats.c.external_id, chats.c.thread_id)
# Bound parameters per "id IN (…)": well under SQLite's 32,766 and asyncpg's 32,767.
_IDS_PER_STATEMENT = 1000


def _message(row: RowMapping) -> OutboxMessage:
    return OutboxMessage(
        id=row["id"],
        chat_id=row["chat_id"],
        platform=Platform(row["platform"]),
        external_chat_id=row["external_id"],
        thread_id=row["thread_id"],
        body=row["body"],
        format=row["format"],
        payload=row["payload"],
        state=OutboxState(row["state"]),
        attempts=row["attempts"],
        next_attempt_at=row["next_attempt_at"],
        last_error=row["last_error"],
        link_previews=row["link_previews"],
    )


class _AlreadyHad(Exception):
    """Rolls back an enqueue whose stories the chat already had."""


class OutboxRepository:
    """Queue of outgoing messages; delivery marks each one sent, retried or failed."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def enqueue(
        self,
        chat_id: int,
        bodies: Sequence[Rendered],
        *,
        now: datetime,
        link_previews: bool = False,
        story_ids: Sequence[int] = (),
    ) -> list[int]:
        """Mark the chat's stories as had and queue its messages, in one transaction.

        All or nothing: when the chat already had one of ``story_ids`` (another instance, or
        the scheduled and the manual digest, queued it meanwhile) nothing is queued and the
        result is empty, so a story is never sent to a chat twice.
        """
        if not bodies:
            return []
        insert = sqlite.insert if self._db.is_sqlite else postgresql.insert
        claim = (
            insert(deliveries)
            .values([{"chat_id": chat_id, "story_id": s, "queued_at": now} for s in story_ids])
            .on_conflict_do_nothing()
            .returning(deliveries.c.story_id)
        )
        message = {
            "chat_id": chat_id,
            "link_previews": link_previews,
            "state": OutboxState.PENDING.value,
            "next_attempt_at": now,
            "created_at": now,
        }
        try:
            async with self._db.transaction() as conn:
                if story_ids:
                    claimed = (await conn.execute(claim)).scalars().all()
                    if len(claimed) < len(set(story_ids)):
                        raise _AlreadyHad
                rows = await conn.execute(
                    outbox.insert().returning(outbox.c.id, sort_by_parameter_order=True),
                    [
                        {**message, "body": r.text, "format": r.format, "payload": r.payload}
                        for r in bodies
                    ],
                )
                return list(rows.scalars().all())
        except _AlreadyHad:
            return []

    async def claim_due(
        self, now: datetime, *, limit: int, lease: timedelta, platforms: Collection[Platform]
    ) -> list[OutboxMessage]:
        """Lease due messages of active chats, oldest first, never overtaking an earlier one.

        Only messages to chats on ``platforms``: the rest wait for a process that can send them.
        """
        if not platforms:
            return []
        candidate, earlier = outbox.alias("candidate"), outbox.alias("earlier")
        blocked_by_earlier = (
            sa.select(earlier.c.id)
            .where(
                earlier.c.chat_id == candidate.c.chat_id,
                earlier.c.state == OutboxState.PENDING.value,
                earlier.c.id < candidate.c.id,
                sa.or_(
                    earlier.c.next_attempt_at > now,
                    sa.and_(earlier.c.lease_until.is_not(None), earlier.c.lease_until > now),
                ),
            )
            .exists()
        )
        due = (
            sa.select(candidate.c.id)
            .join(chats, chats.c.id == candidate.c.chat_id)
            .where(
                candidate.c.state == OutboxState.PENDING.value,
                candidate.c.next_attempt_at <= now,
                sa.or_(candidate.c.lease_until.is_(None), candidate.c.lease_until <= now),
                chats.c.paused.is_(False),
                chats.c.platform.in_(sorted(p.value for p in platforms)),
                ~blocked_by_earlier,
            )
            .order_by(candidate.c.id)
            .limit(limit)
            .with_for_update(of=candidate, skip_locked=True)
        )
        # One UPDATE … WHERE id IN (SELECT …): atomic on SQLite, SKIP LOCKED on PostgreSQL.
        claim = (
            outbox.update()
            .where(outbox.c.id.in_(due.scalar_subquery()))
            .values(lease_until=now + lease, attempts=outbox.c.attempts + 1)
            .returning(outbox.c.id)
        )
        async with self._db.transaction() as conn:
            ids = (await conn.execute(claim)).scalars().all()
            if not ids:
                return []
            query = (
                sa.select(*_COLUMNS)
                .join(chats, chats.c.id == outbox.c.chat_id)
                .where(outbox.c.id.in_(ids))
                .order_by(outbox.c.id)
            )
            rows = (await conn.execute(query)).mappings().all()
        return [_message(r) for r in rows]

    async def mark_sent(self, message_id: int, *, now: datetime) -> None:
        await self.mark_sent_many([message_id], now=now)

    async def mark_sent_many(self, message_ids: Sequence[int], *, now: datetime) -> None:
        """Record that the platform accepted these messages, in one transaction."""
        if not message_ids:
            return
        async with self._db.transaction() as conn:
            for start in range(0, len(message_ids), _IDS_PER_STATEMENT):
                chunk = message_ids[start : start + _IDS_PER_STATEMENT]
                await conn.execute(
                    outbox.update()
                    .where(outbox.c.id.in_(chunk))
                    .values(state=OutboxState.SENT.value, sent_at=now, lease_until=None)
                )

    async def retry_at(self, message_id: int, *, at: datetime, error: str) -> None:
        """Release a message to be tried again at ``at``."""
        await self._update(message_id, next_attempt_at=at, lease_until=None, last_error=error)

    async def release(self, message_id: int) -> None:
        """Give a claimed message back untried (its chat is paused or moved)."""
        await self._update(message_id, lease_until=None, attempts=outbox.c.attempts - 1)

    async def mark_failed(self, message_id: int, *, error: str) -> None:
        """Give up on a message, keeping the reason."""
        await self._update(
            message_id, state=OutboxState.FAILED.value, last_error=error, lease_until=None
        )

    async def replace_body(self, message_id: int, rendered: Rendered) -> None:
        """Swap a message's body, e.g. for a plain-text fallback of rejected markup."""
        await self._update(
            message_id, body=rendered.text, format=rendered.format, payload=rendered.payload
        )

    async def get(self, message_id: int) -> OutboxMessage | None:
        query = (
            sa.select(*_COLUMNS)
            .join(chats, chats.c.id == outbox.c.chat_id)
            .where(outbox.c.id == message_id)
        )
        async with self._db.engine.connect() as conn:
            row = (await conn.execute(query)).mappings().first()
        return _message(row) if row else None

    async def pending_count(self, chat_id: int) -> int:
        """How many messages to this chat wait to be sent."""
        query = sa.select(sa.func.count()).where(
            outbox.c.chat_id == chat_id, outbox.c.state == OutboxState.PENDING.value
        )
        async with self._db.engine.connect() as conn:
            return int((await conn.execute(query)).scalar_one())

    async def counts(self) -> dict[OutboxState, int]:
        query = sa.select(outbox.c.state, sa.func.count()).group_by(outbox.c.state)
        async with self._db.engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return {OutboxState(state): count for state, count in rows}

    async def prune(self, before: datetime) -> int:
        """Delete sent and failed messages created before ``before``; pending ones stay."""
        async with self._db.transaction() as conn:
            result = await conn.execute(
                outbox.delete().where(
                    outbox.c.state != OutboxState.PENDING.value, outbox.c.created_at < before
                )
            )
        return result.rowcount

    async def _update(self, message_id: int, **values: object) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(outbox.update().where(outbox.c.id == message_id).values(**values))

    async def postpone(self, message_id: int, *, at: datetime) -> None:
        """Give a claimed message back untried, due again at ``at`` (paced by rate limits)."""
        await self._update(
            message_id, next_attempt_at=at, lease_until=None, attempts=outbox.c.attempts - 1
        )
