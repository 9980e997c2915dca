"""End to end over real HTTP: PTB polling the fake Bot API, feeds from the local feed server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.config import Settings
from bot.models import Chat, Platform
from bot.reader.fetcher import FeedFetcher
from bot.services import Services
from handlers.telegram.frontend import TelegramFrontend
from handlers.telegram.platform import TelegramOutlet, render_digest
from storage import Database
from tests.fakes.documents import Item, rss_feed
from tests.fakes.feed_server import FeedServer
from tests.fakes.telegram_api import (
    BOT_USER,
    ApiError,
    FakeTelegram,
    SentMessage,
    private_command_update,
    wait_for,
)

ASHA = 501  # a reader, chatting with the bot in private
GROUP = -1_001_234_567_006
CHANNEL = -1_001_234_567_007
FORUM = -1_001_234_567_008
TOPIC = 55

ARTICLE = [
    "India and Russia agreed on Tuesday to expand their trade in crude oil and fertilisers, "
    "despite growing pressure from Washington and Brussels to curb purchases of Russian energy.",
    "Indian External Affairs Minister Subrahmanyam Jaishankar met his Russian counterpart "
    "Sergey Lavrov in Moscow for talks that lasted more than three hours and covered trade, "
    "defence supplies and the war in Ukraine.",
    '"Our relationship has been one of the steadiest of the major relationships in the world '
    'since the Second World War," Jaishankar told reporters after the meeting.',
    "Lavrov said the two countries would settle a growing share of their bilateral trade in "
    'national currencies. "We are moving away from the dollar step by step, and this process '
    'is irreversible," he said.',
    "The European Union has urged New Delhi to reduce its imports of Russian crude, which rose "
    "sharply after Western sanctions were imposed on Moscow over its invasion of Ukraine.",
    "Analysts in New Delhi said the talks showed India's determination to keep its strategic "
    "autonomy while it deepens security cooperation with the United States and Japan.",
]
HEADLINE = "India and Russia agree to widen oil trade despite Western sanctions pressure"


def serve_world_news(server: FeedServer) -> str:
    published = datetime.now(UTC).replace(microsecond=0)
    item = Item(
        title=HEADLINE,
        link=server.url("/2026/india-russia-oil"),
        paragraphs=ARTICLE,
        published=published,
        author="Priya Menon",
    )
    return server.serve("/world.xml", rss_feed("Daily World", [item]))


@pytest.fixture
async def services(database: Database, fake_telegram: FakeTelegram) -> AsyncIterator[Services]:
    settings = Settings(
        _env_file=None,
        allow_private_urls=True,
        telegram_bot_token="123456:TEST-TOKEN",
        telegram_api_base_url=fake_telegram.base_url,
    )
    async with FeedFetcher(settings) as fetcher:
        services = Services.from_database(settings, database, fetcher)
        yield services
        await services.pages.aclose()


@pytest.fixture
async def frontend(services: Services) -> AsyncIterator[TelegramFrontend]:
    running = TelegramFrontend(services, render_digest=render_digest)
    await running.start()
    try:
        yield running
    finally:
        await running.stop()


async def posted(
    fake: FakeTelegram, chat_id: int, containing: str, *, after: int = 0
) -> SentMessage:
    """Wait for a message from the bot to ``chat_id`` (from index ``after``) with this text."""

    def found() -> list[SentMessage]:
        return [m for m in fake.messages(chat_id)[after:] if containing in m.plain_text]

    try:
        return (await wait_for(found, timeout=10))[0]
    except AssertionError:
        raise AssertionError(f"no message with {containing!r}; got {fake.texts(chat_id)}") from None


async def reply_to(
    fake: FakeTelegram, chat_id: int, text: str, *, containing: str, **kwargs: Any
) -> SentMessage:
    """Send ``text`` as a user and wait for the bot's message that contains ``containing``."""
    before = len(fake.messages(chat_id))
    await fake.send_user_message(chat_id, text, **kwargs)
    return await posted(fake, chat_id, containing, after=before)


