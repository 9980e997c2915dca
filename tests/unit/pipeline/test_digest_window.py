"""Which stored articles a digest may offer: news of the window, not whatever arrived in it."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.models import Analysis, Entry, Platform, Tags
from storage import ArticleRepository, ChatRepository, Database, FeedRepository


def _entry(key: str, published: datetime | None) -> Entry:
    return Entry(
        dedup_key=key,
        url=f"https://news.example/{key}",
        title=f"Talks in Geneva, part {key}",
        published=published,
        paragraphs=("A.", "B."),
    )


async def test_old_items_fetched_today_are_not_offered(database: Database, now: datetime) -> None:
    feeds, articles = FeedRepository(database), ArticleRepository(database)
    chats = ChatRepository(database)
    feed = await feeds.add("https://news.example/a.xml", now=now)
    chat = await chats.ensure(Platform.TELEGRAM, "42", now=now)
    await chats.subscribe(chat.id, feed.id, now=now)
    # A feed just subscribed to lists old items: all are fetched now, few are news.
    entries = [
        _entry("months-old", now - timedelta(days=90)),
        _entry("days-old", now - timedelta(days=3)),
        _entry("recent", now - timedelta(hours=2)),
        _entry("undated", None),
        _entry("dated-ahead", now + timedelta(hours=5)),
    ]
    stored = await articles.add_new(feed.id, entries, now=now)
    relevant = Analysis(tags=Tags(geopolitics=0.9))
    for article in stored:
        await articles.save_analysis(article.id, relevant, story_id=article.id, now=now)
    offered = await articles.undelivered_for_chat(
        chat.id, since=now - timedelta(hours=24), min_relevance=0.5
    )
    assert [a.dedup_key for a in offered] == ["recent", "undated", "dated-ahead"]
