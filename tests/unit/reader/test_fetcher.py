"""Feed fetching against a real local HTTP server, and parsing of every supported format."""

from __future__ import annotations

import asyncio
import gzip
import socket
import zlib
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from bot.config import Settings
from bot.errors import FeedError, FeedGone, FeedThrottled, UnsafeURLError
from bot.models import FetchStatus
from bot.reader.fetcher import USER_AGENT, FeedFetcher, parse_feed
from bot.reader.httpbody import DEFAULT_RETRY_AFTER
from tests.fakes.feed_server import FeedServer, Reply, fixture_bytes

LAST_MODIFIED = "Sun, 02 Mar 2025 10:00:00 GMT"


def make_settings(**overrides: object) -> Settings:
    values: dict[str, object] = {
        "allow_private_urls": True,
        "connect_timeout": 5.0,
        "read_timeout": 5.0,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


@pytest.fixture
async def fetcher() -> AsyncIterator[FeedFetcher]:
    async with FeedFetcher(make_settings()) as client:
        yield client


# --- parsing -----------------------------------------------------------------------------------


def test_rss20_entries_are_plain_text_with_utc_dates() -> None:
    result = parse_feed(fixture_bytes("rss20.xml"), url="https://news.example.com/rss")
    assert result.title == "World Desk & Analysis"
    first = result.entries[0]
    assert first.dedup_key == "urn:example:ceasefire-2025-03-02"
    assert first.title == "Ceasefire talks resume in Geneva & Doha"
    assert first.author == "Jane Roe"
    assert first.published == datetime(2025, 3, 2, 9, 0, tzinfo=UTC)
    assert first.paragraphs == (
        "Diplomats met in Geneva on Sunday to resume talks.",
        "“We are ready to listen,” the minister said.",
        "Observers were cautious.",
        "Point one",
        "Point two",
    )
    assert result.entries[1].paragraphs == ("The EU widened sanctions.", "Second paragraph.")


def test_rss091_in_latin1_without_guids() -> None:
    result = parse_feed(fixture_bytes("rss091.xml"), url="https://wire.example.org/rss")
    assert [entry.title for entry in result.entries] == [
        "Ministers meet in Café Europa",
        "Border talks stall",
    ]
    assert result.entries[0].dedup_key == "https://wire.example.org/2025/ministers-meet"
    assert result.entries[0].published is None


def test_rss10_rdf() -> None:
    (entry,) = parse_feed(fixture_bytes("rss10.rdf"), url="https://rdf.example.org/rss").entries
    assert entry.title == "Summit opens in Nairobi"
    assert entry.author == "Amina Otieno"
    assert entry.published == datetime(2025, 5, 3, 5, 30, tzinfo=UTC)


def test_atom_relative_links_resolve_against_the_feed_url() -> None:
    result = parse_feed(fixture_bytes("atom.xml"), url="https://atom.example.net/feeds/all")
    (entry,) = result.entries
    assert entry.url == "https://atom.example.net/2025/04/election"
    assert entry.title == "Election & aftermath"
    assert entry.author == "Li Wei"
    assert entry.published == datetime(2025, 4, 1, 15, 0, tzinfo=UTC)
    assert entry.paragraphs == ("Results", "The ruling party lost its majority.")


def test_dedup_key_prefers_guid_then_normalized_link_then_content_hash() -> None:
    entries = parse_feed(fixture_bytes("rss20.xml"), url="https://news.example.com/rss").entries
    assert entries[0].dedup_key == "urn:example:ceasefire-2025-03-02"
    assert entries[1].dedup_key == "https://news.example.com/world/sanctions?id=7"
    assert entries[2].dedup_key.startswith("sha256:")


def test_tracking_parameters_fragment_and_host_case_do_not_make_a_new_article() -> None:
    template = (
        '<rss version="2.0"><channel><title>t</title>'
        "<item><title>Same story</title><link>{}</link></item></channel></rss>"
    )
    links = [
        "https://News.Example.com/world/story?id=7",
        "HTTPS://news.example.com/world/story?utm_source=tw&amp;id=7&amp;fbclid=abc#comments",
        "https://news.example.com/world/story?id=7&amp;utm_medium=rss&amp;utm_campaign=d",
    ]
    keys = {
        parse_feed(template.format(link).encode(), url="https://x.example/rss").entries[0].dedup_key
        for link in links
    }
    assert keys == {"https://news.example.com/world/story?id=7"}


def test_hash_keys_differ_between_entries_and_stay_stable_between_polls() -> None:
    def keys() -> list[str]:
        doc = (
            '<rss version="2.0"><channel><title>t</title>'
            "<item><title>One</title><description>a</description></item>"
            "<item><title>Two</title><description>a</description></item></channel></rss>"
        )
        return [e.dedup_key for e in parse_feed(doc.encode(), url="https://x.example/").entries]

    first, second = keys(), keys()
    assert first == second
    assert first[0] != first[1]


def test_oversized_fields_are_bounded_for_storage() -> None:
    long_link = "https://news.example/a?" + "q=1&amp;" * 600
    doc = (
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>t</title>'
        f"<item><title>One</title><guid>{'g' * 2000}</guid><link>{long_link}</link>"
        f"<dc:creator>{'Jane Roe ' * 200}</dc:creator></item>"
        f"<item><title>Two</title><link>https://news.example/{'p' * 600}</link></item>"
        "<item><title>Three</title><guid>short-guid</guid></item></channel></rss>"
    ).encode()
    one, two, three = parse_feed(doc, url="https://x.example/").entries
    assert one.dedup_key.startswith("sha256:")
    assert one.dedup_key == parse_feed(doc, url="https://x.example/").entries[0].dedup_key
    assert two.dedup_key.startswith("sha256:")
    assert three.dedup_key == "short-guid"
    assert one.url == ""  # longer than the url column: dropped, the entry is kept
    assert two.url.endswith("p" * 600)
    assert one.author is not None
    assert len(one.author) <= 200
    assert one.author.startswith("Jane Roe Jane Roe")


def test_malformed_feed_keeps_the_recovered_entries_with_a_warning() -> None:
    result = parse_feed(fixture_bytes("malformed.xml"), url="https://broken.example.com/rss")
    assert [entry.title for entry in result.entries] == [
        "First & only unescaped ampersand",
        "Second story",
    ]
    assert result.warning is not None
    assert "malformed" in result.warning


def test_a_web_page_is_not_a_feed() -> None:
    with pytest.raises(FeedError, match="this is a web page, not an RSS/Atom feed"):
        parse_feed(fixture_bytes("not-a-feed.html"), url="https://example.com/")


def test_plain_text_is_not_a_feed() -> None:
    with pytest.raises(FeedError, match="not a feed"):
        parse_feed(b"just some words, no markup at all", url="https://example.com/feed")


def test_an_empty_but_valid_feed_has_no_entries() -> None:
    doc = b'<rss version="2.0"><channel><title>Quiet</title></channel></rss>'
    result = parse_feed(doc, url="https://example.com/rss")
    assert result.title == "Quiet"
    assert result.entries == ()


def test_a_body_naming_a_local_file_is_not_read_from_disk(tmp_path: Path) -> None:
    local = tmp_path / "secret.xml"
    local.write_bytes(fixture_bytes("rss20.xml"))
    with pytest.raises(FeedError, match="not a feed"):
        parse_feed(str(local).encode(), url="https://evil.example/feed")


# --- HTTP ------------------------------------------------------------------------------------


async def test_fetch_parses_a_served_feed_and_names_the_project(
    feed_server: FeedServer, fetcher: FeedFetcher
) -> None:
    url = feed_server.serve("/rss", fixture_bytes("rss20.xml"))
    result = await fetcher.fetch(url)
    assert result.status == FetchStatus.OK
    assert result.url == url
    assert len(result.entries) == 3
    (request,) = feed_server.requests_to("/rss")
    assert request.headers["User-Agent"] == USER_AGENT
    assert USER_AGENT.startswith("geodigest/")


async def test_conditional_get_round_trip(feed_server: FeedServer, fetcher: FeedFetcher) -> None:
    url = feed_server.serve(
        "/rss", fixture_bytes("atom.xml"), etag='"v1"', last_modified=LAST_MODIFIED
    )
    first = await fetcher.fetch(url)
    assert (first.etag, first.last_modified) == ('"v1"', LAST_MODIFIED)

    second = await fetcher.fetch(url, etag=first.etag, last_modified=first.last_modified)
    assert second.status == FetchStatus.NOT_MODIFIED
    assert second.entries == ()
    assert (second.etag, second.last_modified) == ('"v1"', LAST_MODIFIED)
    initial, conditional = feed_server.requests_to("/rss")
    assert "If-None-Match" not in initial.headers
    assert conditional.headers["If-None-Match"] == '"v1"'
    assert conditional.headers["If-Modified-Since"] == LAST_MODIFIED


@pytest.mark.parametrize("status", [301, 308])
async def test_permanent_redirect_moves_the_feed(
    feed_server: FeedServer, fetcher: FeedFetcher, status: int
) -> None:
    new_url = feed_server.serve("/new", fixture_bytes("rss20.xml"))
    old_url = feed_server.redirect("/old", "/new", status=status)
    result = await fetcher.fetch(old_url)
    assert result.url == new_url
    assert len(result.entries) == 3


@pytest.mark.parametrize("status", [302, 303, 307])
async def test_temporary_redirect_keeps_the_feed_url(
    feed_server: FeedServer, fetcher: FeedFetcher, status: int
) -> None:
    feed_server.serve("/today", fixture_bytes("rss20.xml"))
    url = feed_server.redirect("/feed", "/today", status=status)
    result = await fetcher.fetch(url)
    assert result.url == url
    assert len(result.entries) == 3


async def test_permanent_hop_after_a_temporary_one_does_not_move_the_feed(
    feed_server: FeedServer, fetcher: FeedFetcher
) -> None:
    feed_server.serve("/c", fixture_bytes("rss20.xml"))
    feed_server.redirect("/b", "/c", status=302)
    feed_server.redirect("/a", feed_server.url("/b"), status=301)
    result = await fetcher.fetch(feed_server.url("/a"))
    assert result.url == feed_server.url("/b")


async def test_redirect_loop_is_reported(feed_server: FeedServer, fetcher: FeedFetcher) -> None:
    feed_server.redirect("/a", "/b", status=302)
    feed_server.redirect("/b", "/a", status=302)
    with pytest.raises(FeedError, match="redirect loop"):
        await fetcher.fetch(feed_server.url("/a"))


async def test_too_many_redirects(feed_server: FeedServer, fetcher: FeedFetcher) -> None:
    for hop in range(10):
        feed_server.redirect(f"/hop{hop}", f"/hop{hop + 1}", status=302)
    with pytest.raises(FeedError, match="too many redirects"):
        await fetcher.fetch(feed_server.url("/hop0"))


async def test_redirect_to_a_file_url_is_refused(
    feed_server: FeedServer, fetcher: FeedFetcher
) -> None:
    url = feed_server.redirect("/feed", "file:///etc/passwd", status=301)
    with pytest.raises(UnsafeURLError, match="only http:// and https://"):
        await fetcher.fetch(url)


@pytest.mark.parametrize(
    "host", ["127.0.0.1", "10.0.0.8", "169.254.169.254", "[::1]", "[::ffff:127.0.0.1]"]
)
async def test_private_addresses_are_refused_unless_allowed(
    feed_server: FeedServer, host: str
) -> None:
    port = urlsplit(feed_server.base_url).port
    feed_server.serve("/rss", fixture_bytes("rss20.xml"))
    async with FeedFetcher(make_settings(allow_private_urls=False)) as fetcher:
        with pytest.raises(UnsafeURLError, match="public internet"):
            await fetcher.fetch(f"http://{host}:{port}/rss")
    assert feed_server.requests == []


async def test_gone_feed(feed_server: FeedServer, fetcher: FeedFetcher) -> None:
    url = feed_server.serve("/rss", b"", status=410)
    with pytest.raises(FeedGone, match="410"):
        await fetcher.fetch(url)


@pytest.mark.parametrize("status", [429, 503])
async def test_throttled_with_retry_after_in_seconds(
    feed_server: FeedServer, fetcher: FeedFetcher, status: int
) -> None:
    url = feed_server.serve("/rss", b"", status=status, headers={"Retry-After": "120"})
    with pytest.raises(FeedThrottled) as caught:
        await fetcher.fetch(url)
    assert caught.value.retry_after == 120


async def test_throttled_with_retry_after_as_http_date(
    feed_server: FeedServer, fetcher: FeedFetcher
) -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(hours=1), usegmt=True)
    url = feed_server.serve("/rss", b"", status=429, headers={"Retry-After": when})
    with pytest.raises(FeedThrottled) as caught:
        await fetcher.fetch(url)
    assert 3000 < caught.value.retry_after <= 3600