async def deliver(services: Services, frontend: TelegramFrontend) -> None:
    """Send what the outbox holds, as the delivery job does."""
    from bot.delivery.drainer import OutboxDrainer
    from handlers.telegram.sender import TelegramSender

    outlet = TelegramOutlet(TelegramSender(frontend.application.bot))
    await OutboxDrainer.from_services(services, [outlet]).drain_once()


@pytest.mark.usefixtures("frontend")
async def test_reader_subscribes_and_gets_a_digest_with_summary_and_quotes(
    services: Services,
    frontend: TelegramFrontend,
    fake_telegram: FakeTelegram,
    feed_server: FeedServer,
) -> None:
    url = serve_world_news(feed_server)
    subscribed = await reply_to(
        fake_telegram, ASHA, f"/subscribe {url}", containing="Subscribed", user_id=ASHA
    )
    assert (
        "Subscribed to Daily World. 1 world-affairs story from the last 24 hours is waiting"
        in subscribed.plain_text
    )
    assert subscribed.link_preview_disabled
    assert subscribed.parse_mode == "HTML"

    await reply_to(
        fake_telegram, ASHA, "/digest", containing="Here comes your digest", user_id=ASHA
    )
    await deliver(services, frontend)
    digest = await posted(fake_telegram, ASHA, HEADLINE)
    assert "India and Russia agreed on Tuesday" in digest.plain_text
    assert "Jaishankar" in digest.plain_text
    assert "steadiest of the major relationships" in digest.plain_text
    # The key quote, with its speaker resolved from "he said".
    assert "We are moving away from the dollar step by step" in digest.plain_text
    assert "— Sergey Lavrov" in digest.plain_text
    assert "Daily World" in digest.plain_text

    again = await reply_to(
        fake_telegram, ASHA, "/digest", containing="No new stories", user_id=ASHA
    )
    assert "last 24 hours" in again.plain_text


@pytest.mark.usefixtures("frontend")
async def test_group_members_who_are_not_admins_are_refused(fake_telegram: FakeTelegram) -> None:
    fake_telegram.add_chat(GROUP, type="supergroup", title="Newsroom")
    fake_telegram.set_admins(GROUP, {11}, owner=10)
    refused = await reply_to(
        fake_telegram, GROUP, "/mode instant", containing="Only administrators", user_id=12
    )
    assert refused.thread_id is None
    await reply_to(fake_telegram, GROUP, "/mode instant", containing="Instant mode", user_id=11)
    await reply_to(fake_telegram, GROUP, "/mode digest", containing="Digest mode", user_id=10)
    # Looking is open to everyone.
    await reply_to(fake_telegram, GROUP, "/list", containing="Sources of this chat", user_id=12)


@pytest.mark.usefixtures("frontend")
async def test_anonymous_admins_are_accepted(fake_telegram: FakeTelegram) -> None:
    fake_telegram.add_chat(GROUP, type="supergroup", title="Newsroom")
    await reply_to(
        fake_telegram,
        GROUP,
        "/follow India",
        containing="Following India",
        user_id=0,
        sender_chat=GROUP,
    )


async def test_a_channel_is_subscribed_from_a_private_chat(
    services: Services,
    frontend: TelegramFrontend,
    fake_telegram: FakeTelegram,
    feed_server: FeedServer,
) -> None:
    url = serve_world_news(feed_server)
    fake_telegram.add_chat(CHANNEL, type="channel", title="World Brief")
    fake_telegram.set_admins(CHANNEL, {ASHA})
    no_rights = await reply_to(
        fake_telegram,
        ASHA,
        f"/subscribe {url} {CHANNEL}",
        containing="not allowed to post",
        user_id=ASHA,
    )
    assert "World Brief" in no_rights.plain_text

    fake_telegram.set_admins(CHANNEL, {ASHA, BOT_USER["id"]})
    await reply_to(
        fake_telegram,
        ASHA,
        f"/subscribe {url} {CHANNEL}",
        containing="For World Brief: Subscribed to Daily World",
        user_id=ASHA,
    )
    stranger = await reply_to(
        fake_telegram,
        502,
        f"/unsubscribe 1 {CHANNEL}",
        containing="Only administrators",
        user_id=502,
    )
    assert "World Brief" in stranger.plain_text

    await reply_to(
        fake_telegram, ASHA, f"/digest {CHANNEL}", containing="Here comes your digest", user_id=ASHA
    )
    await deliver(services, frontend)
    await posted(fake_telegram, CHANNEL, HEADLINE)
    assert not any(HEADLINE in t for t in fake_telegram.texts(ASHA))


