"""``geodigest run``: poll loop, digests, delivery, chat platforms and web server on one loop."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
from collections.abc import Iterator, Sequence
from contextlib import AsyncExitStack
from datetime import timedelta

import sqlalchemy as sa

from bot.app import open_services
from bot.config import Settings
from bot.delivery import OutboxDrainer, Sender
from bot.digests import AlertRenderer, Renderer, queue_due_digests, queue_instant_alerts
from bot.metrics import Metrics
from bot.models import Article, Platform
from bot.poller import poll_due
from bot.render import render_telegram_alert, render_telegram_html
from bot.scheduler import (
    DIGEST_TICK_SECONDS,
    POLL_TICK_SECONDS,
    PRUNE_TICK_SECONDS,
    build_scheduler,
)
from bot.services import Services
from bot.web import WebhookHandler, WebServer, build_web_app

logger = logging.getLogger(__name__)

_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


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


class _Platforms:
    """The chat platforms this process serves: how to render for them and how to send."""

    def __init__(self) -> None:
        self.renderers: dict[Platform, Renderer] = {}
        self.alert_renderers: dict[Platform, AlertRenderer] = {}
        self.senders: dict[Platform, Sender] = {}
        self.telegram_webhook: WebhookHandler | None = None

    async def start_telegram(self, services: Services, stack: AsyncExitStack) -> None:
        # Imported here: bot/ knows no chat SDK; only this composition step wires handlers in.
        from handlers.telegram import TelegramFrontend
        from handlers.telegram_sender import TelegramSender

        # Opt in to PTB's timedelta durations (RetryAfter.retry_after) instead of the
        # deprecated seconds, which would log a warning on every flood-control answer.
        os.environ.setdefault("PTB_TIMEDELTA", "1")
        self.renderers[Platform.TELEGRAM] = render_telegram_html
        self.alert_renderers[Platform.TELEGRAM] = render_telegram_alert
        sender = TelegramSender.from_settings(services.settings)
        self.senders[Platform.TELEGRAM] = await stack.enter_async_context(sender)
        frontend = TelegramFrontend(services, render_digest=render_telegram_html)
        await frontend.start()
        stack.push_async_callback(frontend.stop)
        if services.settings.public_url:
            self.telegram_webhook = frontend.process_webhook


async def _healthy(services: Services) -> bool:
    try:
        async with services.db.engine.connect() as conn:
            await conn.execute(sa.text("SELECT 1"))
    except Exception:
        logger.warning("health check: database unreachable", exc_info=True)
        return False
    return True


async def _serve_web(
    services: Services, metrics: Metrics, platforms: _Platforms, stack: AsyncExitStack
) -> None:
    settings = services.settings
    app = build_web_app(
        health=lambda: _healthy(services),
        registry=metrics.registry,
        telegram_webhook=platforms.telegram_webhook,
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


async def run_service(settings: Settings, stop: asyncio.Event, *, chats: bool = True) -> None:
    """Run every part of the service until ``stop`` is set."""
    metrics = Metrics()
    platforms = _Platforms()
    async with open_services(settings) as services, AsyncExitStack() as stack:
        if chats and settings.telegram_bot_token is not None:
            await platforms.start_telegram(services, stack)

        async def on_new(articles: Sequence[Article]) -> None:
            metrics.articles_new.inc(len(articles))
            if platforms.alert_renderers:
                await queue_instant_alerts(services, articles, platforms.alert_renderers)

        async def poll() -> None:
            summary = await poll_due(services, on_new_articles=on_new)
            metrics.record_poll(summary.polled, summary.not_modified, summary.errors)
            if summary.polled:
                logger.info("poll: %s", summary.line())

        async def digests() -> None:
            await queue_due_digests(services, platforms.renderers)

        async def prune() -> None:
            cutoff = services.clock() - timedelta(days=settings.retention_days)
            articles = await services.articles.prune(cutoff)
            messages = await services.outbox.prune(cutoff)
            if articles or messages:
                logger.info("pruned %d old articles and %d old messages", articles, messages)

        jobs = {"poll": (poll, POLL_TICK_SECONDS), "prune": (prune, PRUNE_TICK_SECONDS)}
        if platforms.renderers:
            jobs["digests"] = (digests, DIGEST_TICK_SECONDS)
        scheduler = build_scheduler(jobs)
        scheduler.start()
        stack.callback(scheduler.shutdown, wait=False)
        if platforms.senders:
            drainer = OutboxDrainer.from_services(services, platforms.senders, metrics=metrics)
            drain = asyncio.create_task(drainer.run_forever(stop))
            stack.push_async_callback(_finish, drain)
        if settings.http_port:
            await _serve_web(services, metrics, platforms, stack)
        logger.info(
            "geodigest running (%s)", services.db.engine.url.render_as_string(hide_password=True)
        )
        await stop.wait()
        logger.info("geodigest stopping")
    logger.info("geodigest stopped")


async def _finish(task: asyncio.Task[None]) -> None:
    with contextlib.suppress(asyncio.CancelledError):
        await task
