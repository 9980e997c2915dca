"""Slack inside ``geodigest run``: signed requests over real HTTP to the service's own web server,
the fake Slack Web API answering the app, feeds from the local feed server, one injected clock.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from pydantic import SecretStr

from bot.config import Settings
from bot.models import OutboxMessage, OutboxState, Platform
from bot.service import runtime
from bot.service.runtime import run_service
from handlers.commands.registry import COMMAND_NAMES
from storage import ChatRepository, Database, FeedRepository, OutboxRepository
from storage.tables import outbox
from tests.fakes.clocks import ManualClock
from tests.fakes.documents import HEADLINE, world_news_feed
from tests.fakes.feed_server import FeedServer, Reply
from tests.fakes.raw_http import free_port
from tests.fakes.slack_api import BOT_TOKEN, FakeSlack, PostedMessage, SlackError, blocks_text
from tests.fakes.slack_requests import SIGNING_SECRET, SlackCaller
from tests.fakes.telegram_api import FakeTelegram, wait_for

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
NEWSROOM = "C0NEWSROOM"
DESK = "C0DESK"
ADMIN = "U0ADMIN"  # a workspace admin
READER = "U0READER"
NAMED = "U0NAMED"  # in GEODIGEST_SLACK_ADMINS: may change any channel without asking Slack
DM = "D0READER"
TELEGRAM_USER = 501
# A command as Telegram spells it ("/list"), which must never reach a Slack user.
BARE_COMMAND = re.compile(rf"(?<![\w/.:-])/(?:{'|'.join(COMMAND_NAMES)})\b")
WAIT = 20.0  # seconds any one step may take before the test fails


@dataclass
class Service:
    """A running ``geodigest run``, how to call it as Slack does, and what it stored."""

    settings: Settings
    clock: ManualClock
    slack: SlackCaller

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.settings.http_port}"

    async def get(self, path: str) -> httpx.Response:
        async with httpx.AsyncClient(base_url=self.base_url) as client:
            return await client.get(path)

    async def platforms(self) -> dict[str, str]:
        try:
            return dict((await self.get("/healthz")).json()["platforms"])
        except httpx.TransportError:
            return {}

    async def answer(self, text: str, *, user: str = ADMIN, channel: str = NEWSROOM) -> str:
        """Send ``/geodigest text``; what its user reads of the answer at the response_url."""
        response, response_url = await self.slack.command(text, user=user, channel=channel)
        assert response.status_code == 200
        [reply] = await wait_for(lambda: self.slack.fake.responded(response_url), timeout=WAIT)
        return blocks_text(reply["blocks"])

    @asynccontextmanager
    async def storage(self) -> AsyncIterator[Stored]:
        """The service's database, opened beside it."""
        db = Database(self.settings.database_url)
        try:
            yield Stored(db, OutboxRepository(db), ChatRepository(db), FeedRepository(db))
        finally:
            await db.aclose()

    async def rows(self) -> list[OutboxMessage]:
        """Every outbox row, oldest first."""
        async with self.storage() as stored:
            async with stored.db.engine.connect() as conn:
                ids = (await conn.execute(sa.select(outbox.c.id).order_by(outbox.c.id))).all()
            found = [await stored.outbox.get(row.id) for row in ids]
        return [message for message in found if message is not None]

    async def states(self, *states: OutboxState) -> bool:
        """Whether the outbox rows, oldest first, are in these states."""
        return [row.state for row in await self.rows()] == list(states)

    async def paused(self, channel: str) -> bool:
        async with self.storage() as stored:
            chat = await stored.chats.find(Platform.SLACK, channel)
        return chat is not None and chat.paused


@dataclass
class Stored:
    db: Database
    outbox: OutboxRepository
    chats: ChatRepository
    feeds: FeedRepository


def serve_world_news(server: FeedServer, path: str = "/world.xml") -> str:
    return server.serve(path, world_news(server))


