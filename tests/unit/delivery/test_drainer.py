"""The outbox drainer with the Telegram sender, over real HTTP to the fake Bot API."""

from __future__ import annotations

import asyncio
import itertools
import random
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pytest

from bot.config import Settings
from bot.delivery.drainer import OutboxDrainer, PlatformLimits, RateLimiter, Sender
from bot.models import Chat, OutboxMessage, OutboxState, Platform, Rendered
from bot.service.metrics import Metrics
from handlers.telegram.platform import TELEGRAM_LIMITS, TelegramOutlet, is_group
from handlers.telegram.sender import TelegramSender
from storage import ChatRepository, Database, OutboxRepository
from tests.fakes.clocks import ManualClock as Clock
from tests.fakes.clocks import VirtualTime
from tests.fakes.telegram_api import ApiError, FakeTelegram, wait_for

# Pacing is tested on its own with a virtual clock; here it must not slow the tests down.
UNPACED = PlatformLimits(0.0, None, 100_000.0)


@dataclass
class Env:
    outbox: OutboxRepository
    chats: ChatRepository
    fake: FakeTelegram
    clock: Clock
    drainer: OutboxDrainer = field(init=False)
    sender: TelegramSender = field(init=False)

    async def chat(self, external_id: int, *, thread_id: str = "") -> Chat:
        return await self.chats.ensure(
            Platform.TELEGRAM, str(external_id), thread_id=thread_id, now=self.clock()
        )

    async def enqueue(self, chat: Chat, *bodies: str) -> list[int]:
        html = [Rendered(body, "HTML") for body in bodies]
        return await self.outbox.enqueue(chat.id, html, now=self.clock())

    async def message(self, message_id: int) -> OutboxMessage:
        found = await self.outbox.get(message_id)
        assert found is not None
        return found


def make_drainer(env: Env, sender: Sender, **options: Any) -> OutboxDrainer:
    return OutboxDrainer(
        env.outbox,
        env.chats,
        [TelegramOutlet(sender, UNPACED)],
        clock=env.clock,
        metrics=Metrics(),
        rng=random.Random(7),
        **options,
    )


@pytest.fixture
async def env(database: Database, fake_telegram: FakeTelegram, now: datetime) -> AsyncIterator[Env]:
    settings = Settings(
        telegram_bot_token="123:SECRET", telegram_api_base_url=fake_telegram.base_url
    )
    async with TelegramSender.from_settings(settings) as sender:
        env = Env(OutboxRepository(database), ChatRepository(database), fake_telegram, Clock(now))
        env.sender = sender
        env.drainer = make_drainer(env, sender)
        yield env


async def test_messages_arrive_in_order_and_are_marked_sent(env: Env) -> None:
    chat = await env.chat(1001)
    ids = await env.enqueue(chat, "<b>one</b>", "two &amp; three", "four")

    stats = await env.drainer.drain_once()

    assert stats.sent == 3
    assert env.fake.texts(1001) == ["one", "two & three", "four"]
    assert [(await env.message(i)).state for i in ids] == [OutboxState.SENT] * 3
    sent = env.fake.messages(1001)[0]
    assert (sent.parse_mode, sent.link_preview_disabled, sent.thread_id) == ("HTML", True, None)
    assert isinstance(env.drainer.metrics, Metrics)
    registry = env.drainer.metrics.registry
    assert registry.get_sample_value("geodigest_messages_sent_total", {"platform": "telegram"}) == 3


async def test_forum_topic_messages_go_to_their_thread(env: Env) -> None:
    chat = await env.chat(-1002, thread_id="42")
    await env.enqueue(chat, "in the topic")

    await env.drainer.drain_once()

    assert [m.thread_id for m in env.fake.messages(-1002)] == [42]


async def test_flood_wait_is_honored_and_the_message_sent_exactly_once(env: Env) -> None:
    chat = await env.chat(1001)
    [message_id] = await env.enqueue(chat, "hello")
    env.fake.fail_next(ApiError.retry_after(7))

    first = await env.drainer.drain_once()
    env.clock.advance(6)
    too_early = await env.drainer.drain_once()
    env.clock.advance(1)
    on_time = await env.drainer.drain_once()

    assert (first.retried, too_early.claimed, on_time.sent) == (1, 0, 1)
    assert env.fake.texts(1001) == ["hello"]
    assert (await env.message(message_id)).state is OutboxState.SENT


