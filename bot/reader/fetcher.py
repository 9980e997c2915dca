"""Fetch feeds and article pages over HTTP: conditional GET, safe redirects, size and rate limits.

Errors, all carrying a user-facing message:

    FeedError          timeouts, connection failures, 4xx/5xx, oversize or non-feed bodies
    ├── UnsafeURLError a URL or redirect target is not a public http(s) address
    ├── FeedGone       410 Gone
    └── FeedThrottled  429 / 503, with ``retry_after`` seconds
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections import Counter
from collections.abc import AsyncIterator
from http import HTTPStatus
from types import TracebackType
from typing import Self
from urllib.parse import urljoin, urlsplit

import httpx

from bot import __version__
from bot.config import Settings
from bot.errors import FeedError, FeedGone, FeedThrottled
from bot.models import FetchResult, FetchStatus
from bot.reader.feedparse import parse_feed
from bot.reader.httpbody import ACCEPT_ENCODING, parse_retry_after, read_capped
from bot.reader.netguard import PinnedTransport, ensure_public_url

__all__ = ["USER_AGENT", "FeedFetcher", "parse_feed"]

logger = logging.getLogger(__name__)

USER_AGENT = f"geodigest/{__version__} (+https://github.com/geodigest/geodigest)"
FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
PAGE_ACCEPT = "text/html, application/xhtml+xml, text/plain;q=0.9, */*;q=0.5"
# Enough for http→https plus a domain move; browsers allow 20, feeds rarely need more than 2.
MAX_REDIRECTS = 5
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
PERMANENT_REDIRECTS = frozenset({301, 308})
THROTTLE_STATUSES = frozenset({429, 503})


@dataclasses.dataclass(frozen=True, slots=True)
class _Response:
    url: str  # the URL that finally answered
    canonical_url: str  # the requested URL after permanent redirects only
    status: int
    headers: httpx.Headers
    body: bytes


def _status_error(status: int, headers: httpx.Headers) -> FeedError:
    try:
        phrase = f" ({HTTPStatus(status).phrase})"
    except ValueError:
        phrase = ""
    if status == HTTPStatus.GONE:
        return FeedGone("HTTP 410 from server: the feed has been removed for good")
    if status in THROTTLE_STATUSES:
        wait = parse_retry_after(headers.get("retry-after"))
        return FeedThrottled(
            f"HTTP {status}{phrase} from server: asked to retry in {wait:.0f} s", retry_after=wait
        )
    return FeedError(f"HTTP {status} from server{phrase}")


class FeedFetcher:
    """HTTP client for feeds and article pages; one per process, shared by all polls.

    Feed requests share ``poll_concurrency`` slots; page requests do not take them, as the page
    queue bounds those itself. Both keep to ``per_host_concurrency`` per host.
    """

    def __init__(self, settings: Settings, *, client: httpx.AsyncClient | None = None) -> None:
        self._settings = settings
        self._owns_client = client is None
        self._client = client or httpx.AsyncClient(
            headers={"User-Agent": USER_AGENT},
            transport=PinnedTransport(allow_private=settings.allow_private_urls),
        )
        self._timeout = httpx.Timeout(settings.read_timeout, connect=settings.connect_timeout)
        self._slots = asyncio.Semaphore(settings.poll_concurrency)
        self._host_slots: dict[str, asyncio.Semaphore] = {}
        self._host_users: Counter[str] = Counter()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the HTTP client if this fetcher created it."""
        if self._owns_client:
            await self._client.aclose()

    async def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        """Fetch and parse a feed; NOT_MODIFIED when the server answers 304 to the validators."""
        headers = {"Accept": FEED_ACCEPT}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        response = await self._get(url, headers, slots=self._slots)
        if response.status == HTTPStatus.NOT_MODIFIED:
            return FetchResult(
                status=FetchStatus.NOT_MODIFIED,
                url=response.canonical_url,
                etag=response.headers.get("etag", etag),
                last_modified=response.headers.get("last-modified", last_modified),
            )
        # Parsing a large feed takes long enough to stall the shared event loop.
        result = await asyncio.to_thread(
            parse_feed,
            response.body,
            url=response.url,
            headers=response.headers,
            max_entries=self._settings.max_items_per_poll,
        )
        if result.warning:
            logger.info("feed %s recovered from malformed XML: %s", url, result.warning)
        if result.skipped:
            logger.info(
                "feed %s lists %d items; took the newest %d",
                url,
                result.skipped + len(result.entries),
                len(result.entries),
            )
        return dataclasses.replace(result, url=response.canonical_url)

    async def fetch_page(self, url: str) -> tuple[str, bytes, str]:
        """Fetch an article page: (final URL after redirects, body, content type)."""
        response = await self._get(url, {"Accept": PAGE_ACCEPT}, slots=None)
        if response.status == HTTPStatus.NOT_MODIFIED:
            raise FeedError("HTTP 304 from server without a page")
        return response.url, response.body, response.headers.get("content-type", "")

    async def _get(
        self, url: str, headers: dict[str, str], *, slots: asyncio.Semaphore | None
    ) -> _Response:
        current, canonical = url, url
        seen = {url}
        moved_for_good = True
        for _ in range(MAX_REDIRECTS + 1):
            status, response_headers, body = await self._send(current, headers, slots)
            if status not in REDIRECT_STATUSES:
                return _Response(current, canonical, status, response_headers, body)
            location = response_headers.get("location")
            if not location:
                raise FeedError(f"HTTP {status} redirect from server without a Location")
            target = urljoin(current, location.strip())
            if target in seen:
                raise FeedError(f"redirect loop: the server keeps sending us back to {target}")
            seen.add(target)
            # A permanent hop behind a temporary one moves only the temporary URL.
            moved_for_good = moved_for_good and status in PERMANENT_REDIRECTS
            if moved_for_good:
                canonical = target
            current = target
        raise FeedError(f"too many redirects (more than {MAX_REDIRECTS})")

    async def _send(
        self, url: str, headers: dict[str, str], slots: asyncio.Semaphore | None
    ) -> tuple[int, httpx.Headers, bytes]:
        await ensure_public_url(url, allow_private=self._settings.allow_private_urls)
        host = (urlsplit(url).hostname or "").lower()
        async with self._host_slot(host), slots or contextlib.nullcontext():
            try:
                async with asyncio.timeout(self._deadline):
                    return await self._exchange(url, headers)
            except TimeoutError as exc:
                raise FeedError(f"timed out after {self._deadline:g} s") from exc
            except httpx.ConnectTimeout as exc:
                raise FeedError(
                    f"timed out connecting after {self._settings.connect_timeout:g} s"
                ) from exc
            except httpx.TimeoutException as exc:
                raise FeedError(f"timed out after {self._settings.read_timeout:g} s") from exc
            except httpx.ConnectError as exc:
                reason = str(exc) or "connection failed"
                raise FeedError(f"could not connect to {host}: {reason}") from exc
            except httpx.HTTPError as exc:
                raise FeedError(f"network error talking to {host}: {type(exc).__name__}") from exc

    @contextlib.asynccontextmanager
    async def _host_slot(self, host: str) -> AsyncIterator[None]:
        """One of the host's request slots; a host nobody is waiting for is forgotten.

        Hostile feeds link to endless new host names: a semaphore kept per name ever seen
        would grow without end.
        """
        slots = self._host_slots.setdefault(
            host, asyncio.Semaphore(self._settings.per_host_concurrency)
        )
        self._host_users[host] += 1
        try:
            async with slots:
                yield
        finally:
            self._host_users[host] -= 1
            if not self._host_users[host]:
                del self._host_users[host], self._host_slots[host]

    @property
    def _deadline(self) -> float:
        # A server trickling bytes resets the read timeout forever; this bounds the whole request.
        return self._settings.connect_timeout + self._settings.read_timeout

    async def _exchange(
        self, url: str, headers: dict[str, str]
    ) -> tuple[int, httpx.Headers, bytes]:
        request_headers = {**headers, "Accept-Encoding": ACCEPT_ENCODING, "User-Agent": USER_AGENT}
        async with self._client.stream(
            "GET", url, headers=request_headers, timeout=self._timeout, follow_redirects=False
        ) as response:
            status = response.status_code
            if status >= HTTPStatus.BAD_REQUEST:
                raise _status_error(status, response.headers)
            if status in REDIRECT_STATUSES or status == HTTPStatus.NOT_MODIFIED:
                return status, response.headers, b""
            body = await read_capped(
                response.aiter_raw(),
                content_encoding=response.headers.get("content-encoding", ""),
                cap=self._settings.max_body_bytes,
            )
            return status, response.headers, body
