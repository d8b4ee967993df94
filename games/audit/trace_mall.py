"""Every mall grant traced to the redemption that paid for it: ``mall:{order}:{unit}`` must be a unit of an order
of this campaign (``unit`` below its quantity) by the same shopper, for the good the grant names (``mall.{good}``),
delivered by Carnival (at once, never cancelled), costing what one unit of the order was worth; and an order
Carnival delivered must have one grant per unit."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from economy.mall.models import MallOrder
from economy.models import Grant

PREFIX = "mall:"


def check_mall_grants(
    session: Session, campaign_id: int, _game_grants: Iterable[Grant], report: Callable[[str, str], None]
) -> int:
    """Report each mall grant no order explains, and each order missing some of its units' grants; returns how
    many grants were traced."""
    grants = session.scalars(select(Grant).where(Grant.campaign_id == campaign_id, Grant.key.startswith(PREFIX))).all()
    orders = {
        order.id: order for order in session.scalars(select(MallOrder).where(MallOrder.campaign_id == campaign_id))
    }
    units: Counter[int] = Counter()
    traced = 0
    for grant in grants:
        order = _order_of(grant, orders)
        problem = _problem(grant, order)
        if problem is not None:
            report(problem, grant.key)
            continue
        assert order is not None
        units[order.id] += 1
        traced += 1
    for order in orders.values():  # an order Carnival delivered has its grants
        if order.delivered_by == "carnival" and not units[order.id]:
            report(f"mall order {order.id} delivered by Carnival has no grant", PREFIX + str(order.id))
    for order_id, issued in units.items():
        if issued != orders[order_id].quantity:
            report(
                f"mall order {order_id} of {orders[order_id].quantity} units has {issued} grants",
                PREFIX + str(order_id),
            )
    return traced


def _order_of(grant: Grant, orders: dict[int, MallOrder]) -> MallOrder | None:
    parts = grant.key.removeprefix(PREFIX).split(":")
    if len(parts) != 2 or not all(part.isdigit() for part in parts):
        return None
    order = orders.get(int(parts[0]))
    return order if order is not None and int(parts[1]) < order.quantity else None


def _problem(grant: Grant, order: MallOrder | None) -> str | None:
    """Why the grant does not match its order's unit (None: it does)."""
    if order is None:
        return "a mall grant that no redemption of this campaign explains"
    if order.user_id != grant.user_id or grant.prize_key != f"mall.{order.good_id}":
        return f"a mall grant to another shopper or of another good than its order {order.id}"
    if order.state != "fulfilled" or order.delivered_by != "carnival":
        return f"a mall grant of order {order.id}, which is {order.state} by {order.delivered_by}"
    worth = order.value_fen // order.quantity
    if grant.cost_fen != worth:
        return f"a mall grant costing {grant.cost_fen} fen for a unit of order {order.id} worth {worth}"
    return None