def world_news(server: FeedServer) -> bytes:
    return world_news_feed(server.url("/2026/india-russia-oil"), NOW - timedelta(hours=2))


def the_story_as_read(text: str) -> None:
    """The digest's story as a reader sees it: headline, outlet, summary and quotes."""
    assert HEADLINE in text
    assert "via Daily World" in text
    assert "India and Russia agreed on Tuesday to expand their trade" in text
    assert "We are moving away from the dollar step by step" in text
    assert "— Sergey Lavrov" in text


@pytest.fixture
def slack_settings(settings: Settings, fake_slack: FakeSlack) -> Settings:
    settings.slack_bot_token = SecretStr(BOT_TOKEN)
    settings.slack_signing_secret = SecretStr(SIGNING_SECRET)
    settings.slack_api_base_url = fake_slack.base_url
    settings.slack_admins = (NAMED,)
    settings.http_port = free_port()
    fake_slack.add_user(ADMIN, admin=True)
    for user in (READER, NAMED):
        fake_slack.add_user(user)
    for channel in (NEWSROOM, DESK):
        fake_slack.add_channel(channel, channel.lower(), members={ADMIN, READER})
    return settings


@asynccontextmanager
async def running(settings: Settings, fake: FakeSlack, *, up: str = "ok") -> AsyncIterator[Service]:
    """``run_service`` until the block ends, once /healthz shows Slack as ``up``."""
    clock = ManualClock(NOW)
    events_url = f"http://127.0.0.1:{settings.http_port}/slack/events"
    service = Service(settings, clock, SlackCaller(events_url, fake, clock))
    stop = asyncio.Event()
    task = asyncio.create_task(run_service(settings, stop, clock=clock))
    try:
        await wait_for(lambda: _slack_is(service, up), timeout=WAIT)
        yield service
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)


async def _slack_is(service: Service, state: str) -> bool:
    return (await service.platforms()).get("slack") == state


@pytest.fixture
async def service(slack_settings: Settings, fake_slack: FakeSlack) -> AsyncIterator[Service]:
    async with running(slack_settings, fake_slack) as started:
        yield started


async def test_a_channel_subscribes_and_its_digest_waits_out_a_rate_limit(
    service: Service, fake_slack: FakeSlack, feed_server: FeedServer
) -> None:
    url = serve_world_news(feed_server)

    subscribed = await service.answer(f"subscribe {url}")
    assert "Subscribed to Daily World. 1 world-affairs story" in subscribed
    fake_slack.fail_next(SlackError.ratelimited(30))
    assert "Here comes your digest: 1 story" in await service.answer("digest")

    [row] = await wait_for(lambda: _retried(service), timeout=WAIT)
    assert row.next_attempt_at is not None
    assert row.next_attempt_at.replace(tzinfo=UTC) == NOW + timedelta(seconds=30)
    assert len(fake_slack.calls_to("chat.postMessage")) == 1  # no retry inside the SDK
    service.clock.advance(30)
    [posted] = await wait_for(lambda: fake_slack.posted[NEWSROOM], timeout=WAIT)
    the_story_as_read(posted.visible)
    assert posted.blocks[0]["type"] == "header"
    assert HEADLINE in posted.text  # what a notification shows
    await wait_for(lambda: service.states(OutboxState.SENT), timeout=WAIT)


async def _retried(service: Service) -> list[OutboxMessage]:
    """The digest's one row once the rate limit put it back: pending, tried once, with why."""
    rows = await service.rows()
    back = [(r.state, r.attempts, bool(r.last_error)) for r in rows]
    return rows if back == [(OutboxState.PENDING, 1, True)] else []


