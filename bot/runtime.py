"""``geodigest run``: the poll loop, digests, delivery and chat platforms on one event loop."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Sequence

from bot.app import open_services
from bot.config import Settings
from bot.models import Article
from bot.poller import poll_due
from bot.scheduler import POLL_TICK_SECONDS, build_scheduler
from bot.services import Services

logger = logging.getLogger(__name__)


def _stop_on_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)


async def run_service(
    settings: Settings, *, chats: bool = True, stop: asyncio.Event | None = None
) -> None:
    """Run until SIGINT/SIGTERM (or ``stop`` is set), then shut every part down cleanly."""
    stop = stop or asyncio.Event()
    _stop_on_signals(stop)
    async with open_services(settings) as services:

        async def on_new(articles: Sequence[Article]) -> None:
            logger.info("%d new articles", len(articles))

        async def poll() -> None:
            summary = await poll_due(services, on_new_articles=on_new)
            if summary.polled:
                logger.info("poll: %s", summary.line())

        scheduler = build_scheduler({"poll": (poll, POLL_TICK_SECONDS)})
        scheduler.start()
        logger.info("geodigest running on %s", _safe_url(services))
        try:
            await stop.wait()
        finally:
            scheduler.shutdown(wait=False)
            logger.info("geodigest stopped")


def _safe_url(services: Services) -> str:
    return services.db.engine.url.render_as_string(hide_password=True)
