"""an index for the dashboard's notable wins: a prize's latest grants in a campaign, read backwards from the
newest (the feed no longer walks the whole log back when the broadcast prizes are rare or gone)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_draw_records_campaign_granted", "draw_records", ["campaign_id", "granted_key", "id"])


def downgrade() -> None:
    op.drop_index("ix_draw_records_campaign_granted", table_name="draw_records")
