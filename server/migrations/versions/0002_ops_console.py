"""ops console: drafts, audit trail, daily budgets, themes

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "budget_days",
        sa.Column("campaign_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("spent_fen", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("campaign_id", "day"),
    )
    op.create_table(
        "ops_audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("before_json", sa.Text(), nullable=True),
        sa.Column("after_json", sa.Text(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("ops_audit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ops_audit_campaign_id"), ["campaign_id"], unique=False)

    op.create_table(
        "campaign_drafts",
        sa.Column("campaign_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("body_json", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
        ),
        sa.PrimaryKeyConstraint("campaign_id"),
    )
    with op.batch_alter_table("budgets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("daily_total_fen", sa.BigInteger(), nullable=True))

    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.add_column(sa.Column("theme", sa.String(length=32), nullable=True))


def downgrade() -> None:

    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_column("theme")

    with op.batch_alter_table("budgets", schema=None) as batch_op:
        batch_op.drop_column("daily_total_fen")

    op.drop_table("campaign_drafts")
    with op.batch_alter_table("ops_audit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ops_audit_campaign_id"))

    op.drop_table("ops_audit")
    op.drop_table("budget_days")
