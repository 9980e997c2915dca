"""Drains the outbox: claims due messages, paces them to platform limits, sends, records outcomes.

A message is marked sent only after the platform accepted it, so a crash between the two repeats
at most that message (its lease expires and it is claimed again); nothing is ever lost.

Pacing lives here, not in the chat SDK: the drainer sees the whole queue, so when one chat must
wait it sends other chats' messages meanwhile, and a long wait is written back to the outbox
instead of holding a lease. (PTB's AIORateLimiter would block the caller per chat and retry
429s in memory; the Telegram sender therefore uses no limiter of its own, so nothing is limited
twice.)
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Protocol

from bot.errors import BadMarkup, ChatGone, ChatMoved, DeliveryError, RetryLater
from bot.metrics import Metrics
from bot.models import OutboxMessage, Platform
from bot.render import render_plain_text
from bot.services import Services, utc_now
from storage import ChatRepository, OutboxRepository

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PlatformLimits:
    per_chat_interval: float  # seconds between two messages to one chat
    group_per_minute: int | None  # messages per minute to one group chat, None when unlimited
    global_per_second: float  # messages per second for the whole bot


# Bot API FAQ ("My bot is hitting limits"): about one message per second in a chat, 20 per
# minute in a group, 30 per second overall.
TELEGRAM_LIMITS = PlatformLimits(per_chat_interval=1.0, group_per_minute=20, global_per_second=30)
# Slack chat.postMessage: one message per second per channel (short bursts tolerated).
SLACK_LIMITS = PlatformLimits(per_chat_interval=1.0, group_per_minute=None, global_per_second=20)
DEFAULT_LIMITS: Mapping[Platform, PlatformLimits] = {
    Platform.TELEGRAM: TELEGRAM_LIMITS,
    Platform.SLACK: SLACK_LIMITS,
}
DEFAULT_LEASE = timedelta(minutes=5)
DEFAULT_BATCH_SIZE = 200
DEFAULT_CONCURRENCY = 64  # requests in flight; 30/s at up to ~2 s per request
MAX_ATTEMPTS = 20
BACKOFF_BASE_SECONDS = 5.0
BACKOFF_CAP_SECONDS = 3600.0
# A chat that must wait longer than this is put back in the outbox instead of waited for inline.
MAX_INLINE_WAIT_SECONDS = 2.0
IDLE_WAIT_SECONDS = 1.0
MESSAGES_PER_CHAT_PER_PASS = 3
_GROUP_WINDOW_SECONDS = 60.0


def transient_retry_delay(attempts: int, *, rng: random.Random | None = None) -> float:
    """Exponential backoff with jitter for server and network errors, capped at an hour."""
    ceiling = min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2.0 ** max(0, attempts - 1))
    jitter = rng.uniform(0.5, 1.0) if rng is not None else random.uniform(0.5, 1.0)
    return ceiling * jitter


class Sender(Protocol):
    """Sends one outbox message to its platform, raising ``DeliveryError`` subclasses."""

    async def send(self, message: OutboxMessage) -> None: ...


def _is_group(message: OutboxMessage) -> bool:
    # Telegram groups, supergroups and channels have negative ids; users positive ones.
    return message.platform is Platform.TELEGRAM and message.external_chat_id.startswith("-")


class RateLimiter:
    """Reserves send slots per chat, per group and per platform; never lets two tasks collide."""

    def __init__(
        self,
        limits: Mapping[Platform, PlatformLimits] = DEFAULT_LIMITS,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._limits = limits
        self._monotonic = monotonic
        self._sleep = sleep
        self._chat_next: dict[tuple[Platform, str], float] = {}
        self._group_sends: dict[tuple[Platform, str], deque[float]] = defaultdict(deque)
        self._global_next: dict[Platform, float] = defaultdict(float)

    async def acquire(self, message: OutboxMessage, *, max_wait: float) -> float | None:
        """Wait for this message's turn; return the wait instead when it exceeds ``max_wait``."""
        limits = self._limits[message.platform]
        key = (message.platform, message.external_chat_id)
        now = self._monotonic()
        start = max(now, self._chat_next.get(key, 0.0))
        group = self._group_sends[key] if limits.group_per_minute and _is_group(message) else None
        if group is not None:
            while group and group[0] <= now - _GROUP_WINDOW_SECONDS:
                group.popleft()
            if limits.group_per_minute and len(group) >= limits.group_per_minute:
                start = max(start, group[-limits.group_per_minute] + _GROUP_WINDOW_SECONDS)
        if start - now > max_wait:
            return start - now
        # Reserved before awaiting: another thread of the same chat cannot take this slot.
        self._chat_next[key] = start + limits.per_chat_interval
        if group is not None:
            group.append(start)
        if start > now:
            await self._sleep(start - now)
        now = self._monotonic()
        slot = max(now, self._global_next[message.platform])
        self._global_next[message.platform] = slot + 1.0 / limits.global_per_second
        self._chat_next[key] = max(self._chat_next[key], slot + limits.per_chat_interval)
        if slot > now:
            await self._sleep(slot - now)
        self._forget_idle_chats(now)
        return None

    def _forget_idle_chats(self, now: float) -> None:
        if len(self._chat_next) > 10_000:
            self._chat_next = {k: v for k, v in self._chat_next.items() if v > now}
            self._group_sends = defaultdict(
                deque, {k: v for k, v in self._group_sends.items() if v and v[-1] > now - 60}
            )