async def test_forged_and_stale_requests_are_refused_and_change_nothing(
    service: Service, fake_slack: FakeSlack
) -> None:
    forged, forged_url = await service.slack.command(
        "pause", user=ADMIN, channel=NEWSROOM, secret="not-the-signing-secret"
    )
    stale_at = int((NOW - timedelta(minutes=5, seconds=1)).timestamp())
    stale, stale_url = await service.slack.command(
        "pause", user=ADMIN, channel=NEWSROOM, timestamp=stale_at
    )

    assert (forged.status_code, stale.status_code) == (401, 401)
    assert not fake_slack.responded(forged_url)
    assert not fake_slack.responded(stale_url)
    async with service.storage() as stored:
        assert await stored.chats.find(Platform.SLACK, NEWSROOM) is None
    assert "Paused: nothing will be sent here" in await service.answer("pause")  # signed now


async def test_a_reader_may_look_but_not_change_a_channel(service: Service) -> None:
    refused = await service.answer("mode instant", user=READER)

    assert "Only administrators of this chat can change what it receives" in refused
    assert "/geodigest list" in refused
    assert "Sources of this chat" in await service.answer("list", user=READER)
    assert "Instant mode" in await service.answer("mode instant", user=NAMED)
    assert "Instant mode" in await service.answer("mode instant", user=READER, channel=DM)


async def test_list_pages_turn_with_buttons(service: Service) -> None:
    async with service.storage() as stored:
        chat = await stored.chats.ensure(Platform.SLACK, NEWSROOM, kind="channel", now=NOW)
        for n in range(1, 13):
            feed = await stored.feeds.add(f"https://outlet{n}.example/rss", now=NOW)
            await stored.chats.subscribe(chat.id, feed.id, now=NOW)

    first = await _reply(service, "list")
    assert "Page 1 of 2." in blocks_text(first["blocks"])
    assert "11. https://outlet11.example/rss" not in blocks_text(first["blocks"])

    second = await _press(service, first, "Next ▶")
    assert second["replace_original"] is True
    assert "11. https://outlet11.example/rss" in blocks_text(second["blocks"])
    assert "Page 2 of 2." in blocks_text(second["blocks"])
    back = await _press(service, second, "◀ Previous")
    assert blocks_text(back["blocks"]) == blocks_text(first["blocks"])


async def _reply(service: Service, text: str) -> dict[str, Any]:
    response, response_url = await service.slack.command(text, user=READER, channel=NEWSROOM)
    assert response.status_code == 200
    [reply] = await wait_for(lambda: service.slack.fake.responded(response_url), timeout=WAIT)
    assert isinstance(reply, dict)
    return reply


async def _press(service: Service, reply: dict[str, Any], label: str) -> dict[str, Any]:
    [actions] = [b for b in reply["blocks"] if b["type"] == "actions"]
    [button] = [e for e in actions["elements"] if e["text"]["text"] == label]
    response, response_url = await service.slack.press(button, user=READER, channel=NEWSROOM)
    assert response.status_code == 200
    [pressed] = await wait_for(lambda: service.slack.fake.responded(response_url), timeout=WAIT)
    assert isinstance(pressed, dict)
    return pressed


async def test_a_slow_subscription_is_acknowledged_first_and_answered_later_in_order(
    service: Service, fake_slack: FakeSlack, feed_server: FeedServer
) -> None:
    feed_read = asyncio.Event()  # the feed server answers only once this is set
    url = feed_server.script("/slow.xml", Reply(world_news(feed_server), gate=feed_read))

    subscribing, subscribe_url = await service.slack.command(
        f"subscribe {url}", user=ADMIN, channel=NEWSROOM
    )
    listing, list_url = await service.slack.command("list", user=ADMIN, channel=NEWSROOM)
    await wait_for(lambda: feed_server.requests_to("/slow.xml"), timeout=WAIT)

    # Both commands were acknowledged while the feed was still being read.
    assert (subscribing.status_code, listing.status_code) == (200, 200)
    assert not fake_slack.responded(subscribe_url)
    assert not fake_slack.responded(list_url)  # it waits for the channel's first command
    assert "Commands:" in await service.answer("help", channel=DESK)  # others do not wait
    feed_read.set()
    [subscribed] = await wait_for(lambda: fake_slack.responded(subscribe_url), timeout=WAIT)
    [listed] = await wait_for(lambda: fake_slack.responded(list_url), timeout=WAIT)
    assert "Subscribed to Daily World" in blocks_text(subscribed["blocks"])
    assert "Daily World" in blocks_text(listed["blocks"])  # it ran after the subscription


