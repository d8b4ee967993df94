"""The share game's tables: each share link's code (to find the share a friend opens) and the log of assist attempts
(for the fraud report and the held-assist queue). The truth of shares and assists is the shoppers' game state; the
log is what the report reads."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from economy.db import Base, UTCDateTime


class ShareCode(Base):
    """A share link's code: the campaign, the sharer and their share's number, until when it takes assists."""

    __tablename__ = "share_codes"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    sharer_id: Mapped[int]
    number: Mapped[int]
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ShareLog(Base):
    """One assist attempt: ``result`` ``accepted``, ``held``, ``refused`` (``code`` says why), or an ops decision
    (``approved``, ``rejected``) on a held one."""

    __tablename__ = "share_log"
    __table_args__ = (Index("ix_share_log_campaign_time", "campaign_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    sharer_id: Mapped[int]
    number: Mapped[int]
    helper_id: Mapped[int]
    device_hash: Mapped[str | None] = mapped_column(String(128))
    result: Mapped[str] = mapped_column(String(16))
    code: Mapped[str | None] = mapped_column(String(32))
    actor: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
