"""The server's tables: users (shoppers and staff), their sign-in sessions, idempotency keys and used launch
tokens."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from economy.db import Base, UTCDateTime

ROLES = ("shopper", "ops", "auditor")
TIERS = ("normal", "silver", "gold", "diamond")


class User(Base):
    """A shopper (known by the host app's user id) or a staff account (known by username)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    role: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    username: Mapped[str | None] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(256))
    display_name: Mapped[str] = mapped_column(String(64))
    tier: Mapped[str] = mapped_column(String(16), default="normal")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    device_hash: Mapped[str | None] = mapped_column(String(128))  # the host's claims at the last launch
    risk_flag: Mapped[bool] = mapped_column(default=False)
    host_joined_on: Mapped[date | None]
    timezone: Mapped[str | None] = mapped_column(String(64))  # the host's tz claim at the last launch that had one
    last_launch_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the last time the host app opened Carnival


class AuthSession(Base):
    """A signed-in session. The cookie carries a random token; only its SHA-256 is stored, so a copy of this
    table signs nobody in. Signing out deletes the row; ``expires_at`` is the absolute end, ``last_seen_at``
    measures idleness."""

    __tablename__ = "auth_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class IdempotencyKey(Base):
    """A state-changing request seen before: its body hash and, once finished, its answer."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("user_id", "key"), Index("ix_idempotency_keys_created_at", "created_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int]
    key: Mapped[str] = mapped_column(String(128))
    request_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="running")
    response_status: Mapped[int | None]
    response_body: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class UsedLaunchToken(Base):
    """A launch token that started a session, kept until it expires so that it cannot start another."""

    __tablename__ = "used_launch_tokens"

    jti: Mapped[str] = mapped_column(String(128), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


def mask_name(name: str) -> str:
    """A display name safe to show others: first character and stars (张** / A***)."""
    return (name[:1] + "*" * max(len(name) - 1, 2)) if name else "***"
