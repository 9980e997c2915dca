"""index outbox by chat, state and id

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # claim_due checks, per candidate, that no earlier pending message of the same chat waits;
    # without this index that check scans the whole outbox for every candidate row.
    op.create_index("ix_outbox_chat_state", "outbox", ["chat_id", "state", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_outbox_chat_state", table_name="outbox")
