"""The host's events, one row per host event id: what it said (its canonical JSON and that text's hash) and when."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from economy.db import Base, UTCDateTime


class HostEvent(Base):
    """An event the host app's server sent: ``event_id`` is the host's (the same id counts once), ``body_hash``
    the SHA-256 of its canonical JSON (the same id with another body is refused). Stored at once; its earnings are
    applied after, once (:mod:`games.commerce.apply`)."""

    __tablename__ = "host_events"
    __table_args__ = (
        Index("ix_host_events_campaign_type_time", "campaign_id", "type", "occurred_at"),
        Index("ix_host_events_campaign_type_subject", "campaign_id", "type", "subject"),
        Index("ix_host_events_user_type", "user", "type", "occurred_at"),
        Index(
            "ix_host_events_pending",
            "campaign_id",
            "id",
            postgresql_where=text("applied_at IS NULL"),
            sqlite_where=text("applied_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(String(128), unique=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    type: Mapped[str] = mapped_column(String(32))
    user: Mapped[str] = mapped_column(String(64))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    body_json: Mapped[str] = mapped_column(Text)
    body_hash: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str | None] = mapped_column(String(128))  # an order event's order, an invite's invitee
    category: Mapped[str | None] = mapped_column(String(64))  # an order paid: its category (segments read it)
    amount_fen: Mapped[int | None] = mapped_column(BigInteger)  # an order paid: its amount (the messages' funnel)
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # when its earnings were applied (None: pending)
    user_id: Mapped[int | None]  # the shopper's Carnival id, once applied (reconciliation traces grants to it)
    outcome: Mapped[str | None] = mapped_column(String(200))  # what applying it did: "applied" or why not
