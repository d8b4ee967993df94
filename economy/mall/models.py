"""The points mall's tables: goods (price, value, stock, limits, tier, window), redemption orders, and the point
lots each order took (so a cancellation refunds them keeping their expiry)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from economy.db import Base, UTCDateTime


class MallGood(Base):
    """A good of a mall campaign: its kind (``physical``, ``coupon``, ``red_packet``, ``gift_card``, ``virtual``),
    points price before the tier discount (plus an optional cash part the host settles), value in fen, stock left,
    per-shopper limits (a day, in all; ``None``: none), the lowest tier rank that may redeem it, and its window.

    Coupons, red packets and gift cards are issued by Carnival's economy at the redemption (a coupon good carries
    the coupon's template; a red packet or gift card is worth ``value_fen``); physical and virtual goods are
    delivered by the host."""

    __tablename__ = "mall_goods"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(index=True)
    name: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str | None] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(16))
    category: Mapped[str] = mapped_column(String(40))
    image: Mapped[str | None] = mapped_column(String(500))
    points_price: Mapped[int] = mapped_column(BigInteger)
    cash_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    value_fen: Mapped[int] = mapped_column(BigInteger)
    stock_total: Mapped[int]
    stock_left: Mapped[int]
    daily_limit: Mapped[int | None]
    total_limit: Mapped[int | None]
    min_tier_rank: Mapped[int] = mapped_column(default=0)
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sort: Mapped[int] = mapped_column(default=0)
    coupon_json: Mapped[str | None] = mapped_column(Text)  # a coupon good's template (economy.rewards.CouponTemplate)


class MallOrder(Base):
    """A redemption: ``placed``, then ``fulfilled`` by the host or ``cancelled`` (points refunded, stock returned).
    ``key`` is the shopper's idempotency key for it."""

    __tablename__ = "mall_orders"
    __table_args__ = (Index("ix_mall_orders_user_good", "user_id", "good_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(160), unique=True)
    campaign_id: Mapped[int] = mapped_column(index=True)
    user_id: Mapped[int]
    good_id: Mapped[int] = mapped_column(ForeignKey("mall_goods.id"))
    quantity: Mapped[int]
    points: Mapped[int] = mapped_column(BigInteger)
    cash_fen: Mapped[int] = mapped_column(BigInteger)
    value_fen: Mapped[int] = mapped_column(BigInteger)
    tier: Mapped[str] = mapped_column(String(16))
    day: Mapped[str] = mapped_column(String(10))
    state: Mapped[str] = mapped_column(String(16), default="placed")
    delivered_by: Mapped[str] = mapped_column(String(16), default="host", server_default="host")  # or "carnival"
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class MallOrderLot(Base):
    """The points an order took from one lot, and that lot's expiry (a refund gives them back expiring the same)."""

    __tablename__ = "mall_order_lots"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("mall_orders.id"), index=True)
    lot_id: Mapped[int]
    points: Mapped[int] = mapped_column(BigInteger)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