# Every command, with and without what it needs, as a channel's admin and reader would send it.
COMMANDS_TO_TRY = [
    "",
    "help",
    "start",
    "weather Berlin",
    "subscribe",
    "subscribe not a feed",
    "subscribe no-such-source",
    "unsubscribe",
    "unsubscribe 7",
    "list",
    "list x",
    "sources",
    "sources 0",
    "follow",
    "unfollow",
    "unfollow Atlantis",
    "mode",
    "mode sometimes",
    "schedule",
    "schedule 25:00",
    "timezone",
    "timezone Mars/Olympus",
    "digest",
    "pause",
    "pause",
    "digest",
    "help",
    "list",
    "resume",
    "resume",
    "settings",
    "settings colour blue",
]


async def test_every_reply_spells_commands_the_slack_way(
    service: Service, fake_slack: FakeSlack
) -> None:
    replies = [await service.answer(text) for text in COMMANDS_TO_TRY]
    replies.append(await service.answer("follow India", user=READER))  # not allowed

    for text, reply in zip([*COMMANDS_TO_TRY, "follow India"], replies, strict=True):
        assert not BARE_COMMAND.findall(reply), (text, reply)
    assert all("/geodigest" in r for r in replies[:8])
    assert (
        "This chat is paused; send /geodigest resume" in replies[COMMANDS_TO_TRY.index("help", 2)]
    )
    assert "I don't know the command /geodigest weather" in replies[3]


async def test_a_mention_runs_commands_the_same_way_in_a_thread(
    service: Service, fake_slack: FakeSlack, feed_server: FeedServer
) -> None:
    url = serve_world_news(feed_server)
    mentions = {"1.000100": f"subscribe {url}", "1.000200": "weather", "1.000300": "digest"}
    for ts, text in mentions.items():
        event = {
            "type": "app_mention",
            "user": ADMIN,
            "text": f"<@UGEODIGEST> {text}",
            "channel": NEWSROOM,
            "ts": ts,
        }
        assert (await service.slack.event(event)).status_code == 200
        await wait_for(functools.partial(_in_thread, fake_slack, ts), timeout=WAIT)

    assert "Subscribed to Daily World" in _in_thread(fake_slack, "1.000100")
    unknown = _in_thread(fake_slack, "1.000200")
    assert "I don't know the command /geodigest weather" in unknown
    assert not BARE_COMMAND.findall(unknown)
    assert "Here comes your digest: 1 story" in _in_thread(fake_slack, "1.000300")
    # The digest itself goes to the channel, not into the thread.
    [digest] = await wait_for(lambda: _outside_threads(fake_slack), timeout=WAIT)
    the_story_as_read(digest.visible)


def _in_thread(fake: FakeSlack, ts: str) -> str:
    """What a reader sees in NEWSROOM's thread under the message ``ts``."""
    return "\n".join(m.visible for m in fake.posted[NEWSROOM] if m.thread_ts == ts)


def _outside_threads(fake: FakeSlack) -> list[PostedMessage]:
    return [m for m in fake.posted[NEWSROOM] if m.thread_ts is None]


