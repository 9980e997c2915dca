"""A local feed server for tests: real HTTP on 127.0.0.1, scripted replies, recorded requests.

Use the ``feed_server`` fixture (pytest plugin ``tests.fakes.feed_server``)::

    url = feed_server.serve("/rss", fixture_bytes("rss20.xml"), etag='"v1"')
    feed_server.script("/flaky", Reply(status=503, headers={"Retry-After": "60"}), Reply(body=b"…"))
    feed_server.redirect("/old", "/rss", status=301)
    feed_server.requests_to("/rss")[-1].headers["If-None-Match"]
    feed_server.hang("/never")                     # accepts the request, never answers
    feed_server.generate("/fresh", lambda n: rss_feed(f"poll {n}", items_of(n)))

The fetcher under test must run with ``Settings(allow_private_urls=True)`` to reach loopback.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import time
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field

import pytest_asyncio
from aiohttp import web

from tests.paths import FIXTURES

FEED_FIXTURES = FIXTURES / "feeds"
RSS_CONTENT_TYPE = "application/rss+xml; charset=utf-8"


def fixture_bytes(name: str) -> bytes:
    """The bytes of a document under tests/fixtures/feeds/."""
    return (FEED_FIXTURES / name).read_bytes()


@dataclass(frozen=True)
class Reply:
    """One scripted response. With ``etag``/``last_modified`` set, matching validators get 304."""

    body: bytes = b""
    status: int = 200
    content_type: str = RSS_CONTENT_TYPE
    headers: Mapping[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before the response starts
    etag: str | None = None
    last_modified: str | None = None
    gate: asyncio.Event | None = None  # answer only once this is set (or the server closes)


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    query: str
    headers: Mapping[str, str]
    received_at: float = field(default_factory=time.monotonic)


class FeedServer:
    """Serves scripted replies per path; unknown paths get 404."""

    def __init__(self) -> None:
        self.requests: list[RecordedRequest] = []
        # Most requests the server was handling at one moment (for concurrency limits).
        self.max_in_flight = 0
        self._in_flight = 0
        self._scripts: dict[str, list[Reply]] = {}
        self._generators: dict[str, tuple[Callable[[int], bytes], str]] = {}
        self._hanging: set[str] = set()
        self._closing = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    def url(self, path: str) -> str:
        """Absolute URL of ``path`` on this server."""
        return self.base_url + path

    def script(self, path: str, *replies: Reply) -> str:
        """Answer requests to ``path`` with ``replies`` in order; the last one repeats."""
        if not replies:
            raise ValueError("script() needs at least one reply")
        self._scripts[path] = list(replies)
        return self.url(path)

    def serve(
        self,
        path: str,
        body: bytes,
        *,
        status: int = 200,
        content_type: str = RSS_CONTENT_TYPE,
        headers: Mapping[str, str] | None = None,
        delay: float = 0.0,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> str:
        """Serve ``body`` at ``path`` on every request; returns its URL."""
        reply = Reply(body, status, content_type, headers or {}, delay, etag, last_modified)
        return self.script(path, reply)

    def redirect(self, path: str, location: str, *, status: int = 301) -> str:
        """Redirect ``path`` to ``location`` (a path on this server or any absolute URL)."""
        return self.script(path, Reply(status=status, headers={"Location": location}))

    def hang(self, path: str) -> str:
        """Accept requests to ``path`` and every path under it, and never answer them."""
        self._hanging.add(path.rstrip("/"))
        return self.url(path)

    def generate(
        self, path: str, make: Callable[[int], bytes], *, content_type: str = RSS_CONTENT_TYPE
    ) -> str:
        """Answer the n-th request to ``path`` (from 1) with ``make(n)``, built when asked."""
        self._generators[path] = (make, content_type)
        return self.url(path)

    def requests_to(self, path: str) -> list[RecordedRequest]:
        return [request for request in self.requests if request.path == path]

    async def start(
        self, *, host: str = "127.0.0.1", port: int = 0, tls: ssl.SSLContext | None = None
    ) -> None:
        """Listen on ``host`` (any loopback address, e.g. 127.0.0.2 for a second host)."""
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, shutdown_timeout=0.1, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port, ssl_context=tls)
        await site.start()
        bound_host, bound_port = self._runner.addresses[0][:2]
        self.base_url = f"{'https' if tls else 'http'}://{bound_host}:{bound_port}"

    @property
    def port(self) -> int:
        return int(self.base_url.rsplit(":", 1)[1])

    async def close(self) -> None:
        self._closing.set()
        if self._runner is not None:
            await self._runner.cleanup()

    def _next_reply(self, path: str) -> Reply | None:
        generator = self._generators.get(path)
        if generator is not None:
            make, content_type = generator
            return Reply(make(len(self.requests_to(path))), content_type=content_type)
        replies = self._scripts.get(path)
        if not replies:
            return None
        return replies.pop(0) if len(replies) > 1 else replies[0]

    def _hangs(self, path: str) -> bool:
        return any(path == p or path.startswith(p + "/") for p in self._hanging)

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        self._in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self._in_flight)
        try:
            return await self._reply(request)
        finally:
            self._in_flight -= 1

    async def _reply(self, request: web.Request) -> web.StreamResponse:
        self.requests.append(
            RecordedRequest(
                request.method, request.path, request.query_string, dict(request.headers)
            )
        )
        if self._hangs(request.path):
            await self._closing.wait()
            return web.Response(status=503)
        reply = self._next_reply(request.path)
        if reply is None:
            return web.Response(status=404, text="not found")
        if reply.gate is not None:
            closing = asyncio.ensure_future(self._closing.wait())
            opened = asyncio.ensure_future(reply.gate.wait())
            await asyncio.wait({closing, opened}, return_when=asyncio.FIRST_COMPLETED)
            closing.cancel()
            opened.cancel()
        if reply.delay:
            # Cut short on close so a client that gave up does not hold up teardown.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._closing.wait(), reply.delay)
        headers = dict(reply.headers)
        if reply.etag:
            headers["ETag"] = reply.etag
        if reply.last_modified:
            headers["Last-Modified"] = reply.last_modified
        if _not_modified(request, reply):
            return web.Response(status=304, headers=headers)
        if reply.status < 200 or reply.status in (204, 304) or 300 <= reply.status < 400:
            return web.Response(status=reply.status, headers=headers)
        headers.setdefault("Content-Type", reply.content_type)
        return web.Response(status=reply.status, body=reply.body, headers=headers)


def _not_modified(request: web.Request, reply: Reply) -> bool:
    if reply.etag and request.headers.get("If-None-Match") == reply.etag:
        return True
    return bool(
        reply.last_modified and request.headers.get("If-Modified-Since") == reply.last_modified
    )


@pytest_asyncio.fixture
async def feed_server() -> AsyncIterator[FeedServer]:
    """A running FeedServer on 127.0.0.1 with a free port."""
    server = FeedServer()
    await server.start()
    try:
        yield server
    finally:
        await server.close()
