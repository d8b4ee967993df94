"""``carnival worker``: the background work of campaign messages, in its own process (never in a request).

Each round makes the batches that are due (each in its own transaction, the message's row locked) and then sends
what is due to the host's push gateway in chunks (claimed under a lease, posted outside any transaction, settled
after). Several workers may run at once on PostgreSQL (claims skip each other's rows); on SQLite, run one. The
worker keeps nothing of its own: stop it at any time, and the next round (of any worker) picks up where the rows
say. Without ``CARNIVAL_PUSH_GATEWAY_URL`` only in-app messages go out; the gateway's deliveries wait, queued."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from economy import ledger
from games.messages.batches import BatchMade, due_messages, make_batch
from games.messages.models import Message, Segment
from games.messages.rules import DailyHours, SendPolicy
from games.messages.sending import claim_due, hold_back, outgoing, settle
from games.models import Campaign
from server.models import User
from server.push_gateway import PushGateway
from server.segments import members_after

log = logging.getLogger(__name__)
CHUNK = 200
"""Deliveries per post to the gateway."""
MAX_CHUNKS = 100
"""Chunks one round sends at most (the round then ends, so batches that fell due are made)."""
ROUND_SECONDS = 45.0
"""How long one round posts at most: its clock reading (leases, quiet hours) stays within a minute of the truth."""
RETRY_AFTER_ERROR = 10.0
"""Seconds a worker waits after a round failed on the database (a restart, a failover) before the next."""
EXPIRING_DAYS = 30


@dataclass
class Round:
    """What one round did."""

    batches: list[BatchMade]
    sent: int = 0
    failed: int = 0


def policy_of(app: Flask) -> SendPolicy:
    """The cap and quiet hours the settings name."""
    settings = app.extensions["carnival.settings"]
    quiet = None if settings.quiet_hours == "none" else DailyHours.parse(settings.quiet_hours)
    return SendPolicy(settings.message_daily_cap, quiet)


def gateway_of(app: Flask) -> PushGateway | None:
    """The host's push gateway, when one is configured."""
    settings = app.extensions["carnival.settings"]
    if not settings.push_gateway_url:
        return None
    return PushGateway(settings.push_gateway_url, settings.host_keys.signing)


def work_once(app: Flask, now: datetime, gateway: PushGateway | None) -> Round:
    """One round at ``now``: the due batches, then the due deliveries."""
    session: Session = app.extensions["carnival.sessions"]()
    try:
        done = Round(make_due_batches(session, now, policy_of(app)))
        if gateway is not None:
            send_due(session, now, policy_of(app), gateway, done)
        return done
    finally:
        session.close()


def make_due_batches(session: Session, now: datetime, policy: SendPolicy) -> list[BatchMade]:
    """Every due message's next batch (a deadlock or a lock timeout leaves a message to the next round)."""
    with session.begin():
        due = due_messages(session, now)
        timezones = _timezones(session, due)
    made = []
    for message_id in due:
        try:
            with session.begin():
                batch = make_batch(session, message_id, now, policy, timezones[message_id], _members(session, now))
        except OperationalError as error:
            log.warning("message %s: batch left to the next round (%s)", message_id, error.orig)
            continue
        if batch is not None:
            made.append(batch)
    return made


def send_due(session: Session, now: datetime, policy: SendPolicy, gateway: PushGateway, done: Round) -> None:
    """Post due deliveries chunk by chunk until none is due, :data:`MAX_CHUNKS` were posted, or the round has run
    :data:`ROUND_SECONDS` (well inside a lease: what a round claims at ``now`` is posted while its lease holds)."""
    started = time.monotonic()
    with session.begin():
        zones = _campaign_zones(session)
    for _ in range(MAX_CHUNKS):
        if time.monotonic() - started > ROUND_SECONDS:
            return
        with session.begin():
            claim = claim_due(session, now, CHUNK)
        if not claim.ids:
            return
        with session.begin():
            held = hold_back(session, claim, now, policy, zones)
            items = outgoing(session, held, _personal(session, now))
        posted = gateway.post(items) if items else None
        with session.begin():
            taken = held if posted and posted.taken else []
            failed = {} if posted is None or posted.taken else dict.fromkeys(held, posted.error)
            settle(session, claim, taken, failed, now)
        done.sent, done.failed = done.sent + len(taken), done.failed + len(failed)


def run(app: Flask, interval: float, rounds: int | None = None) -> None:
    """Work a round every ``interval`` seconds (``rounds`` of them, or until stopped)."""
    gateway = gateway_of(app)
    if gateway is None:
        log.warning("CARNIVAL_PUSH_GATEWAY_URL is not set: only in-app messages go out")
    count = 0
    try:
        while rounds is None or count < rounds:
            started = time.monotonic()
            count += 1
            try:
                done = work_once(app, app.extensions["carnival.clock"](), gateway)
            except (OperationalError, DBAPIError) as error:  # the database went away: the rows say where to go on
                log.warning("round failed on the database, again in %.0f s: %s", RETRY_AFTER_ERROR, error.orig)
                time.sleep(RETRY_AFTER_ERROR)
                continue
            if done.batches or done.sent or done.failed:
                log.info("batches %d, sent %d, failed %d", len(done.batches), done.sent, done.failed)
            time.sleep(max(0.0, interval - (time.monotonic() - started)))
    finally:
        if gateway is not None:
            gateway.close()


def _members(session: Session, now: datetime) -> Any:
    def after(message: Message, cursor: str, limit: int) -> list[tuple[str, int | None]]:
        segment = session.get(Segment, message.segment_id)
        assert segment is not None
        return [(m.external_id, m.user_id, m.timezone) for m in members_after(session, segment, now, cursor, limit)]

    return after


def _timezones(session: Session, message_ids: list[int]) -> dict[int, str]:
    rows = session.execute(
        select(Message.id, Campaign.timezone).join(Campaign, Campaign.id == Message.campaign_id)
        .where(Message.id.in_(message_ids))
    )  # fmt: skip
    return dict(rows.all())


def _campaign_zones(session: Session) -> dict[int, str]:
    return dict(session.execute(select(Campaign.id, Campaign.timezone)).all())


def _personal(session: Session, now: datetime) -> Any:
    def values(user_ids: list[int]) -> dict[int, dict[str, object]]:
        names = dict(session.execute(select(User.id, User.display_name).where(User.id.in_(user_ids))).all())
        held = ledger.points_held_by(session, user_ids, now, now + timedelta(days=EXPIRING_DAYS))
        return {
            user_id: {"name": names.get(user_id, ""), "points": held.get(user_id, (0, 0))[0],
                      "expiring_points": held.get(user_id, (0, 0))[1]}
            for user_id in user_ids
        }  # fmt: skip

    return values
