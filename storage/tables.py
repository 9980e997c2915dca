"""Table definitions (SQLAlchemy Core). Migrations in ``storage/migrations`` mirror these."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UTCDateTime(sa.TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite stores them naive)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to storage; use timezone-aware UTC")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


feeds = sa.Table(
    "feeds",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("url", sa.String(2048), nullable=False, unique=True),
    sa.Column("title", sa.String(512), nullable=False, server_default=""),
    sa.Column("site_url", sa.String(2048), nullable=False, server_default=""),
    sa.Column("etag", sa.String(512)),
    sa.Column("last_modified", sa.String(128)),
    sa.Column("next_poll_at", UTCDateTime(), index=True),
    sa.Column("last_polled_at", UTCDateTime()),
    sa.Column("lease_until", UTCDateTime()),
    sa.Column("error_count", sa.Integer, nullable=False, server_default="0"),
    sa.Column("last_error", sa.Text),
    sa.Column("disabled_reason", sa.Text),
    sa.Column("created_at", UTCDateTime(), nullable=False),
)

articles = sa.Table(
    "articles",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("feed_id", sa.ForeignKey("feeds.id", ondelete="CASCADE"), nullable=False),
    sa.Column("dedup_key", sa.String(512), nullable=False),
    sa.Column("url", sa.String(2048), nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("author", sa.String(512)),
    sa.Column("published", UTCDateTime()),
    sa.Column("fetched_at", UTCDateTime(), nullable=False, index=True),
    sa.Column("paragraphs", sa.JSON, nullable=False),
    # Analysis results; NULL analyzed_at means not analyzed yet.
    sa.Column("analyzed_at", UTCDateTime(), index=True),
    sa.Column("summary", sa.JSON),
    sa.Column("quotes", sa.JSON),
    sa.Column("countries", sa.JSON),
    sa.Column("organizations", sa.JSON),
    sa.Column("themes", sa.JSON),
    sa.Column("geopolitics", sa.Float),
    # Articles reporting the same event share the id of the story's first article.
    sa.Column("story_id", sa.Integer, index=True),
    # What story matching compares (bot.models.StorySignature), computed once at analysis.
    sa.Column("story_signature", sa.JSON(none_as_null=True)),
    sa.UniqueConstraint("feed_id", "dedup_key", name="uq_articles_feed_dedup"),
    # Story ids are article ids and outlive their articles in ``deliveries``: SQLite must
    # never hand a deleted article's id to a new one (PostgreSQL sequences never do).
    sqlite_autoincrement=True,
)

chats = sa.Table(
    "chats",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("platform", sa.String(16), nullable=False),
    sa.Column("external_id", sa.String(64), nullable=False),
    sa.Column("thread_id", sa.String(64), nullable=False, server_default=""),
    sa.Column("title", sa.String(256), nullable=False, server_default=""),
    sa.Column("kind", sa.String(32), nullable=False, server_default=""),
    sa.Column("settings", sa.JSON, nullable=False),
    sa.Column("paused", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("paused_reason", sa.Text),
    # bot.models.PausedBy while paused, NULL otherwise.
    sa.Column("paused_by", sa.String(16)),
    sa.Column("last_digest_at", UTCDateTime()),
    sa.Column("next_digest_at", UTCDateTime(), index=True),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.UniqueConstraint("platform", "external_id", "thread_id", name="uq_chats_address"),
)

subscriptions = sa.Table(
    "subscriptions",
    metadata,
    sa.Column("chat_id", sa.ForeignKey("chats.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("feed_id", sa.ForeignKey("feeds.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("created_at", UTCDateTime(), nullable=False),
)

follows = sa.Table(
    "follows",
    metadata,
    sa.Column("chat_id", sa.ForeignKey("chats.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("kind", sa.String(16), primary_key=True),
    sa.Column("value", sa.String(256), primary_key=True),
)

# What a chat has already been told: the stories it was sent (by story id) and every report of
# them it was told of (by article id; story ids are the ids of their first articles), so no
# digest repeats a story and only a report that came later makes an update.
deliveries = sa.Table(
    "deliveries",
    metadata,
    sa.Column("chat_id", sa.ForeignKey("chats.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("story_id", sa.Integer, primary_key=True),
    sa.Column("queued_at", UTCDateTime(), nullable=False),
)

outbox = sa.Table(
    "outbox",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("chat_id", sa.ForeignKey("chats.id", ondelete="CASCADE"), nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    # bot.models.Rendered: the platform's format tag and its platform-specific JSON.
    sa.Column("format", sa.String(16), nullable=False, server_default=""),
    sa.Column("payload", sa.Text, nullable=False, server_default=""),
    sa.Column("link_previews", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("state", sa.String(16), nullable=False, server_default="pending"),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("next_attempt_at", UTCDateTime(), nullable=False),
    sa.Column("lease_until", UTCDateTime()),
    sa.Column("last_error", sa.Text),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("sent_at", UTCDateTime()),
    sa.Index("ix_outbox_due", "state", "next_attempt_at"),
    # claim_due's "no earlier pending message of the same chat" check looks rows up by these.
    sa.Index("ix_outbox_chat_state", "chat_id", "state", "id"),
)
