"""The command core on a real database: what a user types and what they read back."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from bot.config import Settings
from bot.models import (
    Analysis,
    Chat,
    ChatSettings,
    DeliveryMode,
    Entry,
    Feed,
    Platform,
    Quote,
    Tags,
)
from bot.reader.catalog import find_source
from bot.reader.fetcher import FeedFetcher
from bot.services import Services
from handlers.commands.context import (
    LIST_PAGE_SIZE,
    ChatAddress,
    CommandContext,
    CommandSyntax,
    Reply,
)
from handlers.commands.registry import COMMAND_NAMES, handle
from handlers.telegram.platform import render_digest
from handlers.telegram.texts import CHANNELS_AND_TOPICS, SYNTAX
from storage import Database
from tests.fakes.documents import Item, rss_feed
from tests.fakes.feed_server import FeedServer

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
ALL_PLATFORMS = tuple(Platform)
PRIVATE = ChatAddress(Platform.TELEGRAM, "100", kind="private", title="Asha")
GROUP = ChatAddress(Platform.TELEGRAM, "-100200", kind="supergroup", title="Newsroom")
CHANNEL = ChatAddress(Platform.TELEGRAM, "-1001234567890", kind="channel", title="World Brief")


@pytest.fixture
async def services(database: Database) -> AsyncIterator[Services]:
    settings = Settings(allow_private_urls=True, _env_file=None)
    async with FeedFetcher(settings) as fetcher:
        services = Services.from_database(settings, database, fetcher, clock=lambda: NOW)
        yield services
        await services.pages.aclose()


@dataclass
class User:
    """A person typing commands into one chat."""

    services: Services
    chat: ChatAddress = PRIVATE
    admin: bool = True
    admin_checks: int = 0
    channels: dict[str, ChatAddress] = field(default_factory=dict)
    syntax: CommandSyntax = SYNTAX
    platform_help: str = CHANNELS_AND_TOPICS

    async def is_admin(self) -> bool:
        self.admin_checks += 1
        return self.admin

    async def resolve_channel(self, reference: str) -> ChatAddress | None:
        return self.channels.get(reference)

    async def send(self, text: str) -> Reply:
        command, _, args = text.partition(" ")
        ctx = CommandContext(
            chat=self.chat,
            user_id="42",
            is_admin=self.is_admin,
            now=NOW,
            render_digest=render_digest,
            syntax=self.syntax,
            resolve_channel=self.resolve_channel if self.channels else None,
            platform_help=self.platform_help,
        )
        return await handle(self.services, ctx, command, args)

    async def says(self, text: str) -> str:
        return (await self.send(text)).text


@pytest.fixture
def user(services: Services) -> User:
    return User(services)


async def chat_of(services: Services, address: ChatAddress = PRIVATE) -> Chat:
    chat = await services.chats.find(address.platform, address.external_id)
    assert chat is not None
    return chat


def world_feed(server: FeedServer, path: str = "/world.xml", title: str = "Daily World") -> str:
    items = [
        Item(
            title="India and Russia agree to widen oil trade despite sanctions",
            link="https://news.example/india-russia-oil",
            paragraphs=[
                "India and Russia agreed on Tuesday to expand crude oil trade, foreign "
                "ministers of both countries said after talks in New Delhi.",
            ],
            published=NOW - timedelta(hours=1),
        ),
        Item(
            title="UN Security Council meets on Sudan ceasefire",
            link="https://news.example/sudan-ceasefire",
            paragraphs=["The UN Security Council met on Sudan as fighting continued."],
            published=NOW - timedelta(hours=1),
        ),
    ]
    return server.serve(path, rss_feed(title, items))


# -- help, start, unknown ---------------------------------------------------------------------


async def test_help_lists_every_command_with_an_example(user: User) -> None:
    text = await user.says("/help")
    for name in COMMAND_NAMES:
        assert f"/{name} — " in text
    assert "Example: /follow India" in text
    assert "/schedule 08:00 18:00" in text
    assert "/subscribe bbc-world @yourchannel" in text
    assert "Forum topics" in text


async def test_start_explains_what_to_do_first(user: User) -> None:
    text = await user.says("/start")
    assert "/subscribe bbc-world" in text
    assert "/subscribe bbc-world @yourchannel" in text
    assert "administrators of the channel" in text
    assert "topic" in text
    assert await chat_of(user.services)


async def test_unknown_command_gets_a_helpful_answer(user: User) -> None:
    text = await user.says("/subscribee bbc-world")
    assert "I don't know the command /subscribee" in text
    assert "/subscribe" in text
    assert "/help" in text


async def test_commands_addressed_with_the_bot_name_work(user: User) -> None:
    assert "/subscribe — " in await user.says("/HELP@geodigest_bot")


async def test_unexpected_failure_becomes_an_apology_not_a_traceback(
    user: User, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken() -> bool:
        raise RuntimeError("database on fire")

    user.chat, user.is_admin = GROUP, broken  # type: ignore[method-assign]
    with caplog.at_level(logging.ERROR, logger="handlers.commands.registry"):
        text = await user.says("/mode instant")
    assert text.startswith("Something went wrong")
    assert "database on fire" not in text
    assert "database on fire" in caplog.text


# -- subscribe / unsubscribe ------------------------------------------------------------------


async def test_subscribe_to_a_feed_url(user: User, feed_server: FeedServer) -> None:
    url = world_feed(feed_server)
    text = await user.says(f"/subscribe {url}")
    # Both items are world affairs (India–Russia oil trade, the Security Council on Sudan).
    assert "Subscribed to Daily World. 2 world-affairs stories from the last 24 hours" in text
    assert "items" not in text
    assert "08:00" in text
    assert "/digest" in text
    feeds = await user.services.chats.subscriptions((await chat_of(user.services)).id)
    assert [f.url for f in feeds] == [url]


async def test_subscribing_twice_says_so(user: User, feed_server: FeedServer) -> None:
    url = world_feed(feed_server)
    await user.says(f"/subscribe {url}")
    assert "already gets Daily World" in await user.says(f"/subscribe {url}")


async def test_subscribe_by_catalog_name(user: User) -> None:
    # Stored already, so no fetch leaves the machine.
    source = find_source("bbc-world")
    assert source is not None
    await user.services.feeds.add(source.url, now=NOW, title="BBC News - World")
    text = await user.says("/subscribe BBC-World")
    assert "Subscribed to BBC News - World" in text
    feeds = await user.services.chats.subscriptions((await chat_of(user.services)).id)
    assert [f.url for f in feeds] == [source.url]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ("", "Which feed? Send /subscribe bbc-world"),
        ("hello", "I don't know a source called “hello”"),
        ("bbc-world reuters", "One feed at a time"),
        ("ftp://files.example/feed", "only http:// and https://"),
    ],
)
async def test_subscribe_bad_arguments(user: User, args: str, expected: str) -> None:
    assert expected in await user.says(f"/subscribe {args}")


async def test_subscribe_to_a_web_page_explains_it_is_no_feed(
    user: User, feed_server: FeedServer
) -> None:
    url = feed_server.serve(
        "/home", b"<!doctype html><html><body>News</body></html>", content_type="text/html"
    )
    text = await user.says(f"/subscribe {url}")
    assert "web page, not an RSS/Atom feed" in text
    assert await user.services.feeds.all() == []


async def test_subscribe_to_a_missing_feed(user: User, feed_server: FeedServer) -> None:
    text = await user.says(f"/subscribe {feed_server.url('/gone.xml')}")
    assert "I couldn't add" in text
    assert "404" in text
    assert "/sources" in text


async def test_private_addresses_are_refused(database: Database) -> None:
    settings = Settings(allow_private_urls=False, _env_file=None)
    async with FeedFetcher(settings) as fetcher:
        services = Services.from_database(settings, database, fetcher, clock=lambda: NOW)
        text = await User(services).says("/subscribe http://127.0.0.1:9/rss.xml")
    assert "I can't add that feed" in text
    assert "loopback" in text
    assert await services.feeds.all() == []


async def subscribe_many(services: Services, count: int, chat: ChatAddress = PRIVATE) -> list[Feed]:
    stored = await services.chats.ensure(chat.platform, chat.external_id, kind=chat.kind, now=NOW)
    feeds = []
    for n in range(1, count + 1):
        feed = await services.feeds.add(
            f"https://outlet{n}.example/a/rather/long/path/to/the/world/news/feed.xml",
            now=NOW,
            title=f"Outlet number {n} — world news and analysis",
        )
        await services.chats.subscribe(stored.id, feed.id, now=NOW + timedelta(seconds=n))
        feeds.append(feed)
    return feeds


@pytest.mark.parametrize(
    "how", ["2", "https://outlet2.example/a/rather/long/path/to/the/world/news/feed.xml"]
)
async def test_unsubscribe_by_number_or_url(user: User, how: str) -> None:
    await subscribe_many(user.services, 3)
    text = await user.says(f"/unsubscribe {how}")
    assert text == "Unsubscribed from Outlet number 2 — world news and analysis."
    left = await user.services.chats.subscriptions((await chat_of(user.services)).id)
    assert [f.title.split(" —")[0] for f in left] == ["Outlet number 1", "Outlet number 3"]


async def test_unsubscribe_by_catalog_name(user: User) -> None:
    source = find_source("aljazeera")
    assert source is not None
    chat = await user.services.chats.ensure(Platform.TELEGRAM, "100", kind="private", now=NOW)
    feed = await user.services.feeds.add(source.url, now=NOW, title="Al Jazeera")
    await user.services.chats.subscribe(chat.id, feed.id, now=NOW)
    assert await user.says("/unsubscribe aljazeera") == "Unsubscribed from Al Jazeera."


@pytest.mark.parametrize("args", ["9", "0", "https://nowhere.example/rss"])
async def test_unsubscribe_from_something_not_subscribed(user: User, args: str) -> None:
    await subscribe_many(user.services, 3)
    text = await user.says(f"/unsubscribe {args}")
    assert "no source matching" in text
    assert "/list" in text


# -- list and sources -------------------------------------------------------------------------


async def test_list_of_57_feeds_is_paged(user: User) -> None:
    await subscribe_many(user.services, 57)
    first = await user.send("/list")
    assert "Sources of this chat (57):" in first.text
    assert "1. Outlet number 1 —" in first.text
    assert "10. Outlet number 10 —" in first.text
    assert "11. Outlet" not in first.text
    assert first.navigation is not None
    assert (first.navigation.page, first.navigation.page_count) == (1, 6)
    last = await user.send(f"/list {first.navigation.args_for(6)}")
    assert "51. Outlet number 51" in last.text
    assert "57. Outlet number 57" in last.text
    assert "Page 6 of 6." in last.text
    for page in range(1, 7):
        text = (await user.send(f"/list {page}")).text
        assert len(text) < 4096
        assert text.count("\n") >= min(LIST_PAGE_SIZE, 57 - (page - 1) * LIST_PAGE_SIZE)


async def test_list_shows_follows_and_delivery(user: User) -> None:
    await subscribe_many(user.services, 1)
    await user.says("/follow India")
    await user.says("/schedule 07:30")
    text = await user.says("/list")
    assert "Following: India (IN)" in text
    assert "07:30 (UTC)" in text
    assert (await user.send("/list")).navigation is None


async def test_list_of_a_new_chat_suggests_subscribing(user: User) -> None:
    text = await user.says("/list")
    assert "None yet" in text
    assert "/subscribe" in text


async def test_bad_page_number(user: User) -> None:
    assert "or /list 2 for the second" in await user.says("/list two")


async def test_sources_lists_the_catalog_in_pages(user: User) -> None:
    first = await user.send("/sources")
    assert "bbc-world — " in first.text
    assert first.navigation is not None
    assert first.navigation.page_count >= 2
    second = await user.says("/sources 2")
    assert "bbc-world" not in second


# -- follows ----------------------------------------------------------------------------------


@pytest.mark.parametrize("alias", ["IN", "New Delhi", "india"])
async def test_follow_aliases_name_the_same_country(user: User, alias: str) -> None:
    assert "Following India (IN)" in await user.says("/follow India")
    assert await user.says(f"/follow {alias}") == "This chat already follows India (IN)."


async def test_follow_a_seat_of_power_follows_its_country(user: User) -> None:
    assert "Following Russia (RU)" in await user.says("/follow Kremlin")


async def test_follow_organization_theme_and_keyword(user: User) -> None:
    assert "Following NATO" in await user.says("/follow nato")
    assert "Following sanctions" in await user.says("/follow sanctions")
    assert "Following “drones”" in await user.says("/follow drones")


async def test_follow_needs_a_term(user: User) -> None:
    assert "/follow India" in await user.says("/follow")


@pytest.mark.parametrize(
    ("term", "followed"), [("AI", "“ai”"), ("IT", "“it”"), ("in", "“in”"), ("DE", "Germany (DE)")]
)
async def test_two_letters_are_a_country_only_as_a_code_in_capitals(
    user: User, term: str, followed: str
) -> None:
    assert f"Following {followed}." in await user.says(f"/follow {term}")


async def test_anguilla_and_italy_are_followed_by_name(user: User) -> None:
    assert "Following Anguilla (AI)" in await user.says("/follow Anguilla")
    assert "Following Italy (IT)" in await user.says("/follow Italy")


async def test_an_overlong_follow_is_refused(user: User) -> None:
    text = await user.says("/follow " + "very long phrase " * 8)
    assert "at most 100" in text
    assert "/follow India" in text
    assert await user.services.chats.follows((await chat_of(user.services)).id) == []


async def test_unfollow_without_a_term_says_what_to_type(user: User) -> None:
    nothing = await user.says("/unfollow")
    assert "“”" not in nothing
    assert "follows nothing" in nothing
    assert "/follow India" in nothing
    await user.says("/follow Italy")
    await user.says("/follow drones")
    text = await user.says("/unfollow")
    assert text.startswith("What should this chat stop following?")
    assert "It follows Italy (IT), “drones”." in text
    assert "Send e.g. /unfollow Italy" in text
    assert "No longer following Italy (IT)." in await user.says("/unfollow Italy")


async def test_unfollow(user: User) -> None:
    await user.says("/follow India")
    await user.says("/follow NATO")
    assert await user.says("/unfollow IN") == "No longer following India (IN)."
    text = await user.says("/unfollow NATO")
    assert "every world-affairs story" in text
    assert "doesn't follow “France”" in await user.says("/unfollow France")


# -- mode, schedule, timezone, settings, pause -------------------------------------------------


async def test_mode(user: User) -> None:
    assert "Instant mode" in await user.says("/mode instant")
    assert (await chat_of(user.services)).settings.mode is DeliveryMode.INSTANT
    # An instant chat is never due for a digest.
    assert (
        await user.services.chats.due_for_digest(NOW + timedelta(days=2), platforms=ALL_PLATFORMS)
        == []
    )
    assert "This chat gets instant alerts" in await user.says("/mode")
    assert "Digest mode" in await user.says("/mode digest")
    assert "/mode digest" in await user.says("/mode weekly")
    shown = await user.says("/mode")
    assert shown.startswith("This chat gets digests at 08:00 (UTC).")
    assert "/mode instant" in shown


async def test_schedule_is_validated_sorted_and_applied(user: User) -> None:
    text = await user.says("/schedule 18:00 7:30")
    assert text == "Digests will arrive at 07:30, 18:00 (UTC)."
    assert (await chat_of(user.services)).settings.schedule == ("07:30", "18:00")
    due = await user.services.chats.due_for_digest(
        datetime(2026, 11, 25, 18, 0, tzinfo=UTC), platforms=ALL_PLATFORMS
    )
    assert [c.external_id for c in due] == ["100"]
    assert "“25:00” isn't a time of day" in await user.says("/schedule 08:00 25:00")
    shown = await user.says("/schedule")
    assert shown.startswith("Digests arrive at 07:30, 18:00 (UTC).")
    assert "/schedule 08:00 18:00" in shown


async def test_timezone(user: User) -> None:
    assert "Time zone set to Europe/Berlin" in await user.says("/timezone europe/berlin")
    assert (await chat_of(user.services)).settings.timezone == "Europe/Berlin"
    text = await user.says("/timezone Berlin")
    assert "isn't a time zone I know" in text
    assert "America/New_York" in text
    assert "This chat's time zone is Europe/Berlin" in await user.says("/timezone")


async def test_settings_show_and_change(user: User) -> None:
    assert "Summary: 3 sentences" in await user.says("/settings")
    assert "Summary: 2 sentences" in await user.says("/settings summary 2")
    assert "Key quotes: off" in await user.says("/settings quotes off")
    assert "Link previews: on" in await user.says("/settings previews on")
    settings = (await chat_of(user.services)).settings
    assert settings == ChatSettings(summary_sentences=2, show_quotes=False, link_previews=True)
    assert "from 1 to 3" in await user.says("/settings summary 9")
    assert "I can change" in await user.says("/settings color blue")


async def test_pause_and_resume(user: User) -> None:
    assert "Paused" in await user.says("/pause")
    assert (await chat_of(user.services)).paused
    assert "already paused" in await user.says("/pause")
    assert "/resume first" in await user.says("/digest")
    assert "Resumed" in await user.says("/resume")
    assert not (await chat_of(user.services)).paused


BLOCKED = "Forbidden: bot was blocked by the user"


async def test_a_chat_paused_by_the_platform_resumes_when_it_writes_again(user: User) -> None:
    await user.says("/start")
    # What the drainer does when Telegram refuses a message to the chat.
    await user.services.chats.pause_address(Platform.TELEGRAM, "100", reason=BLOCKED)
    assert (await chat_of(user.services)).paused
    text = await user.says("/start")
    assert text.startswith(
        f"Deliveries here had stopped because Telegram reported: “{BLOCKED}”; they are on again."
    )
    assert "geodigest follows world-affairs news" in text
    chat = await chat_of(user.services)
    assert not chat.paused
    assert chat.next_digest_at == datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
    assert "Deliveries here had stopped" not in await user.says("/help")


async def test_the_resume_notice_comes_with_an_error_reply_too(services: Services) -> None:
    member = User(services, chat=GROUP, admin=False)
    await member.says("/list")
    await services.chats.pause_address(Platform.TELEGRAM, GROUP.external_id, reason="kicked")
    text = await member.says("/mode instant")
    assert text.startswith("Deliveries here had stopped because Telegram reported: “kicked”")
    assert "Only administrators of this chat can change" in text
    assert not (await chat_of(services, GROUP)).paused


@pytest.mark.parametrize("command", ["/start", "/help", "/list", "/follow India"])
async def test_a_chat_paused_with_pause_stays_paused(user: User, command: str) -> None:
    await user.says("/pause")
    # The platform refusing later, in another thread of the chat, must not turn it into its pause.
    await user.services.chats.pause_address(Platform.TELEGRAM, "100", reason=BLOCKED)
    text = await user.says(command)
    assert "Deliveries here had stopped" not in text
    if command != "/follow India":
        assert "This chat is paused; send /resume" in text
    assert (await chat_of(user.services)).paused


# -- digest -----------------------------------------------------------------------------------


async def store_story(services: Services, feed: Feed, title: str, *, relevance: float = 0.9) -> int:
    text = f"'We will keep talking,' the minister said about {title}."
    [article] = await services.articles.add_new(
        feed.id,
        [
            Entry(
                dedup_key=title,
                url=f"https://news.example/{len(title)}",
                title=title,
                paragraphs=(text,),
            )
        ],
        now=NOW - timedelta(hours=1),
    )
    analysis = Analysis(
        summary=(f"{title} happened today.",),
        quotes=(Quote("We will keep talking", 1, 21, speaker="the minister", key=True),),
        tags=Tags(countries=("IN",), geopolitics=relevance),
    )
    await services.articles.save_analysis(article.id, analysis, story_id=article.id, now=NOW)
    return article.id


async def test_digest_now_queues_unseen_stories_once(user: User) -> None:
    [feed] = await subscribe_many(user.services, 1)
    await store_story(user.services, feed, "Delhi talks")
    await store_story(user.services, feed, "Celebrity wedding", relevance=0.1)
    assert "1 story" in await user.says("/digest")
    chat = await chat_of(user.services)
    assert await user.services.outbox.pending_count(chat.id) == 1
    [message] = await user.services.outbox.claim_due(
        NOW, limit=5, lease=timedelta(minutes=1), platforms=ALL_PLATFORMS
    )
    assert "Delhi talks" in message.body
    assert "Celebrity" not in message.body
    assert "No new stories" in await user.says("/digest")


async def test_digest_without_sources(user: User) -> None:
    assert "no sources yet" in await user.says("/digest")


# -- who may change a shared chat -------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        "/subscribe bbc-world",
        "/unsubscribe 1",
        "/follow India",
        "/mode instant",
        "/schedule 09:00",
        "/timezone UTC",
        "/digest",
        "/pause",
        "/resume",
        "/settings quotes off",
        "/unfollow India",
    ],
)
async def test_non_admins_cannot_change_a_group(services: Services, command: str) -> None:
    member = User(services, chat=GROUP, admin=False)
    text = await member.says(command)
    assert text.startswith("Only administrators of this chat can change")
    assert member.admin_checks == 1


@pytest.mark.parametrize(
    "command", ["/list", "/help", "/settings", "/sources", "/timezone", "/mode", "/schedule"]
)
async def test_anyone_may_look_without_an_admin_check(services: Services, command: str) -> None:
    member = User(services, chat=GROUP, admin=False)
    assert not (await member.says(command)).startswith("Only administrators")
    assert member.admin_checks == 0


async def test_group_admins_may_change_and_private_chats_are_never_checked(
    services: Services,
) -> None:
    admin = User(services, chat=GROUP, admin=True)
    assert "Following India" in await admin.says("/follow India")
    owner = User(services, admin=False)
    assert "Following India" in await owner.says("/follow India")
    assert owner.admin_checks == 0


async def test_a_channel_named_in_a_private_chat_is_the_one_changed(
    services: Services, feed_server: FeedServer
) -> None:
    user = User(services, channels={"-1001234567890": CHANNEL})
    url = world_feed(feed_server)
    text = await user.says(f"/subscribe {url} -1001234567890")
    assert text.startswith("For World Brief: Subscribed to Daily World")
    channel = await chat_of(services, CHANNEL)
    assert channel.kind == "channel"
    assert [f.url for f in await services.chats.subscriptions(channel.id)] == [url]
    assert await services.chats.find(Platform.TELEGRAM, "100") is None
    listing = await user.send("/list -1001234567890")
    assert "Sources of this chat (1)" in listing.text


async def test_channel_pages_keep_pointing_at_the_channel(services: Services) -> None:
    user = User(services, channels={"@worldbrief": CHANNEL})
    await subscribe_many(services, 12, CHANNEL)
    reply = await user.send("/list @worldbrief")
    assert reply.navigation is not None
    assert reply.navigation.args_for(2) == "2 @worldbrief"
    assert "12. Outlet number 12" in await user.says(f"/list {reply.navigation.args_for(2)}")


# -- commands as each platform spells them ----------------------------------------------------


class SlackStyle:
    """Commands as a Slack app with one slash command spells them: ``/geodigest list 2``."""

    def command(self, name: str, args: str = "") -> str:
        return f"/geodigest {name} {args}".rstrip()


SLACK_DM = ChatAddress(Platform.SLACK, "D0123", kind="im", title="Asha")
TELEGRAM_SPELLING = re.compile(r"/(?:" + "|".join(COMMAND_NAMES) + r")\b")


@pytest.fixture
def slack_user(services: Services) -> User:
    return User(services, chat=SLACK_DM, syntax=SlackStyle(), platform_help="")


@pytest.mark.parametrize(
    "command",
    [
        "/start",
        "/help",
        "/weather",
        "/subscribe",
        "/subscribe no-such-source",
        "/unsubscribe",
        "/unsubscribe 3",
        "/list",
        "/list x",
        "/sources 0",
        "/follow",
        "/unfollow India",
        "/mode",
        "/mode weekly",
        "/schedule",
        "/schedule 25:00",
        "/timezone",
        "/timezone Mars/Olympus",
        "/digest",
        "/settings",
        "/settings summary 9",
        "/pause",
    ],
)
async def test_replies_on_slack_spell_commands_the_slack_way(
    slack_user: User, command: str
) -> None:
    text = await slack_user.says(command)
    assert "/geodigest " in text
    assert not TELEGRAM_SPELLING.findall(text), text


async def test_slack_help_has_no_telegram_only_advice(slack_user: User) -> None:
    text = await slack_user.says("/help")
    assert "/geodigest subscribe — add a news feed or a source from /geodigest sources." in text
    assert "Example: /geodigest schedule 08:00 18:00" in text
    assert "@yourchannel" not in text
    assert "Forum topics" not in text


async def test_the_same_reply_on_telegram_spells_commands_with_a_slash(user: User) -> None:
    text = await user.says("/unsubscribe")
    assert text == "Which feed? Send /unsubscribe 2 (its number in /list) or its address."
