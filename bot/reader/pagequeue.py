"""Article pages fetched off the polls' critical path: bounded, and fair across feeds and hosts.

A feed of teasers needs one page per item. Fetched inside the poll, a page server that never
answers held its feed's poll, and the whole poll cycle with it, for minutes. Here every feed has
a lane of waiting pages; lanes take turns, and at most ``per_feed`` pages of one feed and
``per_host`` pages of one host are fetched at once, ``workers`` in all. A slow host, or a feed
spreading its links over many slow hosts, holds a few workers, never all of them.

Work that waits for pages (completing a feed's teasers) runs as tracked background tasks:
``join`` waits for them (a one-shot ``poll --once``), ``aclose`` cancels them.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter, OrderedDict, deque
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar
from urllib.parse import urlsplit

logger = logging.getLogger(__name__)

Page = tuple[str, bytes, str]  # final URL, body, content type
T = TypeVar("T")


class PageSource(Protocol):
    async def fetch_page(self, url: str) -> Page: ...


@dataclass(eq=False, slots=True)
class _Job:
    feed_id: int
    host: str
    url: str
    future: asyncio.Future[Page]
    task: asyncio.Task[None] | None = field(default=None)


class _FeedPages:
    """What one feed's page fetches look like to ``article_paragraphs``: a page fetcher."""

    def __init__(self, queue: PageQueue, feed_id: int) -> None:
        self._queue, self._feed_id = queue, feed_id

    async def fetch_page(self, url: str) -> Page:
        return await self._queue.fetch_page(self._feed_id, url)


class PageQueue:
    """Fetches article pages with its own bounded concurrency, taking feeds in turn."""

    def __init__(self, source: PageSource, *, workers: int, per_feed: int, per_host: int) -> None:
        self._source = source
        self._workers, self._per_feed, self._per_host = workers, per_feed, per_host
        self._lanes: OrderedDict[int, deque[_Job]] = OrderedDict()
        self._feed_load: Counter[int] = Counter()
        self._host_load: Counter[str] = Counter()
        self._running: set[asyncio.Task[None]] = set()
        self._background: set[asyncio.Task[Any]] = set()
        self._closed = False

    def for_feed(self, feed_id: int) -> _FeedPages:
        """A page fetcher whose requests wait in this feed's lane."""
        return _FeedPages(self, feed_id)

    async def fetch_page(self, feed_id: int, url: str) -> Page:
        """Fetch a page in its turn; the fetcher's errors come back as they are."""
        future: asyncio.Future[Page] = asyncio.get_running_loop().create_future()
        job = _Job(feed_id, (urlsplit(url).hostname or "").lower(), url, future)
        self._lanes.setdefault(feed_id, deque()).append(job)
        self._dispatch()
        try:
            return await future
        except asyncio.CancelledError:
            # Whoever waited is gone: stop the fetch too, or it would hold its slots.
            if job.task is not None:
                job.task.cancel()
            raise

    def spawn(self, work: Coroutine[Any, Any, T], *, name: str) -> asyncio.Task[T]:
        """Run ``work`` in the background; a failure is logged here, whoever else waits."""
        task = asyncio.create_task(work, name=name)
        self._background.add(task)
        task.add_done_callback(self._finished)
        return task

    @property
    def waiting(self) -> int:
        """Pages queued but not yet being fetched."""
        return sum(len(lane) for lane in self._lanes.values())

    async def join(self, timeout: float | None = None) -> None:  # noqa: ASYNC109
        """Wait until all background work (and every page it asked for) is done, or ``timeout``.

        Work still going at the timeout goes on (until ``aclose``).
        """
        deadline = None if timeout is None else asyncio.get_running_loop().time() + timeout
        while self._background:
            left = None if deadline is None else deadline - asyncio.get_running_loop().time()
            if left is not None and left <= 0:
                return
            await asyncio.wait(self._background, timeout=left)

    async def aclose(self) -> None:
        """Cancel the background work and every fetch; nothing is left running."""
        self._closed = True
        for lane in self._lanes.values():
            for job in lane:
                job.future.cancel()
        self._lanes.clear()
        tasks = [*self._background, *self._running]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._background.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.error("%s failed", task.get_name(), exc_info=task.exception())

    def _dispatch(self) -> None:
        while not self._closed and len(self._running) < self._workers:
            job = self._next_job()
            if job is None:
                return
            self._feed_load[job.feed_id] += 1
            self._host_load[job.host] += 1
            job.task = asyncio.create_task(self._fetch(job))
            self._running.add(job.task)

    def _next_job(self) -> _Job | None:
        """The first job, feeds taken in turn, whose feed and host have a free slot."""
        for feed_id in list(self._lanes):
            lane = self._lanes[feed_id]
            while lane and lane[0].future.done():  # its waiter was cancelled
                lane.popleft()
            if not lane:
                del self._lanes[feed_id]
                continue
            if self._feed_load[feed_id] >= self._per_feed:
                continue
            for index, job in enumerate(lane):
                if not job.future.done() and self._host_load[job.host] < self._per_host:
                    del lane[index]
                    # The next pick starts with the feed after this one.
                    self._lanes.move_to_end(feed_id)
                    return job
        return None

    async def _fetch(self, job: _Job) -> None:
        try:
            page = await self._source.fetch_page(job.url)
        except asyncio.CancelledError:
            job.future.cancel()
            raise
        except Exception as error:
            if not job.future.done():
                job.future.set_exception(error)
        else:
            if not job.future.done():
                job.future.set_result(page)
        finally:
            _release(self._feed_load, job.feed_id)
            _release(self._host_load, job.host)
            current = asyncio.current_task()
            if current is not None:
                self._running.discard(current)
            self._dispatch()


def _release(load: Counter[Any], key: object) -> None:
    load[key] -= 1
    if load[key] <= 0:
        del load[key]  # hosts come and go: keep no entry per host ever seen
