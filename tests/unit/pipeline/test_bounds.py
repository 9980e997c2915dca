"""What a hostile feed puts into its items is cut to size and cleaned before it is stored."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.models import ChatSettings, DeliveryMode, Platform
from bot.pipeline.fanout import queue_instant_alerts
from bot.pipeline.poller import poll_due
from bot.reader.bounds import (
    MAX_AUTHOR_CHARS,
    MAX_PARAGRAPH_CHARS,
    MAX_PARAGRAPHS,
    MAX_TEXT_CHARS,
    MAX_TITLE_CHARS,
)
from bot.services import Services
from handlers.telegram.platform import render_alert
from tests.fakes.documents import Item, rss_feed
from tests.fakes.feed_server import FeedServer

SENTENCE = "Ministers of India and Russia met in New Delhi to discuss trade and energy. "
OVERRIDES = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


@pytest.fixture
def taken_whole(services: Services, now: datetime) -> datetime:
    """Feed text taken as it is (no article pages), on a fixed clock."""
    services.clock = lambda: now
    services.settings.fetch_article_below_words = 0
    return now


async def test_a_huge_item_is_stored_cut_and_alerts_in_one_message(
    services: Services, feed_server: FeedServer, taken_whole: datetime
) -> None:
    now = taken_whole
    item = Item(
        title="Breaking: sanctions widened " * 8_000,  # 0.2 MB of headline
        link=feed_server.url("/a"),
        guid="huge",
        paragraphs=[SENTENCE * 100] * 400,  # 3 MB of text in 400 paragraphs
        published=now,
        author="Jane Roe " * 1_000,
    )
    feed = await services.feeds.add(feed_server.serve("/rss", rss_feed("Desk", [item])), now=now)
    chat = await services.chats.ensure(Platform.TELEGRAM, "5", kind="private", now=now)
    await services.chats.save_settings(
        chat.id, ChatSettings(mode=DeliveryMode.INSTANT), next_digest_at=None
    )
    await services.chats.subscribe(chat.id, feed.id, now=now)

    summary = await poll_due(services)
    assert (summary.new_articles, summary.errors) == (1, 0)
    (article,) = await services.articles.analyzed_since(now - timedelta(hours=1))
    assert len(article.title) <= MAX_TITLE_CHARS
    assert article.title.endswith("…")
    assert article.author is not None
    assert len(article.author) <= MAX_AUTHOR_CHARS
    assert len(article.paragraphs) <= MAX_PARAGRAPHS
    assert max(len(p) for p in article.paragraphs) <= MAX_PARAGRAPH_CHARS
    assert sum(len(p) for p in article.paragraphs) <= MAX_TEXT_CHARS
    await queue_instant_alerts(services, [article], {Platform.TELEGRAM: render_alert})
    assert await services.outbox.pending_count(chat.id) == 1


async def test_direction_overrides_are_removed_from_feed_text(
    services: Services, feed_server: FeedServer, taken_whole: datetime
) -> None:
    now = taken_whole
    # Shown right to left, "txt.exe" would read as "exe.txt": the override must go.
    item = Item(
        title=f"Report{OVERRIDES[4]}fdp.exe",
        link=feed_server.url("/a"),
        guid="bidi",
        paragraphs=[f"{OVERRIDES}{SENTENCE}", f"Said {OVERRIDES[5]}the minister{OVERRIDES[8]}."],
        published=now,
        author=f"{OVERRIDES[4]}Jane Roe",
    )
    url = feed_server.serve("/rss", rss_feed(f"Desk{OVERRIDES[4]}", [item]))
    feed = await services.feeds.add(url, now=now)
    await poll_due(services)
    (article,) = await services.articles.analyzed_since(now - timedelta(hours=1))
    assert article.title == "Reportfdp.exe"
    assert article.author == "Jane Roe"
    assert article.paragraphs == (SENTENCE.strip(), "Said the minister.")
    stored = await services.feeds.get(feed.id)
    assert stored is not None
    assert stored.title == "Desk"
