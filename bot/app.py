"""Composition root: builds storage, the fetcher and services; runs the long-lived service."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.config import Settings
from bot.feeds import FeedFetcher
from bot.services import Services
from storage import Database

logger = logging.getLogger(__name__)


@asynccontextmanager
async def open_services(settings: Settings) -> AsyncIterator[Services]:
    """Open the database (migrated to the newest schema) and the HTTP client; close both after."""
    db = Database(settings.database_url)
    try:
        await db.migrate()
        async with FeedFetcher(settings) as fetcher:
            yield Services.from_database(settings, db, fetcher)
    finally:
        await db.aclose()
