"""Composition root: builds storage, the fetcher and services; waits for a database that is down."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime

from bot.config import Settings
from bot.errors import DatabaseUnavailable
from bot.reader.fetcher import FeedFetcher
from bot.services import Services, utc_now
from storage.db import open_database

logger = logging.getLogger(__name__)

# First wait, and longest, between attempts to open a database that is down.
DATABASE_RETRY_SECONDS = 2.0
DATABASE_MAX_RETRY_SECONDS = 60.0


@asynccontextmanager
async def open_services(
    settings: Settings, *, clock: Callable[[], datetime] = utc_now
) -> AsyncIterator[Services]:
    """Open the database (migrated to the newest schema) and the HTTP client; close both after.

    Raises DatabaseUnavailable, saying why in one line, when the database cannot be opened.
    """
    db = await open_database(settings.database_url)
    try:
        async with FeedFetcher(settings) as fetcher:
            services = Services.from_database(settings, db, fetcher, clock=clock)
            try:
                yield services
            finally:
                await services.pages.aclose()
    finally:
        await db.aclose()


async def wait_for_database(settings: Settings, stop: asyncio.Event) -> bool:
    """Wait until the database opens (True) or ``stop`` is set first (False).

    A database that is down or starting is retried with growing pauses, one log line per
    attempt; one that cannot work (wrong URL, no such database) raises DatabaseUnavailable.
    """
    delay = DATABASE_RETRY_SECONDS
    while not stop.is_set():
        attempt = asyncio.create_task(open_database(settings.database_url))
        stopping = asyncio.create_task(stop.wait())
        await asyncio.wait({attempt, stopping}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if not attempt.done():  # stopped while connecting (a host that does not answer)
            attempt.cancel()
            with contextlib.suppress(asyncio.CancelledError, DatabaseUnavailable):
                await attempt
            return False
        try:
            await (await attempt).aclose()
            return True
        except DatabaseUnavailable as error:
            if not error.transient:
                raise
            logger.error("database unavailable: %s; retrying in %.0f s", error, delay)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), delay)
        delay = min(delay * 2, DATABASE_MAX_RETRY_SECONDS)
    return False
