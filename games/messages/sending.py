"""Sending queued deliveries to the host's push gateway, at least once and marked so the host keeps each once.

A worker claims due deliveries under a lease (its own token, a time limit) and commits the claim, then posts them
outside any transaction, then settles them under its token: ``sent`` when the gateway took them, else another
try later (30 s doubling to 10 minutes) or, failing for 6 hours, ``dead`` (the dead-letter list ops can send
again). A worker that dies mid-post loses its lease, and another posts the same deliveries again under the same
ids: the delivery's id is the idempotency id the host keeps each message once by. During quiet hours nothing is
claimed for a campaign: its deliveries wait for the morning."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from economy.db import is_postgresql
from games.messages.config import GATEWAY_CHANNELS
from games.messages.models import Delivery, Message, OptOut
from games.messages.rules import DailyHours, SendPolicy, gives_up, next_send_time, render, retry_delay

LEASE = timedelta(minutes=2)
SENDING = ("scheduled", "done")
"""The states of a message whose queued deliveries go out (not paused, not stopped)."""
IDEMPOTENCY_PREFIX = "carnival-msg-"

Personal = Callable[[list[int]], dict[int, dict[str, object]]]
"""Template values (name, points, expiring_points) of shoppers by Carnival id."""


@dataclass(frozen=True)
class Claim:
    """Deliveries one worker holds until ``until``, under ``token``."""

    token: str
    until: datetime
    ids: list[int]


def idempotency_id(delivery_id: int) -> str:
    """The id the host's gateway keeps a delivery once by."""
    return f"{IDEMPOTENCY_PREFIX}{delivery_id}"


def claim_due(session: Session, now: datetime, limit: int) -> Claim:
    """Lease up to ``limit`` due deliveries (queued, their next try due, no live lease, their message sending) to a
    new token: the ids are chosen first (on PostgreSQL locked, skipping rows another worker holds), then leased by
    id, the conditions checked again."""
    free = or_(Delivery.lease_until.is_(None), Delivery.lease_until <= now)
    due = (Delivery.state == "queued", Delivery.next_attempt_at <= now, free)
    chosen = (  # in no order: sorting every due delivery per claim costs more than the post (any due one may go)
        select(Delivery.id).join(Message, Message.id == Delivery.message_id).where(*due, Message.state.in_(SENDING))
        .limit(limit)
    )  # fmt: skip
    if is_postgresql(session):
        chosen = chosen.with_for_update(skip_locked=True, of=Delivery)
    ids = list(session.scalars(chosen))
    claim = Claim(secrets.token_hex(8), now + LEASE, [])
    if not ids:
        return claim
    leased = session.execute(
        update(Delivery)
        .where(Delivery.id.in_(ids), *due)
        .values(lease=claim.token, lease_until=claim.until)
        .returning(Delivery.id)
        .execution_options(synchronize_session=False)
    )
    return Claim(claim.token, claim.until, sorted(leased.scalars()))


def outgoing(session: Session, ids: list[int], personal: Personal) -> list[dict[str, Any]]:
    """The gateway's items for the deliveries ``ids``: each member's wording (their variant's, the channel's),
    rendered with their values, both languages; the channels through the gateway."""
    rows = session.execute(
        select(Delivery, Message).join(Message, Message.id == Delivery.message_id).where(Delivery.id.in_(ids))
    ).all()
    values = personal(sorted({d.user_id for d, _ in rows if d.user_id is not None}))
    configs = {message.id: json.loads(message.config_json) for _, message in rows}
    return [
        _item(delivery, message, configs[message.id], values.get(delivery.user_id or 0, {}))
        for delivery, message in rows
    ]


def _item(delivery: Delivery, message: Message, config: dict[str, Any], values: dict[str, object]) -> dict[str, Any]:
    variant = next(v for v in config["variants"] if v["key"] == delivery.variant)
    channels = [channel for channel in config["channels"] if channel in GATEWAY_CHANNELS]
    wording = {
        channel: _wording(config, variant, config["channel_wording"].get(channel), values) for channel in channels
    }
    return {
        "id": idempotency_id(delivery.id),
        "message_id": message.id,
        "campaign_id": message.campaign_id,
        "user": delivery.external_id,
        "variant": delivery.variant,
        "channels": wording,
        "image": config.get("image"),
        "link": link(message.campaign_id, config.get("link", ""), delivery.id),
    }


def _wording(
    config: dict[str, Any], variant: dict[str, Any], channel: dict[str, Any] | None, values: dict[str, object]
) -> dict[str, dict[str, str]]:
    """Title and body in zh and en: the channel's own, else the variant's, else the message's."""
    chosen = {}
    for part in ("title", "body"):
        text = (channel or {}).get(part) or variant.get(part) or config[part]
        chosen[part] = {lang: render(text.get(lang) or text["zh"], values) for lang in ("zh", "en")}
    return chosen


