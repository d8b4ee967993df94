"""Making a message's batches: the next N members of its segment become deliveries, one per member and message.

A batch is made in one transaction with the message's row locked (two workers never batch one message at
once): members who opted out are recorded as ``opted_out``; the others each take one of the day's contacts under
the cap (one conditional update for the whole batch, so sends racing from several campaigns never pass it) and are
``queued`` for the gateway, or ``capped``. The message's cursor (the last member batched) moves in the same
transaction, so a batch interrupted half-way is made again whole. A message sent only in-app needs no gateway: its
deliveries are ``sent`` at once (they are in the shoppers' inboxes)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from economy.db import is_postgresql
from games.messages.config import GATEWAY_CHANNELS
from games.messages.models import ContactDay, Delivery, Message, OptOut
from games.messages.rules import ATTRIBUTION, DailyHours, SendPolicy, local_day, may_send, next_send_time, variant_for

Member = tuple[str, int | None, str | None]
"""A segment's member: host user id, Carnival id or None, their time zone or None (then the campaign's)."""
MembersAfter = Callable[[Message, str, int], list[Member]]
"""The next ``limit`` members of a message's segment after a host user id."""


@dataclass(frozen=True)
class BatchMade:
    """What making one batch did."""

    message_id: int
    batch: int
    queued: int
    capped: int
    opted_out: int


def due_messages(session: Session, now: datetime) -> list[int]:
    """The messages whose next batch is due at ``now``."""
    query = select(Message.id).where(Message.state == "scheduled", Message.next_batch_at <= now)
    return list(session.scalars(query.order_by(Message.next_batch_at, Message.id)))


def make_batch(
    session: Session, message_id: int, now: datetime, policy: SendPolicy, timezone: str, members: MembersAfter
) -> BatchMade | None:
    """Make the message's next batch if it is due now and may go out (``None`` otherwise: not due, paused or
    stopped, outside its window or in quiet hours, when the next try is set, or no members left, when it is done)."""
    message = session.get(Message, message_id, with_for_update=is_postgresql(session), populate_existing=True)
    if message is None or message.state != "scheduled" or message.next_batch_at is None or message.next_batch_at > now:
        return None
    config = json.loads(message.config_json)
    window = DailyHours.parse(config["window"])
    if not may_send(now, window, policy, timezone):
        message.next_batch_at = next_send_time(now, window, policy, timezone) or now + timedelta(days=1)
        return None
    held = _guard_holds(session, message, config.get("guard"))
    if held:
        message.state, message.note, message.updated_at = "paused", held, now
        return None
    batch = members(message, message.cursor, config["batch_size"])
    if not batch:
        message.state, message.next_batch_at, message.updated_at = "done", None, now
        return None
    made = _deliveries(session, message, config, batch, now, policy, timezone)
    message.cursor, message.batches = batch[-1][0], message.batches + 1
    message.next_batch_at, message.updated_at = now + timedelta(minutes=config["batch_minutes"]), now
    session.flush()
    return made


def _guard_holds(session: Session, message: Message, guard: dict[str, Any] | None) -> str | None:
    """Why the send pauses before its next batch: the last batch's response fell under the guard (``None``: go
    on). Each batch is judged once, when the next is due; one none of whose deliveries were sent holds nothing."""
    if guard is None or message.judged >= message.batches:
        return None
    reached = getattr(Delivery, f"{guard['stage']}_at")
    last = (Delivery.message_id == message.id, Delivery.batch == message.batches, Delivery.state == "sent")
    sent, hit = session.execute(select(func.count(), func.count(reached)).where(*last)).one()
    message.judged = message.batches  # judged once: resumed after a pause, the send goes on
    if sent == 0 or hit * 100 >= guard["min_percent"] * sent:
        return None
    return f"batch {message.batches}: {hit * 100 // sent}% {guard['stage']}, under {guard['min_percent']}%"


def _deliveries(
    session: Session,
    message: Message,
    config: dict[str, Any],
    batch: list[Member],
    now: datetime,
    policy: SendPolicy,
    timezone: str,
) -> BatchMade:
    ids = [external_id for external_id, _, _ in batch]
    opted = set(session.scalars(select(OptOut.external_id).where(OptOut.external_id.in_(ids))))
    today = local_day(now, timezone)
    allowed = take_contacts(session, [i for i in ids if i not in opted], today, policy.daily_cap)
    shares = [(variant["key"], variant["share"]) for variant in config["variants"]]
    queued_state = "queued" if GATEWAY_CHANNELS & set(config["channels"]) else "sent"
    window = DailyHours.parse(config["window"])
    zones = {own_zone or timezone for _, _, own_zone in batch}  # a few: each one's opening found once
    first_tries = {zone: _first_try(now, window, policy, zone) for zone in zones}
    rows = []
    for external_id, user_id, own_zone in batch:
        state = "opted_out" if external_id in opted else queued_state if external_id in allowed else "capped"
        first_try = first_tries[own_zone or timezone] if state == "queued" else None
        rows.append({
            "message_id": message.id, "batch": message.batches + 1, "external_id": external_id, "user_id": user_id,
            "variant": variant_for(message.id, external_id, shares), "state": state, "attempts": 0,
            "next_attempt_at": first_try, "created_at": now, "timezone": own_zone,
            "sent_at": now if state == "sent" else None,
            "attributed_until": now + ATTRIBUTION if state == "sent" else None,
            "contact_day": today if state in ("queued", "sent") else None,
        })  # fmt: skip
    _insert_new(session, rows)
    capped = sum(row["state"] == "capped" for row in rows)
    return BatchMade(message.id, message.batches + 1, len(rows) - capped - len(opted), capped, len(opted))


def _first_try(now: datetime, window: DailyHours, policy: SendPolicy, timezone: str) -> datetime:
    """When a member's delivery may first go out: now, or their window's next opening outside quiet hours in
    their own time zone (a batch made in the campaign's evening reaches a shopper abroad in theirs)."""
    return next_send_time(now, window, policy, timezone) or now


def take_contacts(session: Session, external_ids: list[str], day: str, cap: int) -> set[str]:
    """Take one of ``day``'s contacts for each shopper still under ``cap``; the shoppers who got one."""
    if not external_ids:
        return set()
    _insert_new_contacts(session, [{"external_id": i, "day": day, "count": 0} for i in external_ids])
    if is_postgresql(session):  # rows locked in one order: batches of several messages sharing shoppers never deadlock
        mine = ContactDay.day == day, ContactDay.external_id.in_(external_ids)
        session.execute(select(ContactDay.external_id).where(*mine).order_by(ContactDay.external_id).with_for_update())
    taken = session.execute(
        update(ContactDay)
        .where(ContactDay.day == day, ContactDay.external_id.in_(external_ids), ContactDay.count < cap)
        .values(count=ContactDay.count + 1)
        .returning(ContactDay.external_id)
        .execution_options(synchronize_session=False)
    )
    return set(taken.scalars())


def _insert_new(session: Session, rows: list[dict[str, Any]]) -> None:
    dialect = postgresql if is_postgresql(session) else sqlite
    session.execute(dialect.insert(Delivery).on_conflict_do_nothing(), rows)


def _insert_new_contacts(session: Session, rows: list[dict[str, Any]]) -> None:
    dialect = postgresql if is_postgresql(session) else sqlite
    session.execute(dialect.insert(ContactDay).on_conflict_do_nothing(), rows)
