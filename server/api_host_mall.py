"""Host-app API of the points mall: the orders waiting for delivery (paged), and the host's word that it delivered
one or cancelled it (points refunded keeping their expiry, stock returned). Signed like the rest of the host API."""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields, validate, validates_schema
from sqlalchemy import select

from economy.mall.catalog import orders_in
from economy.mall.models import MallGood, MallOrder
from economy.mall.redeem import cancel, fulfil
from economy.mall.tiers import earned_in_month, tier_for
from server import db
from server.api_host import SIGNATURE_HEADERS, SIGNED, require_host_signature
from server.errors import ApiError
from server.models import User
from server.routing import ROW_ID_MAX
from server.schemas import ApiErrorSchema

blp = Blueprint("host-mall", __name__, url_prefix="/api/host", description="The host app's server: mall orders")


class OrderQuerySchema(Schema):
    """The page of orders the host asks for."""

    state = fields.String(load_default="placed", validate=validate.OneOf(["placed", "fulfilled", "cancelled"]))
    after = fields.Integer(load_default=0, validate=validate.Range(0, ROW_ID_MAX), metadata={"description": "cursor"})
    limit = fields.Integer(load_default=500, validate=validate.Range(1, 5000))


class HostOrderSchema(Schema):
    """A mall order as the host delivers it."""

    id = fields.Integer()
    user = fields.String(allow_none=True, metadata={"description": "the host's user id"})
    campaign_id = fields.Integer()
    good_id = fields.Integer()
    good_name = fields.String()
    kind = fields.String()
    quantity = fields.Integer()
    points = fields.Integer()
    cash_fen = fields.Integer(metadata={"description": "the cash part the host settles with the shopper"})
    state = fields.String()
    created_at = fields.DateTime()
    settled_at = fields.DateTime(allow_none=True)


class HostOrderPageSchema(Schema):
    """A page of orders and the cursor of the next (null: last page)."""

    orders = fields.List(fields.Nested(HostOrderSchema))
    next = fields.Integer(allow_none=True)


@blp.route("/mall/orders", methods=["GET"])
@require_host_signature
@blp.doc(parameters=SIGNATURE_HEADERS, security=SIGNED)
@blp.arguments(OrderQuerySchema, location="query")
@blp.response(200, HostOrderPageSchema)
@blp.alt_response(401, schema=ApiErrorSchema, description="missing, stale or invalid signature, unknown key")
def orders(query: dict[str, Any]) -> dict[str, Any]:
    """Orders in ``state`` (placed: waiting for delivery), oldest first; pass ``next`` back as ``after``."""
    db_session = db.session()
    with db_session.begin():
        found = orders_in(db_session, query["state"], query["after"], query["limit"])
        page = [_order(db_session, order) for order in found]
    return {"orders": page, "next": found[-1].id if len(found) == query["limit"] else None}


@blp.route("/mall/orders/<int:order_id>/fulfilled", methods=["POST"])
@require_host_signature
@blp.doc(parameters=SIGNATURE_HEADERS, security=SIGNED)
@blp.response(200, HostOrderSchema)
@blp.alt_response(401, schema=ApiErrorSchema, description="missing, stale or invalid signature, unknown key")
@blp.alt_response(404, schema=ApiErrorSchema, description="order_not_found")
@blp.alt_response(409, schema=ApiErrorSchema, description="order_cancelled")
def fulfilled(order_id: int) -> dict[str, Any]:
    """The host delivered the order (saying it again changes nothing)."""
    with db.transaction() as db_session:
        order = fulfil(db_session, order_id, db.now())
        if order is None:
            raise ApiError(404, "order_not_found", f"no order {order_id}")
        if order.state == "cancelled":
            raise ApiError(409, "order_cancelled", "this order was cancelled")
        return _order(db_session, order)


@blp.route("/mall/orders/<int:order_id>/cancelled", methods=["POST"])
@require_host_signature
@blp.doc(parameters=SIGNATURE_HEADERS, security=SIGNED)
@blp.response(200, HostOrderSchema)
@blp.alt_response(401, schema=ApiErrorSchema, description="missing, stale or invalid signature, unknown key")
@blp.alt_response(404, schema=ApiErrorSchema, description="order_not_found")
@blp.alt_response(409, schema=ApiErrorSchema, description="order_settled")
def cancelled(order_id: int) -> dict[str, Any]:
    """The host could not deliver: the order is cancelled, its points refunded keeping their expiry, its stock back
    (saying it again changes nothing)."""
    with db.transaction() as db_session:
        order = cancel(db_session, order_id, db.now())
        if order is None:
            raise ApiError(404, "order_not_found", f"no order {order_id}")
        if order.state == "fulfilled":
            raise ApiError(409, "order_settled", "this order was delivered already")
        answer = _order(db_session, order)
    current_app.extensions["carnival.mall_gate"].forget(order.good_id)  # its units are back on sale
    return answer


def _order(db_session: Any, order: MallOrder) -> dict[str, Any]:
    good = db_session.get(MallGood, order.good_id)
    user = db_session.scalar(select(User.external_id).where(User.id == order.user_id))
    columns = ("id", "campaign_id", "good_id", "quantity", "points", "cash_fen", "state", "created_at", "settled_at")
    return {**{c: getattr(order, c) for c in columns}, "user": user, "good_name": good.name, "kind": good.kind}


class TierQuerySchema(Schema):
    """The shopper and the month to evaluate."""

    user = fields.String(required=True, validate=validate.Length(1, 64), metadata={"description": "host user id"})
    month = fields.String(
        required=True, validate=validate.Regexp(r"^\d{4}-(0[1-9]|1[0-2])$", error="use YYYY-MM"),
        metadata={"description": "YYYY-MM"},
    )  # fmt: skip
    timezone = fields.String(load_default="Asia/Shanghai", validate=validate.Length(1, 64))

    @validates_schema
    def _zone(self, data: dict[str, Any], **_: Any) -> None:
        try:
            ZoneInfo(data["timezone"])
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValidationError(f"unknown time zone '{data['timezone']}'", "timezone") from error


class TierSchema(Schema):
    """The points a shopper earned in the month and the tier the rule gives."""

    user = fields.String()
    month = fields.String()
    earned = fields.Integer()
    tier = fields.String(metadata={"description": "normal, silver (1,000+), gold (5,000+) or diamond (20,000+)"})


@blp.route("/mall/tier", methods=["GET"])
@require_host_signature
@blp.doc(parameters=SIGNATURE_HEADERS, security=SIGNED)
@blp.arguments(TierQuerySchema, location="query")
@blp.response(200, TierSchema)
@blp.alt_response(401, schema=ApiErrorSchema, description="missing, stale or invalid signature, unknown key")
def tier(query: dict[str, Any]) -> dict[str, Any]:
    """The member tier the monthly rule gives a shopper for the points they earned in ``month`` (a rule the host may
    use or override: it sends the tier in its launch tokens)."""
    db_session = db.session()
    with db_session.begin():
        user_id = db_session.scalar(select(User.id).where(User.external_id == query["user"]))
        first = date.fromisoformat(query["month"] + "-01")
        earned = earned_in_month(db_session, user_id, first, query["timezone"]) if user_id is not None else 0
    return {"user": query["user"], "month": query["month"], "earned": earned, "tier": tier_for(earned)}
