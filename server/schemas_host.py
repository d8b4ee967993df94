"""Schemas of the host app's server-to-server API (server/api_host.py)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from games.commerce.events import MAX_BATCH
from games.fairness.pools import MAX_ORDER_FEN
from server.routing import ROW_ID_MAX
from server.schemas import CouponSchema


class HostRedeemSchema(Schema):
    """The host app redeems a coupon for one of its orders."""

    user = fields.String(required=True, validate=validate.Length(1, 64), metadata={"description": "host user id"})
    coupon_id = fields.Integer(required=True, strict=True, validate=validate.Range(1, ROW_ID_MAX))
    order_ref = fields.String(
        required=True,
        validate=validate.Length(1, 128),
        metadata={"description": "the host's order id; retrying with it answers the first redemption"},
    )
    order_fen = fields.Integer(required=True, strict=True, validate=validate.Range(1, MAX_ORDER_FEN))
    category = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(1, 64),
        metadata={"description": "the order's category; null fits only coupons without a category"},
    )


class HostCouponSchema(CouponSchema):
    """A coupon as the host app sees it: with the order that used it, if any."""

    campaign_id = fields.Integer(metadata={"description": "the Carnival campaign that gave it"})
    order_ref = fields.String(allow_none=True)
    used_at = fields.DateTime(allow_none=True)


class RedemptionSchema(Schema):
    """A coupon used by an order."""

    user = fields.String()
    order_ref = fields.String()
    coupon = fields.Nested(HostCouponSchema)


class HostCouponQuerySchema(Schema):
    """A user and an order the host app asks usable coupons for; an omitted order field is not filtered on."""

    user = fields.String(required=True, validate=validate.Length(1, 64), metadata={"description": "host user id"})
    order_fen = fields.Integer(validate=validate.Range(0, MAX_ORDER_FEN))
    category = fields.String(validate=validate.Length(1, 64))


class HostCouponListSchema(Schema):
    """A user's coupons usable now, soonest-ending first."""

    user = fields.String()
    coupons = fields.List(fields.Nested(HostCouponSchema))


class HostReminderQuerySchema(Schema):
    """The day the host app asks check-in reminders for, and the page."""

    day = fields.Date(required=True, metadata={"description": "YYYY-MM-DD, in each campaign's time zone"})
    after = fields.String(
        load_default=None,
        validate=validate.Regexp(r"^\d{1,18}:\d{1,18}$", error="use the next cursor of the previous page"),
        metadata={"description": "the previous page's next cursor"},
    )
    limit = fields.Integer(load_default=1000, validate=validate.Range(1, 5000))


class HostReminderSchema(Schema):
    """One shopper to remind."""

    campaign_id = fields.Integer()
    campaign_name = fields.String()
    user = fields.String(metadata={"description": "the host's user id"})


class HostReminderListSchema(Schema):
    """A page of the shoppers to remind to check in on ``day``."""

    day = fields.String()
    reminders = fields.List(fields.Nested(HostReminderSchema))
    next = fields.String(allow_none=True, metadata={"description": "the cursor of the next page; null: last page"})


class HostEventBatchSchema(Schema):
    """A batch of events the host app's server reports for one campaign (each checked on its own)."""

    campaign = fields.Integer(strict=True, required=True, validate=validate.Range(1, ROW_ID_MAX))
    events = fields.List(
        fields.Raw(),
        required=True,
        validate=validate.Length(1, MAX_BATCH),
        metadata={"description": "events: id, type, user, at and the type's own fields (docs/integration.md)"},
    )


class HostEventResultSchema(Schema):
    """What became of one event: accepted, duplicate (counted once already) or refused with a code."""

    id = fields.String(allow_none=True)
    result = fields.String(metadata={"description": "accepted, duplicate or refused"})
    error = fields.String(allow_none=True)
    message = fields.String(allow_none=True)
    fields_ = fields.Dict(data_key="fields", metadata={"description": "refused fields, by name"})


class HostEventBatchResultSchema(Schema):
    """One result per event, in the batch's order, and the counts."""

    accepted = fields.Integer()
    duplicates = fields.Integer()
    refused = fields.Integer()
    results = fields.List(fields.Nested(HostEventResultSchema))