async def test_a_forum_topic_gets_its_own_subscription_and_posts(
    services: Services,
    frontend: TelegramFrontend,
    fake_telegram: FakeTelegram,
    feed_server: FeedServer,
) -> None:
    url = serve_world_news(feed_server)
    fake_telegram.add_chat(FORUM, type="supergroup", title="Analysts", is_forum=True)
    fake_telegram.set_admins(FORUM, {21})
    topic = {"user_id": 21, "thread_id": TOPIC}
    subscribed = await reply_to(
        fake_telegram, FORUM, f"/subscribe {url}", containing="Subscribed", **topic
    )
    assert subscribed.thread_id == TOPIC
    general = await reply_to(fake_telegram, FORUM, "/list", containing="Sources", user_id=21)
    assert general.thread_id is None
    assert "(0)" in general.plain_text

    await reply_to(fake_telegram, FORUM, "/digest", containing="Here comes", **topic)
    await deliver(services, frontend)
    digest = await posted(fake_telegram, FORUM, HEADLINE)
    assert digest.thread_id == TOPIC


@pytest.mark.usefixtures("frontend")
async def test_unknown_commands_get_help(fake_telegram: FakeTelegram) -> None:
    answer = await reply_to(
        fake_telegram,
        ASHA,
        "/weather Berlin",
        containing="I don't know the command /weather",
        user_id=ASHA,
    )
    assert "/help" in answer.plain_text
    help_text = await reply_to(fake_telegram, ASHA, "/help", containing="Commands:", user_id=ASHA)
    assert "/subscribe bbc-world" in help_text.plain_text


async def test_list_pages_turn_with_buttons(
    services: Services, frontend: TelegramFrontend, fake_telegram: FakeTelegram
) -> None:
    chat = await services.chats.ensure(
        Platform.TELEGRAM, str(ASHA), kind="private", now=datetime.now(UTC)
    )
    for n in range(1, 13):
        feed = await services.feeds.add(f"https://outlet{n}.example/rss", now=datetime.now(UTC))
        await services.chats.subscribe(chat.id, feed.id, now=datetime.now(UTC))
    listing = await reply_to(fake_telegram, ASHA, "/list", containing="Sources", user_id=ASHA)
    assert "Page 1 of 2." in listing.plain_text
    assert "11. https://outlet11.example/rss" not in listing.plain_text

    await press(fake_telegram, listing, "▶")
    await wait_for(lambda: "11. https://outlet11.example/rss" in listing.plain_text)
    assert "Page 2 of 2." in listing.plain_text
    await press(fake_telegram, listing, "◀")
    await wait_for(lambda: "Page 1 of 2." in listing.plain_text)
    assert fake_telegram.calls_to("answerCallbackQuery")


async def press(fake: FakeTelegram, message: SentMessage, label: str) -> None:
    assert message.reply_markup is not None
    [row] = message.reply_markup["inline_keyboard"]
    [button] = [b for b in row if b["text"] == label]
    await fake.press_button(message.chat_id, message.message_id, button["callback_data"], ASHA)


async def test_webhook_updates_need_the_secret(
    services: Services, fake_telegram: FakeTelegram
) -> None:
    services.settings.public_url = "https://bot.example"
    running = TelegramFrontend(services, render_digest=render_digest)
    await running.start()
    try:
        [hook] = fake_telegram.calls_to("setWebhook")
        assert hook.params["url"] == "https://bot.example/telegram/webhook"
        update = private_command_update(1, ASHA, "/help")
        assert not await running.process_webhook(update, "wrong")
        assert await running.process_webhook(update, hook.params["secret_token"])
        await wait_for(lambda: any("Commands:" in t for t in fake_telegram.texts(ASHA)))
    finally:
        await running.stop()


