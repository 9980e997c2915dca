"""Article ids are never reused on SQLite (story ids outlive their articles)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # PostgreSQL sequences never reuse ids; SQLite reuses the highest rowid unless the table
    # is declared AUTOINCREMENT, which needs the table rebuilt.
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.batch_alter_table(
        "articles", recreate="always", table_kwargs={"sqlite_autoincrement": True}
    ):
        pass


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.batch_alter_table(
        "articles", recreate="always", table_kwargs={"sqlite_autoincrement": False}
    ):
        pass
