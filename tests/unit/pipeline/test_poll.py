"""The poll step end to end: local feed server → fetch → store → analyze, every failure recorded."""

from __future__ import annotations

from datetime import timedelta
from email.utils import format_datetime

import pytest

from bot.errors import FeedError
from bot.models import Analysis, Article
from bot.pipeline import ingest
from bot.pipeline.ingest import add_feed
from bot.pipeline.poller import failure_delay, poll_due
from bot.services import Services
from tests.fakes.documents import Item, article_page, rss_feed
from tests.fakes.feed_server import FeedServer, Reply

PARAGRAPHS = (
    "Foreign ministers of India and Russia met in New Delhi on Monday to discuss trade in "
    "national currencies and new energy contracts, officials said.",
    "'We will deepen our strategic partnership despite sanctions,' Sergey Lavrov, Russia's "
    "foreign minister, told reporters after the talks.",
)


def _items(server: FeedServer, count: int) -> list[Item]:
    return [
        Item(
            title=f"Talks round {n}",
            link=server.url(f"/a/{n}"),
            guid=f"g{n}",
            paragraphs=PARAGRAPHS,
        )
        for n in range(count)
    ]


async def test_articles_stored_once_and_second_poll_is_conditional(
    services: Services, feed_server: FeedServer
) -> None:
    url = feed_server.serve("/rss", rss_feed("World", _items(feed_server, 3)), etag='"v1"')
    await services.feeds.add(url, now=services.clock())
    first = await poll_due(services)
    assert (first.polled, first.new_articles, first.errors) == (1, 3, 0)
    # Make the feed due again: the next poll must send the validators and parse nothing.
    (feed,) = await services.feeds.all()
    await services.feeds.enable(feed.id, now=services.clock())
    second = await poll_due(services)
    assert (second.polled, second.not_modified, second.new_articles) == (1, 1, 0)
    conditional = feed_server.requests_to("/rss")[-1]
    assert conditional.headers.get("If-None-Match") == '"v1"'
    assert await services.articles.count() == 3


async def test_new_items_only_are_added(services: Services, feed_server: FeedServer) -> None:
    items = _items(feed_server, 2)
    url = feed_server.serve("/rss", rss_feed("World", items))
    await services.feeds.add(url, now=services.clock())
    await poll_due(services)
    feed_server.serve("/rss", rss_feed("World", [*items, *_items(feed_server, 4)[2:]]))
    (feed,) = await services.feeds.all()
    await services.feeds.enable(feed.id, now=services.clock())
    summary = await poll_due(services)
    assert summary.new_articles == 2
    assert await services.articles.count() == 4


async def test_teaser_entries_get_the_article_page_text(
    services: Services, feed_server: FeedServer
) -> None:
    page_text = [
        f"Paragraph {n} of the full report on the summit between India and Russia, "
        "where ministers discussed energy, trade and security cooperation at length." * 2
        for n in range(6)
    ]
    feed_server.serve("/story", article_page("Summit report", page_text), content_type="text/html")
    teaser = Item(
        title="Summit report", link=feed_server.url("/story"), guid="s", paragraphs=["Teaser."]
    )
    url = feed_server.serve("/rss", rss_feed("World", [teaser]))
    added = await add_feed(services, url)
    (article,) = added.new_articles
    assert article.paragraphs[0].startswith("Paragraph 0 of the full report")
    assert not any("Related Articles" in p or "newsletter" in p for p in article.paragraphs)


async def test_every_bad_feed_is_survived_and_recorded(
    services: Services, feed_server: FeedServer
) -> None:
    good = feed_server.serve("/good", rss_feed("Good", _items(feed_server, 1)))
    broken = feed_server.serve("/broken", b"oops", status=500)
    gone = feed_server.serve("/gone", b"", status=410)
    throttled = feed_server.serve("/busy", b"", status=429, headers={"Retry-After": "7200"})
    page = feed_server.serve(
        "/page", b"<html><body><p>hi</p></body></html>", content_type="text/html"
    )
    missing = feed_server.url("/missing")
    now = services.clock()
    for url in (good, broken, gone, throttled, page, missing):
        await services.feeds.add(url, now=now)
    summary = await poll_due(services)
    assert (summary.polled, summary.new_articles, summary.errors) == (6, 1, 5)
    state = {f.url: f for f in await services.feeds.all()}
    assert state[good].last_error is None
    assert "500" in (state[broken].last_error or "")
    assert state[broken].error_count == 1
    assert state[broken].next_poll_at is not None
    assert state[broken].next_poll_at > now
    assert state[gone].disabled_reason is not None
    assert "410" in state[gone].disabled_reason
    busy = state[throttled]
    assert busy.error_count == 0
    assert busy.next_poll_at is not None
    assert busy.next_poll_at >= now + timedelta(seconds=7200)
    assert "not an RSS/Atom feed" in (state[page].last_error or "")
    assert "404" in (state[missing].last_error or "")


