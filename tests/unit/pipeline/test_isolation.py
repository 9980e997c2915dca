"""One hostile feed cannot hold up the others: real HTTP to local feed and page servers.

The page server on 127.0.0.2 (another host, as far as per-host limits go) accepts every request
for /story/... and never answers, as a hostile feed's article pages did.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Sequence
from datetime import datetime, timedelta

import pytest

from bot.config import Settings
from bot.models import Article, ChatSettings, DeliveryMode, Platform
from bot.pipeline.fanout import queue_instant_alerts
from bot.pipeline.poller import poll_due
from bot.services import Services
from handlers.telegram.platform import render_alert
from tests.fakes.documents import Item, article_page, rss_feed
from tests.fakes.feed_server import FeedServer, Reply
from tests.fakes.telegram_api import wait_for

TEXT = (
    "Foreign ministers of India and Russia met in New Delhi on Monday to discuss trade in "
    "national currencies, new energy contracts and the security of shipping lanes, officials "
    "said after the talks, which both sides described as frank and useful."
)
PAGE = [f"Paragraph {n} of the full report. {TEXT}" for n in range(6)]


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Reads that outlast every test: a silent host's requests stay open until it closes."""
    return settings.model_copy(update={"read_timeout": 120.0, "feed_time_budget": 30.0})


@pytest.fixture
async def page_host() -> AsyncIterator[FeedServer]:
    server = FeedServer()
    await server.start(host="127.0.0.2")
    server.hang("/story")
    yield server
    await server.close()


@pytest.fixture
def fixed_clock(services: Services, now: datetime) -> datetime:
    services.clock = lambda: now
    return now


def _teasers(pages: FeedServer, label: str, count: int, published: datetime) -> bytes:
    items = [
        Item(f"Teaser {label}.{n}", pages.url(f"/story/{label}/{n}"), f"{label}.{n}", ["Short."])
        for n in range(count)
    ]
    return rss_feed(
        f"Hostile {label}", [Item(i.title, i.link, i.guid, i.paragraphs, published) for i in items]
    )


async def _analyzed(services: Services, title: str) -> Article | None:
    found = await services.articles.analyzed_since(services.clock() - timedelta(days=1))
    return next((a for a in found if a.title == title), None)


async def test_pages_that_never_answer_hold_up_no_poll_and_no_other_page(
    services: Services, feed_server: FeedServer, page_host: FeedServer, fixed_clock: datetime
) -> None:
    # Three hostile feeds, 20 new teasers on every poll, all linking to the silent host.
    for f in range(3):
        url = feed_server.generate(
            f"/hostile/{f}", lambda n, f=f: _teasers(page_host, f"{f}-{n}", 20, fixed_clock)
        )
        await services.feeds.add(url, now=fixed_clock)
    first = await poll_due(services)
    assert (first.polled, first.new_articles, first.errors) == (3, 60, 0)
    await wait_for(lambda: page_host.max_in_flight == services.settings.per_host_concurrency)

    # A good feed comes along while 60 pages wait for the silent host: its page is fetched at
    # once, as the silent host holds only its share of the page workers.
    feed_server.serve("/article", article_page("Summit report", PAGE), content_type="text/html")
    good_item = Item("Summit report", feed_server.url("/article"), "good", ["Teaser."], fixed_clock)
    good = feed_server.serve("/good", rss_feed("Good", [good_item]))
    await services.feeds.add(good, now=fixed_clock)
    second = await poll_due(services)
    assert (second.polled, second.new_articles, second.errors) == (1, 1, 0)
    article = await wait_for(lambda: _analyzed(services, "Summit report"), timeout=20)
    assert article.paragraphs[0].startswith("Paragraph 0 of the full report")

    # The next cycle is not held up either: every feed is polled again, and the silent host
    # still has no more than its few requests open.
    await services.feeds.make_all_due(fixed_clock)
    third = await poll_due(services)
    assert (third.polled, third.new_articles, third.errors) == (4, 60, 0)
    assert page_host.max_in_flight == services.settings.per_host_concurrency

    # Nothing is lost: once the silent host is gone, every teaser is analyzed from its text.
    await page_host.close()
    await services.pages.join()
    later = fixed_clock + timedelta(days=1)
    assert await services.articles.unanalyzed(fetched_before=later, limit=500) == []
    assert await services.articles.count() == 121


