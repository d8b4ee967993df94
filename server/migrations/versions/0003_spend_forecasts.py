"""spend forecasts: the cost simulation ops ran for a campaign, shown on every ops dashboard

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "spend_forecasts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("version_hash", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("players_per_day", sa.Integer(), nullable=False),
        sa.Column("draws_per_player", sa.Integer(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("spend_median_json", sa.Text(), nullable=False),
        sa.Column("spend_p95_json", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("spend_forecasts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_spend_forecasts_campaign_id"), ["campaign_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("spend_forecasts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_spend_forecasts_campaign_id"))

    op.drop_table("spend_forecasts")
