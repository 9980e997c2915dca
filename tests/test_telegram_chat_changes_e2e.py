"""Chats that change under the bot, end to end: groups upgraded to supergroups, users who block
the bot and come back. Real HTTP against the fake Bot API; the outbox drained as the job does."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.config import Settings
from bot.feeds import FeedFetcher
from bot.models import Chat, Platform
from bot.render import render_telegram_html
from bot.services import Services
from handlers.telegram import TelegramFrontend
from storage import Database
from tests.fake_telegram import FakeTelegram, wait_for
from tests.feed_server import FeedServer
from tests.test_telegram_e2e import ASHA, HEADLINE, deliver, posted, reply_to, serve_world_news

pytest_plugins = ["tests.fake_telegram", "tests.feed_server"]

OLD_GROUP = -4_001_234_567
SUPERGROUP = -1_001_234_567_010
ADMIN = 31
BLOCKED = "Forbidden: bot was blocked by the user"


@pytest.fixture
async def services(database: Database, fake_telegram: FakeTelegram) -> AsyncIterator[Services]:
    settings = Settings(
        _env_file=None,
        allow_private_urls=True,
        telegram_bot_token="123456:TEST-TOKEN",
        telegram_api_base_url=fake_telegram.base_url,
    )
    async with FeedFetcher(settings) as fetcher:
        yield Services.from_database(settings, database, fetcher)


@pytest.fixture
async def frontend(services: Services) -> AsyncIterator[TelegramFrontend]:
    running = TelegramFrontend(services, render_digest=render_telegram_html)
    await running.start()
    try:
        yield running
    finally:
        await running.stop()


async def stored_chat(services: Services, chat_id: int) -> Chat | None:
    return await services.chats.find(Platform.TELEGRAM, str(chat_id))


async def group_with_news(fake: FakeTelegram, feed_server: FeedServer) -> None:
    """A plain group whose admin subscribed to a feed and follows India."""
    fake.add_chat(OLD_GROUP, type="group", title="Newsroom")
    fake.set_admins(OLD_GROUP, {ADMIN})
    url = serve_world_news(feed_server)
    await reply_to(fake, OLD_GROUP, f"/subscribe {url}", containing="Subscribed", user_id=ADMIN)
    await reply_to(fake, OLD_GROUP, "/follow India", containing="Following", user_id=ADMIN)


async def moved(services: Services) -> bool:
    return await stored_chat(services, OLD_GROUP) is None


@pytest.mark.usefixtures("frontend")
async def test_an_upgraded_group_keeps_its_sources_and_follows(
    services: Services, fake_telegram: FakeTelegram, feed_server: FeedServer
) -> None:
    await group_with_news(fake_telegram, feed_server)
    fake_telegram.upgrade_to_supergroup(OLD_GROUP, SUPERGROUP)
    fake_telegram.set_admins(SUPERGROUP, {ADMIN})
    await fake_telegram.post_upgrade_messages(OLD_GROUP, SUPERGROUP, user_id=ADMIN)
    await wait_for(lambda: moved(services))

    listing = await reply_to(
        fake_telegram, SUPERGROUP, "/list", containing="Sources of this chat", user_id=ADMIN
    )
    assert "Sources of this chat (1):" in listing.plain_text
    assert "Following: India (IN)" in listing.plain_text


@pytest.mark.usefixtures("frontend")
async def test_a_supergroup_used_before_the_upgrade_was_noticed_gets_the_groups_sources(
    services: Services, fake_telegram: FakeTelegram, feed_server: FeedServer
) -> None:
    await group_with_news(fake_telegram, feed_server)
    fake_telegram.upgrade_to_supergroup(OLD_GROUP, SUPERGROUP)
    fake_telegram.set_admins(SUPERGROUP, {ADMIN})
    early = await reply_to(
        fake_telegram, SUPERGROUP, "/list", containing="Sources of this chat", user_id=ADMIN
    )
    assert "(0)" in early.plain_text
    await fake_telegram.post_upgrade_messages(OLD_GROUP, SUPERGROUP, user_id=ADMIN)
    await wait_for(lambda: moved(services))

    listing = await reply_to(
        fake_telegram, SUPERGROUP, "/list", containing="Sources of this chat", user_id=ADMIN
    )
    assert "Sources of this chat (1):" in listing.plain_text
    assert "Following: India (IN)" in listing.plain_text


async def test_a_digest_to_an_upgraded_group_reaches_the_supergroup_already_in_use(
    services: Services,
    frontend: TelegramFrontend,
    fake_telegram: FakeTelegram,
    feed_server: FeedServer,
) -> None:
    await group_with_news(fake_telegram, feed_server)
    await reply_to(fake_telegram, OLD_GROUP, "/digest", containing="Here comes", user_id=ADMIN)
    # No service message this time: the drainer learns of the move from a refused send,
    # after someone has already written in the supergroup.
    fake_telegram.upgrade_to_supergroup(OLD_GROUP, SUPERGROUP)
    await reply_to(fake_telegram, SUPERGROUP, "/start", containing="geodigest", user_id=ADMIN)

    await deliver(services, frontend)
    await posted(fake_telegram, SUPERGROUP, HEADLINE)
    assert await moved(services)
    listing = await reply_to(
        fake_telegram, SUPERGROUP, "/list", containing="Sources of this chat", user_id=ADMIN
    )
    assert "Sources of this chat (1):" in listing.plain_text


async def test_a_reader_who_unblocks_the_bot_is_told_and_gets_news_again(
    services: Services,
    frontend: TelegramFrontend,
    fake_telegram: FakeTelegram,
    feed_server: FeedServer,
) -> None:
    url = serve_world_news(feed_server)
    await reply_to(fake_telegram, ASHA, f"/subscribe {url}", containing="Subscribed", user_id=ASHA)
    await reply_to(fake_telegram, ASHA, "/digest", containing="Here comes", user_id=ASHA)
    fake_telegram.block(ASHA)
    await deliver(services, frontend)
    chat = await stored_chat(services, ASHA)
    assert chat is not None
    assert chat.paused

    fake_telegram.add_chat(ASHA)  # unblocked
    welcome = await reply_to(fake_telegram, ASHA, "/start", containing="geodigest", user_id=ASHA)
    assert welcome.plain_text.startswith(
        f"Deliveries here had stopped because Telegram reported: “{BLOCKED}”; they are on again."
    )
    await deliver(services, frontend)
    await posted(fake_telegram, ASHA, HEADLINE)


@pytest.mark.usefixtures("frontend")
async def test_a_chat_paused_by_its_reader_stays_paused_and_says_so(
    services: Services, fake_telegram: FakeTelegram
) -> None:
    await reply_to(fake_telegram, ASHA, "/pause", containing="Paused", user_id=ASHA)
    for command in ("/start", "/help", "/list"):
        answer = await reply_to(fake_telegram, ASHA, command, containing="paused", user_id=ASHA)
        assert "This chat is paused; send /resume" in answer.plain_text
        assert "had stopped" not in answer.plain_text
    chat = await stored_chat(services, ASHA)
    assert chat is not None
    assert chat.paused
