"""Taking feeds in over real HTTP: retention, leftovers, oversized fields, disabled feeds."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from email.utils import format_datetime

import pytest

from bot.errors import FeedError
from bot.models import Article, Entry
from bot.pipeline.ingest import add_feed
from bot.pipeline.poller import poll_due
from bot.services import Services
from tests.fakes.documents import Item, rss_feed
from tests.fakes.feed_server import FeedServer, Reply

PARAGRAPHS = (
    "Foreign ministers of India and Russia met in New Delhi on Monday to discuss trade in "
    "national currencies and new energy contracts, officials said.",
)


@pytest.fixture
def fixed_clock(services: Services, now: datetime) -> datetime:
    services.clock = lambda: now
    return now


def _item(
    server: FeedServer,
    n: int,
    *,
    published: datetime,
    guid: str = "",
    link: str = "",
    author: str = "",
) -> Item:
    return Item(
        title=f"Talks round {n}",
        link=link or server.url(f"/a/{n}"),
        guid=guid or f"g{n}",
        paragraphs=PARAGRAPHS,
        published=published,
        author=author,
    )


def _undated(document: bytes, published: datetime) -> bytes:
    """The document without the pubDate ``published`` was written as."""
    return document.replace(f"<pubDate>{format_datetime(published)}</pubDate>".encode(), b"")


async def test_entries_older_than_retention_are_not_stored(
    services: Services, feed_server: FeedServer, fixed_clock: datetime
) -> None:
    services.settings.retention_days = 30
    undated_at = fixed_clock - timedelta(days=400)
    items = [
        _item(feed_server, 0, published=fixed_clock - timedelta(days=40)),
        _item(feed_server, 1, published=fixed_clock - timedelta(hours=1)),
        _item(feed_server, 2, published=undated_at),
    ]
    url = feed_server.serve("/rss", _undated(rss_feed("World", items), undated_at))
    added = await add_feed(services, url)
    stored = sorted((a.title, a.published) for a in added.new_articles)
    assert stored == [
        ("Talks round 1", fixed_clock - timedelta(hours=1)),
        ("Talks round 2", None),
    ]
    # The old item stays out on later polls too, so pruning cannot make it come back as new.
    await services.feeds.enable(added.feed.id, now=fixed_clock)
    summary = await poll_due(services)
    assert (summary.polled, summary.new_articles) == (1, 0)
    assert await services.articles.count() == 2


async def test_articles_left_unanalyzed_are_analyzed_by_the_next_cycle(
    services: Services,
    feed_server: FeedServer,
    fixed_clock: datetime,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    services.settings.fetch_article_below_words = 0  # analyzed inside the poll, no pages
    items = [_item(feed_server, n, published=fixed_clock) for n in range(2)]
    url = feed_server.serve("/rss", rss_feed("World", items))
    feed = await services.feeds.add(url, now=fixed_clock)
    real_save = services.articles.save_analyses

    async def database_fails(*args: object, **kwargs: object) -> None:
        raise OSError("connection reset")

    # Stored, then the database fails before any analysis is saved.
    monkeypatch.setattr(services.articles, "save_analyses", database_fails)
    first = await poll_due(services)
    assert first.errors == 1
    monkeypatch.setattr(services.articles, "save_analyses", real_save)
    later = fixed_clock + timedelta(days=1)
    services.clock = lambda: later
    # Stored a moment ago by a /subscribe still analyzing it: not this cycle's business.
    entry = Entry(dedup_key="in-flight", url=feed_server.url("/a/x"), title="In flight")
    (in_flight,) = await services.articles.add_new(feed.id, [entry], now=later)
    arrived: list[Article] = []

    async def on_new(articles: Sequence[Article]) -> None:
        arrived.extend(articles)

    await poll_due(services, on_new_articles=on_new)
    assert sorted(a.title for a in arrived) == ["Talks round 0", "Talks round 1"]
    assert all(a.analysis is not None and a.story_id is not None for a in arrived)
    left = await services.articles.unanalyzed(fetched_before=later + timedelta(days=1), limit=10)
    assert [a.id for a in left] == [in_flight.id]


async def test_leftovers_that_fail_again_do_not_stop_polling(
    services: Services, feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def database_fails(**kwargs: object) -> list[Article]:
        raise OSError("connection reset")

    monkeypatch.setattr(services.articles, "unanalyzed", database_fails)
    url = feed_server.serve(
        "/rss", rss_feed("World", [_item(feed_server, 0, published=services.clock())])
    )
    await services.feeds.add(url, now=services.clock())
    summary = await poll_due(services)
    assert (summary.polled, summary.new_articles, summary.errors) == (1, 1, 0)


async def test_oversized_guid_author_and_feed_fields_poll_and_deduplicate(
    services: Services, feed_server: FeedServer
) -> None:
    """PostgreSQL refuses values longer than their column; one such field failed the feed."""
    item = _item(
        feed_server,
        0,
        published=services.clock(),
        guid="g" * 2000,
        author="Jane Roe " * 250,
        link=feed_server.url("/a/" + "x" * 2100),
    )
    document = rss_feed("W" * 2000, [item], link="https://news.example/" + "s" * 2100)
    url = feed_server.serve("/rss", document, etag='"' + "e" * 600 + '"')
    feed = await services.feeds.add(url, now=services.clock())
    first = await poll_due(services)
    assert (first.polled, first.new_articles, first.errors) == (1, 1, 0)
    (article,) = await services.articles.analyzed_since(services.clock() - timedelta(hours=1))
    assert article.dedup_key.startswith("sha256:")
    assert article.author is not None
    assert article.author.startswith("Jane Roe")
    assert article.url == ""
    polled = await services.feeds.get(feed.id)
    assert polled is not None
    assert polled.title.startswith("WWW")
    assert len(polled.title) <= 512
    assert (polled.site_url, polled.etag) == ("", None)
    await services.feeds.enable(feed.id, now=services.clock())
    second = await poll_due(services)
    assert (second.polled, second.new_articles, second.errors) == (1, 0, 0)
    assert await services.articles.count() == 1
    # Subscribing stores the title of its first fetch: bounded there as well.
    added = await add_feed(services, feed_server.serve("/copy", document))
    assert len(added.feed.title) <= 512


async def test_subscribing_to_a_disabled_feed_fetches_it_again(
    services: Services, feed_server: FeedServer
) -> None:
    items = [_item(feed_server, n, published=services.clock()) for n in range(2)]
    url = feed_server.script(
        "/rss", Reply(status=410), Reply(status=410), Reply(rss_feed("World", items))
    )
    feed = await services.feeds.add(url, now=services.clock())
    await poll_due(services)
    disabled = await services.feeds.get(feed.id)
    assert disabled is not None
    assert disabled.disabled_reason is not None
    with pytest.raises(FeedError, match=r"disabled \(HTTP 410.*fetching it again failed: HTTP 410"):
        await add_feed(services, url)
    added = await add_feed(services, url)
    assert (added.created, added.enabled_again) == (False, True)
    assert added.feed.disabled_reason is None
    assert added.feed.error_count == 0
    assert len(added.new_articles) == 2
    # Enabled now: the next subscriber gets it back without another fetch.
    assert (await add_feed(services, url)).enabled_again is False
    assert len(feed_server.requests_to("/rss")) == 3


async def test_a_feed_disabled_after_failures_comes_back_when_subscribed(
    services: Services, feed_server: FeedServer
) -> None:
    services.settings.max_feed_errors = 1
    url = feed_server.script(
        "/rss",
        Reply(status=500),
        Reply(rss_feed("World", [_item(feed_server, 0, published=services.clock())])),
    )
    feed = await services.feeds.add(url, now=services.clock())
    await poll_due(services)
    disabled = await services.feeds.get(feed.id)
    assert disabled is not None
    assert disabled.disabled_reason is not None
    added = await add_feed(services, url)
    assert added.enabled_again
    assert [a.title for a in added.new_articles] == ["Talks round 0"]
