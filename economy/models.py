"""The economy's tables: accounts and their ledger, point lots, coupons, grants and limits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from economy.db import Base, UTCDateTime


class Account(Base):
    """A holder of one asset. ``balance`` mirrors the sum of its postings, updated in the same transaction."""

    __tablename__ = "accounts"
    __table_args__ = (UniqueConstraint("owner", "asset"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner: Mapped[str] = mapped_column(String(80))
    asset: Mapped[str] = mapped_column(String(16))
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
    """A campaign's budget in fen; ``spent_fen <= total_fen`` is kept by conditional updates."""

    __tablename__ = "budgets"

    campaign_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    total_fen: Mapped[int] = mapped_column(BigInteger)
    spent_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    daily_total_fen: Mapped[int | None] = mapped_column(BigInteger)


class BudgetDay(Base):
    """What a campaign spent on one day (its time zone), against the optional daily budget."""

    __tablename__ = "budget_days"

    campaign_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    day: Mapped[str] = mapped_column(String(10), primary_key=True)
    spent_fen: Mapped[int] = mapped_column(BigInteger, default=0)


class Stock(Base):
    """Units of one prize a campaign may grant; ``granted <= total`` is kept by conditional updates."""

    __tablename__ = "stocks"

    campaign_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    prize_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    total: Mapped[int] = mapped_column(BigInteger)
    granted: Mapped[int] = mapped_column(BigInteger, default=0)


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