async def test_only_the_newest_items_of_a_huge_feed_are_taken(
    services: Services, feed_server: FeedServer, fixed_clock: datetime
) -> None:
    services.settings.max_items_per_poll = 30
    services.settings.fetch_article_below_words = 0
    ages = list(range(2_000))
    random.Random(4).shuffle(ages)  # the newest are not simply the first ones listed
    items = [
        Item(
            f"Item {age}",
            feed_server.url(f"/a/{age}"),
            f"g{age}",
            [TEXT],
            fixed_clock - timedelta(minutes=age),
        )
        for age in ages
    ]
    url = feed_server.generate("/huge", lambda n: rss_feed("Huge", items))
    await services.feeds.add(url, now=fixed_clock)
    summary = await poll_due(services)
    assert (summary.new_articles, summary.errors) == (30, 0)
    stored = await services.articles.analyzed_since(fixed_clock - timedelta(days=1))
    assert sorted(a.title for a in stored) == sorted(f"Item {age}" for age in range(30))


async def test_a_feed_over_its_time_budget_fails_alone(
    services: Services, feed_server: FeedServer, fixed_clock: datetime
) -> None:
    services.settings.feed_time_budget = 0.5
    feed = rss_feed("Slow", [Item("Slow news", feed_server.url("/s"), "s", [TEXT], fixed_clock)])
    slow = feed_server.script("/slow", Reply(feed, delay=60))
    good = feed_server.serve(
        "/good", rss_feed("Good", [Item("News", feed_server.url("/n"), "n", [TEXT], fixed_clock)])
    )
    for url in (slow, good):
        await services.feeds.add(url, now=fixed_clock)
    summary = await poll_due(services)
    errors = {o.feed.url: o.error for o in summary.outcomes}
    assert errors == {slow: "the feed took longer than 0.5 s to fetch and store", good: None}


async def test_a_page_that_comes_late_completes_its_article_without_a_second_alert(
    services: Services, feed_server: FeedServer, fixed_clock: datetime
) -> None:
    chat = await services.chats.ensure(Platform.TELEGRAM, "7", kind="private", now=fixed_clock)
    await services.chats.save_settings(
        chat.id, ChatSettings(mode=DeliveryMode.INSTANT), next_digest_at=None
    )
    arrived = asyncio.Event()
    feed_server.script(
        "/story", Reply(article_page("Summit", PAGE), content_type="text/html", gate=arrived)
    )
    teaser = Item("Summit in New Delhi", feed_server.url("/story"), "t", [TEXT], fixed_clock)
    feed = await services.feeds.add(
        feed_server.serve("/rss", rss_feed("Desk", [teaser])), now=fixed_clock
    )
    await services.chats.subscribe(chat.id, feed.id, now=fixed_clock)
    alerts: list[Sequence[Article]] = []

    async def on_new(articles: Sequence[Article]) -> None:
        alerts.append(articles)
        await queue_instant_alerts(services, articles, {Platform.TELEGRAM: render_alert})

    await poll_due(services, on_new_articles=on_new)
    await wait_for(lambda: feed_server.requests_to("/story"), timeout=10)
    # The page is slow: the next cycle's leftover sweep analyzes the teaser, and alerts.
    services.clock = lambda: fixed_clock + timedelta(minutes=10)
    await poll_due(services, on_new_articles=on_new)
    (early,) = await services.articles.analyzed_since(fixed_clock - timedelta(days=1))
    assert early.paragraphs == (TEXT,)
    assert await services.outbox.pending_count(chat.id) == 1
    # Then the page comes: the article gets its full text, keeps its story, no second alert.
    arrived.set()
    await services.pages.join()
    (complete,) = await services.articles.analyzed_since(fixed_clock - timedelta(days=1))
    assert complete.paragraphs[0].startswith("Paragraph 0 of the full report")
    assert complete.story_id == early.story_id
    assert len(alerts) == 2
    assert await services.outbox.pending_count(chat.id) == 1
