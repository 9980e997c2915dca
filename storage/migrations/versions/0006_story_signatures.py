"""Story signatures stored with each article; deliveries name every report a chat was told of

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


# SQLite rebuilds the table for the new column: keep it AUTOINCREMENT (see 0003).
_TABLE_KWARGS = {"sqlite_autoincrement": True}

# A chat that had a story was told of every report of it then: record those reports too, so
# only reports that arrive later can make an update.
_BACKFILL = """
INSERT INTO deliveries (chat_id, story_id, queued_at)
SELECT d.chat_id, a.id, d.queued_at
FROM deliveries AS d JOIN articles AS a ON a.story_id = d.story_id
WHERE a.id <> d.story_id
ON CONFLICT DO NOTHING
"""


def upgrade() -> None:
    with op.batch_alter_table("articles", table_kwargs=_TABLE_KWARGS) as batch:
        batch.add_column(sa.Column("story_signature", sa.JSON(), nullable=True))
        batch.create_index("ix_articles_analyzed_at", ["analyzed_at"], unique=False)
    op.execute(_BACKFILL)


def downgrade() -> None:
    op.execute(
        "DELETE FROM deliveries WHERE story_id IN "
        "(SELECT id FROM articles WHERE story_id IS NOT NULL AND story_id <> id)"
    )
    with op.batch_alter_table("articles", table_kwargs=_TABLE_KWARGS) as batch:
        batch.drop_index("ix_articles_analyzed_at")
        batch.drop_column("story_signature")