@dataclass
class DrainStats:
    """What one pass over the outbox did."""

    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    paused: int = 0
    postponed: int = 0


class _Stop(Exception):
    """The rest of this chat's claimed messages must wait."""


class OutboxDrainer:
    """Sends due outbox messages: per chat in order, paced, each outcome written back."""

    def __init__(
        self,
        outbox: OutboxRepository,
        chats: ChatRepository,
        senders: Mapping[Platform, Sender],
        *,
        clock: Callable[[], datetime] = utc_now,
        limiter: RateLimiter | None = None,
        metrics: Metrics | None = None,
        batch_size: int = DEFAULT_BATCH_SIZE,
        concurrency: int = DEFAULT_CONCURRENCY,
        lease: timedelta = DEFAULT_LEASE,
        max_attempts: int = MAX_ATTEMPTS,
        rng: random.Random | None = None,
    ) -> None:
        self._outbox = outbox
        self._chats = chats
        self._senders = senders
        self._clock = clock
        self._limiter = limiter or RateLimiter()
        self.metrics = metrics or Metrics()
        self._batch_size = batch_size
        self._slots = asyncio.Semaphore(concurrency)
        self._lease = lease
        self._max_attempts = max_attempts
        self._rng = rng or random.Random()

    @classmethod
    def from_services(
        cls, services: Services, senders: Mapping[Platform, Sender], **options: Any
    ) -> OutboxDrainer:
        return cls(services.outbox, services.chats, senders, clock=services.clock, **options)

    async def drain_once(self) -> DrainStats:
        """Claim one batch of due messages and deliver it; return what happened."""
        stats = DrainStats()
        batch = await self._outbox.claim_due(
            self._clock(), limit=self._batch_size, lease=self._lease
        )
        stats.claimed = len(batch)
        by_chat: dict[int, list[OutboxMessage]] = defaultdict(list)
        for message in batch:
            by_chat[message.chat_id].append(message)
        await asyncio.gather(*(self._drain_chat(msgs, stats) for msgs in by_chat.values()))
        return stats

    async def run_forever(self, stop: asyncio.Event) -> None:
        """Drain until ``stop`` is set; a failing pass is logged and the loop goes on."""
        while not stop.is_set():
            try:
                stats = await self.drain_once()
            except Exception:
                logger.exception("outbox pass failed")
                stats = DrainStats()
            if stats.claimed:
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), IDLE_WAIT_SECONDS)

    async def _drain_chat(self, messages: Sequence[OutboxMessage], stats: DrainStats) -> None:
        moved_to: str | None = None
        for index, message in enumerate(messages):
            if moved_to is not None:
                message = replace(message, external_chat_id=moved_to)
            if index == MESSAGES_PER_CHAT_PER_PASS:
                # A long queue in one chat goes at one per second; let the pass move on.
                await self._release(messages[index:])
                return
            try:
                moved_to = await self._deliver(message, stats) or moved_to
            except _Stop:
                await self._release(messages[index + 1 :])
                return
            except Exception:
                # A bug, not a platform answer: retry later rather than wait for the lease.
                logger.exception("sending outbox message %s failed unexpectedly", message.id)
                await self._retry(message, "internal error", stats, seconds=0)

    async def _deliver(self, message: OutboxMessage, stats: DrainStats) -> str | None:
        """Send one message and record the outcome; return the chat's new id if it moved."""
        moved_to: str | None = None
        sender = self._senders.get(message.platform)
        if sender is None:
            await self._retry(message, f"no sender for {message.platform}", stats, seconds=0)
            raise _Stop
        for _ in range(3):  # first try, plus one resend each after a move and after bad markup
            await self._pace(message, stats)
            try:
                async with self._slots:
                    await sender.send(message)
            except ChatMoved as moved:
                await self._chats.migrate(
                    message.platform, message.external_chat_id, moved.new_chat_id
                )
                logger.info("chat %s moved to %s", message.external_chat_id, moved.new_chat_id)
                message = replace(message, external_chat_id=moved.new_chat_id)
                moved_to = moved.new_chat_id
            except BadMarkup as error:
                if not message.parse_mode:
                    await self._fail(message, f"rejected as plain text: {error}", stats)
                    return moved_to
                body = render_plain_text(message.body)
                await self._outbox.replace_body(message.id, body=body, parse_mode="")
                message = replace(message, body=body, parse_mode="")
            except DeliveryError as error:
                await self._refused(message, error, stats)
                return moved_to
            else:
                await self._outbox.mark_sent(message.id, now=self._clock())
                self.metrics.messages_sent.labels(message.platform.value).inc()
                stats.sent += 1
                return moved_to
        await self._retry(message, "chat kept moving or markup kept failing", stats, seconds=0)
        raise _Stop

    async def _release(self, messages: Sequence[OutboxMessage]) -> None:
        for message in messages:
            await self._outbox.release(message.id)

    async def _pace(self, message: OutboxMessage, stats: DrainStats) -> None:
        wait = await self._limiter.acquire(message, max_wait=MAX_INLINE_WAIT_SECONDS)
        if wait is not None:
            await self._outbox.postpone(message.id, at=self._clock() + timedelta(seconds=wait))
            stats.postponed += 1
            raise _Stop

    async def _refused(
        self, message: OutboxMessage, error: DeliveryError, stats: DrainStats
    ) -> None:
        """Record a refusal; raise ``_Stop`` when the chat's later messages must wait too."""
        reason = str(error) or type(error).__name__
        if isinstance(error, RetryLater):
            await self._retry(message, reason, stats, seconds=error.seconds)
            raise _Stop
        if isinstance(error, ChatGone):
            # Paused chats are never claimed: the message waits, unsent and unlost, for /resume.
            await self._chats.pause_address(
                message.platform, message.external_chat_id, reason=reason
            )
            await self._outbox.release(message.id)
            logger.info("paused chat %s: %s", message.external_chat_id, reason)
            self.metrics.chats_paused.labels(message.platform.value).inc()
            stats.paused += 1
            raise _Stop
        await self._fail(message, reason, stats)

    async def _fail(self, message: OutboxMessage, reason: str, stats: DrainStats) -> None:
        logger.warning("giving up on outbox message %s: %s", message.id, reason)
        await self._outbox.mark_failed(message.id, error=reason)
        self.metrics.messages_failed.labels(message.platform.value).inc()
        stats.failed += 1

    async def _retry(
        self, message: OutboxMessage, reason: str, stats: DrainStats, *, seconds: float
    ) -> None:
        if message.attempts >= self._max_attempts:
            await self._fail(message, f"{reason} (after {message.attempts} attempts)", stats)
            return
        if seconds <= 0:  # no hint from the platform: back off
            seconds = transient_retry_delay(message.attempts, rng=self._rng)
        at = self._clock() + timedelta(seconds=seconds)
        await self._outbox.retry_at(message.id, at=at, error=reason)
        self.metrics.messages_retried.labels(message.platform.value).inc()
        stats.retried += 1
