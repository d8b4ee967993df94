"""What a campaign's end settles: the play items shoppers still hold expire (nothing can spend them once plays
are refused). The period clock does it for campaigns that ended in the last days
(:func:`server.clock.tick`); the daily ``carnival points expire`` catches up on any campaign it missed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from economy.items import expire_items
from games.models import Campaign


def expire_ended_items(session: Session, now: datetime) -> int:
    """Expire the items held in every published campaign that has ended by ``now``; returns how many expired.
    Idempotent: an ended campaign whose items are gone costs one query."""
    ended = select(Campaign.id).where(Campaign.version_id.is_not(None), Campaign.ends_at <= now).order_by(Campaign.id)
    return sum(expire_items(session, campaign_id, now) for campaign_id in session.scalars(ended).all())
