"""The bulk read behind Slack's App Home: many chats with their feeds and follows at once."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.models import Follow, FollowKind, Platform
from storage import ChatRepository, Database, FeedRepository


async def test_chats_come_with_their_feeds_in_order_and_their_follows(
    database: Database, now: datetime
) -> None:
    chats, feeds = ChatRepository(database), FeedRepository(database)
    news = await chats.ensure(Platform.SLACK, "C1", kind="channel", now=now)
    quiet = await chats.ensure(Platform.SLACK, "C2", kind="channel", now=now)
    await chats.ensure(Platform.SLACK, "C3", now=now)  # not asked for
    await chats.ensure(Platform.TELEGRAM, "C1", now=now)  # same id, other platform
    second = await feeds.add("https://b.example/rss", now=now, title="B")
    first = await feeds.add("https://a.example/rss", now=now, title="A")
    await chats.subscribe(news.id, second.id, now=now)
    await chats.subscribe(news.id, first.id, now=now + timedelta(minutes=1))
    await chats.follow(news.id, Follow(FollowKind.COUNTRY, "IN"))

    found = await chats.chats_with_prefs(Platform.SLACK, ["C2", "C1", "C9", "C1"])

    assert [(c.external_id, [f.title for f in fs], ws) for c, fs, ws in found] == [
        ("C1", ["B", "A"], [Follow(FollowKind.COUNTRY, "IN")]),
        ("C2", [], []),
    ]
    assert found[1][0] == quiet
    assert await chats.chats_with_prefs(Platform.SLACK, []) == []
