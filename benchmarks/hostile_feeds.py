"""What one hostile feed costs everyone else, measured over real HTTP on loopback.

    python -m benchmarks.hostile_feeds stall [SECONDS]
    python -m benchmarks.hostile_feeds big [ITEMS]

``stall``: ``geodigest run`` (a real process) polls a good feed beside a hostile one whose items
are teasers linking to a page server that accepts connections and never answers; every poll of
the hostile feed lists 20 new items. Printed: the gaps between the good feed's polls (the
scheduler ticks every 30 s, so 30 s is the best possible gap).

``big``: one poll of a feed listing ITEMS (default 50,000) items, no page fetches, then an
ordinary 3-item feed's poll, which matches its stories against whatever the big one left in
the story window. The feed time budget is lifted so the poll runs to its end.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import random
import signal
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

from bot.config import Settings
from bot.pipeline.poller import poll_due
from bot.service.app import open_services
from tests.fakes.documents import Item, rss_feed
from tests.fakes.feed_server import FeedServer

HOSTILE_ITEMS = 20
_VOCABULARY = [f"w{n:04d}" for n in range(5000)]
_LONG_TEXT = " ".join(
    "Ministers met in the capital to discuss trade, energy and the security of the region."
    for _ in range(20)
)


def _settings(folder: Path, **overrides: object) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=f"sqlite+aiosqlite:///{folder / 'bench.db'}",
        allow_private_urls=True,
        **overrides,  # type: ignore[arg-type]
    )


def _teasers(pages: FeedServer, poll: int) -> bytes:
    now = datetime.now(UTC)
    items = [
        Item(f"Teaser {poll}-{n}", pages.url(f"/story/{poll}/{n}"), f"h{poll}-{n}", ["Short."], now)
        for n in range(HOSTILE_ITEMS)
    ]
    return rss_feed("Hostile", items)


async def stall(seconds: float) -> None:
    feeds, pages = FeedServer(), FeedServer()
    await feeds.start()
    # A second loopback address: another host as far as per-host limits go.
    await pages.start(host="127.0.0.2")
    pages.hang("/story")
    now = datetime.now(UTC)
    good = feeds.serve(
        "/good",
        rss_feed("Good", [Item(f"Good {n}", feeds.url(f"/g/{n}"), f"g{n}", [_LONG_TEXT], now)
                          for n in range(3)]),
    )  # fmt: skip
    hostile = feeds.generate("/hostile", lambda n: _teasers(pages, n))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        async with open_services(_settings(folder)) as services:
            for url in (good, hostile):
                await services.feeds.add(url, now=services.clock())
        env = {
            "PATH": os.environ.get("PATH", ""),
            "PYTHONPATH": os.environ.get("PYTHONPATH", ""),
            "GEODIGEST_DATABASE_URL": f"sqlite:///{folder / 'bench.db'}",
            "GEODIGEST_ALLOW_PRIVATE_URLS": "true",
            "GEODIGEST_POLL_INTERVAL": "10",
            "GEODIGEST_HTTP_PORT": "0",
            "GEODIGEST_LOG_LEVEL": "WARNING",
        }
        service = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", cwd=folder, env=env
        )
        await asyncio.sleep(seconds)
        service.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(service.wait(), 60)
        except TimeoutError:
            service.kill()
            await service.wait()
    polls = [r.received_at for r in feeds.requests_to("/good")]
    gaps = [b - a for a, b in itertools.pairwise(polls)]
    hung = len([r for r in pages.requests if r.path.startswith("/story/")])
    await feeds.close()
    await pages.close()
    print(f"run for {seconds:.0f} s: good feed polled {len(polls)} times")
    print("gaps between its polls (s): " + ", ".join(f"{g:.0f}" for g in gaps))
    if gaps:
        print(f"median gap {statistics.median(gaps):.1f} s, longest {max(gaps):.1f} s")
    print(f"hostile feed polled {len(feeds.requests_to('/hostile'))} times, {hung} page requests")


def _big_feed(base: str, count: int) -> bytes:
    rng = random.Random(7)
    now = datetime.now(UTC)
    parts = [
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>',
        f"<title>Big</title><link>{base}/</link><description>big</description>",
    ]
    for n in range(count):
        # Small items, so that 50,000 of them fit under the default 10 MiB body cap.
        title = " ".join(rng.sample(_VOCABULARY, 4))
        text = " ".join(rng.sample(_VOCABULARY, 6))
        date = format_datetime(now - timedelta(seconds=n))
        parts.append(
            f"<item><title>{title}</title><link>/a/{n}</link>"
            f"<pubDate>{date}</pubDate><description>{text}.</description></item>"
        )
    parts.append("</channel></rss>")
    return "".join(parts).encode()


async def big(count: int) -> None:
    server = FeedServer()
    await server.start()
    body = _big_feed(server.base_url, count)
    big_url = server.serve("/big", body)
    now = datetime.now(UTC)
    small_items = [Item(f"Small {n}", server.url(f"/s/{n}"), f"s{n}", [_LONG_TEXT], now)
                   for n in range(3)]  # fmt: skip
    small_url = server.serve("/small", rss_feed("Small", small_items))
    with tempfile.TemporaryDirectory() as tmp:
        # A budget the parse cannot reach: the point is the time the poll takes.
        settings = _settings(Path(tmp), fetch_article_below_words=0, feed_time_budget=3600)
        async with open_services(settings) as services:
            await services.feeds.add(big_url, now=services.clock())
            started = time.perf_counter()
            summary = await poll_due(services)
            big_seconds = time.perf_counter() - started
            await services.feeds.add(small_url, now=services.clock())
            started = time.perf_counter()
            await poll_due(services)
            small_seconds = time.perf_counter() - started
    await server.close()
    print(f"feed of {count} items ({len(body) / 1e6:.1f} MB): poll took {big_seconds:.1f} s")
    print(f"  {summary.line()}")
    print(f"then a 3-item feed's poll took {small_seconds:.2f} s")


def main() -> None:
    what = sys.argv[1] if len(sys.argv) > 1 else "stall"
    if what == "stall":
        asyncio.run(stall(float(sys.argv[2]) if len(sys.argv) > 2 else 300.0))
    elif what == "big":
        asyncio.run(big(int(sys.argv[2]) if len(sys.argv) > 2 else 50_000))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
