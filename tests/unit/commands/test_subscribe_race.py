"""Twenty chats subscribing to one new feed at the same moment all get it, once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from bot.config import Settings
from bot.models import Platform
from bot.reader.fetcher import FeedFetcher
from bot.services import Services
from handlers.commands.context import ChatAddress, CommandContext
from handlers.commands.registry import handle
from handlers.telegram.platform import render_digest
from handlers.telegram.texts import SYNTAX
from storage import Database
from tests.fakes.documents import Item, rss_feed
from tests.fakes.feed_server import FeedServer, Reply

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
CHATS = 20
TEXT = (
    "India and Russia agreed on Tuesday to expand crude oil trade, foreign ministers of both "
    "countries said after talks in New Delhi, as sanctions reshape their partnership."
)


@pytest.fixture
async def services(database: Database) -> AsyncIterator[Services]:
    settings = Settings(_env_file=None, allow_private_urls=True, fetch_article_below_words=0)  # type: ignore[call-arg]
    async with FeedFetcher(settings) as fetcher:
        services = Services.from_database(settings, database, fetcher, clock=lambda: NOW)
        yield services
        await services.pages.aclose()


async def _subscribe(services: Services, chat: int, url: str) -> str:
    async def admin() -> bool:
        return True

    ctx = CommandContext(
        chat=ChatAddress(Platform.TELEGRAM, str(1000 + chat), kind="private", title=f"C{chat}"),
        user_id=str(chat),
        is_admin=admin,
        now=NOW,
        render_digest=render_digest,
        syntax=SYNTAX,
    )
    return (await handle(services, ctx, "/subscribe", url)).text


async def test_twenty_chats_subscribe_to_one_new_feed_at_once(
    services: Services, feed_server: FeedServer
) -> None:
    items = [Item(f"Talks {n}", feed_server.url(f"/a/{n}"), f"g{n}", [TEXT], NOW) for n in range(3)]
    # A short delay keeps every request in flight together, so every chat sees no feed yet.
    url = feed_server.script("/rss", Reply(rss_feed("World Desk", items), delay=0.2))
    replies = await asyncio.gather(*(_subscribe(services, n, url) for n in range(CHATS)))
    assert [r for r in replies if not r.startswith("Subscribed to World Desk")] == []
    (feed,) = await services.feeds.all()
    for n in range(CHATS):
        chat = await services.chats.find(Platform.TELEGRAM, str(1000 + n))
        assert chat is not None
        assert [f.id for f in await services.chats.subscriptions(chat.id)] == [feed.id]
    assert await services.articles.count() == 3
