"""Composition root: builds storage, the fetcher and services; runs the long-lived service."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime

from bot.config import Settings
from bot.reader.fetcher import FeedFetcher
from bot.services import Services, utc_now
from storage import Database

logger = logging.getLogger(__name__)


@asynccontextmanager
async def open_services(
    settings: Settings, *, clock: Callable[[], datetime] = utc_now
) -> AsyncIterator[Services]:
    """Open the database (migrated to the newest schema) and the HTTP client; close both after."""
    db = Database(settings.database_url)
    try:
        await db.migrate()
        async with FeedFetcher(settings) as fetcher:
            yield Services.from_database(settings, db, fetcher, clock=clock)
    finally:
        await db.aclose()
