"""Moving a chat to a new platform id, merging it into a row that already has that id."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.models import ChatSettings
from storage.chat_settings import settings_from_json
from storage.tables import chats, deliveries, follows, outbox, subscriptions

# What a chat merged into another brings along: each table with the columns that, besides
# chat_id, make a row unique (the kept chat's own row wins a tie).
_CHAT_CHILDREN = (
    (subscriptions, ("feed_id",)),
    (follows, ("kind", "value")),
    (deliveries, ("story_id",)),
)
_CARRIED_OVER = (
    "settings",
    "paused",
    "paused_reason",
    "paused_by",
    "last_digest_at",
    "next_digest_at",
)


async def move_chat(conn: AsyncConnection, old: RowMapping, new_external_id: str) -> None:
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
    if not kept["paused"] and settings_from_json(kept["settings"]) == ChatSettings():
        carried = {name: old[name] for name in _CARRIED_OVER}
        await conn.execute(chats.update().where(chats.c.id == kept_id).values(**carried))
    await conn.execute(chats.delete().where(chats.c.id == old_id))
