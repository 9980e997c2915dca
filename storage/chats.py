"""Chats with their settings, subscriptions and follows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import RowMapping
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.models import (
    Chat,
    ChatSettings,
    DeliveryMode,
    Feed,
    Follow,
    FollowKind,
    OutboxState,
    Platform,
)
from storage.db import Database
from storage.feeds import feed_from_row
from storage.tables import chats, deliveries, feeds, follows, outbox, subscriptions

# Who paused a chat, told by chats.paused_reason (no column of its own): a person's /pause
# stores exactly USER_PAUSE_REASON; ``pause_address`` (the drainer, when the platform says the
# chat is gone) stores what the platform said. Another kind of pause needs its own marker here,
# or the next command in the chat would end it like a pause the platform caused.
USER_PAUSE_REASON = "paused with /pause"
_PAUSED_BY_PLATFORM = sa.and_(
    chats.c.paused.is_(True),
    chats.c.paused_reason.is_not(None),
    chats.c.paused_reason != USER_PAUSE_REASON,
)
# What a chat merged into another brings along: each table with the columns that, besides
# chat_id, make a row unique (the kept chat's own row wins a tie).
_CHAT_CHILDREN = (
    (subscriptions, ("feed_id",)),
    (follows, ("kind", "value")),
    (deliveries, ("story_id",)),
)
_CARRIED_OVER = ("settings", "paused", "paused_reason", "last_digest_at", "next_digest_at")


def platform_pause_reason(chat: Chat) -> str | None:
    """What the platform said when deliveries to the chat stopped; None unless it did."""
    if not chat.paused or chat.paused_reason == USER_PAUSE_REASON:
        return None
    return chat.paused_reason


def _settings_to_json(settings: ChatSettings) -> dict[str, Any]:
    data = asdict(settings)
    data["mode"] = settings.mode.value
    data["schedule"] = list(settings.schedule)
    return data


def _settings(data: dict[str, Any]) -> ChatSettings:
    known = {k: v for k, v in data.items() if k in ChatSettings.__dataclass_fields__}
    if "mode" in known:
        known["mode"] = DeliveryMode(known["mode"])
    if "schedule" in known:
        known["schedule"] = tuple(known["schedule"])
    return ChatSettings(**known)


def _chat(row: RowMapping) -> Chat:
    return Chat(
        id=row["id"],
        platform=Platform(row["platform"]),
        external_id=row["external_id"],
        thread_id=row["thread_id"],
        title=row["title"],
        kind=row["kind"],
        settings=_settings(row["settings"]),
        paused=row["paused"],
        paused_reason=row["paused_reason"],
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
            "settings": _settings_to_json(ChatSettings()),
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
                .values(settings=_settings_to_json(settings), next_digest_at=next_digest_at)
            )

    async def set_paused(self, chat_id: int, *, paused: bool, reason: str | None = None) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                chats.update()
                .where(chats.c.id == chat_id)
                .values(paused=paused, paused_reason=reason if paused else None)
            )

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
                .values(paused=True, paused_reason=reason)
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
                .values(paused=False, paused_reason=None)
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
                await _move_chat(conn, old, new_external_id)

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

    async def due_for_digest(self, now: datetime, *, limit: int = 100) -> list[Chat]:
        """Active digest-mode chats whose next scheduled digest time has passed."""
        query = (
            chats.select()
            .where(chats.c.paused.is_(False), chats.c.next_digest_at <= now)
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

    async def queue_story(
        self,
        chat_id: int,
        story_id: int,
        bodies: Sequence[str],
        *,
        now: datetime,
        link_previews: bool,
    ) -> bool:
        """Mark a story as had by the chat and queue its messages, in one transaction.

        Queues nothing and returns False when the chat has had the story: two instances, or
        the immediate and the periodic alert path, racing for one story send it once.
        """
        # Claims the story before queueing: OutboxRepository.enqueue queues first and marks
        # the stories after, so it cannot refuse a story another caller queued meanwhile.
        insert = sqlite.insert if self._db.is_sqlite else postgresql.insert
        claim = (
            insert(deliveries)
            .values(chat_id=chat_id, story_id=story_id, queued_at=now)
            .on_conflict_do_nothing()
            .returning(deliveries.c.story_id)
        )
        message = {
            "chat_id": chat_id,
            "parse_mode": "HTML",
            "link_previews": link_previews,
            "state": OutboxState.PENDING.value,
            "next_attempt_at": now,
            "created_at": now,
        }
        async with self._db.transaction() as conn:
            if (await conn.execute(claim)).first() is None:
                return False
            await conn.execute(outbox.insert(), [{**message, "body": b} for b in bodies])
        return True

    async def pending_messages(self, chat_id: int) -> int:
        query = sa.select(sa.func.count()).where(
            outbox.c.chat_id == chat_id, outbox.c.state == "pending"
        )
        async with self._db.engine.connect() as conn:
            return int((await conn.execute(query)).scalar_one())


async def _move_chat(conn: AsyncConnection, old: RowMapping, new_external_id: str) -> None:
    """Give one chat row the new id, or merge it into the row that already has that id."""
    found = chats.select().where(
        chats.c.platform == old["platform"],
        chats.c.external_id == new_external_id,
        chats.c.thread_id == old["thread_id"],
    )
    kept = (await conn.execute(found.with_for_update())).mappings().first()
    if kept is None:
        await conn.execute(
            chats.update().where(chats.c.id == old["id"]).values(external_id=new_external_id)
        )
        return
    old_id, kept_id = old["id"], kept["id"]
    for table, key in _CHAT_CHILDREN:
        twin = table.alias("twin")
        duplicate = (
            sa.select(twin.c.chat_id)
            .where(twin.c.chat_id == kept_id, *(twin.c[k] == table.c[k] for k in key))
            .exists()
        )
        await conn.execute(
            table.update().where(table.c.chat_id == old_id, ~duplicate).values(chat_id=kept_id)
        )
        await conn.execute(table.delete().where(table.c.chat_id == old_id))
    await conn.execute(outbox.update().where(outbox.c.chat_id == old_id).values(chat_id=kept_id))
    # The new row usually exists only because someone looked (/start, /list) before the move
    # was noticed; unless it was set up there, the old chat's settings and schedule carry over.
    if not kept["paused"] and _settings(kept["settings"]) == ChatSettings():
        carried = {name: old[name] for name in _CARRIED_OVER}
        await conn.execute(chats.update().where(chats.c.id == kept_id).values(**carried))
    await conn.execute(chats.delete().where(chats.c.id == old_id))