async def test_the_home_tab_shows_the_channels_of_its_user(
    service: Service, fake_slack: FakeSlack, feed_server: FeedServer
) -> None:
    url = serve_world_news(feed_server)
    await service.answer(f"subscribe {url}")
    fake_slack.add_channel("C0HIDDEN", "hidden", members={ADMIN})
    await service.answer("mode instant", channel="C0HIDDEN")
    await service.answer("timezone Asia/Kolkata", user=READER, channel=DM)

    event = {"type": "app_home_opened", "user": READER, "channel": DM, "tab": "home"}
    assert (await service.slack.event(event)).status_code == 200

    view = await wait_for(lambda: fake_slack.views.get(READER), timeout=WAIT)
    home = blocks_text(view["blocks"])
    assert "Delivery: digests at 08:00 (Asia/Kolkata)" in home
    assert "Sources: Daily World" in home
    assert NEWSROOM in home
    assert "C0HIDDEN" not in home  # the reader is not in that channel
    assert DESK not in home  # geodigest does not serve it
    assert not BARE_COMMAND.findall(home)


# Channels that stop taking messages, how each breaks and mends, and what Slack says.
GONE_CHANNELS = {
    "C0DELETED": (
        lambda fake: fake.channels.pop("C0DELETED"),
        lambda fake: fake.add_channel("C0DELETED", "deleted", members={ADMIN}),
        "the channel does not exist or geodigest cannot see it (channel_not_found)",
    ),
    "C0ARCHIVED": (
        lambda fake: setattr(fake.channels["C0ARCHIVED"], "is_archived", True),
        lambda fake: setattr(fake.channels["C0ARCHIVED"], "is_archived", False),
        "the channel is archived (is_archived)",
    ),
    "G0PRIVATE": (
        lambda fake: fake.channels["G0PRIVATE"].members.discard("UGEODIGEST"),
        lambda fake: fake.channels["G0PRIVATE"].members.add("UGEODIGEST"),
        "invite it with /invite @geodigest (not_in_channel)",
    ),
}


async def test_a_gone_channel_is_paused_and_its_next_command_says_why(
    service: Service, fake_slack: FakeSlack, feed_server: FeedServer
) -> None:
    url = serve_world_news(feed_server)
    for channel in GONE_CHANNELS:
        private = channel.startswith("G")
        fake_slack.add_channel(channel, channel.lower(), members={ADMIN}, private=private)
    for channel in [*GONE_CHANNELS, NEWSROOM]:
        await service.answer(f"subscribe {url}", channel=channel)
    for break_channel, _, _ in GONE_CHANNELS.values():
        break_channel(fake_slack)

    for channel in [*GONE_CHANNELS, NEWSROOM]:
        await service.answer("digest", user=NAMED, channel=channel)
    for channel in GONE_CHANNELS:
        await wait_for(functools.partial(service.paused, channel), timeout=WAIT)
    await wait_for(lambda: fake_slack.posted[NEWSROOM], timeout=WAIT)  # the others go on
    kept = [OutboxState.PENDING] * len(GONE_CHANNELS)
    await wait_for(lambda: service.states(*kept, OutboxState.SENT), timeout=WAIT)
    assert not any(fake_slack.posted[channel] for channel in GONE_CHANNELS)
    assert len(fake_slack.calls_to("conversations.join")) == 1  # tried once, for the private one

    for channel, (_, mend_channel, reason) in GONE_CHANNELS.items():
        mend_channel(fake_slack)
        notice = await service.answer("list", user=READER, channel=channel)
        assert "Deliveries here had stopped because Slack reported: “" in notice
        assert f"{reason}”; they are on again" in notice
        assert not BARE_COMMAND.findall(notice)
        [delivered] = await wait_for(
            functools.partial(fake_slack.posted.get, channel), timeout=WAIT
        )
        the_story_as_read(delivered.visible)  # kept while paused, sent once resumed


