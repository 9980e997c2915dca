"""The bundle of long-lived objects every job and command works with."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.config import Settings
from bot.reader.fetcher import FeedFetcher
from bot.reader.pagequeue import PageQueue
from storage import ArticleRepository, ChatRepository, Database, FeedRepository, OutboxRepository


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Services:
    """Storage repositories, the fetcher and its page queue, settings and a clock.

    Built in bot.service.app, which also closes the page queue.
    """

    settings: Settings
    db: Database
    feeds: FeedRepository
    articles: ArticleRepository
    chats: ChatRepository
    outbox: OutboxRepository
    fetcher: FeedFetcher
    pages: PageQueue
    clock: Callable[[], datetime] = field(default=utc_now)

    @classmethod
    def from_database(
        cls,
        settings: Settings,
        db: Database,
        fetcher: FeedFetcher,
        *,
        clock: Callable[[], datetime] = utc_now,
    ) -> Services:
        return cls(
            settings=settings,
            db=db,
            feeds=FeedRepository(db),
            articles=ArticleRepository(db),
            chats=ChatRepository(db),
            outbox=OutboxRepository(db),
            fetcher=fetcher,
            pages=PageQueue(
                fetcher,
                workers=settings.page_concurrency,
                per_feed=settings.per_host_concurrency,
                per_host=settings.per_host_concurrency,
            ),
            clock=clock,
        )
