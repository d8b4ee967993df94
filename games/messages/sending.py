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
from games.messages.batches import take_contacts
from games.messages.config import GATEWAY_CHANNELS
from games.messages.models import Delivery, Message, OptOut
from games.messages.rules import (
    ATTRIBUTION,
    DailyHours,
    SendPolicy,
    gives_up,
    local_day,
    next_send_time,
    render,
    retry_delay,
)

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
                attributed_until=now + ATTRIBUTION,
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


def hold_back(
    session: Session, claim: Claim, now: datetime, policy: SendPolicy, timezones: dict[int, str]
) -> list[int]:
    """The claim's deliveries still to post now; the others are released: in quiet hours of their member (their
    time zone, else their campaign's), queued for the hours' end; a member who opted out since the batch,
    ``opted_out``; a message stopped since the claim, ``stopped``; one paused, queued for the resume; one held past
    the day whose contact it took and whose member has had the cap's messages today, ``capped``."""
    rows = session.execute(
        select(Delivery.id, Delivery.external_id, Message.campaign_id, Message.state, Delivery.contact_day)
        .add_columns(Delivery.timezone)
        .join(Message)
        .where(Delivery.id.in_(claim.ids))
    ).all()
    opted = set(session.scalars(select(OptOut.external_id).where(OptOut.external_id.in_({r[1] for r in rows}))))
    zones = {r[0]: r[5] or timezones.get(r[2], "Asia/Shanghai") for r in rows}  # the member's, else the campaign's
    resumes = {zone: _quiet_until(now, policy, zone) for zone in set(zones.values())}
    kept: list[int] = []
    late: dict[str, list[tuple[int, str]]] = {}  # today (the campaign's) -> deliveries whose contact was another day's
    released: dict[tuple[str, datetime | None], list[int]] = {}
    todays = {c: local_day(now, timezones.get(c, "Asia/Shanghai")) for c in {r[2] for r in rows}}
    for delivery_id, external_id, campaign_id, state, contact_day, _ in rows:
        today = todays[campaign_id]
        if external_id in opted:
            released.setdefault(("opted_out", None), []).append(delivery_id)
        elif state not in SENDING:
            released.setdefault(("stopped" if state == "stopped" else "queued", None), []).append(delivery_id)
        elif resumes[zones[delivery_id]] is not None:
            released.setdefault(("queued", resumes[zones[delivery_id]]), []).append(delivery_id)
        elif contact_day is not None and contact_day != today:
            late.setdefault(today, []).append((delivery_id, external_id))
        else:
            kept.append(delivery_id)
    kept += _recontacted(session, claim, late, policy.daily_cap, released)
    for (state, resume), ids in released.items():
        later = {"next_attempt_at": resume} if resume is not None else {}
        session.execute(
            update(Delivery)
            .where(Delivery.id.in_(ids), Delivery.lease == claim.token, Delivery.state == "queued")
            .values(state=state, lease=None, lease_until=None, **later)
            .execution_options(synchronize_session=False)
        )
    return sorted(kept)


def _recontacted(
    session: Session, claim: Claim, late: dict[str, list[tuple[int, str]]], cap: int, released: dict[Any, list[int]]
) -> list[int]:
    """Deliveries held past the day whose contact they took (an outage, quiet hours): each takes one of the
    sending day's contacts under the cap, or is released as ``capped``. The ones that got one."""
    kept = []
    for today, deliveries in late.items():
        allowed = take_contacts(session, sorted({member for _, member in deliveries}), today, cap)
        mine = [delivery_id for delivery_id, member in deliveries if member in allowed]
        released.setdefault(("capped", None), []).extend(d for d, member in deliveries if member not in allowed)
        if mine:
            session.execute(
                update(Delivery)
                .where(Delivery.id.in_(mine), Delivery.lease == claim.token)
                .values(contact_day=today)
                .execution_options(synchronize_session=False)
            )
        kept += mine
    return kept


def _quiet_until(now: datetime, policy: SendPolicy, timezone: str) -> datetime | None:
    """When the quiet hours holding ``now`` end (``None``: not quiet now)."""
    resume = next_send_time(now, DailyHours.parse("00:00-00:00"), policy, timezone)
    return None if resume == now else resume or now + timedelta(hours=1)


def send_again(session: Session, message_id: int, now: datetime) -> int:
    """Queue a message's dead deliveries again (ops, once the gateway is back); how many."""
    requeued = session.execute(
        update(Delivery)
        .where(Delivery.message_id == message_id, Delivery.state == "dead")
        .values(state="queued", next_attempt_at=now, failing_since=None, lease=None, lease_until=None)
        .execution_options(synchronize_session=False)
    )
    return int(requeued.rowcount or 0)
