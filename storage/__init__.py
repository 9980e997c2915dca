"""Persistence: SQLAlchemy 2 Core over SQLite or PostgreSQL; repositories return bot.models."""

from storage.articles import ArticleRepository
from storage.chats import ChatRepository
from storage.db import Database
from storage.feeds import FeedRepository
from storage.outbox import OutboxRepository

__all__ = ["ArticleRepository", "ChatRepository", "Database", "FeedRepository", "OutboxRepository"]
