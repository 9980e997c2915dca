"""The clocks of tests: one set by hand for the code under test, and the one of the test run
handed on to the ``geodigest`` processes tests start."""

from __future__ import annotations

import os
from datetime import datetime


class Clock:
    """Callable like ``Services.clock``; tests move ``now`` forward themselves."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def clock_env() -> dict[str, str]:
    """Variables that put a child process on this process's clock.

    Empty on the real clock. Under libfaketime (``make test-anyday``) they carry its preload and
    offset, so a child's "now" is the test's "now", as the items it is served are dated from.
    """
    return {
        name: value
        for name, value in os.environ.items()
        if name == "LD_PRELOAD" or name.startswith("FAKETIME")
    }
