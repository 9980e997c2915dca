"""The one outbox drainer with Slack's own sender, over real HTTP to the fake Web API.

What Slack answers decides what becomes of each outbox row: waits out a rate limit in the
outbox, pauses one gone channel with the reason, stops Slack as a whole on a refused token
(keeping every row), backs off on server and network errors, and resends rejected blocks as
their text alone. Pacing runs on virtual time, so Slack's real limits cost the tests nothing.
"""

from __future__ import annotations

import json
import logging
import random
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from bot.config import Settings
from bot.delivery.drainer import OutboxDrainer, RateLimiter
from bot.models import Chat, DigestStory, OutboxMessage, OutboxState, Platform, Rendered, SourceLink
from bot.reader.fetcher import FeedFetcher
from bot.service.metrics import Metrics
from bot.services import Services
from handlers.slack.platform import SlackPlatform
from storage import Database
from tests.fakes.clocks import ManualClock, VirtualTime
from tests.fakes.slack_api import BOT_TOKEN, FakeSlack, SlackError, read_mrkdwn

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def story(headline: str) -> DigestStory:
    return DigestStory(
        headline=headline,
        url="https://news.example/story",
        sources=(SourceLink("Daily World", "https://news.example/"),),
        summary=(f"{headline}, officials said on Tuesday.",),
    )


@dataclass
class Env:
    services: Services
    fake: FakeSlack
    clock: ManualClock
    platform: SlackPlatform
    drainer: OutboxDrainer
    metrics: Metrics

    async def channel(self, channel_id: str) -> Chat:
        return await self.services.chats.ensure(
            Platform.SLACK, channel_id, kind="channel", now=self.clock()
        )

    async def enqueue(self, chat: Chat, *headlines: str) -> list[int]:
        rendered = [r for h in headlines for r in self.platform.render_alert(story(h))]
        return await self.services.outbox.enqueue(chat.id, rendered, now=self.clock())

    async def paused(self, chat: Chat) -> bool:
        stored = await self.services.chats.get(chat.id)
        assert stored is not None
        return stored.paused

    async def row(self, message_id: int) -> OutboxMessage:
        found = await self.services.outbox.get(message_id)
        assert found is not None
        return found

    async def drain_all(self) -> None:
        while (await self.drainer.drain_once()).claimed:
            pass

    def headlines(self, channel: str) -> list[str]:
        """The story of each message posted to the channel, from its notification text."""
        return [read_mrkdwn(m.text).rsplit("• ", 1)[-1] for m in self.fake.posted[channel]]

    def counted(self, name: str) -> float:
        value = self.metrics.registry.get_sample_value(f"{name}_total", {"platform": "slack"})
        return value or 0.0


@pytest.fixture
async def env(database: Database, fake_slack: FakeSlack) -> AsyncIterator[Env]:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret="secret",
        slack_api_base_url=fake_slack.base_url,
    )
    clock = ManualClock(NOW)
    virtual = VirtualTime()
    metrics = Metrics()
    async with FeedFetcher(settings) as fetcher:
        services = Services.from_database(settings, database, fetcher, clock=clock)
        platform = SlackPlatform.from_services(services)
        drainer = OutboxDrainer.from_services(
            services,
            [platform],
            limiter=RateLimiter(monotonic=virtual.monotonic, sleep=virtual.sleep),
            metrics=metrics,
            rng=random.Random(7),
        )
        for channel in ("C0ONE", "C0TWO", "C0THREE"):
            fake_slack.add_channel(channel, channel.lower())
        yield Env(services, fake_slack, clock, platform, drainer, metrics)


def as_utc(moment: datetime | None) -> datetime:
    assert moment is not None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


async def test_a_rate_limit_puts_the_row_back_until_retry_after(env: Env) -> None:
    [message_id] = await env.enqueue(await env.channel("C0ONE"), "Talks in Delhi")
    env.fake.fail_next(SlackError.ratelimited(30))

    first = await env.drainer.drain_once()

    waiting = await env.row(message_id)
    assert (first.retried, waiting.state, waiting.attempts) == (1, OutboxState.PENDING, 1)
    assert as_utc(waiting.next_attempt_at) == NOW + timedelta(seconds=30)
    assert "rate limit" in (waiting.last_error or "")
    assert len(env.fake.calls_to("chat.postMessage")) == 1  # nothing retried it inside the SDK
    env.clock.advance(29)
    assert (await env.drainer.drain_once()).claimed == 0
    env.clock.advance(1)
    assert (await env.drainer.drain_once()).sent == 1
    assert env.headlines("C0ONE") == ["Talks in Delhi"]
    assert (await env.row(message_id)).state is OutboxState.SENT


