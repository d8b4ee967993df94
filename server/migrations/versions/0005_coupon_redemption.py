"""coupon redemption: the host app's order a coupon was used on (reference, amount, category), and when

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("coupons", schema=None) as batch_op:
        batch_op.add_column(sa.Column("order_ref", sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column("order_fen", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("order_category", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("used_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("coupons", schema=None) as batch_op:
        batch_op.drop_column("used_at")
        batch_op.drop_column("order_category")
        batch_op.drop_column("order_fen")
        batch_op.drop_column("order_ref")
