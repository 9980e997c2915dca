"""Clocks tests move by hand: the service's clock (``Services.clock``, ``run_service(clock=…)``)
and monotonic time for the rate limiter, which its own sleeps move forward.
"""

from __future__ import annotations

from datetime import datetime, timedelta


class ManualClock:
    """Tells ``now`` until the test moves it on."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


class VirtualTime:
    """``monotonic`` and ``sleep`` for ``RateLimiter``: sleeping costs no real time."""

    def __init__(self) -> None:
        self.now = 0.0

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds
