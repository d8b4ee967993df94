"""Shopper API of the points mall (积分商城): the catalog at the shopper's tier price, redeeming a good (one atomic
action, idempotent by the Idempotency-Key), the shopper's orders and cancelling one not yet delivered."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from flask import Response, current_app, request
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from economy import ledger
from economy.errors import Refusal
from economy.mall.catalog import Shown, discount_percent, orders_of, shopper_view, shown
from economy.mall.models import MallGood, MallOrder
from economy.mall.pricing import TIER_RANKS
from economy.mall.redeem import RedeemRequest, cancel, issued_reward, redeem_placing
from games.engine.contract import Rejection
from games.engine.play import active_campaign
from games.fairness.periods import local_day
from server import db
from server.api_play import IDEMPOTENCY_HEADER
from server.auth import require_role
from server.errors import SHOPPER_ERRORS, ApiError, documented_role, rejection_error
from server.idempotency import KEY_PATTERN
from server.mall_gate import StockGate
from server.models import User

blp = Blueprint("play-mall", __name__, url_prefix="/api/play", description="Shoppers redeem points (积分商城)")
EXPIRING_DAYS = 30
DELIVERED_BY = (
    "carnival: issued into the shopper's prizes at the redemption (coupons, red packets, gift cards); "
    "host: delivered by the host app"
)
DEADLOCK_TRIES, DEADLOCK_DETECTED = 3, "40P01"
TIER_NAMES = {rank: tier for tier, rank in TIER_RANKS.items()}
RETRY_SOON = {"retry_after": 1}
REFUSAL_STATUS = {"good_not_found": 404, "not_on_sale": 409, "tier_too_low": 403, "over_single_limit": 422,
                  "daily_limit": 409, "total_limit": 409, "key_reused": 422, "out_of_stock": 409,
                  "insufficient_balance": 409, "points_on_hold": 409, "budget_exhausted": 409,
                  "one_at_a_time": 422, "busy": 409}  # fmt: skip


class RedeemSchema(Schema):
    """How many units to redeem."""

    quantity = fields.Integer(strict=True, load_default=1, validate=validate.Range(1, 10))


class MallGoodSchema(Schema):
    """A good at the shopper's price."""

    id = fields.Integer()
    name = fields.String()
    name_en = fields.String(allow_none=True)
    kind = fields.String()
    category = fields.String()
    image = fields.String(allow_none=True)
    points = fields.Integer(metadata={"description": "the shopper's price for one unit, after their tier's discount"})
    list_points = fields.Integer(metadata={"description": "the price before the discount"})
    cash_fen = fields.Integer()
    value_fen = fields.Integer()
    stock_left = fields.Integer()
    daily_limit = fields.Integer(allow_none=True)
    total_limit = fields.Integer(allow_none=True)
    sale = fields.String(metadata={"description": "on_sale, coming, ended or sold_out"})
    tier_allowed = fields.Boolean()
    min_tier = fields.String(
        metadata={"description": "the lowest tier that may redeem it: normal, silver, gold, diamond"}
    )
    used_today = fields.Integer(metadata={"description": "units the shopper redeemed today (cancelled aside)"})
    used_total = fields.Integer(metadata={"description": "units the shopper redeemed in all (cancelled aside)"})
    starts_at = fields.DateTime(allow_none=True)
    ends_at = fields.DateTime(allow_none=True)
    delivered_by = fields.String(metadata={"description": DELIVERED_BY})


class MallOrderSchema(Schema):
    """A redemption."""

    id = fields.Integer()
    good_id = fields.Integer()
    good_name = fields.String(metadata={"description": "the good's name when redeemed (kept if the good goes)"})
    good_name_en = fields.String(allow_none=True)
    good_image = fields.String(allow_none=True)
    quantity = fields.Integer()
    points = fields.Integer()
    cash_fen = fields.Integer()
    value_fen = fields.Integer()
    tier = fields.String()
    state = fields.String(metadata={"description": "placed, fulfilled or cancelled"})
    delivered_by = fields.String(metadata={"description": DELIVERED_BY})
    created_at = fields.DateTime()
    settled_at = fields.DateTime(allow_none=True)


class MallSchema(Schema):
    """The mall home: the catalog, the shopper's points (and what expires within 30 days), tier and discount."""

    goods = fields.List(fields.Nested(MallGoodSchema))
    points = fields.Integer()
    points_expiring = fields.Integer()
    tier = fields.String()
    discount_percent = fields.Integer()
    timezone = fields.String(metadata={"description": "the campaign's, for days and windows"})


@blp.route("/<int:campaign_id>/mall", methods=["GET"])
@require_role("shopper")
@blp.response(200, MallSchema)
@documented_role(blp, "shopper", {**SHOPPER_ERRORS, 404: "no such campaign"})
def mall(campaign_id: int, user: User) -> Response:
    """The catalog at the shopper's tier price, their points and what expires soon. Its reads need no transaction:
    the shopper's figures come from one statement, the goods from the catalog as read at most a second ago."""
    db_session = db.statements_alone()
    campaign, now = _running(campaign_id)
    day, until = local_day(now, campaign.timezone), now + timedelta(days=EXPIRING_DAYS)
    view = shopper_view(db_session, campaign_id, user.id, day, now, until)
    listed = current_app.extensions["carnival.mall_catalogs"].goods(db_session, campaign_id)
    db_session.commit()
    goods = [_good(shown(g, user.tier, now, view.stock_left.get(g.id)), view.used.get(g.id, (0, 0))) for g in listed]
    answer = {"goods": goods, "timezone": campaign.timezone, "points": view.points,
              "points_expiring": view.points_expiring, "tier": user.tier,
              "discount_percent": discount_percent(user.tier)}  # fmt: skip
    return current_app.json.response(answer)  # built as MallSchema dumps it (the hot path skips the dump)


@blp.route("/<int:campaign_id>/mall/<int:good_id>/redeem", methods=["POST"])
@require_role("shopper")
@blp.doc(parameters=[IDEMPOTENCY_HEADER])
@blp.arguments(RedeemSchema)
@blp.response(200, MallOrderSchema)
@documented_role(
    blp, "shopper", {**SHOPPER_ERRORS, 404: "good_not_found",
                     409: "out_of_stock, busy (try again), not on sale, a limit, not enough points",
                     422: "over_single_limit, one_at_a_time, key_reused"}
)  # fmt: skip
def redeem_good(body: dict[str, Any], campaign_id: int, good_id: int, user: User) -> dict[str, Any]:
    """Redeem a good: points, stock, limits and the ¥500 rule in one action; the same key answers the same order."""
    key = request.headers.get("Idempotency-Key") or ""
    if not KEY_PATTERN.match(key):
        raise ApiError(400, "idempotency_key_required", "send an Idempotency-Key header of 8-128 characters")
    user_id, quantity = user.id, body["quantity"]
    asked = RedeemRequest(f"mall:{user_id}:{key}", campaign_id, user_id, good_id, quantity, user.tier, "")
    gate: StockGate = current_app.extensions["carnival.mall_gate"]
    admitted = gate.admit(good_id, quantity, lambda: _stock_left(campaign_id, good_id)) if _gated(asked) else None
    if admitted is False:  # the units are all admitted: answered without the redemption's transaction
        return _sold_out_answer(asked)
    try:
        order, taken = _redeem(asked)
    except BaseException:
        if admitted:
            gate.give_back(good_id, quantity)
        raise
    if admitted and not taken:
        gate.give_back(good_id, quantity)
    return _answered(order)


def _gated(asked: RedeemRequest) -> bool:
    """Whether the gate may answer for this redemption: the good is in the campaign's catalog (as read at most a
    second ago), on sale or sold out, for the shopper's tier. Anything else (not on sale yet, ended, another tier,
    another campaign's good) is the transaction's to refuse, without taking a unit from the gate."""
    db_session = db.session()
    with db_session.begin():
        listed = current_app.extensions["carnival.mall_catalogs"].goods(db_session, asked.campaign_id)
    good = next((g for g in listed if g.id == asked.good_id), None)
    if good is None:
        return False
    seen = shown(good, asked.tier, db.now())
    return seen.tier_allowed and seen.sale in ("on_sale", "sold_out")


def _redeem(asked: RedeemRequest) -> tuple[MallOrder, bool]:
    """The redemption's transaction (on the campaign's day now): the order, and whether it was placed now. A
    deadlock PostgreSQL broke is tried again (twice at most): the redemption is idempotent by its key."""
    for attempt in range(DEADLOCK_TRIES):
        try:
            with _refusals(), db.transaction() as db_session:
                campaign, now = _running(asked.campaign_id)
                today = replace(asked, day=local_day(now, campaign.timezone))
                return redeem_placing(db_session, today, now, whole_transaction=True)
        except OperationalError as error:
            if attempt == DEADLOCK_TRIES - 1 or getattr(error.orig, "sqlstate", None) != DEADLOCK_DETECTED:
                raise
    raise AssertionError("unreachable")


def _stock_left(campaign_id: int, good_id: int) -> int | None:
    """The good's stock left as committed (what the gate's counter is built from); None: no such good here."""
    db_session = db.session()
    with db_session.begin():
        query = select(MallGood.stock_left).where(MallGood.id == good_id, MallGood.campaign_id == campaign_id)
        return db_session.scalar(query)


