"""points mall: goods, redemption orders and the point lots each order took

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mall_goods",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("name_en", sa.String(length=120), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("image", sa.String(length=500), nullable=True),
        sa.Column("points_price", sa.BigInteger(), nullable=False),
        sa.Column("cash_fen", sa.BigInteger(), nullable=False),
        sa.Column("value_fen", sa.BigInteger(), nullable=False),
        sa.Column("stock_total", sa.Integer(), nullable=False),
        sa.Column("stock_left", sa.Integer(), nullable=False),
        sa.Column("daily_limit", sa.Integer(), nullable=True),
        sa.Column("total_limit", sa.Integer(), nullable=True),
        sa.Column("min_tier_rank", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=True),
        sa.Column("ends_at", sa.DateTime(), nullable=True),
        sa.Column("sort", sa.Integer(), nullable=False),
    )
    op.create_index("ix_mall_goods_campaign_id", "mall_goods", ["campaign_id"])
    op.create_table(
        "mall_orders",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", sa.String(length=160), nullable=False, unique=True),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("good_id", sa.Integer(), sa.ForeignKey("mall_goods.id"), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("points", sa.BigInteger(), nullable=False),
        sa.Column("cash_fen", sa.BigInteger(), nullable=False),
        sa.Column("value_fen", sa.BigInteger(), nullable=False),
        sa.Column("tier", sa.String(length=16), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("settled_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_mall_orders_campaign_id", "mall_orders", ["campaign_id"])
    op.create_index("ix_mall_orders_user_good", "mall_orders", ["user_id", "good_id"])
    op.create_table(
        "mall_order_lots",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("order_id", sa.Integer(), sa.ForeignKey("mall_orders.id"), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=False),
        sa.Column("points", sa.BigInteger(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_mall_order_lots_order_id", "mall_order_lots", ["order_id"])


def downgrade() -> None:
    op.drop_index("ix_mall_order_lots_order_id", table_name="mall_order_lots")
    op.drop_table("mall_order_lots")
    op.drop_index("ix_mall_orders_user_good", table_name="mall_orders")
    op.drop_index("ix_mall_orders_campaign_id", table_name="mall_orders")
    op.drop_table("mall_orders")
    op.drop_index("ix_mall_goods_campaign_id", table_name="mall_goods")
    op.drop_table("mall_goods")
