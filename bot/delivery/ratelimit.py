"""Platform send limits and the limiter that paces the outbox drainer to them.

Each platform brings its own ``PlatformLimits`` (``Outlet.limits``); the limiter knows none.
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.models import OutboxMessage, Platform


@dataclass(frozen=True, slots=True)
class PlatformLimits:
    per_chat_interval: float  # seconds between two messages to one chat
    group_per_minute: int | None  # messages per minute to one group chat, None when unlimited
    global_per_second: float  # messages per second for the whole bot


_GROUP_WINDOW_SECONDS = 60.0
# Past this many remembered chats, those whose limits have lapsed are forgotten (bounded memory).
_MAX_TRACKED_CHATS = 10_000


class RateLimiter:
    """Reserves send slots per chat, per group and per platform; never lets two tasks collide."""

    def __init__(
        self,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._monotonic = monotonic
        self._sleep = sleep
        self._chat_next: dict[tuple[Platform, str], float] = {}
        self._group_sends: dict[tuple[Platform, str], deque[float]] = defaultdict(deque)
        self._global_next: dict[Platform, float] = defaultdict(float)

    async def acquire(
        self,
        message: OutboxMessage,
        limits: PlatformLimits,
        *,
        max_wait: float,
        group: bool = False,
    ) -> float | None:
        """Wait for this message's turn; return the wait instead when it exceeds ``max_wait``.

        ``limits`` are those of the message's platform; ``group`` says the chat is a group,
        which the platform may limit per minute as well.
        """
        key = (message.platform, message.external_chat_id)
        now = self._monotonic()
        start = max(now, self._chat_next.get(key, 0.0))
        sends = self._group_sends[key] if limits.group_per_minute and group else None
        if sends is not None:
            while sends and sends[0] <= now - _GROUP_WINDOW_SECONDS:
                sends.popleft()
            if limits.group_per_minute and len(sends) >= limits.group_per_minute:
                start = max(start, sends[-limits.group_per_minute] + _GROUP_WINDOW_SECONDS)
        if start - now > max_wait:
            return start - now
        # Reserved before awaiting: another thread of the same chat cannot take this slot.
        self._chat_next[key] = start + limits.per_chat_interval
        if sends is not None:
            sends.append(start)
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
        if len(self._chat_next) > _MAX_TRACKED_CHATS:
            self._chat_next = {k: v for k, v in self._chat_next.items() if v > now}
            self._group_sends = defaultdict(
                deque,
                {
                    k: v
                    for k, v in self._group_sends.items()
                    if v and v[-1] > now - _GROUP_WINDOW_SECONDS
                },
            )


# After a platform refused the bot as a whole, its messages wait this long before one is tried
# again, doubling up to the cap while the refusal lasts.
PLATFORM_RETRY_SECONDS = 30.0
PLATFORM_MAX_RETRY_SECONDS = 900.0


class PlatformRefusals:
    """Platforms that refuse the bot as a whole (``PlatformUnavailable``), and when to ask
    each of them again."""

    def __init__(self) -> None:
        self._until: dict[Platform, tuple[datetime, float]] = {}

    def allows(self, platform: Platform, now: datetime) -> bool:
        """Whether the platform's messages may be tried now."""
        refused = self._until.get(platform)
        return refused is None or refused[0] <= now

    def refused(self, platform: Platform, now: datetime) -> float | None:
        """Note a refusal; return the seconds until the next try, None when already waiting
        (another send of the same pass was refused first)."""
        previous = self._until.get(platform)
        if previous is not None and previous[0] > now:
            return None
        delay = PLATFORM_RETRY_SECONDS if previous is None else previous[1] * 2
        delay = min(delay, PLATFORM_MAX_RETRY_SECONDS)
        self._until[platform] = (now + timedelta(seconds=delay), delay)
        return delay

    def accepted(self, platform: Platform) -> None:
        """The platform took a message: it no longer refuses the bot."""
        self._until.pop(platform, None)
