"""The host's events, one row per host event id: what it said (its canonical JSON and that text's hash) and when."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from economy.db import Base, UTCDateTime


class HostEvent(Base):
    """An event the host app's server sent: ``event_id`` is the host's (the same id counts once), ``body_hash``
    the SHA-256 of its canonical JSON (the same id with another body is refused)."""

    __tablename__ = "host_events"
    __table_args__ = (Index("ix_host_events_campaign_type_time", "campaign_id", "type", "occurred_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(String(128), unique=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    type: Mapped[str] = mapped_column(String(32))
    user: Mapped[str] = mapped_column(String(64))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    body_json: Mapped[str] = mapped_column(Text)
    body_hash: Mapped[str] = mapped_column(String(64))