def _sold_out_answer(asked: RedeemRequest) -> dict[str, Any]:
    """The gate admitted every unit: the order the key placed, else ``out_of_stock`` when the units are gone as
    committed, else ``busy`` (admitted redemptions that may yet fail hold the last units: try again in a moment).

    With no unit left as committed, every redemption that took one has committed, so the key's order (if any) is
    read as is. With units left, a first attempt of this key may still be running: the shopper's lock is taken
    first, so the answer waits for it."""
    with _refusals(), db.transaction() as db_session:
        _running(asked.campaign_id)
        left = db_session.scalar(
            select(MallGood.stock_left).where(MallGood.id == asked.good_id, MallGood.campaign_id == asked.campaign_id)
        )
        if left is not None and left >= asked.quantity:
            ledger.lock_points(db_session, asked.user_id)
        earlier = db_session.scalars(select(MallOrder).where(MallOrder.key == asked.key)).one_or_none()
        if earlier is not None:
            if (earlier.user_id, earlier.good_id, earlier.quantity) != (asked.user_id, asked.good_id, asked.quantity):
                raise ApiError(422, "key_reused", "this idempotency key placed another redemption")
            return _order(db_session, earlier)
    if left is not None and left >= asked.quantity:
        raise ApiError(409, "busy", "others are redeeming the last units: try again in a moment", details=RETRY_SOON)
    raise ApiError(REFUSAL_STATUS["out_of_stock"], "out_of_stock", "this good is sold out")


@blp.route("/<int:campaign_id>/mall/orders", methods=["GET"])
@require_role("shopper")
@blp.response(200, MallOrderSchema(many=True))
@documented_role(blp, "shopper", SHOPPER_ERRORS)
def my_orders(campaign_id: int, user: User) -> list[dict[str, Any]]:
    """The shopper's redemptions, newest first."""
    db_session = db.session()
    with db_session.begin():
        return [_order(db_session, order) for order in orders_of(db_session, campaign_id, user.id)]


@blp.route("/<int:campaign_id>/mall/orders/<int:order_id>/cancel", methods=["POST"])
@require_role("shopper")
@blp.response(200, MallOrderSchema)
@documented_role(blp, "shopper", {**SHOPPER_ERRORS, 404: "order_not_found", 409: "order_settled"})
def cancel_order(campaign_id: int, order_id: int, user: User) -> dict[str, Any]:
    """Cancel one's own order the host has not delivered yet: the points come back keeping their expiry."""
    with db.transaction() as db_session:
        order = db_session.get(MallOrder, order_id)
        if order is None or order.user_id != user.id or order.campaign_id != campaign_id:
            raise ApiError(404, "order_not_found", f"no order {order_id} of yours")
        if order.state == "fulfilled":
            raise ApiError(409, "order_settled", "this order was delivered already")
        cancelled = cancel(db_session, order_id, db.now())
        assert cancelled is not None
    current_app.extensions["carnival.mall_catalogs"].forget(campaign_id)
    current_app.extensions["carnival.mall_gate"].forget(cancelled.good_id)  # its units are back on sale
    return _answered(cancelled)


def _running(campaign_id: int) -> tuple[Any, Any]:
    now = db.now()
    try:
        return active_campaign(db.session(), campaign_id, now), now
    except Rejection as rejection:
        raise rejection_error(rejection) from rejection


def _good(seen: Shown, used: tuple[int, int]) -> dict[str, Any]:
    """A good as :class:`MallGoodSchema` dumps it (JSON-ready: times in ISO 8601)."""
    good = seen.good
    columns = ("id", "name", "name_en", "kind", "category", "image", "cash_fen", "value_fen", "stock_left",
               "daily_limit", "total_limit")  # fmt: skip
    left = {"stock_left": seen.stock_left} if seen.stock_left is not None else {}
    window = {"starts_at": _iso(good.starts_at), "ends_at": _iso(good.ends_at)}
    return {**{c: getattr(good, c) for c in columns}, **left, **window, "points": seen.points,
            "list_points": good.points_price, "sale": seen.sale, "tier_allowed": seen.tier_allowed,
            "min_tier": TIER_NAMES.get(good.min_tier_rank, "normal"), "used_today": used[0], "used_total": used[1],
            "delivered_by": _delivered_by(good)}  # fmt: skip


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _delivered_by(good: MallGood) -> str:
    return "carnival" if issued_reward(good) is not None else "host"


def _answered(order: MallOrder) -> dict[str, Any]:
    """The order as the shopper's answer (with its good's names and how it is delivered). The names come from the
    catalog as read at most a second ago when the good is listed there (no transaction), else from the good."""
    db_session = db.session()
    with db_session.begin():
        listed = current_app.extensions["carnival.mall_catalogs"].goods(db_session, order.campaign_id)
        good = next((g for g in listed if g.id == order.good_id), None)
        return _order(db_session, order, good)


def _order(db_session: Any, order: MallOrder, good: MallGood | None = None) -> dict[str, Any]:
    good = good or db_session.get(MallGood, order.good_id)
    columns = ("id", "good_id", "quantity", "points", "cash_fen", "value_fen", "tier", "state", "delivered_by",
               "created_at", "settled_at")  # fmt: skip
    names = {"good_name": good.name, "good_name_en": good.name_en, "good_image": good.image} if good else {}
    return {**{c: getattr(order, c) for c in columns}, **names}


@contextmanager
def _refusals() -> Iterator[None]:
    """Turn the economy's refusals into API errors (the transaction rolls back: nothing changed)."""
    try:
        yield
    except Refusal as refusal:
        raise ApiError(REFUSAL_STATUS.get(refusal.code, 409), refusal.code, refusal.message) from refusal
