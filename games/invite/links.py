"""Invite links: each inviter's code in a campaign, and an invitee's arrival through one (the first inviter of an
invitee wins; nobody invites themselves). Every function runs inside the caller's transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from economy.db import insert_ignoring_conflicts
from games.invite.models import Invitation, InviteCode


def code_of(session: Session, campaign_id: int, inviter_id: int, fresh: str) -> str:
    """The inviter's link code in the campaign: ``fresh`` the first time, the stored one after (concurrent first
    calls agree)."""
    insert_ignoring_conflicts(
        session, InviteCode.__table__, {"code": fresh, "campaign_id": campaign_id, "inviter_id": inviter_id}
    )
    query = select(InviteCode.code).where(InviteCode.campaign_id == campaign_id, InviteCode.inviter_id == inviter_id)
    return session.scalars(query).one()


def accept(session: Session, code: str, invitee_id: int, now: datetime) -> tuple[Invitation | None, str | None]:
    """Record that ``invitee_id`` arrived through ``code``: the invitation that stands (an earlier one stays) and
    ``None``, or ``None`` and why not: ``invite_not_found``, ``self_invite``."""
    found = session.get(InviteCode, code)
    if found is None:
        return None, "invite_not_found"
    if found.inviter_id == invitee_id:
        return None, "self_invite"
    row = {"campaign_id": found.campaign_id, "invitee_id": invitee_id, "inviter_id": found.inviter_id,
           "created_at": now}  # fmt: skip
    insert_ignoring_conflicts(session, Invitation.__table__, row)
    query = select(Invitation).where(Invitation.campaign_id == found.campaign_id, Invitation.invitee_id == invitee_id)
    return session.scalars(query).one(), None
