"""``geodigest run``: poll loop, digests, delivery, chat platforms and web server on one loop."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
from collections.abc import Callable, Iterator, Sequence
from contextlib import AsyncExitStack
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from bot.config import Settings
from bot.delivery.drainer import OutboxDrainer
from bot.delivery.protocols import AlertRenderer, Renderer
from bot.models import Article, Platform
from bot.pipeline.fanout import (
    queue_due_digests,
    queue_instant_alerts,
    queue_pending_alerts,
)
from bot.pipeline.poller import poll_due
from bot.service.app import open_services, wait_for_database
from bot.service.metrics import Metrics
from bot.service.scheduler import (
    DIGEST_TICK_SECONDS,
    POLL_TICK_SECONDS,
    PRUNE_TICK_SECONDS,
    build_scheduler,
)
from bot.service.web import WebhookHandler, WebServer, build_web_app
from bot.services import Services, utc_now
from handlers.telegram.render import render_telegram_alert, render_telegram_html

logger = logging.getLogger(__name__)

_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
# First wait, and longest, between attempts to reach Telegram after a failed start.
TELEGRAM_RETRY_SECONDS = 5.0
TELEGRAM_MAX_RETRY_SECONDS = 300.0


@contextlib.contextmanager
def _stop_on_signals(stop: asyncio.Event) -> Iterator[None]:
    loop = asyncio.get_running_loop()
    for sig in _STOP_SIGNALS:
        loop.add_signal_handler(sig, stop.set)
    try:
        yield
    finally:
        for sig in _STOP_SIGNALS:
            loop.remove_signal_handler(sig)


class _Telegram:
    """Telegram in this process: connected at start, or retried in the background until it is.

    An unreachable Bot API (or a refused token) must not take polling down with it.
    """

    def __init__(self, services: Services, metrics: Metrics, stop: asyncio.Event) -> None:
        self._services, self._metrics, self._stop = services, metrics, stop
        self._stack = AsyncExitStack()
        self._retrying: asyncio.Task[None] | None = None
        self._webhook: WebhookHandler | None = None

    async def start(self) -> None:
        # Opt in to PTB's timedelta durations (RetryAfter.retry_after) instead of the
        # deprecated seconds, which would log a warning on every flood-control answer.
        os.environ.setdefault("PTB_TIMEDELTA", "1")
        if not await self._connect():
            self._retrying = asyncio.create_task(self._keep_trying())

    async def webhook(self, payload: dict[str, Any], secret: str | None) -> bool:
        return self._webhook is not None and await self._webhook(payload, secret)

    async def close(self) -> None:
        if self._retrying is not None:
            self._retrying.cancel()
            await _finish(self._retrying)
        await self._stack.aclose()

    async def _keep_trying(self) -> None:
        delay = TELEGRAM_RETRY_SECONDS
        while not self._stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), delay)
            if self._stop.is_set() or await self._connect():
                return
            delay = min(delay * 2, TELEGRAM_MAX_RETRY_SECONDS)

    async def _connect(self) -> bool:
        # Imported here: bot/ knows no chat SDK; only this composition step wires handlers in.
        from handlers.telegram.frontend import TelegramFrontend
        from handlers.telegram.sender import TelegramSender

        services = self._services
        attempt = AsyncExitStack()
        try:
            sender = TelegramSender.from_settings(services.settings)
            await attempt.enter_async_context(sender)
            frontend = TelegramFrontend(services, render_digest=render_telegram_html)
            attempt.push_async_callback(frontend.stop)
            await frontend.start()
        except Exception as error:
            await attempt.aclose()
            logger.error("could not connect to Telegram (%s); retrying later", error)
            return False
        drainer = OutboxDrainer.from_services(
            services, {Platform.TELEGRAM: sender}, metrics=self._metrics
        )
        attempt.push_async_callback(_finish, asyncio.create_task(drainer.run_forever(self._stop)))
        self._stack.push_async_exit(attempt.pop_all())
        if services.settings.public_url:
            self._webhook = frontend.process_webhook
        logger.info("connected to Telegram")
        return True


async def _healthy(services: Services) -> bool:
    try:
        async with services.db.engine.connect() as conn:
            await conn.execute(sa.text("SELECT 1"))
    except Exception:
        logger.warning("health check: database unreachable", exc_info=True)
        return False
    return True


async def _serve_web(
    services: Services,
    metrics: Metrics,
    telegram_webhook: WebhookHandler | None,
    stack: AsyncExitStack,
) -> None:
    settings = services.settings
    app = build_web_app(
        health=lambda: _healthy(services),
        registry=metrics.registry,
        telegram_webhook=telegram_webhook,
    )
    server = WebServer.for_app(app, host=settings.http_host, port=settings.http_port)
    task = asyncio.create_task(_serve_until_stopped(server))

    async def shutdown() -> None:
        server.should_exit = True
        await task

    stack.push_async_callback(shutdown)
    logger.info("web server on http://%s:%d", settings.http_host, settings.http_port)


async def _serve_until_stopped(server: WebServer) -> None:
    # uvicorn exits the process when it cannot bind; the bot itself should keep running.
    try:
        await server.serve()
    except (SystemExit, OSError):
        logger.error(
            "web server could not listen on %s:%d; /healthz, /metrics and webhooks are off",
            server.config.host,
            server.config.port,
        )


async def run_until_signalled(settings: Settings, *, chats: bool = True) -> None:
    """Run the service until SIGINT or SIGTERM, then shut every part down cleanly."""
    stop = asyncio.Event()
    with _stop_on_signals(stop):
        await run_service(settings, stop, chats=chats)


async def run_service(
    settings: Settings,
    stop: asyncio.Event,
    *,
    chats: bool = True,
    clock: Callable[[], datetime] = utc_now,
) -> None:
    """Run every part of the service until ``stop`` is set; ``clock`` tells the time."""
    metrics = Metrics()
    telegram_on = chats and settings.telegram_bot_token is not None
    renderers: dict[Platform, Renderer] = {}
    alert_renderers: dict[Platform, AlertRenderer] = {}
    if telegram_on:
        renderers[Platform.TELEGRAM] = render_telegram_html
        alert_renderers[Platform.TELEGRAM] = render_telegram_alert
    if not await wait_for_database(settings, stop):
        return  # stopped while the database was down
    async with open_services(settings, clock=clock) as services, AsyncExitStack() as stack:
        telegram = _Telegram(services, metrics, stop) if telegram_on else None
        if telegram is not None:
            stack.push_async_callback(telegram.close)
            await telegram.start()

        async def on_new(articles: Sequence[Article]) -> None:
            metrics.articles_new.inc(len(articles))
            if alert_renderers:
                await queue_instant_alerts(services, articles, alert_renderers)

        async def poll() -> None:
            summary = await poll_due(services, on_new_articles=on_new)
            metrics.record_poll(summary.polled, summary.not_modified, summary.errors)
            if summary.polled:
                logger.info("poll: %s", summary.line())

        async def digests() -> None:
            try:
                await queue_due_digests(services, renderers)
            finally:
                # Alerts the poll could not queue right away (a crash, a poll-only process).
                await queue_pending_alerts(services, alert_renderers)

        async def prune() -> None:
            cutoff = services.clock() - timedelta(days=settings.retention_days)
            articles = await services.articles.prune(cutoff)
            messages = await services.outbox.prune(cutoff)
            if articles or messages:
                logger.info("pruned %d old articles and %d old messages", articles, messages)

        jobs = {"poll": (poll, POLL_TICK_SECONDS), "prune": (prune, PRUNE_TICK_SECONDS)}
        if renderers:
            jobs["digests"] = (digests, DIGEST_TICK_SECONDS)
        scheduler = build_scheduler(jobs)
        scheduler.start()
        stack.push_async_callback(scheduler.stop)
        if settings.http_port:
            webhook = telegram.webhook if telegram and settings.public_url else None
            await _serve_web(services, metrics, webhook, stack)
        logger.info(
            "geodigest running (%s)", services.db.engine.url.render_as_string(hide_password=True)
        )
        await stop.wait()
        logger.info("geodigest stopping")
    logger.info("geodigest stopped")


async def _finish(task: asyncio.Task[None]) -> None:
    with contextlib.suppress(asyncio.CancelledError):
        await task
