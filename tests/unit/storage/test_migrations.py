"""Upgrading a database that already holds chats, stories and deliveries."""

from __future__ import annotations

from datetime import datetime

import pytest
import sqlalchemy as sa
from alembic import command

from storage.db import Database, _alembic_config


@pytest.fixture
async def old_database(empty_database: Database) -> Database:
    """A database as version 0004 of the schema left it."""
    async with empty_database.engine.begin() as conn:
        await conn.run_sync(lambda sync: command.upgrade(_alembic_config(sync), "0004"))
    return empty_database


async def test_a_chat_that_had_a_story_is_recorded_as_told_of_its_reports(
    old_database: Database, now: datetime
) -> None:
    async with old_database.engine.begin() as conn:
        statements = [
            "INSERT INTO feeds (id, url, created_at) VALUES (1, 'https://a.example/rss', :now)",
            "INSERT INTO chats (id, platform, external_id, settings, created_at) "
            "VALUES (1, 'telegram', '42', '{}', :now)",
            *(
                "INSERT INTO articles (id, feed_id, dedup_key, url, title, fetched_at, "
                f"paragraphs, analyzed_at, story_id) VALUES ({n}, 1, '{n}', '', 't', :now, "
                f"'[]', :now, {story})"
                for n, story in ((1, 1), (2, 1), (3, 3), (4, 1))
            ),
            "INSERT INTO deliveries (chat_id, story_id, queued_at) VALUES (1, 1, :now)",
        ]
        for statement in statements:
            await conn.execute(sa.text(statement), {"now": now.replace(tzinfo=None)})
    await old_database.migrate()
    async with old_database.engine.connect() as conn:
        told = (await conn.execute(sa.text("SELECT story_id FROM deliveries"))).scalars().all()
    assert sorted(told) == [1, 2, 4]
