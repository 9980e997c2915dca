"""Chats with their settings, subscriptions and follows."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import RowMapping
from sqlalchemy.exc import IntegrityError

from bot.models import (
    Chat,
    ChatSettings,
    DeliveryMode,
    Feed,
    Follow,
    FollowKind,
    PausedBy,
    Platform,
)
from storage.chat_moves import move_chat
from storage.chat_settings import settings_from_json, settings_to_json
from storage.db import Database
from storage.feeds import feed_from_row
from storage.tables import chats, feeds, follows, subscriptions

# Chats whose deliveries stopped because the platform refused them (not a person's /pause).
_PAUSED_BY_PLATFORM = sa.and_(
    chats.c.paused.is_(True), chats.c.paused_by == PausedBy.PLATFORM.value
)


def _chat(row: RowMapping) -> Chat:
    return Chat(
        id=row["id"],
        platform=Platform(row["platform"]),
        external_id=row["external_id"],
        thread_id=row["thread_id"],
        title=row["title"],
        kind=row["kind"],
        settings=settings_from_json(row["settings"]),
        paused=row["paused"],
        paused_reason=row["paused_reason"],
        paused_by=PausedBy(row["paused_by"]) if row["paused_by"] else None,
        last_digest_at=row["last_digest_at"],
        next_digest_at=row["next_digest_at"],
    )


class ChatRepository:
    """Chats are addressed by (platform, external id, thread); everything else hangs off them."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def ensure(
        self,
        platform: Platform,
        external_id: str,
        *,
        thread_id: str = "",
        title: str = "",
        kind: str = "",
        now: datetime,
        next_digest_at: datetime | None = None,
    ) -> Chat:
        """Return the chat, creating it with default settings on first contact."""
        found = await self.find(platform, external_id, thread_id=thread_id)
        if found is not None:
            return found
        values = {
            "platform": platform.value,
            "external_id": external_id,
            "thread_id": thread_id,
            "title": title,
            "kind": kind,
            "settings": settings_to_json(ChatSettings()),
            "created_at": now,
            "next_digest_at": next_digest_at,
        }
        try:
            async with self._db.transaction() as conn:
                row = (
                    (await conn.execute(chats.insert().values(**values).returning(*chats.c)))
                    .mappings()
                    .one()
                )
        except IntegrityError:
            # Another instance created it between our read and our insert.
            existing = await self.find(platform, external_id, thread_id=thread_id)
            assert existing is not None
            return existing
        return _chat(row)

    async def find(
        self, platform: Platform, external_id: str, *, thread_id: str = ""
    ) -> Chat | None:
        query = chats.select().where(
            chats.c.platform == platform.value,
            chats.c.external_id == external_id,
            chats.c.thread_id == thread_id,
        )
        async with self._db.engine.connect() as conn:
            row = (await conn.execute(query)).mappings().first()
        return _chat(row) if row else None

    async def get(self, chat_id: int) -> Chat | None:
        async with self._db.engine.connect() as conn:
            row = (
                (await conn.execute(chats.select().where(chats.c.id == chat_id))).mappings().first()
            )
        return _chat(row) if row else None

    async def save_settings(
        self, chat_id: int, settings: ChatSettings, *, next_digest_at: datetime | None
    ) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                chats.update()
                .where(chats.c.id == chat_id)
                .values(settings=settings_to_json(settings), next_digest_at=next_digest_at)
            )

    async def pause(self, chat_id: int, *, by: PausedBy, reason: str | None = None) -> None:
        """Stop deliveries to the chat; ``reason`` is what the platform said, if it was that."""
        await self._set_paused(chat_id, paused=True, paused_by=by.value, paused_reason=reason)

    async def resume(self, chat_id: int) -> None:
        """Deliver to the chat again, whoever had paused it."""
        await self._set_paused(chat_id, paused=False, paused_by=None, paused_reason=None)

    async def _set_paused(self, chat_id: int, **values: object) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(chats.update().where(chats.c.id == chat_id).values(**values))

    async def pause_address(self, platform: Platform, external_id: str, *, reason: str) -> None:
        """Pause every thread of a chat the platform says is gone (a /pause stays as it is)."""
        async with self._db.transaction() as conn:
            await conn.execute(
                chats.update()
                .where(
                    chats.c.platform == platform.value,
                    chats.c.external_id == external_id,
                    chats.c.paused.is_(False),
                )
                .values(paused=True, paused_reason=reason, paused_by=PausedBy.PLATFORM.value)
            )

    async def resume_platform_paused(self, platform: Platform, external_id: str) -> list[Chat]:
        """Resume every thread of a chat paused because of the platform; return them."""
        async with self._db.transaction() as conn:
            rows = await conn.execute(
                chats.update()
                .where(
                    chats.c.platform == platform.value,
                    chats.c.external_id == external_id,
                    _PAUSED_BY_PLATFORM,
                )
                .values(paused=False, paused_reason=None, paused_by=None)
                .returning(*chats.c)
            )
            return [_chat(r) for r in rows.mappings().all()]

    async def migrate(self, platform: Platform, old_external_id: str, new_external_id: str) -> None:
        """Point a chat (all its threads) at its new platform id, e.g. group → supergroup.

        Someone may have written in the new chat before the move was noticed, which created a
        row for it: the old chat is then merged into that row.
        """
        try:
            await self._migrate(platform, old_external_id, new_external_id)
        except IntegrityError:
            # The new chat's row was created between our read and our update: merge into it.
            await self._migrate(platform, old_external_id, new_external_id)

    async def _migrate(
        self, platform: Platform, old_external_id: str, new_external_id: str
    ) -> None:
        old_rows = (
            chats.select()
            .where(chats.c.platform == platform.value, chats.c.external_id == old_external_id)
            # One lock order for every instance: two moves of one chat wait instead of deadlock.
            .order_by(chats.c.id)
        )
        async with self._db.transaction() as conn:
            for old in (await conn.execute(old_rows.with_for_update())).mappings().all():
                await move_chat(conn, old, new_external_id)

    async def subscribe(self, chat_id: int, feed_id: int, *, now: datetime) -> bool:
        """Subscribe; False when the chat already had this feed."""
        try:
            async with self._db.transaction() as conn:
                await conn.execute(
                    subscriptions.insert().values(chat_id=chat_id, feed_id=feed_id, created_at=now)
                )
        except IntegrityError:
            return False
        return True

    async def unsubscribe(self, chat_id: int, feed_id: int) -> bool:
        async with self._db.transaction() as conn:
            result = await conn.execute(
                subscriptions.delete().where(
                    subscriptions.c.chat_id == chat_id, subscriptions.c.feed_id == feed_id
                )
            )
        return result.rowcount > 0

    async def subscriptions(self, chat_id: int) -> list[Feed]:
        """The chat's feeds, in the order they were added (the numbering /list shows)."""
        query = (
            sa.select(feeds)
            .join(subscriptions, subscriptions.c.feed_id == feeds.c.id)
            .where(subscriptions.c.chat_id == chat_id)
            .order_by(subscriptions.c.created_at, feeds.c.id)
        )
        async with self._db.engine.connect() as conn:
            return [feed_from_row(r) for r in (await conn.execute(query)).mappings().all()]

    async def follow(self, chat_id: int, item: Follow) -> bool:
        try:
            async with self._db.transaction() as conn:
                await conn.execute(
                    follows.insert().values(chat_id=chat_id, kind=item.kind.value, value=item.value)
                )
        except IntegrityError:
            return False
        return True

    async def unfollow(self, chat_id: int, item: Follow) -> bool:
        async with self._db.transaction() as conn:
            result = await conn.execute(
                follows.delete().where(
                    follows.c.chat_id == chat_id,
                    follows.c.kind == item.kind.value,
                    follows.c.value == item.value,
                )
            )
        return result.rowcount > 0

    async def follows(self, chat_id: int) -> list[Follow]:
        query = (
            follows.select()
            .where(follows.c.chat_id == chat_id)
            .order_by(follows.c.kind, follows.c.value)
        )
        async with self._db.engine.connect() as conn:
            rows = (await conn.execute(query)).mappings().all()
        return [Follow(FollowKind(r["kind"]), r["value"]) for r in rows]

    async def due_for_digest(
        self, now: datetime, *, platforms: Collection[Platform], limit: int = 100
    ) -> list[Chat]:
        """Active chats on ``platforms`` whose next scheduled digest time has passed.

        Filtered here, not by the caller: chats of a platform this process cannot render would
        otherwise fill every ``limit`` and starve the others.
        """
        if not platforms:
            return []
        query = (
            chats.select()
            .where(
                chats.c.paused.is_(False),
                chats.c.next_digest_at <= now,
                chats.c.platform.in_(sorted(p.value for p in platforms)),
            )
            .order_by(chats.c.next_digest_at)
            .limit(limit)
        )
        async with self._db.engine.connect() as conn:
            return [_chat(r) for r in (await conn.execute(query)).mappings().all()]

    async def claim_digest(self, chat_id: int, *, due_at: datetime, retry_at: datetime) -> bool:
        """Take a due digest for this instance; False when another instance already took it.

        The claim moves the due time to ``retry_at``, so a digest whose instance died before
        queueing it falls due again then.
        """
        async with self._db.transaction() as conn:
            result = await conn.execute(
                chats.update()
                .where(chats.c.id == chat_id, chats.c.next_digest_at == due_at)
                .values(next_digest_at=retry_at)
            )
        return result.rowcount == 1

    async def record_digest(
        self, chat_id: int, *, at: datetime, next_digest_at: datetime | None
    ) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                chats.update()
                .where(chats.c.id == chat_id)
                .values(last_digest_at=at, next_digest_at=next_digest_at)
            )

    async def subscribers(self, feed_ids: Sequence[int]) -> list[Chat]:
        """Active chats subscribed to any of these feeds."""
        query = (
            chats.select()
            .where(
                chats.c.paused.is_(False),
                chats.c.id.in_(
                    sa.select(subscriptions.c.chat_id).where(subscriptions.c.feed_id.in_(feed_ids))
                ),
            )
            .order_by(chats.c.id)
        )
        async with self._db.engine.connect() as conn:
            return [_chat(r) for r in (await conn.execute(query)).mappings().all()]

    async def instant_chats(self) -> list[Chat]:
        """Active instant-mode chats with at least one source."""
        query = (
            chats.select()
            .where(
                chats.c.paused.is_(False),
                chats.c.settings["mode"].as_string() == DeliveryMode.INSTANT.value,
                chats.c.id.in_(sa.select(subscriptions.c.chat_id)),
            )
            .order_by(chats.c.id)
        )
        async with self._db.engine.connect() as conn:
            return [_chat(r) for r in (await conn.execute(query)).mappings().all()]
