"""End to end over real HTTP: signed Slack requests to our /slack/events on a real uvicorn
server, the fake Slack Web API answering the app, feeds from the local feed server.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from bot.config import Settings
from bot.delivery.drainer import OutboxDrainer
from bot.models import OutboxState, Platform
from bot.reader.fetcher import FeedFetcher
from bot.service.web import WebServer
from bot.services import Services
from handlers.slack.platform import SlackPlatform
from storage import Database
from tests.fakes.documents import HEADLINE, world_news_feed
from tests.fakes.feed_server import FeedServer, Reply
from tests.fakes.slack_api import BOT_TOKEN, FakeSlack, blocks_text
from tests.fakes.slack_requests import SIGNING_SECRET, SlackCaller
from tests.fakes.telegram_api import wait_for

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
NEWSROOM = "C0NEWSROOM"
ADMIN = "U0ADMIN"
CREATOR = "U0CREATOR"
READER = "U0READER"
NAMED = "U0NAMED"  # in GEODIGEST_SLACK_ADMINS
DM = "D0READER"


def serve_world_news(server: FeedServer) -> str:
    link = server.url("/2026/india-russia-oil")
    return server.serve("/world.xml", world_news_feed(link, NOW - timedelta(hours=2)))


@pytest.fixture
async def services(
    database: Database, fake_slack: FakeSlack, feed_server: FeedServer
) -> AsyncIterator[Services]:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        allow_private_urls=True,
        read_timeout=5.0,
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_base_url=fake_slack.base_url,
        slack_admins=(NAMED,),
    )
    async with FeedFetcher(settings) as fetcher:
        yield Services.from_database(settings, database, fetcher, clock=lambda: NOW)


@pytest.fixture
async def slack(services: Services, fake_slack: FakeSlack) -> AsyncIterator[SlackCaller]:
    """Our Slack routes on a real uvicorn server; a caller that signs requests to them."""
    fake_slack.add_user(ADMIN, admin=True)
    for user in (CREATOR, READER, NAMED):
        fake_slack.add_user(user)
    fake_slack.add_channel(NEWSROOM, "newsroom", creator=CREATOR, members={ADMIN, CREATOR, READER})
    platform = SlackPlatform.from_services(services)
    server = WebServer.for_app(Starlette(routes=platform.routes()), host="127.0.0.1", port=0)
    task = asyncio.create_task(server.serve())
    await wait_for(lambda: server.started)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield SlackCaller(f"http://127.0.0.1:{port}/slack/events", fake_slack, services.clock)
    finally:
        server.should_exit = True
        await task


async def answer(
    slack: SlackCaller, text: str, *, user: str = ADMIN, channel: str = NEWSROOM
) -> dict[str, Any]:
    """Send ``/geodigest text``; return the reply posted to its response_url."""
    response, response_url = await slack.command(text, user=user, channel=channel)
    assert response.status_code == 200
    [reply] = await wait_for(lambda: slack.fake.responded(response_url), timeout=15)
    assert isinstance(reply, dict)
    return reply


def shown(reply: dict[str, Any]) -> str:
    return blocks_text(reply["blocks"])


async def deliver(services: Services, fake: FakeSlack) -> None:
    """Send what the outbox holds through the Slack sender, as the delivery job does."""
    platform = SlackPlatform.from_services(services)
    await OutboxDrainer.from_services(services, [platform]).drain_once()


async def test_a_channel_subscribes_and_gets_a_digest_with_blocks(
    services: Services, slack: SlackCaller, fake_slack: FakeSlack, feed_server: FeedServer
) -> None:
    url = serve_world_news(feed_server)

    subscribed = await answer(slack, f"subscribe {url}")
    assert "Subscribed to Daily World. 1 world-affairs story" in shown(subscribed)
    assert subscribed.get("response_type", "ephemeral") == "ephemeral"

    digest = await answer(slack, "digest")
    assert "Here comes your digest: 1 story" in shown(digest)
    chat = await services.chats.find(Platform.SLACK, NEWSROOM)
    assert chat is not None
    assert chat.kind == "channel"
    [row] = await services.outbox.claim_due(
        NOW, limit=10, lease=timedelta(), platforms=[Platform.SLACK]
    )
    assert row.format == "blocks"
    queued = blocks_text(json.loads(row.payload))
    assert "India and Russia agreed on Tuesday" in queued
    assert "We are moving away from the dollar step by step" in queued
    assert "— Sergey Lavrov" in queued

    await deliver(services, fake_slack)
    [posted] = fake_slack.posted[NEWSROOM]
    assert posted.blocks == json.loads(row.payload)
    assert HEADLINE in posted.text


async def test_forged_and_stale_requests_get_401_and_change_nothing(
    services: Services, slack: SlackCaller, fake_slack: FakeSlack
) -> None:
    forged, forged_url = await slack.command("pause", user=ADMIN, channel=NEWSROOM, secret="x")
    stale_at = int((NOW - timedelta(minutes=5, seconds=1)).timestamp())
    stale, stale_url = await slack.command(
        "pause", user=ADMIN, channel=NEWSROOM, timestamp=stale_at
    )
    async with httpx.AsyncClient() as client:
        unsigned = await client.post(
            slack.url,
            content=slack.command_body(
                "pause", user=ADMIN, channel=NEWSROOM, response_url=fake_slack.response_url()
            ),
        )

    assert (forged.status_code, stale.status_code, unsigned.status_code) == (401, 401, 401)
    assert await services.chats.find(Platform.SLACK, NEWSROOM) is None
    assert not fake_slack.responded(forged_url)
    assert not fake_slack.responded(stale_url)
    # Four minutes old is still fine.
    fresh_at = int((NOW - timedelta(minutes=4)).timestamp())
    fresh, fresh_url = await slack.command(
        "pause", user=ADMIN, channel=NEWSROOM, timestamp=fresh_at
    )
    assert fresh.status_code == 200
    await wait_for(lambda: fake_slack.responded(fresh_url))


async def test_who_may_change_a_channel(slack: SlackCaller) -> None:
    refused = await answer(slack, "mode instant", user=READER)
    assert "Only administrators" in shown(refused)
    assert "Sources of this chat" in shown(await answer(slack, "list", user=READER))

    assert "Instant mode" in shown(await answer(slack, "mode instant", user=ADMIN))
    assert "Digest mode" in shown(await answer(slack, "mode digest", user=CREATOR))
    assert "Instant mode" in shown(await answer(slack, "mode instant", user=NAMED))


async def test_a_direct_message_is_the_users_own_chat(
    services: Services, slack: SlackCaller
) -> None:
    reply = await answer(slack, "mode instant", user=READER, channel=DM)

    assert "Instant mode" in shown(reply)
    chat = await services.chats.find(Platform.SLACK, DM)
    assert chat is not None
    assert chat.kind == "im"


async def test_help_answers_an_empty_or_unknown_command(slack: SlackCaller) -> None:
    help_text = shown(await answer(slack, ""))
    assert "Commands:" in help_text
    assert "@geodigest digest" in help_text
    assert "workspace admins and owners" in help_text

    unknown = shown(await answer(slack, "weather Berlin"))
    assert "I don't know the command" in unknown


async def test_list_pages_turn_with_buttons(services: Services, slack: SlackCaller) -> None:
    chat = await services.chats.ensure(Platform.SLACK, NEWSROOM, kind="channel", now=NOW)
    for n in range(1, 13):
        feed = await services.feeds.add(f"https://outlet{n}.example/rss", now=NOW)
        await services.chats.subscribe(chat.id, feed.id, now=NOW)

    listing = await answer(slack, "list", user=READER)
    assert "Page 1 of 2." in shown(listing)
    assert "11. https://outlet11.example/rss" not in shown(listing)

    page_two = await press(slack, listing, "Next ▶")
    assert page_two["replace_original"] is True
    assert "11. https://outlet11.example/rss" in shown(page_two)
    assert "Page 2 of 2." in shown(page_two)
    page_one = await press(slack, page_two, "◀ Previous")
    assert "Page 1 of 2." in shown(page_one)


async def press(slack: SlackCaller, reply: dict[str, Any], label: str) -> dict[str, Any]:
    [actions] = [b for b in reply["blocks"] if b["type"] == "actions"]
    [button] = [e for e in actions["elements"] if e["text"]["text"] == label]
    response, response_url = await slack.press(button, user=READER, channel=NEWSROOM)
    assert response.status_code == 200
    [pressed] = await wait_for(lambda: slack.fake.responded(response_url))
    assert isinstance(pressed, dict)
    return pressed


async def test_a_button_cannot_run_a_changing_command(
    services: Services, slack: SlackCaller
) -> None:
    button = {"action_id": "page_next", "value": "pause:", "type": "button"}

    response, response_url = await slack.press(button, user=READER, channel=NEWSROOM)

    assert response.status_code == 200
    [refused] = await wait_for(lambda: slack.fake.responded(response_url))
    assert "out of date" in refused["text"]
    assert await services.chats.find(Platform.SLACK, NEWSROOM) is None


async def test_a_mention_runs_the_command_and_answers_in_a_thread(
    slack: SlackCaller, fake_slack: FakeSlack
) -> None:
    event = {
        "type": "app_mention",
        "user": ADMIN,
        "text": "<@UGEODIGEST> digest",
        "channel": NEWSROOM,
        "ts": "1764061200.000100",
    }

    assert (await slack.event(event)).status_code == 200

    [reply] = await wait_for(lambda: fake_slack.posted[NEWSROOM])
    assert reply.thread_ts == "1764061200.000100"
    assert "This chat has no sources yet" in reply.visible


async def test_a_slow_subscription_holds_up_only_its_own_channel(
    slack: SlackCaller, fake_slack: FakeSlack, feed_server: FeedServer
) -> None:
    feed_read = asyncio.Event()  # the feed server answers only once this is set
    slow = feed_server.script("/slow.xml", Reply(b"", gate=feed_read))
    other = "C0OTHER"
    fake_slack.add_channel(other, "other", members={ADMIN})

    first, first_url = await slack.command(f"subscribe {slow}", user=ADMIN, channel=NEWSROOM)
    second, second_url = await slack.command("list", user=ADMIN, channel=NEWSROOM)
    assert (first.status_code, second.status_code) == (200, 200)  # acknowledged at once
    await wait_for(lambda: feed_server.requests_to("/slow.xml"), timeout=10)

    elsewhere = await answer(slack, "help", user=ADMIN, channel=other)
    assert "Commands:" in shown(elsewhere)
    # The channel's second command waits for its first, still reading the feed.
    assert not fake_slack.responded(first_url)
    assert not fake_slack.responded(second_url)
    feed_read.set()  # both finish before the test ends, leaving no work behind
    await wait_for(lambda: fake_slack.responded(first_url) and fake_slack.responded(second_url))


async def test_the_home_tab_lists_the_users_served_channels(
    services: Services, slack: SlackCaller, fake_slack: FakeSlack, feed_server: FeedServer
) -> None:
    url = serve_world_news(feed_server)
    await answer(slack, f"subscribe {url}")
    await answer(slack, "follow India")
    hidden = "C0HIDDEN"
    fake_slack.add_channel(hidden, "hidden", members={ADMIN})
    await answer(slack, "mode instant", channel=hidden)
    await answer(slack, "timezone Europe/Berlin", user=READER, channel=DM)

    event = {"type": "app_home_opened", "user": READER, "channel": DM, "tab": "home"}
    assert (await slack.event(event)).status_code == 200

    view = await wait_for(lambda: fake_slack.views.get(READER))
    home = blocks_text(view["blocks"])
    assert "Your direct messages" in home
    assert "Delivery: digests at 08:00 (Europe/Berlin)" in home
    assert NEWSROOM in home
    assert "Sources: Daily World" in home
    assert "Following: India (IN)" in home
    assert hidden not in home  # the reader is not in that channel
    assert home.index("Your direct messages") < home.index(NEWSROOM)


async def test_a_gone_channel_is_paused_and_its_next_command_says_why(
    services: Services, slack: SlackCaller, fake_slack: FakeSlack, feed_server: FeedServer
) -> None:
    url = serve_world_news(feed_server)
    await answer(slack, f"subscribe {url}")
    await answer(slack, "digest")
    fake_slack.channels[NEWSROOM].is_archived = True

    await deliver(services, fake_slack)

    chat = await services.chats.find(Platform.SLACK, NEWSROOM)
    assert chat is not None
    assert chat.paused
    assert await services.outbox.counts() == {OutboxState.PENDING: 1}  # kept, not lost
    fake_slack.channels[NEWSROOM].is_archived = False
    notice = shown(await answer(slack, "list", user=READER))
    assert "Slack reported: “the channel is archived (is_archived)”" in notice
    await deliver(services, fake_slack)
    assert [m.channel for m in fake_slack.posted[NEWSROOM]] == [NEWSROOM]
