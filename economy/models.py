"""The economy's tables: accounts and their ledger, point lots, coupons, grants and limits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, SmallInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from economy.db import Base, UTCDateTime


class Account(Base):
    """A holder of one asset. ``balance`` mirrors the sum of its postings, updated in the same transaction."""

    __tablename__ = "accounts"
    __table_args__ = (UniqueConstraint("owner", "asset"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner: Mapped[str] = mapped_column(String(80))
    asset: Mapped[str] = mapped_column(String(64))  # POINTS, CASH or ITEM:<campaign id>:<item key>
    allow_negative: Mapped[bool] = mapped_column(default=False)
    balance: Mapped[int] = mapped_column(BigInteger, default=0)


class LedgerEntry(Base):
    """One balanced movement of value: its postings sum to zero per asset."""

    __tablename__ = "ledger_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    reference: Mapped[str] = mapped_column(String(160), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Posting(Base):
    """An immutable signed amount on one account; corrections are new postings."""

    __tablename__ = "postings"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("ledger_entries.id"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    amount: Mapped[int] = mapped_column(BigInteger)


class PointLot(Base):
    """Points that arrived together and expire together; spending draws the soonest-expiring first."""

    __tablename__ = "point_lots"
    __table_args__ = (Index("ix_point_lots_account_expiry", "account_id", "expires_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("ledger_entries.id"))
    amount: Mapped[int] = mapped_column(BigInteger)
    remaining: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Grant(Base):
    """The action record of one reward given to one user, unique by its idempotency key."""

    __tablename__ = "grants"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(160), unique=True)
    campaign_id: Mapped[int] = mapped_column(index=True)
    user_id: Mapped[int] = mapped_column(index=True)
    prize_key: Mapped[str] = mapped_column(String(64))
    reward_kind: Mapped[str] = mapped_column(String(16))
    amount: Mapped[int] = mapped_column(BigInteger)
    cost_fen: Mapped[int] = mapped_column(BigInteger)
    day: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Coupon(Base):
    """A coupon instance: interest-free instalments (免息券) or full reduction (满减).

    ``state`` is ``issued``, ``used`` (then ``order_ref`` names the host app's order and ``used_at`` when)
    or ``expired``.
    """

    __tablename__ = "coupons"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(index=True)
    campaign_id: Mapped[int]
    grant_id: Mapped[int] = mapped_column(ForeignKey("grants.id"))
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(120))
    periods: Mapped[int | None]
    min_order_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    category: Mapped[str | None] = mapped_column(String(64))
    threshold_fen: Mapped[int | None] = mapped_column(BigInteger)
    amount_fen: Mapped[int | None] = mapped_column(BigInteger)
    valid_from: Mapped[datetime] = mapped_column(UTCDateTime)
    valid_until: Mapped[datetime] = mapped_column(UTCDateTime)
    state: Mapped[str] = mapped_column(String(16), default="issued")
    order_ref: Mapped[str | None] = mapped_column(String(128))
    order_fen: Mapped[int | None] = mapped_column(BigInteger)
    order_category: Mapped[str | None] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Budget(Base):
    """A campaign's budget in fen as ops set it; what it spent is kept in its counter
    (:mod:`economy.buckets`: ``budget`` and, with a daily budget, ``day:YYYY-MM-DD``)."""

    __tablename__ = "budgets"

    campaign_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    total_fen: Mapped[int] = mapped_column(BigInteger)
    daily_total_fen: Mapped[int | None] = mapped_column(BigInteger)


class CounterBucket(Base):
    """One bucket of a campaign's counter (a prize's stock, the budget, a day's budget): ``used <= total``
    is kept by conditional updates (:mod:`economy.buckets`)."""

    __tablename__ = "counter_buckets"

    campaign_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    counter: Mapped[str] = mapped_column(String(80), primary_key=True)
    bucket: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    total: Mapped[int] = mapped_column(BigInteger)
    used: Mapped[int] = mapped_column(BigInteger, default=0)


class CapUsage(Base):
    """How much of one per-user cap a user has used in one window (a day or the whole campaign)."""

    __tablename__ = "cap_usage"
    __table_args__ = (UniqueConstraint("campaign_id", "user_id", "cap_key", "window"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int]
    user_id: Mapped[int]
    cap_key: Mapped[str] = mapped_column(String(64))
    window: Mapped[str] = mapped_column(String(16))
    count: Mapped[int] = mapped_column(default=0)
    value_fen: Mapped[int] = mapped_column(BigInteger, default=0)


class GiftCard(Base):
    """A gift card (E-card) granted: its face value and the claim code Carnival issued; the host's server fetches
    the issued ones and says when it delivered each (``state`` ``issued``, then ``delivered``)."""

    __tablename__ = "gift_cards"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(index=True)
    campaign_id: Mapped[int]
    grant_id: Mapped[int] = mapped_column(ForeignKey("grants.id"), unique=True)
    face_value_fen: Mapped[int] = mapped_column(BigInteger)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    state: Mapped[str] = mapped_column(String(16), default="issued")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
