"""Event intake: a batch from the host's server, each event checked by its type's schema, stored once per host
event id. The result of each event is one of ``accepted``, ``duplicate`` (the same id and body again: counted
once) or ``refused`` with a code: ``invalid_event`` (fields, by path), ``unknown_type``, ``outside_campaign``
(its time is not within the campaign's schedule; an order's delivery or refund may come after the end when the
order was paid during the campaign, so that a refund still claws back) or ``event_id_reused`` (the same id with
another body)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from economy.db import is_postgresql
from games.commerce.models import HostEvent
from games.models import Campaign

MAX_BATCH = 1000
MAX_ORDER_FEN = 10**10
TEXT = validate.Length(1, 64)
LATE_TYPES = ("order_confirmed", "order_refunded")  # may come after the campaign, for an order paid during it
LATE = (
    "the event happened outside the campaign's schedule (after it, only the delivery or refund of an order paid"
    " during it counts)"
)


class EventSchema(Schema):
    """What every event has: the host's id for it, its type, the host's user id and when it happened."""

    id = fields.String(required=True, validate=validate.Length(1, 128))
    type = fields.String(required=True, validate=validate.Length(1, 32))
    user = fields.String(required=True, validate=TEXT)
    at = fields.AwareDateTime(required=True, metadata={"description": "when it happened (ISO 8601 with a zone)"})


class OrderPaidSchema(EventSchema):
    """An order paid: its reference, amount, how it was paid (白条 or other) and its category."""

    order_ref = fields.String(required=True, validate=TEXT)
    amount_fen = fields.Integer(strict=True, required=True, validate=validate.Range(1, MAX_ORDER_FEN))
    payment = fields.String(required=True, validate=validate.OneOf(["baitiao", "other"]))
    category = fields.String(required=True, validate=TEXT)


class OrderSchema(EventSchema):
    """An order's delivery confirmed (its points are earned now), or the order refunded."""

    order_ref = fields.String(required=True, validate=TEXT)


class FriendInvitedSchema(EventSchema):
    """A friend the shopper invited (the host's id of the invitee)."""

    invitee = fields.String(required=True, validate=TEXT)


class ReviewPostedSchema(EventSchema):
    """A review the shopper posted, with photos or not."""

    photos = fields.Boolean(required=True)


EVENT_SCHEMAS: dict[str, type[EventSchema]] = {
    "order_paid": OrderPaidSchema,
    "order_confirmed": OrderSchema,
    "order_refunded": OrderSchema,
    "baitiao_opened": EventSchema,
    "friend_invited": FriendInvitedSchema,
    "review_posted": ReviewPostedSchema,
    "shared": EventSchema,
}


_LOADERS = {kind: schema() for kind, schema in EVENT_SCHEMAS.items()}  # made once: a schema holds no load state


@dataclass(frozen=True)
class EventResult:
    """What became of one event of a batch."""

    id: str | None
    result: str
    error: str | None = None
    message: str | None = None
    fields: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class _Checked:
    id: str
    row: dict[str, Any]


def take_events(session: Session, campaign: Campaign, events: list[Any], now: datetime) -> list[EventResult]:
    """Check and store a batch of ``events`` for ``campaign`` in the caller's transaction; one result per event,
    in order. A concurrent batch holding the same event id stores it once (the table's unique id): whichever
    commits first has it accepted, the other reads it as a duplicate (same body) or ``event_id_reused``."""
    results: list[EventResult | None] = []
    checked: list[_Checked] = []
    for event in events:
        outcome = _check(event, campaign, now)
        results.append(outcome if isinstance(outcome, EventResult) else None)
        if isinstance(outcome, _Checked):
            checked.append(outcome)
    checked = _late_orders_paid_in_time(session, campaign, checked, results)
    stored = _store(session, checked)
    found = iter(stored)
    return [result if result is not None else next(found) for result in results]


