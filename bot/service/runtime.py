"""``geodigest run``: poll loop, digests, delivery, chat platforms and web server on one loop.

This module only wires: the jobs live in ``bot.service.jobs``, the platforms come from
``bot.service.platforms``, and each platform is started (started afresh in the background
while it cannot connect or refuses the bot), served by the one outbox drainer, and stopped here.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable, Iterator, Sequence
from contextlib import AsyncExitStack
from datetime import datetime

import sqlalchemy as sa

from bot.config import Settings
from bot.delivery.drainer import OutboxDrainer
from bot.delivery.protocols import ChatPlatform
from bot.errors import PlatformUnavailable
from bot.service.app import open_services, wait_for_database
from bot.service.jobs import service_jobs
from bot.service.metrics import Metrics
from bot.service.platforms import enabled_platforms
from bot.service.scheduler import build_scheduler
from bot.service.web import CONNECTING, OK, UNAVAILABLE, Health, WebServer, build_web_app
from bot.services import Services, utc_now

logger = logging.getLogger(__name__)

_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
# First wait, and longest, between attempts to connect a platform after a failed start.
PLATFORM_RETRY_SECONDS = 5.0
PLATFORM_MAX_RETRY_SECONDS = 300.0


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


class _PlatformRunner:
    """One chat platform in this process: connected at start, and again whenever it cannot be used.

    An unreachable platform (or a refused token) must not take polling, or the other
    platforms, down with it. While it is not connected, or it refuses the bot as a whole (a
    revoked token, an uninstalled app), it is started afresh after a growing pause; starting
    asks the platform whether it accepts the bot again. Once connected, the drainer sends its
    messages.
    """

    def __init__(self, platform: ChatPlatform, drainer: OutboxDrainer, stop: asyncio.Event):
        self.platform, self._drainer, self._stop = platform, drainer, stop
        self.name = platform.platform.value
        self._connected = False
        # The platform refused the bot as a whole, and no start has succeeded since.
        self._refused = False
        self._failure: str | None = None  # why the last start failed
        self._watching: asyncio.Task[None] | None = None

    @property
    def state(self) -> str:
        if self._connected and self.platform.healthy:
            return OK
        return UNAVAILABLE if self._connected or self._refused else CONNECTING

    def is_up(self) -> bool:
        return self.state == OK

    async def start(self) -> None:
        await self._connect()
        self._watching = asyncio.create_task(self._keep_connected())

    async def close(self) -> None:
        if self._watching is not None:
            self._watching.cancel()
            await _finish(self._watching)
        await self._disconnect()

    async def _keep_connected(self) -> None:
        delay = PLATFORM_RETRY_SECONDS
        while not await _stopped_within(self._stop, delay):
            if self._connected and self.platform.healthy:
                delay = PLATFORM_RETRY_SECONDS
                continue
            if self._connected:
                # It refuses the bot as a whole (a revoked token): start it afresh, which
                # asks whether that is fixed, instead of waiting for a message to tell.
                self._refused = True
                await self._disconnect()
            # Not reset on connecting: only a platform found healthy at the next look has
            # recovered (one that accepts the connection but refuses messages is asked less).
            await self._connect()
            delay = min(delay * 2, PLATFORM_MAX_RETRY_SECONDS)

    async def _connect(self) -> None:
        try:
            await self.platform.start()
        except Exception as error:
            self._refused = self._refused or isinstance(error, PlatformUnavailable)
            # Loud once; the same failure again only reminds, however long it lasts.
            level = logging.WARNING if str(error) == self._failure else logging.ERROR
            self._failure = str(error)
            logger.log(level, "could not connect to %s (%s); retrying later", self.name, error)
            return
        self._connected, self._refused, self._failure = True, False, None
        self._drainer.serve(self.platform)

    async def _disconnect(self) -> None:
        if not self._connected:
            return
        self._connected = False
        self._drainer.stop_serving(self.platform.platform)
        try:
            await self.platform.stop()
        except Exception:
            logger.exception("stopping %s failed", self.name)


async def _stopped_within(stop: asyncio.Event, seconds: float) -> bool:
    """Wait up to ``seconds`` for ``stop``; whether it was set."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
    return stop.is_set()


async def _database_up(services: Services) -> bool:
    try:
        async with services.db.engine.connect() as conn:
            await conn.execute(sa.text("SELECT 1"))
    except Exception:
        logger.warning("health check: database unreachable", exc_info=True)
        return False
    return True


async def _serve_web(
    services: Services, metrics: Metrics, runners: Sequence[_PlatformRunner], stack: AsyncExitStack
) -> None:
    settings = services.settings

    async def health() -> Health:
        platforms = {r.name: r.state for r in runners}
        return Health(database=await _database_up(services), platforms=platforms)

    routes = [route for r in runners for route in r.platform.routes()]
    app = build_web_app(health=health, registry=metrics.registry, routes=routes)
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


async def _start_platforms(
    platforms: Sequence[ChatPlatform],
    drainer: OutboxDrainer,
    metrics: Metrics,
    stop: asyncio.Event,
    stack: AsyncExitStack,
) -> list[_PlatformRunner]:
    runners = [_PlatformRunner(p, drainer, stop) for p in platforms]
    for runner in runners:
        metrics.watch_platform(runner.platform.platform, runner.is_up)
        stack.push_async_callback(runner.close)
        await runner.start()
    if runners:
        # Pushed after the platforms: on the way out it stops before they close.
        stack.push_async_callback(_finish, asyncio.create_task(drainer.run_forever(stop)))
    return runners


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
    """Run every part of the service until ``stop`` is set; ``clock`` tells the time.

    ``chats=False`` runs without any chat platform (polling only).
    """
    metrics = Metrics()
    if not await wait_for_database(settings, stop):
        return  # stopped while the database was down
    async with open_services(settings, clock=clock) as services, AsyncExitStack() as stack:
        platforms = enabled_platforms(services, metrics) if chats else []
        drainer = OutboxDrainer.from_services(services, metrics=metrics)
        runners = await _start_platforms(platforms, drainer, metrics, stop, stack)
        scheduler = build_scheduler(service_jobs(services, metrics, platforms))
        scheduler.start()
        stack.push_async_callback(scheduler.stop)
        if settings.http_port:
            await _serve_web(services, metrics, runners, stack)
        logger.info(
            "geodigest running (%s)", services.db.engine.url.render_as_string(hide_password=True)
        )
        await stop.wait()
        logger.info("geodigest stopping")
    logger.info("geodigest stopped")


async def _finish(task: asyncio.Task[None]) -> None:
    with contextlib.suppress(asyncio.CancelledError):
        await task
