"""Gift cards (E-cards, e.g. a JD E-card): a reward of a face value whose claim code Carnival issues when granted;
the host's server lists the issued ones and confirms each delivery (docs/integration.md). Every function runs
inside the caller's transaction."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from economy.models import GiftCard

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud or typed by a person


def new_code() -> str:
    """A claim code of 16 characters in four groups (``ABCD-EFGH-JKLM-NPQR``): 80 random bits."""
    chars = "".join(secrets.choice(CODE_ALPHABET) for _ in range(16))
    return "-".join(chars[i : i + 4] for i in range(0, 16, 4))


def gift_card(user_id: int, campaign_id: int, grant_id: int, face_value_fen: int, now: datetime) -> GiftCard:
    """The gift card a grant delivers (issued, with a fresh claim code)."""
    return GiftCard(
        user_id=user_id, campaign_id=campaign_id, grant_id=grant_id, face_value_fen=face_value_fen,
        code=new_code(), state="issued", created_at=now,
    )  # fmt: skip


def issued(session: Session, after_id: int, limit: int) -> list[GiftCard]:
    """Gift cards waiting for the host's delivery, by id after ``after_id``."""
    query = select(GiftCard).where(GiftCard.state == "issued", GiftCard.id > after_id).order_by(GiftCard.id)
    return list(session.scalars(query.limit(limit)))


def mark_delivered(session: Session, card_id: int, now: datetime) -> GiftCard | None:
    """Record the host's delivery of a gift card (once: a second confirmation changes nothing); ``None`` when there
    is no such card."""
    session.execute(
        update(GiftCard).where(GiftCard.id == card_id, GiftCard.state == "issued").values(state="delivered",
                                                                                         delivered_at=now)
    )  # fmt: skip
    return session.get(GiftCard, card_id, populate_existing=True)


def cards_of(session: Session, user_id: int) -> list[GiftCard]:
    """A shopper's gift cards, newest first."""
    return list(session.scalars(select(GiftCard).where(GiftCard.user_id == user_id).order_by(GiftCard.id.desc())))