async def test_later_messages_of_a_chat_never_overtake_a_delayed_one(env: Env) -> None:
    chat = await env.chat(1001)
    other = await env.chat(1002)
    await env.enqueue(chat, "first", "second", "third")
    await env.enqueue(other, "elsewhere")
    env.fake.fail_next(ApiError.retry_after(3), chat_id=1001)

    await env.drainer.drain_once()
    assert env.fake.texts(1001) == []
    assert env.fake.texts(1002) == ["elsewhere"]
    env.clock.advance(3)
    await env.drainer.drain_once()

    assert env.fake.texts(1001) == ["first", "second", "third"]


@pytest.mark.parametrize(
    "refusal",
    [
        ApiError.blocked(),
        ApiError.kicked(),
        ApiError.chat_not_found(),
        ApiError(403, "Forbidden: user is deactivated"),
    ],
)
async def test_a_gone_chat_is_paused_and_its_messages_kept(env: Env, refusal: ApiError) -> None:
    chat = await env.chat(1001)
    ids = await env.enqueue(chat, "one", "two")
    env.fake.fail_next(refusal, times=10, chat_id=1001)

    stats = await env.drainer.drain_once()
    again = await env.drainer.drain_once()

    paused = await env.chats.get(chat.id)
    assert paused is not None
    assert paused.paused
    assert (stats.paused, again.claimed) == (1, 0)
    assert [(await env.message(i)).state for i in ids] == [OutboxState.PENDING] * 2
    assert len(env.fake.calls_to("sendMessage")) == 1  # no retry storm


async def test_messages_of_a_resumed_chat_are_delivered(env: Env) -> None:
    chat = await env.chat(1001)
    await env.enqueue(chat, "kept for you")
    env.fake.block(1001)
    await env.drainer.drain_once()

    env.fake.add_chat(1001)  # the user unblocked the bot
    await env.chats.resume(chat.id)
    await env.drainer.drain_once()

    assert env.fake.texts(1001) == ["kept for you"]


async def test_an_upgraded_group_gets_its_messages_at_the_new_id(env: Env) -> None:
    chat = await env.chat(-5)
    ids = await env.enqueue(chat, "one", "two")
    env.fake.upgrade_to_supergroup(-5, -1_000_000_000_005)

    await env.drainer.drain_once()

    assert env.fake.texts(-1_000_000_000_005) == ["one", "two"]
    moved = await env.chats.get(chat.id)
    assert moved is not None
    assert moved.external_id == "-1000000000005"
    assert [(await env.message(i)).state for i in ids] == [OutboxState.SENT] * 2


async def test_markup_telegram_rejects_is_resent_as_plain_text(env: Env) -> None:
    chat = await env.chat(1001)
    [message_id] = await env.enqueue(chat, '<b>India &amp; Russia</b> <a href="https://x.example">')

    await env.drainer.drain_once()

    [sent] = env.fake.messages(1001)
    assert (sent.parse_mode, sent.text) == (None, "India & Russia ")
    stored = await env.message(message_id)
    assert (stored.state, stored.format, stored.body) == (OutboxState.SENT, "", sent.text)


async def test_server_errors_are_retried_with_growing_backoff(env: Env) -> None:
    chat = await env.chat(1001)
    [message_id] = await env.enqueue(chat, "eventually")
    env.fake.fail_next(ApiError.server_error(), times=3)

    delays = []
    for _ in range(3):
        await env.drainer.drain_once()
        due = (await env.message(message_id)).next_attempt_at
        assert due is not None
        delays.append((due.replace(tzinfo=None) - env.clock().replace(tzinfo=None)).total_seconds())
        env.clock.advance(delays[-1])
    await env.drainer.drain_once()

    assert delays[0] > 0
    assert delays[2] > delays[0]
    assert env.fake.texts(1001) == ["eventually"]


async def test_a_message_is_given_up_after_the_maximum_attempts(env: Env) -> None:
    drainer = make_drainer(env, env.sender, max_attempts=2)
    chat = await env.chat(1001)
    [message_id] = await env.enqueue(chat, "doomed")
    env.fake.fail_next(ApiError.server_error(), times=100)

    for _ in range(3):
        await drainer.drain_once()
        env.clock.advance(3600)

    stored = await env.message(message_id)
    assert stored.state is OutboxState.FAILED
    assert stored.last_error
    assert "Internal Server Error" in stored.last_error
    assert len(env.fake.calls_to("sendMessage")) == 2


