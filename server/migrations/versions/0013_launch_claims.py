"""launch claims: each shopper's device hash, risk flag and host account opening day, as the last launch said

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("device_hash", sa.String(length=128), nullable=True))
        batch.add_column(sa.Column("risk_flag", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("host_joined_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("host_joined_on")
        batch.drop_column("risk_flag")
        batch.drop_column("device_hash")
