"""APScheduler jobs: each tick only picks due work from storage, logs failures, keeps going."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler

logger = logging.getLogger(__name__)

# How often the scheduler looks for due feeds and digests; each feed keeps its own interval.
POLL_TICK_SECONDS = 30
DIGEST_TICK_SECONDS = 30
PRUNE_TICK_SECONDS = 3600

Job = Callable[[], Awaitable[object]]


def _guarded(name: str, job: Job) -> Job:
    async def tick() -> None:
        try:
            await job()
        except Exception:
            logger.exception("%s job failed; it runs again at its next tick", name)

    return tick


def build_scheduler(jobs: Mapping[str, tuple[Job, int]]) -> AsyncIOScheduler:
    """A scheduler running each ``name: (job, seconds)`` now and then every ``seconds``."""
    scheduler = AsyncIOScheduler(timezone=UTC)
    for name, (job, seconds) in jobs.items():
        scheduler.add_job(
            _guarded(name, job),
            "interval",
            seconds=seconds,
            id=name,
            name=name,
            next_run_time=datetime.now(UTC),
            # A slow tick must not pile up copies of itself.
            max_instances=1,
            coalesce=True,
        )
    return scheduler
