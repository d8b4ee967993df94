"""mall goods of kind coupon carry the coupon they issue; an order says who delivers it

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("mall_goods") as batch:
        batch.add_column(sa.Column("coupon_json", sa.Text(), nullable=True))
    with op.batch_alter_table("mall_orders") as batch:
        batch.add_column(sa.Column("delivered_by", sa.String(length=16), nullable=False, server_default="host"))


def downgrade() -> None:
    with op.batch_alter_table("mall_orders") as batch:
        batch.drop_column("delivered_by")
    with op.batch_alter_table("mall_goods") as batch:
        batch.drop_column("coupon_json")
