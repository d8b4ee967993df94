"""What came of a message, per A/B variant and batch: batched → sent (the gateway took it; in-app: in the inbox)
→ delivered (the host's receipt) → opened (the inbox, or the host's receipt of a tap) → visited (the campaign
page opened from it) → played (a draw in the campaign) → ordered (an order paid, by the host's events) and the
sales of those orders. Played and ordered count what a member did within :data:`ATTRIBUTION` of their delivery
being sent; a member counts once per stage, their orders each (a member reached by two messages counts for
both)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass, fields
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from games.commerce.models import HostEvent
from games.messages.models import Delivery, Message
from games.models import DrawRecord

ATTRIBUTION = timedelta(days=7)
CHUNK = 5000


@dataclass
class Stage:
    """The counts of one variant and batch (or of the whole message)."""

    variant: str
    batch: int
    batched: int = 0
    sent: int = 0
    delivered: int = 0
    opened: int = 0
    visited: int = 0
    played: int = 0
    ordered: int = 0
    orders: int = 0
    sales_fen: int = 0

    def add(self, other: Stage) -> None:
        """Add ``other``'s counts to these."""
        for field in fields(self)[2:]:
            setattr(self, field.name, getattr(self, field.name) + getattr(other, field.name))


def funnel(session: Session, message_id: int) -> dict[str, Any]:
    """The message's funnel: ``rows`` per variant and batch, ``variants`` per variant, and ``total``."""
    message = session.get(Message, message_id)
    assert message is not None
    rows: dict[tuple[str, int], Stage] = {}
    for chunk in _chunks(session, message_id):
        played = _first_plays(session, message.campaign_id, chunk)
        orders = _orders(session, chunk)
        for delivery in chunk:
            stage = rows.setdefault((delivery.variant, delivery.batch), Stage(delivery.variant, delivery.batch))
            _count(stage, delivery, played.get(delivery.user_id or 0, []), orders.get(delivery.external_id, []))
    return _summed(sorted(rows.values(), key=lambda s: (s.batch, s.variant)))


def _summed(rows: list[Stage]) -> dict[str, Any]:
    variants: dict[str, Stage] = {}
    total = Stage("", 0)
    for row in rows:
        variants.setdefault(row.variant, Stage(row.variant, 0)).add(row)
        total.add(row)
    return {"rows": [asdict(r) for r in rows], "variants": [asdict(v) for v in variants.values()],
            "total": asdict(total)}  # fmt: skip


def _count(stage: Stage, delivery: Delivery, plays: list[datetime], orders: list[tuple[datetime, int]]) -> None:
    stage.batched += 1
    if delivery.sent_at is None or delivery.state != "sent":
        return
    stage.sent += 1
    stage.delivered += delivery.delivered_at is not None
    stage.opened += delivery.opened_at is not None
    stage.visited += delivery.visited_at is not None
    until = delivery.sent_at + ATTRIBUTION
    stage.played += any(delivery.sent_at <= at < until for at in plays)
    mine = [amount for at, amount in orders if delivery.sent_at <= at < until]
    stage.ordered += bool(mine)
    stage.orders += len(mine)
    stage.sales_fen += sum(mine)


def _chunks(session: Session, message_id: int) -> Iterator[list[Delivery]]:
    after = 0
    while True:
        query = select(Delivery).where(Delivery.message_id == message_id, Delivery.id > after)
        chunk = list(session.scalars(query.order_by(Delivery.id).limit(CHUNK)))
        if not chunk:
            return
        yield chunk
        after = chunk[-1].id


def _first_plays(session: Session, campaign_id: int, chunk: list[Delivery]) -> dict[int, list[datetime]]:
    """Each member's draws in the campaign since the earliest send of the chunk."""
    users = {d.user_id for d in chunk if d.user_id is not None and d.sent_at is not None}
    since = min((d.sent_at for d in chunk if d.sent_at is not None), default=None)
    if not users or since is None:
        return {}
    query = select(DrawRecord.user_id, DrawRecord.created_at).where(
        DrawRecord.campaign_id == campaign_id, DrawRecord.user_id.in_(users), DrawRecord.created_at >= since
    )
    plays: dict[int, list[datetime]] = {}
    for user_id, at in session.execute(query):
        plays.setdefault(user_id, []).append(at)
    return plays


def _orders(session: Session, chunk: list[Delivery]) -> dict[str, list[tuple[datetime, int]]]:
    """Each member's orders paid (any campaign's events, each order once) since the earliest send of the chunk."""
    since = min((d.sent_at for d in chunk if d.sent_at is not None), default=None)
    if since is None:
        return {}
    query = select(HostEvent.user, HostEvent.subject, HostEvent.occurred_at, HostEvent.amount_fen).where(
        HostEvent.type == "order_paid", HostEvent.user.in_({d.external_id for d in chunk}),
        HostEvent.occurred_at >= since,
    )  # fmt: skip
    orders: dict[str, dict[str | None, tuple[datetime, int]]] = {}
    for user, order_ref, at, amount in session.execute(query):  # an order sent to several campaigns counts once
        orders.setdefault(user, {})[order_ref] = (at, amount or 0)
    return {user: list(by_ref.values()) for user, by_ref in orders.items()}