def _late_orders_paid_in_time(
    session: Session, campaign: Campaign, checked: list[_Checked], results: list[EventResult | None]
) -> list[_Checked]:
    """Keep a delivery or refund reported after the campaign's end only when its order was paid during the campaign
    (stored before, or in this batch); refuse the others as ``outside_campaign`` in place."""
    late = [item for item in checked if item.row["occurred_at"] >= campaign.ends_at]
    if not late:
        return checked
    paid_here = {item.row["subject"] for item in checked if item.row["type"] == "order_paid"}
    wanted = {item.row["subject"] for item in late} - paid_here
    query = select(HostEvent.subject).where(
        HostEvent.campaign_id == campaign.id, HostEvent.type == "order_paid", HostEvent.subject.in_(wanted)
    )
    paid = paid_here | set(session.scalars(query))
    refused = {id(item) for item in late if item.row["subject"] not in paid}
    slots = iter(index for index, result in enumerate(results) if result is None)
    for item in checked:
        index = next(slots)
        if id(item) in refused:
            results[index] = EventResult(item.id, "refused", "outside_campaign", LATE)
    return [item for item in checked if id(item) not in refused]


def _check(event: Any, campaign: Campaign, now: datetime) -> EventResult | _Checked:
    event_id = event.get("id") if isinstance(event, dict) and isinstance(event.get("id"), str) else None
    if not isinstance(event, dict):
        return EventResult(None, "refused", "invalid_event", "an event is a JSON object")
    schema = _LOADERS.get(event.get("type"))  # type: ignore[arg-type]
    if schema is None:
        known = ", ".join(sorted(EVENT_SCHEMAS))
        return EventResult(
            event_id, "refused", "unknown_type", f"unknown event type {event.get('type')!r} (known: {known})"
        )
    try:
        loaded = schema.load(event)
    except ValidationError as error:
        messages = {str(k): v if isinstance(v, list) else [str(v)] for k, v in error.normalized_messages().items()}
        return EventResult(event_id, "refused", "invalid_event", "some fields are invalid", messages)
    late = loaded["at"] >= campaign.ends_at and loaded["type"] in LATE_TYPES  # checked against its order's payment
    if not campaign.starts_at <= loaded["at"] < campaign.ends_at and not late:
        return EventResult(
            event_id, "refused", "outside_campaign", "the event happened outside the campaign's schedule"
        )
    body = json.dumps(event, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    row = {
        "event_id": loaded["id"],
        "campaign_id": campaign.id,
        "type": loaded["type"],
        "user": loaded["user"],
        "occurred_at": loaded["at"],
        "received_at": now,
        "body_json": body,
        "body_hash": hashlib.sha256(body.encode()).hexdigest(),
        "subject": loaded.get("order_ref") or loaded.get("invitee"),
        "category": loaded.get("category"),
        "amount_fen": loaded.get("amount_fen"),
    }
    return _Checked(loaded["id"], row)


def _store(session: Session, checked: list[_Checked]) -> list[EventResult]:
    """Insert each id's first event (``ON CONFLICT DO NOTHING ... RETURNING``: the ids this transaction stored),
    then read back the stored hash of the ids taken before: an event is accepted when it is the one stored here,
    a duplicate when its body is the stored one, and ``event_id_reused`` otherwise."""
    if not checked:
        return []
    first: dict[str, dict[str, Any]] = {}
    for item in checked:
        first.setdefault(item.id, item.row)
    inserted = _insert_new(session, list(first.values()))
    taken_before = [event_id for event_id in first if event_id not in inserted]  # usually none: no read-back
    stored = {event_id: first[event_id]["body_hash"] for event_id in inserted}
    if taken_before:
        query = select(HostEvent.event_id, HostEvent.body_hash).where(HostEvent.event_id.in_(taken_before))
        stored.update({event_id: body_hash for event_id, body_hash in session.execute(query)})
    results = []
    for item in checked:
        if item.id in inserted and first[item.id] is item.row:
            results.append(EventResult(item.id, "accepted"))
        elif stored.get(item.id) == item.row["body_hash"]:
            results.append(EventResult(item.id, "duplicate"))
        else:
            message = "this event id was sent before with another body"
            results.append(EventResult(item.id, "refused", "event_id_reused", message))
    return results


def _insert_new(session: Session, rows: list[dict[str, Any]]) -> set[str]:
    """Insert ``rows``, skipping ids stored already (or by a concurrent batch); the ids inserted."""
    dialect = postgresql if is_postgresql(session) else sqlite
    table = HostEvent.__table__
    statement = dialect.insert(table).on_conflict_do_nothing().returning(table.c.event_id)
    return set(session.execute(statement, rows).scalars())  # one statement, sent in batches ("insertmanyvalues")