async def test_feed_disabled_after_too_many_failures(
    services: Services, feed_server: FeedServer
) -> None:
    services.settings.max_feed_errors = 2
    url = feed_server.serve("/broken", b"", status=502)
    feed = await services.feeds.add(url, now=services.clock())
    start = services.clock()
    for day in range(1, 4):
        await poll_due(services)
        # Jump past the longest backoff so the feed is due again.
        services.clock = lambda day=day: start + timedelta(days=day)
    disabled = await services.feeds.get(feed.id)
    assert disabled is not None
    assert disabled.error_count == 2
    assert disabled.disabled_reason is not None
    assert "disabled after 2 failed polls" in disabled.disabled_reason
    assert len(feed_server.requests_to("/broken")) == 2


async def test_permanent_redirect_rewrites_the_stored_url(
    services: Services, feed_server: FeedServer
) -> None:
    new = feed_server.serve("/new", rss_feed("World", _items(feed_server, 1)))
    old = feed_server.redirect("/old", "/new", status=301)
    temporary = feed_server.redirect("/tmp", "/new", status=302)
    await services.feeds.add(old, now=services.clock())
    await services.feeds.add(temporary, now=services.clock())
    await poll_due(services)
    urls = {f.url for f in await services.feeds.all()}
    # The 301 feed would move onto /new; the 302 feed keeps its address.
    assert temporary in urls
    assert new in urls
    assert old not in urls


async def test_add_feed_rejects_non_feeds_and_stores_nothing(
    services: Services, feed_server: FeedServer
) -> None:
    page = feed_server.serve("/page", b"<html><body>hello</body></html>", content_type="text/html")
    with pytest.raises(FeedError, match="not an RSS/Atom feed"):
        await add_feed(services, page)
    with pytest.raises(FeedError, match="404"):
        await add_feed(services, feed_server.url("/missing"))
    assert await services.feeds.all() == []


def test_failure_delay_grows_and_is_capped() -> None:
    delays = [failure_delay(n, base=600, cap=3600, rng=lambda: 0.5) for n in (1, 2, 3, 10)]
    assert delays == [600, 1200, 2400, 3600]
    assert (
        failure_delay(1, base=600, cap=3600, rng=lambda: 0.0)
        < 600
        < failure_delay(1, base=600, cap=3600, rng=lambda: 1.0)
    )


async def test_retry_after_date_is_honored_and_not_counted(
    services: Services, feed_server: FeedServer
) -> None:
    retry_at = services.clock().replace(microsecond=0) + timedelta(hours=3)
    url = feed_server.script(
        "/busy", Reply(status=503, headers={"Retry-After": format_datetime(retry_at, usegmt=True)})
    )
    feed = await services.feeds.add(url, now=services.clock())
    await poll_due(services)
    stored = await services.feeds.get(feed.id)
    assert stored is not None
    assert stored.error_count == 0
    assert stored.next_poll_at is not None
    assert stored.next_poll_at >= retry_at - timedelta(seconds=5)


async def test_an_article_that_breaks_analysis_is_kept_but_never_sent(
    services: Services, feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = ingest.analyze

    def breaks_on_round_1(title: str, text: str, **options: int) -> Analysis:
        if title == "Talks round 1":
            raise ValueError("unexpected text")
        return real(title, text, **options)

    monkeypatch.setattr(ingest, "analyze", breaks_on_round_1)
    url = feed_server.serve("/rss", rss_feed("World", _items(feed_server, 3)))
    await services.feeds.add(url, now=services.clock())
    summary = await poll_due(services)
    await services.pages.join()  # the items are teasers: analyzed once their pages are tried
    assert (summary.new_articles, summary.errors) == (3, 0)
    analyzed = {
        a.title: a.analysis
        for a in await services.articles.analyzed_since(services.clock() - timedelta(hours=1))
    }
    assert analyzed["Talks round 1"] == Analysis()
    assert analyzed["Talks round 2"] is not None
    assert analyzed["Talks round 2"].tags.geopolitics > 0.5


async def test_subscribing_is_all_or_nothing(
    services: Services, feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = feed_server.serve("/rss", rss_feed("World", _items(feed_server, 2)))

    async def storage_fails(*args: object, **kwargs: object) -> list[Article]:
        raise OSError("disk full")

    monkeypatch.setattr(services.articles, "add_new", storage_fails)
    with pytest.raises(OSError, match="disk full"):
        await add_feed(services, url)
    assert await services.feeds.all() == []
