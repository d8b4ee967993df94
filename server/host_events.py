"""Applying the host's events outside its requests: the clock applies what is pending every tick
(:mod:`server.clock`), ``carnival events apply`` until nothing is; shoppers hear of what they earned after commit.
"""

from __future__ import annotations

from flask import Flask
from flask_socketio import SocketIO
from sqlalchemy import select
from sqlalchemy.orm import Session

from economy.db import insert_ignoring_conflicts
from games.commerce.apply import apply_pending, pending_campaigns
from games.engine.contract import GameEvent
from server import db
from server.models import User
from server.realtime import PLAY, user_room

NEW_SHOPPER_NAME = "用户"  # a shopper known only from the host's events; their first launch sets their name


def shopper_id(session: Session, external_id: str) -> int:
    """The Carnival id of the host's user ``external_id``, created on first sight (concurrent creators agree)."""
    query = select(User.id).where(User.external_id == external_id)
    found = session.scalar(query)
    if found is not None:
        return found
    shopper = {"role": "shopper", "external_id": external_id, "display_name": NEW_SHOPPER_NAME, "tier": "normal"}
    insert_ignoring_conflicts(session, User.__table__, {**shopper, "created_at": db.now()})
    return session.scalars(query).one()


def flagged(session: Session, user_id: int) -> bool:
    """Whether the host's last launch of the shopper flagged them (risk)."""
    return bool(session.scalar(select(User.risk_flag).where(User.id == user_id)))


def apply_host_events(app: Flask, limit_per_campaign: int = 200) -> int:
    """Apply up to ``limit_per_campaign`` pending events of every campaign that has some, a transaction per
    campaign; returns how many were applied. Shoppers connected to /play hear of their earnings."""
    with app.app_context():
        session = db.session()
        registry = app.extensions["carnival.registry"]
        with session.begin():
            campaigns = pending_campaigns(session)
        total = 0
        for campaign_id in campaigns:
            with session.begin():
                applied = apply_pending(
                    session, registry, campaign_id, shopper_id, db.now(), limit_per_campaign, flagged
                )
            _notify(app.extensions.get("socketio"), applied.notices)
            total += applied.events
        return total


def _notify(socketio: SocketIO | None, notices: list[tuple[int, GameEvent]]) -> None:
    if socketio is None:
        return
    for user_id, event in notices:
        socketio.emit(event.name, event.payload, namespace=PLAY, to=user_room(user_id))
