"""Ops API of the points mall: a mall campaign's goods (list, add, edit), each change in the audit trail; stock,
redemptions and each good's sale state (its 限时兑换 window read on the server's clock) live in the list; the form
description of a good for the console."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from typing import Any

from flask import Response, current_app
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields, validate, validates_schema
from sqlalchemy import func, select

from economy.mall.catalog import goods, shown
from economy.mall.models import MallGood, MallOrder
from economy.mall.pricing import SINGLE_REDEMPTION_MAX_FEN
from economy.mall.reports import liability, redemptions, sold_out
from games.campaigns import admin
from games.fairness.pools import IMAGE, CouponSchema
from server import db
from server.api_ops import actor_name, campaign_or_404
from server.auth import require_role
from server.errors import ApiError, documented_role
from server.forms import describe
from server.idempotency import idempotent
from server.models import User

blp = Blueprint("ops-mall", __name__, url_prefix="/api/ops", description="Ops edit the points mall's catalog")
KINDS = ("physical", "coupon", "red_packet", "gift_card", "virtual")


class MallCouponSchema(CouponSchema):
    """The coupon a coupon good issues into the shopper's prizes."""


class GoodSchema(Schema):
    """A good as ops write it (the stock given is the stock left: raising it adds stock)."""

    name = fields.String(required=True, validate=validate.Length(1, 80))
    name_en = fields.String(load_default=None, allow_none=True, validate=validate.Length(1, 120))
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    category = fields.String(required=True, validate=validate.Length(1, 40))
    image = fields.String(load_default=None, allow_none=True, validate=IMAGE)
    points_price = fields.Integer(strict=True, required=True, validate=validate.Range(1, 10_000_000))
    cash_fen = fields.Integer(strict=True, load_default=0, validate=validate.Range(0, SINGLE_REDEMPTION_MAX_FEN))
    value_fen = fields.Integer(strict=True, required=True, validate=validate.Range(1, SINGLE_REDEMPTION_MAX_FEN))
    stock_left = fields.Integer(strict=True, required=True, validate=validate.Range(0, 10_000_000))
    daily_limit = fields.Integer(strict=True, load_default=None, allow_none=True, validate=validate.Range(1, 1000))
    total_limit = fields.Integer(strict=True, load_default=None, allow_none=True, validate=validate.Range(1, 10_000))
    min_tier_rank = fields.Integer(strict=True, load_default=0, validate=validate.Range(0, 3))
    starts_at = fields.AwareDateTime(load_default=None, allow_none=True)
    ends_at = fields.AwareDateTime(load_default=None, allow_none=True)
    sort = fields.Integer(strict=True, load_default=0, validate=validate.Range(-10_000, 10_000))
    coupon = fields.Nested(
        MallCouponSchema, load_default=None, allow_none=True,
        metadata={"x-only-for": {"kind": ["coupon"]},
                  "description": "the coupon Carnival issues into the shopper's prizes (its cost to the budget is the "
                                 "good's value); without one, a coupon good is the host's to deliver"},
    )  # fmt: skip

    @validates_schema
    def _window(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            raise ValidationError("the window must end after it starts", "ends_at")
        if data.get("coupon") and data["kind"] != "coupon":
            raise ValidationError("only a coupon good carries a coupon", "coupon")


class GoodEditSchema(GoodSchema):
    """A good as ops change it, with the stock left they saw: redemptions since then make the edit a conflict."""

    expected_stock_left = fields.Integer(
        strict=True, load_default=None, allow_none=True, validate=validate.Range(0, 10_000_000),
        metadata={"description": "the stock left when the editor loaded the good; another value now answers 409"},
    )  # fmt: skip


class OpsGoodSchema(GoodSchema):
    """A good with its id, stock, how many units were redeemed (cancelled aside) and its sale state now."""

    id = fields.Integer()
    stock_total = fields.Integer()
    redeemed = fields.Integer()
    sale = fields.String(
        metadata={"description": "on_sale, coming (its window has not opened), ended or sold_out, as shoppers see it"}
    )


@blp.route("/mall/form", methods=["GET"])
@require_role("ops")
@documented_role(blp, "ops")
@blp.response(200)
def good_form(user: User) -> dict[str, Any]:
    """The form description of a good (fields, types, limits), as ``GET /api/ops/schemas`` describes the campaign's."""
    return describe(GoodSchema)


@blp.route("/campaigns/<int:campaign_id>/mall/goods", methods=["GET"])
@require_role("ops")
@blp.response(200, OpsGoodSchema(many=True))
@documented_role(blp, "ops", {404: "campaign_not_found"})
def list_goods(campaign_id: int, user: User) -> list[dict[str, Any]]:
    """The catalog with stock left and units redeemed."""
    db_session = db.session()
    with db_session.begin():
        campaign_or_404(campaign_id)
        redeemed, now = _redeemed(db_session, campaign_id), db.now()
        return [_listed(g, redeemed.get(g.id, 0), now) for g in goods(db_session, campaign_id)]


def _redeemed(db_session: Any, campaign_id: int) -> dict[int, int]:
    """Units redeemed per good (cancelled orders aside)."""
    query = (
        select(MallOrder.good_id, func.sum(MallOrder.quantity))
        .where(MallOrder.campaign_id == campaign_id, MallOrder.state != "cancelled")
        .group_by(MallOrder.good_id)
    )
    return {good_id: int(units) for good_id, units in db_session.execute(query)}


@blp.route("/campaigns/<int:campaign_id>/mall/goods", methods=["POST"])
@require_role("ops")
@idempotent
@blp.arguments(GoodSchema)
@blp.response(201, OpsGoodSchema)
@documented_role(blp, "ops", {404: "campaign_not_found", 422: "invalid input"})
def add_good(body: dict[str, Any], campaign_id: int, user: User) -> dict[str, Any]:
    """Add a good to the catalog."""
    with db.transaction() as db_session:
        campaign_or_404(campaign_id)
        good = MallGood(campaign_id=campaign_id, stock_total=body["stock_left"], **stored_columns(body))
        db_session.add(good)
        db_session.flush()
        admin.record(db_session, actor_name(user), campaign_id, "mall_good_added", None, good_columns(good), db.now())
        listed = _listed(good, 0, db.now())
    _forget(campaign_id, listed["id"])
    return listed


@blp.route("/campaigns/<int:campaign_id>/mall/goods/<int:good_id>", methods=["PUT"])
@require_role("ops")
@idempotent
@blp.arguments(GoodEditSchema)
@blp.response(200, OpsGoodSchema)
@documented_role(blp, "ops", {404: "campaign_not_found, good_not_found", 409: "stock_changed", 422: "invalid input"})
def edit_good(body: dict[str, Any], campaign_id: int, good_id: int, user: User) -> dict[str, Any]:
    """Edit a good; its stock left is set as given (the good's row is locked: a redemption's stock update lands
    before or after; a redemption that read the good before the edit commits at the price it read). With
    ``expected_stock_left``, an edit made on a stale view is refused (409 ``stock_changed``) instead of undoing the
    redemptions since."""
    with db.transaction() as db_session:
        campaign_or_404(campaign_id)
        good = db_session.get(MallGood, good_id, with_for_update=True)
        if good is None or good.campaign_id != campaign_id:
            raise ApiError(404, "good_not_found", f"no good {good_id} in this mall")
        expected = body.pop("expected_stock_left")
        if expected is not None and expected != good.stock_left:
            raise ApiError(409, "stock_changed", f"the stock left is now {good.stock_left}, not {expected}: reload")
        before = good_columns(good)
        added = body["stock_left"] - good.stock_left
        for name, value in stored_columns(body).items():
            setattr(good, name, value)
        good.stock_total += max(added, 0)
        db_session.flush()
        after = good_columns(good)
        admin.record(db_session, actor_name(user), campaign_id, "mall_good_edited", before, after, db.now())
        listed = _listed(good, _redeemed(db_session, campaign_id).get(good.id, 0), db.now())
    _forget(campaign_id, good_id)  # shoppers see the edit at once in this process, the gate counts the new stock
    return listed


def stored_columns(body: dict[str, Any]) -> dict[str, Any]:
    """The good's columns from what ops wrote (loaded by :class:`GoodSchema`; a coupon kept as its JSON)."""
    coupon = body.get("coupon")
    return {**{k: v for k, v in body.items() if k != "coupon"}, "coupon_json": json.dumps(coupon) if coupon else None}


def _forget(campaign_id: int, good_id: int) -> None:
    """After a committed change of a good: the catalog and the admission gate read it afresh."""
    current_app.extensions["carnival.mall_catalogs"].forget(campaign_id)
    current_app.extensions["carnival.mall_gate"].forget(good_id)


def _listed(good: MallGood, redeemed: int, now: datetime) -> dict[str, Any]:
    """A good as the ops list shows it: its columns, units redeemed and its sale state at ``now`` (the same for
    every tier)."""
    coupon = json.loads(good.coupon_json) if good.coupon_json else None
    return {**good_columns(good), "coupon": coupon, "redeemed": redeemed, "sale": shown(good, "normal", now).sale}


def good_columns(good: MallGood) -> dict[str, Any]:
    """The good's columns as the audit trail records them (its campaign aside)."""
    return {
        column.key: getattr(good, column.key) for column in MallGood.__table__.columns if column.key != "campaign_id"
    }


class MallReportSchema(Schema):
    """Redemptions by good and tier, the points liability and the goods sold out."""

    redemptions = fields.List(fields.Dict(), metadata={"description": "good, tier, orders, units, points"})
    liability = fields.Dict(metadata={"description": "points issued, redeemed, expired, outstanding (¥1 = 100), owed"})
    sold_out = fields.List(fields.String())


@blp.route("/campaigns/<int:campaign_id>/mall/report", methods=["GET"])
@require_role("ops")
@blp.response(200, MallReportSchema)
@documented_role(blp, "ops", {404: "campaign_not_found"})
def report(campaign_id: int, user: User) -> dict[str, Any]:
    """The mall's report: redemptions by good and tier, the points liability, the goods sold out."""
    return _report(campaign_id)


@blp.route("/campaigns/<int:campaign_id>/mall/report.csv", methods=["GET"])
@require_role("ops")
@blp.alt_response(200, description="CSV (UTF-8 with BOM): section, key, value", schema={"type": "string"},
                  content_type="text/csv", success=True)  # fmt: skip
@documented_role(blp, "ops", {404: "campaign_not_found"})
def report_csv(campaign_id: int, user: User) -> Response:
    """The report as CSV rows: ``redemption,<good>/<tier>,<orders>,<units>,<points>``, ``liability,<name>,<points>``,
    ``sold_out,<good>``."""
    found = _report(campaign_id)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["section", "key", "orders", "units", "points"])
    for row in found["redemptions"]:
        writer.writerow(["redemption", f"{row['good']}/{row['tier']}", row["orders"], row["units"], row["points"]])
    writer.writerows(["liability", name, "", "", points] for name, points in found["liability"].items())
    writer.writerows(["sold_out", name, "", "", ""] for name in found["sold_out"])
    headers = {"Content-Disposition": f'attachment; filename="campaign-{campaign_id}-mall.csv"'}
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv", headers=headers)


def _report(campaign_id: int) -> dict[str, Any]:
    db_session = db.session()
    with db_session.begin():
        campaign_or_404(campaign_id)
        rows = redemptions(db_session, campaign_id)
        owed = liability(db_session, campaign_id)
        return {
            "redemptions": [{"good": g, "tier": t, "orders": n, "units": u, "points": p} for g, t, n, u, p in rows],
            "liability": owed.__dict__,
            "sold_out": sold_out(db_session, campaign_id),
        }
