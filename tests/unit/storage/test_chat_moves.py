"""ChatRepository.migrate on a real database: a chat given a new id, merged into a row that
already has it when someone wrote there first (Telegram group → supergroup)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.models import Chat, ChatSettings, Feed, Follow, FollowKind, Platform, Rendered
from storage import ChatRepository, Database, FeedRepository, OutboxRepository

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
OLD, NEW = "-4001", "-1004001"
INDIA = Follow(FollowKind.COUNTRY, "IN")
DRONES = Follow(FollowKind.KEYWORD, "drones")


@pytest.fixture
def chats(database: Database) -> ChatRepository:
    return ChatRepository(database)


async def feeds(database: Database, *names: str) -> list[Feed]:
    repository = FeedRepository(database)
    return [await repository.add(f"https://{n}.example/rss", now=NOW, title=n) for n in names]


async def chat(chats: ChatRepository, external_id: str, thread_id: str = "") -> Chat:
    return await chats.ensure(Platform.TELEGRAM, external_id, thread_id=thread_id, now=NOW)


async def had(outbox: OutboxRepository, chat_id: int, story_id: int) -> bool:
    """Whether the chat has had the story (queueing it again is refused)."""
    return not await outbox.enqueue(chat_id, [Rendered("x")], now=NOW, story_ids=[story_id])


async def test_a_chat_without_a_row_under_the_new_id_keeps_its_own(
    database: Database, chats: ChatRepository
) -> None:
    old = await chat(chats, OLD)
    [feed] = await feeds(database, "a")
    await chats.subscribe(old.id, feed.id, now=NOW)
    await chats.migrate(Platform.TELEGRAM, OLD, NEW)
    moved = await chats.find(Platform.TELEGRAM, NEW)
    assert moved is not None
    assert moved.id == old.id
    assert await chats.find(Platform.TELEGRAM, OLD) is None


async def test_a_chat_is_merged_into_the_row_someone_created_under_the_new_id(
    database: Database, chats: ChatRepository
) -> None:
    outbox = OutboxRepository(database)
    a, b, c = await feeds(database, "a", "b", "c")
    old = await chat(chats, OLD)
    berlin = ChatSettings(timezone="Europe/Berlin", schedule=("07:30",))
    await chats.save_settings(old.id, berlin, next_digest_at=NOW + timedelta(hours=1))
    for feed in (a, b):
        await chats.subscribe(old.id, feed.id, now=NOW)
    await chats.follow(old.id, INDIA)
    await chats.follow(old.id, DRONES)
    await outbox.enqueue(old.id, [Rendered("old digest")], now=NOW, story_ids=[1, 2])
    # Someone sent /list in the supergroup before the move was noticed.
    new = await chat(chats, NEW)
    for feed in (b, c):
        await chats.subscribe(new.id, feed.id, now=NOW)
    await chats.follow(new.id, INDIA)
    await outbox.enqueue(new.id, [Rendered("new alert")], now=NOW, story_ids=[2, 3])

    await chats.migrate(Platform.TELEGRAM, OLD, NEW)

    assert await chats.get(old.id) is None
    merged = await chats.find(Platform.TELEGRAM, NEW)
    assert merged is not None
    assert merged.id == new.id
    assert [f.title for f in await chats.subscriptions(new.id)] == ["a", "b", "c"]
    assert await chats.follows(new.id) == [INDIA, DRONES]
    assert await outbox.pending_count(new.id) == 2
    assert [await had(outbox, new.id, story) for story in (1, 2, 3, 4)] == [True] * 3 + [False]
    # The new row was untouched: the group's settings and schedule come along.
    assert merged.settings == berlin
    assert merged.next_digest_at == NOW + timedelta(hours=1)


async def test_settings_changed_in_the_new_chat_are_kept(chats: ChatRepository) -> None:
    old = await chat(chats, OLD)
    await chats.save_settings(old.id, ChatSettings(timezone="Asia/Kolkata"), next_digest_at=None)
    new = await chat(chats, NEW)
    await chats.save_settings(new.id, ChatSettings(schedule=("06:00",)), next_digest_at=None)
    await chats.migrate(Platform.TELEGRAM, OLD, NEW)
    merged = await chats.get(new.id)
    assert merged is not None
    assert merged.settings == ChatSettings(schedule=("06:00",))


async def test_every_thread_moves_and_a_second_migration_finds_nothing_to_do(
    chats: ChatRepository,
) -> None:
    general, topic = await chat(chats, OLD), await chat(chats, OLD, "7")
    await chats.follow(topic.id, DRONES)
    existing = await chat(chats, NEW)
    await chats.migrate(Platform.TELEGRAM, OLD, NEW)
    await chats.migrate(Platform.TELEGRAM, OLD, NEW)
    moved_topic = await chats.find(Platform.TELEGRAM, NEW, thread_id="7")
    assert moved_topic is not None
    assert moved_topic.id == topic.id
    assert await chats.follows(topic.id) == [DRONES]
    assert await chats.get(general.id) is None
    assert await chats.get(existing.id) is not None