@pytest.mark.parametrize("headers", [{}, {"Retry-After": "soon-ish"}])
async def test_throttled_without_a_usable_retry_after_waits_the_default(
    feed_server: FeedServer, fetcher: FeedFetcher, headers: dict[str, str]
) -> None:
    url = feed_server.serve("/rss", b"", status=503, headers=headers)
    with pytest.raises(FeedThrottled) as caught:
        await fetcher.fetch(url)
    assert caught.value.retry_after == DEFAULT_RETRY_AFTER


@pytest.mark.parametrize(("status", "text"), [(500, "HTTP 500 from server"), (404, "HTTP 404")])
async def test_other_error_statuses_are_plain_feed_errors(
    feed_server: FeedServer, fetcher: FeedFetcher, status: int, text: str
) -> None:
    url = feed_server.serve("/rss", b"oops", status=status)
    with pytest.raises(FeedError, match=text) as caught:
        await fetcher.fetch(url)
    assert type(caught.value) is FeedError


async def test_slow_server_times_out(feed_server: FeedServer) -> None:
    url = feed_server.serve("/rss", fixture_bytes("rss20.xml"), delay=30.0)
    async with FeedFetcher(make_settings(read_timeout=0.2)) as fetcher:
        with pytest.raises(FeedError, match=r"timed out after 0\.2 s"):
            await fetcher.fetch(url)


