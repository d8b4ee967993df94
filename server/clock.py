"""The period clock: seed periods committed ahead, ended ones closed and draw records sealed, outside
shoppers' requests.

Every ``CARNIVAL_CLOCK_SECONDS`` (default 1; 0 turns it off, the default under ``CARNIVAL_ENV=testing``)
each server process commits the next seed period of every running campaign, closes the periods that
ended (checkpoint published, seed revealed: :func:`games.engine.play.commit_seeds`) and seals the records added
since the last tick (:func:`games.fairness.checkpoints.seal_log`), in short transactions per campaign; once a
campaign has ended, the play items shoppers still hold expire (no play grants any after the end); the host's
events stored since the last tick are applied (:mod:`server.host_events`). Several
processes may tick at once: commitments insert-or-ignore, and closing and sealing take the campaign's
exclusive draw lock, so they agree. A spin never does this work unless it finds its period uncommitted (the
clock stopped): then it commits the period in a transaction of its own and draws after it.
``carnival audit checkpoint`` from cron closes what a stopped clock left open.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from flask import Flask
from flask_socketio import SocketIO
from sqlalchemy import select
from sqlalchemy.orm import Session

from economy.items import expire_items
from games.engine.play import commit_seeds
from games.fairness.checkpoints import seal_log
from games.models import Campaign
from server import db
from server.host_events import apply_host_events
from server.outage import UNAVAILABLE

LOGGER = logging.getLogger("carnival.clock")
ENDED_WITHIN = timedelta(days=2)  # campaigns ended longer ago are left to the cron job


def init_app(app: Flask, socketio: SocketIO, seconds: float) -> None:
    """Run the clock every ``seconds`` in the background of this process, from its first request on."""
    if seconds <= 0:
        return
    started = threading.Event()

    @app.before_request
    def _start_clock() -> None:
        if not started.is_set():
            started.set()
            socketio.start_background_task(_run, app, socketio, seconds)


def tick(app: Flask) -> int:
    """Commit ahead and close ended periods for every recent campaign once, expire the play items of the
    campaigns that have ended (:func:`economy.items.expire_items`) and apply pending host events; returns the
    periods closed."""
    with app.app_context():
        session = db.session()
        now = db.now()
        with session.begin():
            recent = select(Campaign.id, Campaign.ends_at).where(
                Campaign.version_id.is_not(None), Campaign.ends_at > now - ENDED_WITHIN
            )
            campaigns = list(session.execute(recent))
        closed = 0
        for campaign_id, ends_at in campaigns:
            with session.begin():
                closed += commit_seeds(session, campaign_id, db.now())
            with session.begin():
                seal_log(session, campaign_id)
            expired: set[int] = app.extensions.setdefault("carnival.items_expired", set())  # by this process
            if ends_at <= now and campaign_id not in expired:
                with session.begin():
                    _expire_ended_items(session, campaign_id, expired)
        apply_host_events(app)
        return closed


def _expire_ended_items(session: Session, campaign_id: int, expired: set[int]) -> None:
    """Expire the campaign's items if it has still ended once its row is locked (a publish may have extended
    it since it was read); each process does it once per campaign, the daily cron catches up on the rest."""
    now = db.now()
    ends_at = session.scalars(select(Campaign.ends_at).where(Campaign.id == campaign_id).with_for_update()).one()
    if ends_at <= now:
        expire_items(session, campaign_id, now)
        expired.add(campaign_id)


def _run(app: Flask, socketio: SocketIO, seconds: float) -> None:
    while True:
        socketio.sleep(seconds)
        try:
            tick(app)
        except UNAVAILABLE:
            pass  # the outage is logged by the requests that meet it; the next tick tries again
        except Exception:
            LOGGER.exception("the period clock failed a tick; it goes on")
