"""host events applied: each event's subject (an order, an invitee), when its earnings were applied, how, and to
which shopper

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

PENDING = sa.text("applied_at IS NULL")


def upgrade() -> None:
    with op.batch_alter_table("host_events") as batch:
        batch.add_column(sa.Column("subject", sa.String(length=128), nullable=True))
        batch.add_column(sa.Column("applied_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("outcome", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("user_id", sa.Integer(), nullable=True))
    op.create_index("ix_host_events_campaign_type_subject", "host_events", ["campaign_id", "type", "subject"])
    op.create_index(
        "ix_host_events_pending", "host_events", ["campaign_id", "id"], postgresql_where=PENDING, sqlite_where=PENDING
    )


def downgrade() -> None:
    op.drop_index("ix_host_events_pending", table_name="host_events")
    op.drop_index("ix_host_events_campaign_type_subject", table_name="host_events")
    with op.batch_alter_table("host_events") as batch:
        batch.drop_column("user_id")
        batch.drop_column("outcome")
        batch.drop_column("applied_at")
        batch.drop_column("subject")