@pytest.mark.parametrize(
    ("code", "break_channel", "reason"),
    [
        ("channel_not_found", lambda fake: fake.channels.pop("C0ONE"), "does not exist"),
        (
            "is_archived",
            lambda fake: setattr(fake.channels["C0ONE"], "is_archived", True),
            "archived",
        ),
        (
            "not_in_channel",
            lambda fake: fake.add_channel("C0ONE", "one", private=True, bot_member=False),
            "invite it with /invite @geodigest",
        ),
    ],
)
async def test_a_gone_channel_is_paused_with_the_reason_and_keeps_its_rows(
    env: Env, code: str, break_channel: Callable[[FakeSlack], object], reason: str
) -> None:
    gone = await env.channel("C0ONE")
    kept = await env.enqueue(gone, "First", "Second")
    await env.enqueue(await env.channel("C0TWO"), "Elsewhere")
    break_channel(env.fake)

    stats = await env.drainer.drain_once()

    paused = await env.services.chats.get(gone.id)
    assert paused is not None
    assert paused.platform_pause_reason is not None
    assert code in paused.platform_pause_reason
    assert reason in paused.platform_pause_reason
    assert [(await env.row(i)).state for i in kept] == [OutboxState.PENDING] * 2
    assert [(await env.row(i)).attempts for i in kept] == [0, 0]  # waiting costs no attempt
    tried = [c for c in env.fake.calls_to("chat.postMessage") if c.params["channel"] == "C0ONE"]
    assert len(tried) == 1  # the second message was not tried
    assert (stats.paused, stats.failed, env.counted("geodigest_chats_paused")) == (1, 0, 1)
    assert env.headlines("C0TWO") == ["Elsewhere"]  # other channels go on
    joins = len(env.fake.calls_to("conversations.join"))
    assert joins == (1 if code == "not_in_channel" else 0)
    assert (await env.drainer.drain_once()).claimed == 0  # a paused channel is never claimed


async def test_a_public_channel_the_app_left_is_joined_once_and_gets_every_message(
    env: Env,
) -> None:
    env.fake.add_channel("C0OPEN", "open", bot_member=False)
    chat = await env.channel("C0OPEN")
    await env.enqueue(chat, "First", "Second")

    await env.drain_all()

    assert env.headlines("C0OPEN") == ["First", "Second"]
    assert len(env.fake.calls_to("conversations.join")) == 1
    stored = await env.services.chats.get(chat.id)
    assert stored is not None
    assert not stored.paused


@pytest.mark.parametrize("code", ["token_revoked", "invalid_auth", "account_inactive"])
async def test_a_refused_token_stops_slack_as_a_whole_and_keeps_every_row(
    env: Env, code: str, caplog: pytest.LogCaptureFixture
) -> None:
    channels = ["C0ONE", "C0TWO", "C0THREE"]
    chats = [await env.channel(c) for c in channels]
    ids = [i for chat in chats for i in await env.enqueue(chat, f"{chat.external_id} 1", "2")]
    env.fake.refusal = code

    with caplog.at_level(logging.INFO):
        refused = await env.drainer.drain_once()
        again = await env.drainer.drain_once()

    assert (refused.sent, refused.failed, refused.paused, refused.retried) == (0, 0, 0, 0)
    assert again.claimed == 0  # Slack as a whole waits; nothing is tried row by row
    rows = [await env.row(i) for i in ids]
    assert [(r.state, r.attempts) for r in rows] == [(OutboxState.PENDING, 0)] * len(ids)
    assert [await env.paused(c) for c in chats] == [False] * len(chats)
    loud = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len([r for r in loud if "nothing is sent to Slack" in r.getMessage()]) == 1
    assert len(loud) < len(ids)  # said once, not once per row
    assert all(code in r.getMessage() for r in loud)
    assert BOT_TOKEN not in caplog.text
    assert not env.platform.healthy
    assert env.counted("geodigest_messages_failed") == 0

    # The token works again: connecting again (as the runtime does) lifts the pause at once.
    env.fake.refusal = None
    await env.platform.start()
    env.drainer.serve(env.platform)
    await env.drain_all()

    assert env.platform.healthy
    assert [env.headlines(c) for c in channels] == [[f"{c} 1", "2"] for c in channels]