async def test_a_permanently_refused_message_does_not_block_the_next(env: Env) -> None:
    chat = await env.chat(1001)
    bad, good = await env.enqueue(chat, "x" * 5000, "fine")

    await env.drainer.drain_once()

    stored = await env.message(bad)
    assert stored.state is OutboxState.FAILED
    assert stored.last_error == "Message is too long"
    assert env.fake.texts(1001) == ["fine"]
    assert (await env.message(good)).state is OutboxState.SENT


class Crash(BaseException):
    """The process dies: nothing after this runs."""


class CrashAfterSending:
    def __init__(self, sender: TelegramSender) -> None:
        self.sender = sender

    async def send(self, message: OutboxMessage) -> None:
        await self.sender.send(message)
        raise Crash


async def test_a_crash_after_sending_repeats_the_message_but_never_loses_it(env: Env) -> None:
    chat = await env.chat(1001)
    [message_id] = await env.enqueue(chat, "at least once")
    crashing = make_drainer(env, CrashAfterSending(env.sender))
    with pytest.raises(Crash):
        await crashing.drain_once()

    env.clock.advance(timedelta(minutes=5).total_seconds())  # the lease runs out
    await env.drainer.drain_once()

    assert env.fake.texts(1001) == ["at least once", "at least once"]
    assert (await env.message(message_id)).state is OutboxState.SENT


