"""Drains the outbox: claims due messages, paces them to platform limits, sends, records outcomes.

A message is marked sent only after the platform accepted it, so nothing is ever lost: a crash
between the send and its record repeats the message once its lease expires and it is claimed
again. Sends are recorded in groups (one transaction per ``sent_record_batch`` messages and at the
end of each pass), so a crash may repeat up to that many messages plus those in flight.

Pacing lives here, not in the chat SDK: the drainer sees the whole queue, so when one chat must
wait it sends other chats' messages meanwhile, and a long wait is written back to the outbox
instead of holding a lease. (A chat SDK's own limiter would block the caller per chat and retry
429s in memory; senders therefore use none of their own, so nothing is limited twice.)

One drainer serves every platform this process has connected (``serve``): it claims only their
rows, so a process without a platform's credentials never touches, nor spends the attempts of,
that platform's messages. A platform that refuses the bot as a whole (``PlatformUnavailable``)
keeps its rows untried and is asked again after a growing pause, or as soon as it connects again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from bot.delivery.protocols import DeliveryMetrics, DeliveryOutcome, Outlet, Sender
from bot.delivery.ratelimit import PlatformLimits, PlatformRefusals, RateLimiter
from bot.errors import (
    BadMarkup,
    ChatGone,
    ChatMoved,
    DeliveryError,
    PlatformUnavailable,
    RetryLater,
)
from bot.models import OutboxMessage, Platform
from bot.services import Services, utc_now
from storage import ChatRepository, OutboxRepository

__all__ = [
    "DrainStats",
    "OutboxDrainer",
    "Outlet",
    "PlatformLimits",
    "RateLimiter",
    "Sender",
    "transient_retry_delay",
]

logger = logging.getLogger(__name__)

DEFAULT_LEASE = timedelta(minutes=5)
DEFAULT_BATCH_SIZE = 200
# Requests in flight: 30/s at up to ~1 s per request. Not more: the HTTP client's pool checks
# every pooled connection on each request, so a pool grown to this size costs CPU per message.
DEFAULT_CONCURRENCY = 32
MAX_ATTEMPTS = 20
BACKOFF_BASE_SECONDS = 5.0
BACKOFF_CAP_SECONDS = 3600.0
# A chat that must wait longer than this is put back in the outbox instead of waited for inline.
MAX_INLINE_WAIT_SECONDS = 2.0
IDLE_WAIT_SECONDS = 1.0
MESSAGES_PER_CHAT_PER_PASS = 3
# Sends recorded per transaction: a commit per message was most of the drainer's own CPU per
# message; the price is that a crash may repeat up to this many already-sent messages.
SENT_RECORD_BATCH = 50


def transient_retry_delay(attempts: int, *, rng: random.Random | None = None) -> float:
    """Exponential backoff with jitter for server and network errors, capped at an hour."""
    ceiling = min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2.0 ** max(0, attempts - 1))
    jitter = rng.uniform(0.5, 1.0) if rng is not None else random.uniform(0.5, 1.0)
    return ceiling * jitter


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


class _NoMetrics:
    def record_delivery(self, platform: Platform, outcome: DeliveryOutcome) -> None:
        """Counted nowhere."""


class OutboxDrainer:
    """Sends due outbox messages: per chat in order, paced, each outcome written back."""

    def __init__(
        self,
        outbox: OutboxRepository,
        chats: ChatRepository,
        outlets: Sequence[Outlet] = (),
        *,
        clock: Callable[[], datetime] = utc_now,
        limiter: RateLimiter | None = None,
        metrics: DeliveryMetrics | None = None,
        batch_size: int = DEFAULT_BATCH_SIZE,
        concurrency: int = DEFAULT_CONCURRENCY,
        lease: timedelta = DEFAULT_LEASE,
        max_attempts: int = MAX_ATTEMPTS,
        rng: random.Random | None = None,
        sent_record_batch: int = SENT_RECORD_BATCH,
    ) -> None:
        self._outbox = outbox
        self._chats = chats
        self._outlets: dict[Platform, Outlet] = {o.platform: o for o in outlets}
        self._refusals = PlatformRefusals()
        self._clock = clock
        self._limiter = limiter or RateLimiter()
        self.metrics: DeliveryMetrics = metrics or _NoMetrics()
        self._batch_size = batch_size
        self._slots = asyncio.Semaphore(concurrency)
        self._lease = lease
        self._max_attempts = max_attempts
        self._rng = rng or random.Random()
        self._sent_record_batch = sent_record_batch
        self._unrecorded_sends: list[int] = []

    @classmethod
    def from_services(
        cls, services: Services, outlets: Sequence[Outlet] = (), **options: Any
    ) -> OutboxDrainer:
        return cls(services.outbox, services.chats, outlets, clock=services.clock, **options)

    def serve(self, outlet: Outlet) -> None:
        """Send this platform's messages from now on (once it has connected).

        Connecting asked the platform whether it accepts the bot, so a pause after an earlier
        refusal (``PlatformUnavailable``) ends here rather than when it would have run out.
        """
        self._outlets[outlet.platform] = outlet
        self._refusals.accepted(outlet.platform)

    def stop_serving(self, platform: Platform) -> None:
        """Leave this platform's messages in the outbox (it is shutting down)."""
        self._outlets.pop(platform, None)

    def _sendable_platforms(self) -> list[Platform]:
        now = self._clock()
        return [p for p in self._outlets if self._refusals.allows(p, now)]

    async def drain_once(self) -> DrainStats:
        """Claim one batch of due messages and deliver it; return what happened."""
        stats = DrainStats()
        platforms = self._sendable_platforms()
        if not platforms:
            return stats
        # Only platforms this process can send to: other rows wait, untouched, for a process
        # that can.
        batch = await self._outbox.claim_due(
            self._clock(), limit=self._batch_size, lease=self._lease, platforms=platforms
        )
        stats.claimed = len(batch)
        by_chat: dict[int, list[OutboxMessage]] = defaultdict(list)
        for message in batch:
            by_chat[message.chat_id].append(message)
        try:
            await asyncio.gather(*(self._drain_chat(msgs, stats) for msgs in by_chat.values()))
        finally:
            # Also when the pass fails: what was sent is recorded, so fewer messages repeat.
            await self._record_sends()
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
        outlet = self._outlets.get(message.platform)
        if outlet is None or message.platform not in self._sendable_platforms():
            # The platform left (shutting down) or refused us since the claim: not an attempt.
            await self._outbox.release(message.id)
            raise _Stop
        for _ in range(3):  # first try, plus one resend each after a move and after bad markup
            await self._pace(outlet, message, stats)
            try:
                async with self._slots:
                    await outlet.sender.send(message)
            except ChatMoved as moved:
                await self._chats.migrate(
                    message.platform, message.external_chat_id, moved.new_chat_id
                )
                logger.info("chat %s moved to %s", message.external_chat_id, moved.new_chat_id)
                message = replace(message, external_chat_id=moved.new_chat_id)
                moved_to = moved.new_chat_id
            except BadMarkup as error:
                if not message.format:
                    await self._fail(message, f"rejected as plain text: {error}", stats)
                    return moved_to
                plain = outlet.plain_fallback(message)
                await self._outbox.replace_body(message.id, plain)
                message = replace(
                    message, body=plain.text, format=plain.format, payload=plain.payload
                )
            except PlatformUnavailable as error:
                await self._platform_refused(message, error)
                raise _Stop from None
            except DeliveryError as error:
                await self._refused(message, error, stats)
                return moved_to
            else:
                self._refusals.accepted(message.platform)
                await self._sent(message, stats)
                return moved_to
        await self._retry(message, "chat kept moving or markup kept failing", stats, seconds=0)
        raise _Stop

    async def _sent(self, message: OutboxMessage, stats: DrainStats) -> None:
        # Until recorded, the message keeps its lease, so it still holds back its chat's later
        # messages and no other drainer claims it; see the module docstring for crashes.
        self._unrecorded_sends.append(message.id)
        self.metrics.record_delivery(message.platform, DeliveryOutcome.SENT)
        stats.sent += 1
        if len(self._unrecorded_sends) >= self._sent_record_batch:
            await self._record_sends()

    async def _record_sends(self) -> None:
        # Swapped before awaiting, so sends finished meanwhile go into the next group. sent_at
        # is when the group is recorded: at most one pass after the send.
        ids, self._unrecorded_sends = self._unrecorded_sends, []
        await self._outbox.mark_sent_many(ids, now=self._clock())

    async def _release(self, messages: Sequence[OutboxMessage]) -> None:
        for message in messages:
            await self._outbox.release(message.id)

    async def _pace(self, outlet: Outlet, message: OutboxMessage, stats: DrainStats) -> None:
        wait = await self._limiter.acquire(
            message,
            outlet.limits,
            max_wait=MAX_INLINE_WAIT_SECONDS,
            group=outlet.is_group(message.external_chat_id),
        )
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
            self.metrics.record_delivery(message.platform, DeliveryOutcome.CHAT_PAUSED)
            stats.paused += 1
            raise _Stop
        await self._fail(message, reason, stats)

    async def _platform_refused(self, message: OutboxMessage, error: PlatformUnavailable) -> None:
        """Keep the message untried and stop sending to its platform for a while."""
        await self._outbox.release(message.id)
        delay = self._refusals.refused(message.platform, self._clock())
        if delay is None:
            return
        logger.error(
            "%s refuses the bot (%s); its messages wait, next try in %.0f s",
            message.platform.value,
            error,
            delay,
        )

    async def _fail(self, message: OutboxMessage, reason: str, stats: DrainStats) -> None:
        logger.warning("giving up on outbox message %s: %s", message.id, reason)
        await self._outbox.mark_failed(message.id, error=reason)
        self.metrics.record_delivery(message.platform, DeliveryOutcome.FAILED)
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
        self.metrics.record_delivery(message.platform, DeliveryOutcome.RETRIED)
        stats.retried += 1
