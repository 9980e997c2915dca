"""The ``geodigest`` command line, run as a real process against local servers."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

from bot.config import Settings
from bot.service.app import open_services
from tests.fakes.clock import clock_env
from tests.fakes.documents import Item, rss_feed
from tests.fakes.feed_server import FeedServer, Reply
from tests.paths import FIXTURES

PARAGRAPH = (
    "Ministers from India and Russia met in New Delhi to discuss energy and trade, "
    "as Western sanctions on Moscow continue to reshape their partnership."
)


async def geodigest(tmp_path: Path, *args: str) -> tuple[int, str, str]:
    """Run the CLI in a clean environment with its database in ``tmp_path``."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "COLUMNS": "250",
        "GEODIGEST_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "GEODIGEST_ALLOW_PRIVATE_URLS": "true",
        "GEODIGEST_FETCH_ARTICLE_BELOW_WORDS": "0",
        **clock_env(),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_poll_once_stores_once_and_polls_conditionally(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    items = [Item(f"Talks {n}", feed_server.url(f"/a/{n}"), f"g{n}", [PARAGRAPH]) for n in range(3)]
    good = feed_server.serve("/rss", rss_feed("World", items), etag='"v1"')
    bad = feed_server.serve("/bad", b"<rss><channel><title>x", status=500)
    flaky = feed_server.script(
        "/flaky",
        Reply(rss_feed("Flaky", items[:1])),
        Reply(b"<html>maintenance</html>", status=503),
    )
    code, out, _ = await geodigest(tmp_path, "feeds", "add", good)
    assert code == 0, out
    assert "3 articles stored" in out
    code, out, err = await geodigest(tmp_path, "feeds", "add", bad)
    assert code == 1
    assert "HTTP 500" in err
    code, out, _ = await geodigest(tmp_path, "feeds", "add", flaky)
    assert code == 0, out
    code, out, _ = await geodigest(tmp_path, "poll", "--once", "--all")
    assert code == 0
    assert "2 feeds polled, 1 not modified, 0 new articles, 1 errors" in out
    assert feed_server.requests_to("/rss")[-1].headers.get("If-None-Match") == '"v1"'
    code, out, _ = await geodigest(tmp_path, "feeds", "list")
    assert "HTTP 503" in out
    assert bad not in out.replace("\n", "")


async def test_feeds_add_refuses_private_addresses_by_default(tmp_path: Path) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "feeds",
        "add",
        "http://127.0.0.1:9/feed.xml",
        cwd=tmp_path,
        env={
            "PATH": os.environ.get("PATH", ""),
            "GEODIGEST_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}",
            **clock_env(),
        },
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await process.communicate()
    assert process.returncode == 1
    assert "private" in err.decode() or "loopback" in err.decode()


async def test_preview_json_of_the_sample_page_has_no_furniture(tmp_path: Path) -> None:
    code, out, err = await geodigest(
        tmp_path, "preview", str(FIXTURES / "rt-india-russia-page.txt"), "--json"
    )
    assert code == 0, err
    article = json.loads(out)
    assert article["title"].startswith("Namaste, Mr. Putin")
    for furniture in (
        "Hashtags",
        "Try Our AI Features",
        "Related Articles",
        "Legkodymov",
        "Budanov",
    ):
        assert furniture not in article["text"]
    assert "Lydia Kulik" in article["text"]
    assert {"IN", "RU"} <= set(article["countries"])
    assert article["geopolitics"] >= 0.5
    for quote in article["quotes"]:
        assert article["text"][quote["start"] : quote["end"]] == quote["text"]
    speakers = {q["speaker"] for q in article["quotes"]}
    assert {"Lydia Kulik", "Tatyana Shaumyan"} <= speakers
    assert 2 <= len(article["summary"]) <= 3


async def test_feeds_import_takes_the_good_feeds_and_lists_the_failures(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    good = feed_server.serve("/rss", rss_feed("World", [Item("Talks", feed_server.url("/a"))]))
    bad = feed_server.serve("/bad", b"", status=500)
    opml = tmp_path / "feeds.opml"
    opml.write_text(
        '<opml version="2.0"><body><outline text="News">'
        f'<outline text="World" xmlUrl="{good}"/><outline text="Broken" xmlUrl="{bad}"/>'
        "</outline></body></opml>"
    )
    code, out, err = await geodigest(tmp_path, "feeds", "import", str(opml))
    assert code == 0, err
    assert "1 feeds imported, 1 failed" in out
    assert "Broken: HTTP 500" in err


async def test_feeds_import_of_a_malformed_file_is_one_line_of_error(tmp_path: Path) -> None:
    opml = tmp_path / "feeds.opml"
    opml.write_text('<opml version="2.0"><body><outline text="News"')
    code, _, err = await geodigest(tmp_path, "feeds", "import", str(opml))
    assert code == 1
    assert err.startswith("error: not a valid OPML file")
    assert "Traceback" not in err


async def test_feeds_add_of_an_unknown_name_points_at_the_catalog(tmp_path: Path) -> None:
    code, _, err = await geodigest(tmp_path, "feeds", "add", "bbc-wrld")
    assert code == 1
    assert "no source called 'bbc-wrld'; see `geodigest sources` for names" in err
    assert "scheme" not in err


async def test_feeds_are_named_as_in_the_chat_commands(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'cli.db'}")  # type: ignore[call-arg]
    async with open_services(settings) as services:
        await services.feeds.add("https://news.example/world/rss", now=services.clock())
        await services.feeds.add("https://other.example/rss", now=services.clock(), title="Other")

    # No scheme, as people type addresses: the feed stored with https:// is the one meant.
    code, out, err = await geodigest(tmp_path, "feeds", "add", "news.example/world/rss")
    assert code == 0, err
    assert "already polled: https://news.example/world/rss" in out
    code, out, err = await geodigest(tmp_path, "feeds", "remove", "news.example/world/rss")
    assert (code, out.strip()) == (0, "removed news.example/world/rss"), err
    code, _, err = await geodigest(tmp_path, "feeds", "remove", "other")  # by title
    assert code == 0, err
    code, out, _ = await geodigest(tmp_path, "feeds", "list")
    assert "example" not in out
