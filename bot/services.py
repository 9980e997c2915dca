"""The bundle of long-lived objects every job and command works with."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bot.config import Settings
from bot.pipeline.assign import StoryAssigner
from bot.reader.fetcher import FeedFetcher
from bot.reader.pagequeue import PageQueue
from storage import ArticleRepository, ChatRepository, Database, FeedRepository, OutboxRepository


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Services:
    """Storage repositories, the fetcher and its page queue, the story assigner, settings and a
    clock.

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
    stories: StoryAssigner
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
        articles = ArticleRepository(db)
        return cls(
            settings=settings,
            db=db,
            feeds=FeedRepository(db),
            articles=articles,
            chats=ChatRepository(db),
            outbox=OutboxRepository(db),
            fetcher=fetcher,
            pages=PageQueue(
                fetcher,
                workers=settings.page_concurrency,
                per_feed=settings.per_host_concurrency,
                per_host=settings.per_host_concurrency,
            ),
            stories=StoryAssigner(articles, window=timedelta(hours=settings.story_window_hours)),
            clock=clock,
        )
