"""Rename articles.analysed_at to analyzed_at (one spelling throughout the code)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


# SQLite rebuilds the table for the rename: keep it AUTOINCREMENT (see 0003).
_TABLE_KWARGS = {"sqlite_autoincrement": True}


def upgrade() -> None:
    with op.batch_alter_table("articles", table_kwargs=_TABLE_KWARGS) as batch:
        batch.alter_column("analysed_at", new_column_name="analyzed_at")


def downgrade() -> None:
    with op.batch_alter_table("articles", table_kwargs=_TABLE_KWARGS) as batch:
        batch.alter_column("analyzed_at", new_column_name="analysed_at")