async def test_a_failing_command_menu_does_not_stop_the_bot(
    services: Services, fake_telegram: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    fake_telegram.fail_next(ApiError.server_error(), method="setMyCommands")
    running = TelegramFrontend(services, render_digest=render_digest)
    await running.start()
    try:
        await reply_to(fake_telegram, ASHA, "/help", containing="Commands:", user_id=ASHA)
    finally:
        await running.stop()
    assert "could not set the bot's command menu" in caplog.text
    assert "TEST-TOKEN" not in caplog.text


@pytest.mark.usefixtures("frontend")
async def test_a_slow_subscription_does_not_hold_up_other_chats(
    fake_telegram: FakeTelegram, feed_server: FeedServer
) -> None:
    slow = feed_server.serve("/slow.xml", b"", delay=30)
    waiting = 502
    await fake_telegram.send_user_message(waiting, f"/subscribe {slow}", user_id=waiting)
    await wait_for(lambda: feed_server.requests_to("/slow.xml"), timeout=10)
    await reply_to(fake_telegram, ASHA, "/help", containing="/subscribe", user_id=ASHA)
    # The other chat's feed is still loading: its answer has not come yet.
    assert fake_telegram.texts(waiting) == []


# Chats that change under the bot: groups upgraded to supergroups, users who block the bot
# and come back.

OLD_GROUP = -4_001_234_567
SUPERGROUP = -1_001_234_567_010
ADMIN = 31
BLOCKED = "Forbidden: bot was blocked by the user"


async def stored_chat(services: Services, chat_id: int) -> Chat | None:
    return await services.chats.find(Platform.TELEGRAM, str(chat_id))


async def group_with_news(fake: FakeTelegram, feed_server: FeedServer) -> None:
    """A plain group whose admin subscribed to a feed and follows India."""
    fake.add_chat(OLD_GROUP, type="group", title="Newsroom")
    fake.set_admins(OLD_GROUP, {ADMIN})
    url = serve_world_news(feed_server)
    await reply_to(fake, OLD_GROUP, f"/subscribe {url}", containing="Subscribed", user_id=ADMIN)
    await reply_to(fake, OLD_GROUP, "/follow India", containing="Following", user_id=ADMIN)


def upgrade_to_supergroup(fake: FakeTelegram) -> None:
    """Telegram turns the group into a supergroup with a new id; the admin stays admin."""
    fake.upgrade_to_supergroup(OLD_GROUP, SUPERGROUP)
    fake.set_admins(SUPERGROUP, {ADMIN})


async def supergroup_listing(fake: FakeTelegram) -> str:
    """What /list answers in the supergroup."""
    reply = await reply_to(
        fake, SUPERGROUP, "/list", containing="Sources of this chat", user_id=ADMIN
    )
    return reply.plain_text


async def moved(services: Services) -> bool:
    return await stored_chat(services, OLD_GROUP) is None


@pytest.mark.usefixtures("frontend")
async def test_an_upgraded_group_keeps_its_sources_and_follows(
    services: Services, fake_telegram: FakeTelegram, feed_server: FeedServer
) -> None:
    await group_with_news(fake_telegram, feed_server)
    upgrade_to_supergroup(fake_telegram)
    await fake_telegram.post_upgrade_messages(OLD_GROUP, SUPERGROUP, user_id=ADMIN)
    await wait_for(lambda: moved(services))

    listing = await supergroup_listing(fake_telegram)
    assert "Sources of this chat (1):" in listing
    assert "Following: India (IN)" in listing


@pytest.mark.usefixtures("frontend")
async def test_a_supergroup_used_before_the_upgrade_was_noticed_gets_the_groups_sources(
    services: Services, fake_telegram: FakeTelegram, feed_server: FeedServer
) -> None:
    await group_with_news(fake_telegram, feed_server)
    upgrade_to_supergroup(fake_telegram)
    assert "(0)" in await supergroup_listing(fake_telegram)
    await fake_telegram.post_upgrade_messages(OLD_GROUP, SUPERGROUP, user_id=ADMIN)
    await wait_for(lambda: moved(services))

    listing = await supergroup_listing(fake_telegram)
    assert "Sources of this chat (1):" in listing
    assert "Following: India (IN)" in listing


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