async def test_a_refused_token_stops_slack_keeps_every_message_and_resumes_when_fixed(
    slack_settings: Settings,
    fake_slack: FakeSlack,
    feed_server: FeedServer,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Each refusal is handled alike (tests/unit/slack/test_delivery.py tries them all).
    code = "token_revoked"
    monkeypatch.setattr(runtime, "PLATFORM_RETRY_SECONDS", 0.05)
    url = serve_world_news(feed_server)
    async with running(slack_settings, fake_slack) as service:
        for channel in (NEWSROOM, DESK):
            await service.answer(f"subscribe {url}", channel=channel)
        fake_slack.refusal = code
        with caplog.at_level(logging.INFO):
            for channel in (NEWSROOM, DESK):
                await service.answer("digest", user=NAMED, channel=channel)
            # Slack cannot say who the workspace's admins are now, and the reply says why.
            refused = await service.answer("pause", user=ADMIN)
            await wait_for(lambda: _slack_is(service, "unavailable"), timeout=WAIT)
            metrics = (await service.get("/metrics")).text
            health = (await service.get("/healthz")).json()
            kept = await service.rows()
            # Slack's refusal lasts while geodigest keeps asking.
            await wait_for(lambda: len(fake_slack.calls_to("auth.test")) > 3, timeout=WAIT)

        assert (health["status"], health["platforms"]) == ("degraded", {"slack": "unavailable"})
        assert "Slack refuses geodigest's token at the moment" in refused
        assert not await service.paused(NEWSROOM)  # the refused command changed nothing
        assert 'geodigest_platform_up{platform="slack"} 0.0' in metrics
        assert [(r.state, r.attempts) for r in kept] == [(OutboxState.PENDING, 0)] * 2
        assert not await service.paused(DESK)
        loud = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
        assert len([m for m in loud if "nothing is sent to Slack" in m]) == 1
        assert len(loud) <= 3, loud  # the sender, the drainer, the first reconnect: not per row
        assert all(code in m for m in loud)

        fake_slack.refusal = None
        await wait_for(
            lambda: fake_slack.posted[NEWSROOM] and fake_slack.posted[DESK], timeout=WAIT
        )
        await wait_for(lambda: _slack_is(service, "ok"), timeout=WAIT)
        assert 'geodigest_platform_up{platform="slack"} 1.0' in (await service.get("/metrics")).text
    for channel in (NEWSROOM, DESK):
        [posted] = fake_slack.posted[channel]
        the_story_as_read(posted.visible)


async def test_a_token_refused_at_start_shows_as_unavailable_until_it_works(
    slack_settings: Settings, fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runtime, "PLATFORM_RETRY_SECONDS", 0.05)
    fake_slack.refusal = "token_revoked"

    async with running(slack_settings, fake_slack, up="unavailable") as service:
        fake_slack.refusal = None
        await wait_for(lambda: _slack_is(service, "ok"), timeout=WAIT)


async def test_one_process_serves_telegram_and_slack(
    telegram_settings: Settings,
    slack_settings: Settings,
    fake_slack: FakeSlack,
    fake_telegram: FakeTelegram,
    feed_server: FeedServer,
) -> None:
    assert telegram_settings is slack_settings  # both platforms set up in the one settings
    url = serve_world_news(feed_server)

    async with running(slack_settings, fake_slack) as service:
        await wait_for(lambda: _platforms_up(service), timeout=WAIT)
        await service.answer(f"subscribe {url}")
        await service.answer("digest")
        user = TELEGRAM_USER
        await fake_telegram.send_user_message(user, f"/subscribe {url}", user_id=user)
        await wait_for(lambda: _told(fake_telegram, "Daily World"), timeout=WAIT)
        await fake_telegram.send_user_message(user, "/digest", user_id=user)
        [telegram] = await wait_for(lambda: _told(fake_telegram, "— Sergey Lavrov"), timeout=WAIT)
        [slack] = await wait_for(lambda: fake_slack.posted[NEWSROOM], timeout=WAIT)

    the_story_as_read(slack.visible)
    assert HEADLINE in telegram
    assert "We are moving away from the dollar step by step" in telegram


async def _platforms_up(service: Service) -> bool:
    return await service.platforms() == {"telegram": "ok", "slack": "ok"}


def _told(fake: FakeTelegram, text: str) -> list[str]:
    return [t for t in fake.texts(TELEGRAM_USER) if text in t]
