"""APScheduler jobs: each tick only picks due work from storage, logs failures, keeps going."""

from __future__ import annotations

import asyncio
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


class JobScheduler(AsyncIOScheduler):  # type: ignore[misc]
    """APScheduler's asyncio scheduler, stopped by ``stop``, which waits for running jobs.

    APScheduler cancels running jobs at shutdown without waiting for them: a job still
    unwinding after the database closed under it could hang the process on its way out.
    """

    def __init__(self) -> None:
        super().__init__(timezone=UTC)
        self.running_jobs: set[asyncio.Task[None]] = set()

    async def stop(self) -> None:
        """Shut down: no more ticks, running jobs cancelled and waited for."""
        self.shutdown(wait=False)
        for task in self.running_jobs:
            task.cancel()
        await asyncio.gather(*self.running_jobs, return_exceptions=True)


def _guarded(name: str, job: Job, running: set[asyncio.Task[None]]) -> Job:
    async def tick() -> None:
        task = asyncio.current_task()
        if task is not None:
            running.add(task)
        try:
            await job()
        except Exception:
            logger.exception("%s job failed; it runs again at its next tick", name)
        finally:
            running.discard(task)

    return tick


def build_scheduler(jobs: Mapping[str, tuple[Job, int]]) -> JobScheduler:
    """A scheduler running each ``name: (job, seconds)`` now and then every ``seconds``."""
    scheduler = JobScheduler()
    for name, (job, seconds) in jobs.items():
        scheduler.add_job(
            _guarded(name, job, scheduler.running_jobs),
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
