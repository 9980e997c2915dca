"""Outbox rows carry any platform's format (format + payload); chats say who paused them

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# What a person's /pause stored in paused_reason before paused_by existed.
_OLD_USER_PAUSE_REASON = "paused with /pause"
_chats = sa.table(
    "chats",
    sa.column("paused", sa.Boolean),
    sa.column("paused_reason", sa.Text),
    sa.column("paused_by", sa.String),
)


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.alter_column(
            "parse_mode",
            new_column_name="format",
            existing_type=sa.String(16),
            existing_nullable=False,
            server_default="",
        )
        batch.add_column(sa.Column("payload", sa.Text(), nullable=False, server_default=""))
    # Plain ALTER TABLE, never a rebuild: on SQLite, dropping the old chats table of a rebuild
    # would cascade to every chat's subscriptions, follows and outbox rows.
    op.add_column("chats", sa.Column("paused_by", sa.String(16), nullable=True))
    by_platform = sa.and_(
        _chats.c.paused.is_(True),
        _chats.c.paused_reason.is_not(None),
        _chats.c.paused_reason != _OLD_USER_PAUSE_REASON,
    )
    op.execute(_chats.update().where(by_platform).values(paused_by="platform"))
    op.execute(
        _chats.update()
        .where(_chats.c.paused.is_(True), _chats.c.paused_by.is_(None))
        .values(paused_by="user", paused_reason=None)
    )


def downgrade() -> None:
    op.execute(
        _chats.update()
        .where(_chats.c.paused_by == "user")
        .values(paused_reason=_OLD_USER_PAUSE_REASON)
    )
    op.drop_column("chats", "paused_by")  # SQLite ≥ 3.35 drops a column in place
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("payload")
        batch.alter_column(
            "format",
            new_column_name="parse_mode",
            existing_type=sa.String(16),
            existing_nullable=False,
            server_default="HTML",
        )