def link(campaign_id: int, suffix: str, delivery_id: int) -> str:
    """The campaign page the message opens (``suffix``: ``?query``, ``#part`` or ``/path`` with either), marked
    with the delivery so the visit is counted."""
    parts = urlsplit(f"/play/{campaign_id}{suffix}")
    query = "&".join(part for part in (parts.query, f"msg={delivery_id}") if part)
    return urlunsplit(("", "", parts.path, query, parts.fragment))


def settle(session: Session, claim: Claim, taken: list[int], failed: dict[int, str], now: datetime) -> None:
    """Record what the gateway said of the claim's deliveries: ``taken`` are sent; each of ``failed`` (id: why)
    is tried again later, or dead after 6 hours of failing. Deliveries whose lease this claim lost are left."""
    mine = (Delivery.lease == claim.token, Delivery.state == "queued")
    if taken:  # posted (a stop leaves leased deliveries to their worker)
        session.execute(
            update(Delivery)
            .where(Delivery.id.in_(taken), *mine)
            .values(
                state="sent",
                sent_at=now,
                lease=None,
                lease_until=None,
                failing_since=None,
                attempts=Delivery.attempts + 1,
            )
            .execution_options(synchronize_session=False)
        )
    stopped = set(
        session.scalars(
            select(Delivery.id).join(Message).where(Delivery.id.in_(list(failed)), Message.state == "stopped")
        )
    )
    for delivery in session.scalars(select(Delivery).where(Delivery.id.in_(list(failed)), *mine)):
        delivery.attempts += 1
        delivery.lease, delivery.lease_until, delivery.last_error = None, None, failed[delivery.id][:200]
        delivery.failing_since = delivery.failing_since or now
        if delivery.id in stopped:  # the message was stopped while this try was out
            delivery.state, delivery.next_attempt_at = "stopped", None
        elif gives_up(delivery.failing_since, now):
            delivery.state, delivery.next_attempt_at = "dead", None
        else:
            delivery.next_attempt_at = now + retry_delay(delivery.attempts)
    session.flush()


def postpone_quiet(
    session: Session, claim: Claim, now: datetime, policy: SendPolicy, timezones: dict[int, str]
) -> list[int]:
    """Release the claim's deliveries of campaigns in quiet hours now until the hours end; the ids still held."""
    rows = session.execute(
        select(Delivery.id, Message.campaign_id).join(Message).where(Delivery.id.in_(claim.ids))
    ).all()
    whole_day = DailyHours.parse("00:00-00:00")
    held = []
    for delivery_id, campaign_id in rows:
        timezone = timezones.get(campaign_id, "Asia/Shanghai")
        resume = next_send_time(now, whole_day, policy, timezone)
        if resume == now:
            held.append(delivery_id)
            continue
        session.execute(
            update(Delivery)
            .where(Delivery.id == delivery_id, Delivery.lease == claim.token)
            .values(next_attempt_at=resume or now + timedelta(hours=1), lease=None, lease_until=None)
            .execution_options(synchronize_session=False)
        )
    return sorted(held)


def hold_back(session: Session, claim: Claim, ids: list[int]) -> list[int]:
    """Of the claim's deliveries ``ids``, keep those still to post now: a member who opted out since their batch is
    ``opted_out``; a delivery whose message was stopped since the claim is ``stopped``, one paused is left queued
    for the resume."""
    rows = session.execute(
        select(Delivery.id, Delivery.external_id, Message.state).join(Message).where(Delivery.id.in_(ids))
    ).all()
    opted = set(session.scalars(select(OptOut.external_id).where(OptOut.external_id.in_({r[1] for r in rows}))))
    fates: dict[str, list[int]] = {"keep": [], "opted_out": [], "stopped": [], "queued": []}
    for delivery_id, external_id, state in rows:
        fate = "opted_out" if external_id in opted else "keep" if state in SENDING else state
        fates.get(fate, fates["queued"]).append(delivery_id)
    for state in ("opted_out", "stopped", "queued"):
        if fates[state]:
            session.execute(
                update(Delivery)
                .where(Delivery.id.in_(fates[state]), Delivery.lease == claim.token, Delivery.state == "queued")
                .values(state=state, lease=None, lease_until=None)
                .execution_options(synchronize_session=False)
            )
    return sorted(fates["keep"])


def send_again(session: Session, message_id: int, now: datetime) -> int:
    """Queue a message's dead deliveries again (ops, once the gateway is back); how many."""
    requeued = session.execute(
        update(Delivery)
        .where(Delivery.message_id == message_id, Delivery.state == "dead")
        .values(state="queued", next_attempt_at=now, failing_since=None, lease=None, lease_until=None)
        .execution_options(synchronize_session=False)
    )
    return int(requeued.rowcount or 0)
