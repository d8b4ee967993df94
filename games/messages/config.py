"""A campaign message as ops write it: title and body (zh, optionally en; template variables allowed), image, the
deep link into the campaign, channels with their own wording, A/B variants with a split, and how it is sent (a
daily window in the campaign's time zone, batches of N every M minutes, a start)."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates, validates_schema

from games.messages.rules import DailyHours, check_template

CHANNELS = ("app_push", "sms", "wechat", "in_app")
"""Where a message may go: the host's push, SMS and WeChat (through its gateway) and Carnival's in-app inbox."""
GATEWAY_CHANNELS = frozenset({"app_push", "sms", "wechat"})
DAYS = validate.Range(1, 3650)
VARIANT_KEY = validate.Regexp(r"^[A-Za-z0-9_-]{1,16}$", error="a variant is named by 1-16 letters, digits, - or _")


def _template(max_length: int) -> list[Any]:
    return [validate.Length(1, max_length), _checked_template]


def _checked_template(text: str) -> None:
    try:
        check_template(text)
    except ValueError as error:
        raise ValidationError(str(error)) from error


class TextSchema(Schema):
    """Wording in Chinese, and optionally English (shown to shoppers who chose English)."""

    zh = fields.String(required=True, validate=_template(500))
    en = fields.String(load_default=None, allow_none=True, validate=_template(500))


class WordingSchema(Schema):
    """A title and a body; either may be left to the message's."""

    title = fields.Nested(TextSchema, load_default=None, allow_none=True)
    body = fields.Nested(TextSchema, load_default=None, allow_none=True)


class VariantSchema(WordingSchema):
    """An A/B variant: its name, its share of the members (an integer weight) and its own wording."""

    key = fields.String(required=True, validate=VARIANT_KEY)
    share = fields.Integer(strict=True, required=True, validate=validate.Range(1, 100))


class GuardSchema(Schema):
    """Watch each batch before the next: when fewer than ``min_percent`` of a batch's sent deliveries reached
    ``stage`` by the time the next batch is due, the send pauses (ops look, then resume or stop)."""

    stage = fields.String(required=True, validate=validate.OneOf(["delivered", "opened", "visited"]))
    min_percent = fields.Integer(strict=True, required=True, validate=validate.Range(1, 100))


class MessageConfigSchema(Schema):
    """A message's content, variants and sending."""

    title = fields.Nested(TextSchema, required=True)
    body = fields.Nested(TextSchema, required=True)
    image = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))
    link = fields.String(
        load_default="", metadata={"description": "where the message opens, under the campaign's page, e.g. ?tab=wheel"}
    )
    channels = fields.List(
        fields.String(validate=validate.OneOf(CHANNELS)), required=True, validate=validate.Length(1, len(CHANNELS))
    )
    channel_wording = fields.Dict(
        keys=fields.String(validate=validate.OneOf(CHANNELS)), values=fields.Nested(WordingSchema), load_default=dict
    )
    variants = fields.List(
        fields.Nested(VariantSchema), load_default=lambda: [{"key": "A", "share": 1}], validate=validate.Length(1, 5)
    )
    window = fields.String(load_default="00:00-00:00", metadata={"description": "the daily hours it may go out"})
    batch_size = fields.Integer(strict=True, load_default=1000, validate=validate.Range(1, 50_000))
    batch_minutes = fields.Integer(strict=True, load_default=10, validate=validate.Range(1, 1440))
    starts_at = fields.AwareDateTime(load_default=None, allow_none=True)
    guard = fields.Nested(GuardSchema, load_default=None, allow_none=True)

    @validates("window")
    def _window(self, value: str, **_: Any) -> None:
        try:
            DailyHours.parse(value)
        except ValueError as error:
            raise ValidationError("write the window as HH:MM-HH:MM, e.g. 19:00-21:00") from error

    @validates("link")
    def _link(self, value: str, **_: Any) -> None:
        if (value and not value.startswith(("?", "#", "/"))) or "//" in value or len(value) > 300:
            raise ValidationError("a link inside the campaign's page: ?query, #part or /path (no other site)")

    @validates_schema
    def _distinct(self, data: dict[str, Any], **_: Any) -> None:
        keys = [variant["key"] for variant in data.get("variants", [])]
        if len(keys) != len(set(keys)):
            raise ValidationError("each variant needs its own name", "variants")
        if len(set(data.get("channels", []))) != len(data.get("channels", [])):
            raise ValidationError("name each channel once", "channels")
        guard = data.get("guard")
        if guard and guard["stage"] == "delivered" and not GATEWAY_CHANNELS & set(data.get("channels", [])):
            raise ValidationError("in-app messages get no delivery receipts: guard on opened or visited", "guard")


class SegmentRulesSchema(Schema):
    """A segment's rules, all to hold (none: every shopper); :mod:`server.segments` says what each means."""

    @validates_schema
    def _streak(self, data: dict[str, Any], **_: Any) -> None:
        if ("checkin_campaign" in data) != ("checkin_streak_at_least" in data):
            raise ValidationError("a check-in streak rule names the campaign and the days", "checkin_streak_at_least")

    tiers = fields.List(fields.String(validate=validate.OneOf(["normal", "silver", "gold", "diamond"])))
    joined_within_days = fields.Integer(strict=True, validate=DAYS)
    joined_before_days = fields.Integer(strict=True, validate=DAYS)
    active_within_days = fields.Integer(strict=True, validate=DAYS)
    inactive_days = fields.Integer(strict=True, validate=DAYS)
    orders = fields.String(validate=validate.OneOf(["none", "some"]))
    min_orders = fields.Integer(strict=True, validate=validate.Range(1, 10_000))
    categories = fields.List(fields.String(validate=validate.Length(1, 64)), validate=validate.Length(1, 50))
    categories_within_days = fields.Integer(strict=True, validate=DAYS)
    played_campaign = fields.Integer(strict=True)
    not_played_campaign = fields.Integer(strict=True)
    checkin_campaign = fields.Integer(strict=True, metadata={"description": "with checkin_streak_at_least"})
    checkin_streak_at_least = fields.Integer(strict=True, validate=validate.Range(1, 366))
