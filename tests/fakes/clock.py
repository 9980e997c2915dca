"""A clock tests set by hand: services read the time from it instead of the wall clock."""

from __future__ import annotations

from datetime import datetime


class Clock:
    """Callable like ``Services.clock``; tests move ``now`` forward themselves."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now
