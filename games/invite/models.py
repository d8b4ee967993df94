"""Invitation tables: each inviter's invite link code, and who invited whom (the first inviter of an invitee in a
campaign; an invitation through the host's ``friend_invited`` event is read from the host's events)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from economy.db import Base, UTCDateTime


class InviteCode(Base):
    """An inviter's link code in a campaign (one per inviter)."""

    __tablename__ = "invite_codes"
    __table_args__ = (UniqueConstraint("campaign_id", "inviter_id"),)

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    inviter_id: Mapped[int]


class Invitation(Base):
    """An invitee who arrived through an invite link: the first link wins (one row per campaign and invitee)."""

    __tablename__ = "invitations"
    __table_args__ = (UniqueConstraint("campaign_id", "invitee_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    invitee_id: Mapped[int]
    inviter_id: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
