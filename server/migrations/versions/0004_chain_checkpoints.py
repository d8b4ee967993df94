"""chain checkpoints: the chain head published when each seed period ends; draws indexed by time

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "chain_checkpoints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("period_key", sa.String(length=32), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.Column("head_hash", sa.String(length=64), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaigns.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("campaign_id", "period_key"),
    )
    with op.batch_alter_table("draw_records", schema=None) as batch_op:
        batch_op.create_index("ix_draw_records_campaign_created", ["campaign_id", "created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("draw_records", schema=None) as batch_op:
        batch_op.drop_index("ix_draw_records_campaign_created")
    op.drop_table("chain_checkpoints")
