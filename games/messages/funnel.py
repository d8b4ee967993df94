"""What came of a message, per A/B variant and batch: batched → sent (the gateway took it; in-app: in the inbox)
→ delivered (the host's receipt) → opened (the inbox, or the host's receipt of a tap) → visited (the campaign
page opened from it) → played (a draw in the campaign) → ordered (an order paid, by the host's events) and the
sales of those orders. Played and ordered count what a member did within 7 days of their delivery being sent
(:data:`games.messages.rules.ATTRIBUTION`); a member counts once per stage, their orders each (a member reached
by two messages counts for both)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from functools import cache
from typing import Any

from sqlalchemy import Select, and_, bindparam, case, exists, func, select
from sqlalchemy.orm import Session

from games.commerce.models import HostEvent
from games.messages.models import Delivery, Message
from games.models import DrawRecord


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
    """The message's funnel: ``rows`` per variant and batch, ``variants`` per variant, and ``total``, counted by
    the database in one query (a million-member send is read as a few rows)."""
    message = session.get(Message, message_id)
    assert message is not None
    found = session.execute(_funnel_query(), {"message_id": message_id, "campaign_id": message.campaign_id})
    rows = [Stage(variant, batch, *(int(count or 0) for count in counts)) for variant, batch, *counts in found]
    return _summed(sorted(rows, key=lambda s: (s.batch, s.variant)))  # by code point, whatever the collation


@cache
def _funnel_query() -> Select[Any]:
    """Built once: per variant and batch, the :class:`Stage` counts in its field order.

    A delivery counts from ``sent`` on when it was sent; it played when its member drew in the campaign in
    ``[sent_at, attributed_until)``, and its orders are the member's orders paid in that span (an order the host
    sent to several campaigns once)."""
    sent = and_(Delivery.state == "sent", Delivery.sent_at.is_not(None))
    drew = exists().where(DrawRecord.campaign_id == bindparam("campaign_id"), DrawRecord.user_id == Delivery.user_id,
                          _in_span(DrawRecord.created_at))  # fmt: skip
    members = select(Delivery.external_id).where(Delivery.message_id == bindparam("message_id"))
    first_sent = select(func.min(Delivery.sent_at)).where(Delivery.message_id == bindparam("message_id"))
    orders = (
        select(HostEvent.user, HostEvent.subject, func.min(HostEvent.occurred_at).label("at"), _amount())
        .where(HostEvent.type == "order_paid", HostEvent.user.in_(members))
        .where(HostEvent.occurred_at >= first_sent.scalar_subquery())
        .group_by(HostEvent.user, HostEvent.subject)
        .subquery()
    )
    bought = (
        select(Delivery.id, func.count().label("orders"), func.sum(orders.c.amount).label("sales"))
        .join(orders, and_(orders.c.user == Delivery.external_id, _in_span(orders.c.at)))
        .where(Delivery.message_id == bindparam("message_id"), sent)
        .group_by(Delivery.id)
        .subquery()
    )
    stages = [sent, *(and_(sent, at.is_not(None)) for at in (Delivery.delivered_at, Delivery.opened_at,
                                                            Delivery.visited_at)), and_(sent, drew)]  # fmt: skip
    return (
        select(
            Delivery.variant,
            Delivery.batch,
            func.count(),
            *map(_counted, stages),
            _counted(bought.c.orders > 0),
            func.sum(bought.c.orders),
            func.sum(bought.c.sales),
        )
        .outerjoin(bought, bought.c.id == Delivery.id)
        .where(Delivery.message_id == bindparam("message_id"))
        .group_by(Delivery.variant, Delivery.batch)
    )


def _amount() -> Any:
    """An order's amount (its events alike, the largest)."""
    return func.max(func.coalesce(HostEvent.amount_fen, 0)).label("amount")


def _in_span(moment: Any) -> Any:
    """``moment`` falls in a delivery's attribution span."""
    return and_(moment >= Delivery.sent_at, moment < Delivery.attributed_until)


def _counted(condition: Any) -> Any:
    """How many rows meet ``condition``."""
    return func.sum(case((condition, 1), else_=0))


def _summed(rows: list[Stage]) -> dict[str, Any]:
    variants: dict[str, Stage] = {}
    total = Stage("", 0)
    for row in rows:
        variants.setdefault(row.variant, Stage(row.variant, 0)).add(row)
        total.add(row)
    return {"rows": [asdict(r) for r in rows], "variants": [asdict(v) for v in variants.values()],
            "total": asdict(total)}  # fmt: skip