async def test_run_forever_delivers_until_stopped(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty_passes = 0
    claim_due = env.outbox.claim_due

    async def counted_claim_due(*args: Any, **kwargs: Any) -> list[OutboxMessage]:
        nonlocal empty_passes
        claimed = await claim_due(*args, **kwargs)
        empty_passes += not claimed
        return claimed

    monkeypatch.setattr(env.outbox, "claim_due", counted_claim_due)
    chat = await env.chat(1001)
    await env.enqueue(chat, "live")
    stop = asyncio.Event()
    task = asyncio.create_task(env.drainer.run_forever(stop))

    await wait_for(lambda: env.fake.texts(1001) == ["live"])
    # Queued after the drainer found the outbox empty: the same run picks it up.
    await wait_for(lambda: empty_passes)
    await env.enqueue(chat, "later")
    await wait_for(lambda: env.fake.texts(1001) == ["live", "later"])
    stop.set()
    await asyncio.wait_for(task, 5)  # returns once stopped, raising whatever ended it


def outbox_message(chat: str, number: int = 1) -> OutboxMessage:
    return OutboxMessage(number, 1, Platform.TELEGRAM, chat, "", "text")


async def acquire(limiter: RateLimiter, chat: str) -> float | None:
    """A slot for one Telegram message to ``chat`` (a group when its id is negative)."""
    message = outbox_message(chat)
    return await limiter.acquire(message, TELEGRAM_LIMITS, max_wait=5, group=is_group(chat))


async def test_limiter_spaces_messages_to_one_chat_a_second_apart() -> None:
    time = VirtualTime()
    limiter = RateLimiter(monotonic=time.monotonic, sleep=time.sleep)

    sent_at = []
    for _ in range(3):
        assert await acquire(limiter, "1001") is None
        sent_at.append(time.now)

    assert [round(b - a, 6) for a, b in itertools.pairwise(sent_at)] == [1.0, 1.0]


async def test_limiter_postpones_the_21st_message_of_a_minute_in_a_group() -> None:
    time = VirtualTime()
    limiter = RateLimiter(monotonic=time.monotonic, sleep=time.sleep)

    waits = [await acquire(limiter, "-1001") for _ in range(21)]

    assert waits[:20] == [None] * 20
    assert waits[20] is not None
    assert waits[20] > 30


async def test_limiter_keeps_the_whole_bot_under_thirty_a_second() -> None:
    time = VirtualTime()
    limiter = RateLimiter(monotonic=time.monotonic, sleep=time.sleep)

    for n in range(61):
        await acquire(limiter, str(2000 + n))

    assert time.now == pytest.approx(2.0)


async def test_sends_recorded_in_groups_are_all_marked_sent_once(env: Env) -> None:
    drainer = make_drainer(env, env.sender, sent_record_batch=2)
    ids = [i for n in range(5) for i in await env.enqueue(await env.chat(1001 + n), f"to {n}")]
    ids += await env.enqueue(await env.chat(2001), "a", "b", "c")

    stats = await drainer.drain_once()
    again = await drainer.drain_once()

    assert (stats.sent, again.claimed) == (8, 0)
    assert [(await env.message(i)).state for i in ids] == [OutboxState.SENT] * 8
    assert env.fake.texts(2001) == ["a", "b", "c"]
    assert env.fake.total_sent == 8


class CrashAfterSendingTwo:
    def __init__(self, sender: TelegramSender) -> None:
        self.sender = sender
        self.sends = 0

    async def send(self, message: OutboxMessage) -> None:
        await self.sender.send(message)
        self.sends += 1
        if self.sends == 2:
            raise Crash


async def test_a_crash_before_sends_are_recorded_repeats_them_but_loses_none(env: Env) -> None:
    chats = [1001, 1002, 1003, 1004]
    ids = [i for c in chats for i in await env.enqueue(await env.chat(c), f"to {c}")]
    crashing = make_drainer(env, CrashAfterSendingTwo(env.sender), sent_record_batch=10)
    with pytest.raises(Crash):
        await crashing.drain_once()

    env.clock.advance(timedelta(minutes=5).total_seconds())  # the lease runs out
    await env.drainer.drain_once()

    assert [(await env.message(i)).state for i in ids] == [OutboxState.SENT] * 4
    assert all(env.fake.texts(c) in ([f"to {c}"], [f"to {c}"] * 2) for c in chats)


async def test_only_messages_of_connected_platforms_are_claimed(env: Env) -> None:
    telegram = await env.chat(1001)
    slack = await env.chats.ensure(Platform.SLACK, "C0123", now=env.clock())
    [waiting] = await env.outbox.enqueue(slack.id, [Rendered("for Slack")], now=env.clock())
    await env.enqueue(telegram, "for Telegram")

    stats = await env.drainer.drain_once()
    again = await env.drainer.drain_once()

    assert (stats.claimed, stats.sent, again.claimed) == (1, 1, 0)
    assert env.fake.texts(1001) == ["for Telegram"]
    # No Slack here: its message waits for a process that has Slack, with no attempt spent.
    untouched = await env.message(waiting)
    assert (untouched.state, untouched.attempts, untouched.last_error) == (
        OutboxState.PENDING,
        0,
        None,
    )


async def test_a_platform_leaving_mid_pass_leaves_its_messages_untried(env: Env) -> None:
    chat = await env.chat(1001)
    [message_id] = await env.enqueue(chat, "later")
    drainer = make_drainer(env, env.sender)

    class LeavingSender:
        async def send(self, message: OutboxMessage) -> None:
            raise AssertionError("nothing may be sent after the platform left")

    drainer.serve(TelegramOutlet(LeavingSender(), UNPACED))
    drainer.stop_serving(Platform.TELEGRAM)
    assert (await drainer.drain_once()).claimed == 0
    drainer.serve(TelegramOutlet(env.sender, UNPACED))
    assert (await drainer.drain_once()).sent == 1
    assert (await env.message(message_id)).attempts == 1


async def test_a_revoked_token_keeps_every_message_untried_until_telegram_accepts_again(
    env: Env,
) -> None:
    chats = [await env.chat(1001), await env.chat(1002)]
    ids = [i for chat in chats for i in await env.enqueue(chat, "one", "two")]
    revoked = ApiError(401, "Unauthorized")
    env.fake.fail_next(revoked, times=2)

    refused = await env.drainer.drain_once()
    paused = await env.drainer.drain_once()
    env.clock.advance(29)
    still_paused = await env.drainer.drain_once()

    assert (refused.sent, refused.failed, refused.retried) == (0, 0, 0)
    assert (paused.claimed, still_paused.claimed) == (0, 0)
    # The sends already in flight told us; nothing after them was tried.
    assert {c.params["text"] for c in env.fake.calls_to("sendMessage")} == {"one"}
    stored = [await env.message(i) for i in ids]
    assert [(m.state, m.attempts) for m in stored] == [(OutboxState.PENDING, 0)] * 4

    env.clock.advance(1)
    env.fake.fail_next(revoked, times=2)
    refused_again = await env.drainer.drain_once()  # still refused: the pause doubles
    env.clock.advance(30)
    assert (refused_again.sent, (await env.drainer.drain_once()).claimed) == (0, 0)
    env.clock.advance(30)
    while (await env.drainer.drain_once()).claimed:
        pass
    assert env.fake.texts(1001) == ["one", "two"]
    assert env.fake.texts(1002) == ["one", "two"]