async def test_connection_refused_is_a_feed_error(fetcher: FeedFetcher) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(FeedError, match=r"could not connect to 127\.0\.0\.1"):
        await fetcher.fetch(f"http://127.0.0.1:{port}/rss")


async def test_feed_over_the_size_limit_is_refused(feed_server: FeedServer) -> None:
    items = "".join(
        f"<item><title>Story {n}</title><guid>g{n}</guid><description>{'word ' * 200}</description>"
        "</item>"
        for n in range(400)
    )
    huge = f'<rss version="2.0"><channel><title>Huge</title>{items}</channel></rss>'.encode()
    url = feed_server.serve("/rss", huge)
    async with FeedFetcher(make_settings(max_body_bytes=64 * 1024)) as fetcher:
        with pytest.raises(FeedError, match="larger than the 64 KiB limit"):
            await fetcher.fetch(url)


def gzip_bomb(inflated_bytes: int) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    zeros = b"\0" * (1024 * 1024)
    parts = [compressor.compress(zeros) for _ in range(inflated_bytes // len(zeros))]
    return b"".join(parts) + compressor.flush()


async def test_gzip_bomb_is_refused(feed_server: FeedServer) -> None:
    bomb = gzip_bomb(64 * 1024 * 1024)
    assert len(bomb) < 128 * 1024
    url = feed_server.serve("/rss", bomb, headers={"Content-Encoding": "gzip"})
    async with FeedFetcher(make_settings(max_body_bytes=1024 * 1024)) as fetcher:
        with pytest.raises(FeedError, match="larger than the 1024 KiB limit"):
            await fetcher.fetch(url)


def raw_deflate(data: bytes) -> bytes:
    """Deflate without the zlib wrapper, as some servers send it."""
    compressor = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


@pytest.mark.parametrize(
    ("encoding", "compress"),
    [("gzip", gzip.compress), ("deflate", zlib.compress), ("deflate", raw_deflate)],
)
async def test_compressed_feeds_are_decoded(
    feed_server: FeedServer, fetcher: FeedFetcher, encoding: str, compress: Callable[[bytes], bytes]
) -> None:
    body = compress(fixture_bytes("atom.xml"))
    url = feed_server.serve("/rss", body, headers={"Content-Encoding": encoding})
    result = await fetcher.fetch(url)
    assert [entry.title for entry in result.entries] == ["Election & aftermath"]


async def test_web_page_served_as_feed(feed_server: FeedServer, fetcher: FeedFetcher) -> None:
    url = feed_server.serve(
        "/", fixture_bytes("not-a-feed.html"), content_type="text/html; charset=utf-8"
    )
    with pytest.raises(FeedError, match="this is a web page, not an RSS/Atom feed"):
        await fetcher.fetch(url)


async def test_malformed_feed_over_http_returns_entries_and_warning(
    feed_server: FeedServer, fetcher: FeedFetcher
) -> None:
    url = feed_server.serve("/rss", fixture_bytes("malformed.xml"))
    result = await fetcher.fetch(url)
    assert len(result.entries) == 2
    assert result.warning is not None


@pytest.mark.parametrize(("per_host", "overall", "expected"), [(2, 10, 2), (8, 3, 3)])
async def test_requests_in_flight_are_limited(
    feed_server: FeedServer, per_host: int, overall: int, expected: int
) -> None:
    feed_server.script("/rss", Reply(fixture_bytes("rss20.xml"), delay=0.2))
    settings = make_settings(per_host_concurrency=per_host, poll_concurrency=overall)
    async with FeedFetcher(settings) as fetcher:
        await asyncio.gather(*(fetcher.fetch(feed_server.url("/rss")) for _ in range(8)))
    assert len(feed_server.requests) == 8
    assert feed_server.max_in_flight == expected


async def test_fetch_page_returns_final_url_body_and_content_type(
    feed_server: FeedServer, fetcher: FeedFetcher
) -> None:
    page = feed_server.serve(
        "/article", fixture_bytes("article.html"), content_type="text/html; charset=utf-8"
    )
    short = feed_server.redirect("/s/1", "/article", status=302)
    final_url, body, content_type = await fetcher.fetch_page(short)
    assert final_url == page
    assert body == fixture_bytes("article.html")
    assert content_type == "text/html; charset=utf-8"