@pytest.mark.parametrize(
    "trouble",
    [SlackError.server_error(), SlackError("service_unavailable", 503), SlackError.disconnect()],
    ids=["500", "503", "network"],
)
async def test_server_and_network_errors_back_off_more_each_time(
    env: Env, trouble: SlackError
) -> None:
    [message_id] = await env.enqueue(await env.channel("C0ONE"), "Talks in Delhi")
    env.fake.fail_next(trouble, times=2)

    await env.drainer.drain_once()
    first = await env.row(message_id)
    env.clock.advance((as_utc(first.next_attempt_at) - env.clock()).total_seconds())
    await env.drainer.drain_once()
    second = await env.row(message_id)

    first_wait = as_utc(first.next_attempt_at) - NOW
    second_wait = as_utc(second.next_attempt_at) - env.clock()
    # 5 s after the first failure, 10 s after the second, each with jitter of up to half.
    assert timedelta(seconds=2.5) <= first_wait <= timedelta(seconds=5)
    assert timedelta(seconds=5) <= second_wait <= timedelta(seconds=10)
    assert (second.state, second.attempts) == (OutboxState.PENDING, 2)
    env.clock.advance(second_wait.total_seconds())
    await env.drain_all()
    assert env.headlines("C0ONE") == ["Talks in Delhi"]


@pytest.mark.parametrize("code", ["msg_too_long", "invalid_blocks"])
async def test_rejected_blocks_are_resent_as_the_text_alone(env: Env, code: str) -> None:
    [message_id] = await env.enqueue(await env.channel("C0ONE"), "Talks & <b>trade</b>")
    queued = await env.row(message_id)
    env.fake.fail_next(SlackError(code))

    await env.drain_all()

    [posted] = env.fake.posted["C0ONE"]
    assert posted.blocks == []
    assert posted.text == queued.body
    assert "Talks & <b>trade</b>" in posted.visible
    assert '"type"' not in posted.text  # never the blocks' JSON
    sent = await env.row(message_id)
    assert (sent.state, sent.format, sent.payload) == (OutboxState.SENT, "", "")


async def test_blocks_over_slacks_limits_are_resent_as_the_text_alone(env: Env) -> None:
    chat = await env.channel("C0ONE")
    oversized = Rendered("Fifty-one blocks", "blocks", json.dumps([{"type": "divider"}] * 51))
    await env.services.outbox.enqueue(chat.id, [oversized], now=env.clock())

    await env.drain_all()

    assert [(m.text, m.blocks) for m in env.fake.posted["C0ONE"]] == [("Fifty-one blocks", [])]


async def test_nothing_is_lost_whatever_slack_answers(env: Env) -> None:
    env.fake.add_channel("C0OPEN", "open", bot_member=False)
    channels = ["C0ONE", "C0TWO", "C0THREE", "C0OPEN"]
    for channel in channels:
        await env.enqueue(await env.channel(channel), *(f"{channel} {n}" for n in (1, 2, 3)))
    env.fake.fail_next(SlackError.ratelimited(20), channel="C0ONE")
    env.fake.fail_next(SlackError.server_error(), channel="C0TWO", times=2)
    env.fake.fail_next(SlackError.disconnect(), channel="C0THREE")
    env.fake.fail_next(SlackError("invalid_blocks"), channel="C0THREE")

    for _ in range(10):
        await env.drain_all()
        env.clock.advance(60)

    assert await env.services.outbox.counts() == {OutboxState.SENT: 12}
    assert [env.headlines(c) for c in channels] == [
        [f"{c} {n}" for n in (1, 2, 3)] for c in channels
    ]
