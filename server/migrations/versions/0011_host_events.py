"""host events: what the host app's server reports shoppers did (orders, 白条 openings, invites, reviews,
shares), one row per host event id

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "host_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("event_id", sa.String(length=128), nullable=False, unique=True),
        sa.Column("campaign_id", sa.Integer(), sa.ForeignKey("campaigns.id"), nullable=False),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("user", sa.String(length=64), nullable=False),
        sa.Column("occurred_at", sa.DateTime(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("body_json", sa.Text(), nullable=False),
        sa.Column("body_hash", sa.String(length=64), nullable=False),
    )
    op.create_index("ix_host_events_campaign_type_time", "host_events", ["campaign_id", "type", "occurred_at"])


def downgrade() -> None:
    op.drop_index("ix_host_events_campaign_type_time", table_name="host_events")
    op.drop_table("host_events")
