"""The check-in calendar's part of a campaign config: daily points by member tier, the prize a check-in also
grants, streak and cumulative milestones, and the make-up rules."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

KEY = validate.Regexp(r"[a-z0-9_]{1,32}\Z", error="use 1-32 lowercase letters, digits or _")
MAX_DAILY_POINTS = 1_000_000
DEFAULT_TIERS = (
    {"code": "normal", "name": "普通会员", "name_en": "Member", "points_min": 10, "points_max": 20},
    {"code": "silver", "name": "银牌会员", "name_en": "Silver", "points_min": 20, "points_max": 30},
    {"code": "gold", "name": "金牌会员", "name_en": "Gold", "points_min": 30, "points_max": 40},
    {"code": "diamond", "name": "钻石会员", "name_en": "Diamond", "points_min": 40, "points_max": 50},
)


class TierSchema(Schema):
    """One member tier: its code in the host's launch token, its names, and its daily points range."""

    code = fields.String(
        required=True, validate=validate.Regexp(r"[a-z0-9_]{1,16}\Z", error="use 1-16 lowercase letters, digits or _")
    )
    name = fields.String(required=True, validate=validate.Length(1, 20))
    name_en = fields.String(load_default=None, allow_none=True, validate=validate.Length(0, 40))
    points_min = fields.Integer(strict=True, required=True, validate=validate.Range(0, MAX_DAILY_POINTS))
    points_max = fields.Integer(strict=True, required=True, validate=validate.Range(0, MAX_DAILY_POINTS))

    @validates_schema
    def _range(self, data: dict[str, Any], **_: Any) -> None:
        if data["points_max"] < data["points_min"]:
            raise ValidationError("the most points may not be below the fewest", "points_max")

    @post_load
    def _build(self, data: dict[str, Any], **_: Any) -> Tier:
        return Tier(**data)


class MilestoneSchema(Schema):
    """A milestone: ``days`` in a row (``streak``) or in all (``total``) grant a prize of the pool."""

    kind = fields.String(load_default="streak", validate=validate.OneOf(["streak", "total"]))
    days = fields.Integer(strict=True, required=True, validate=validate.Range(1, 366))
    prize = fields.String(
        required=True, validate=KEY, metadata={"description": "the pool prize it grants", "x-prize-key": True}
    )

    @post_load
    def _build(self, data: dict[str, Any], **_: Any) -> Milestone:
        return Milestone(**data)


class MakeUpSchema(Schema):
    """Make-up check-ins (补签): their price, how far back and how many a month."""

    window_days = fields.Integer(
        strict=True, load_default=3, validate=validate.Range(1, 31), metadata={"description": "the last N days"}
    )
    monthly_max = fields.Integer(
        strict=True, load_default=0, validate=validate.Range(0, 31), metadata={"description": "0: no make-ups"}
    )
    price_points = fields.Integer(
        strict=True, load_default=None, allow_none=True, validate=validate.Range(1, MAX_DAILY_POINTS)
    )
    card_item = fields.String(
        load_default=None,
        allow_none=True,
        validate=KEY,
        metadata={"description": "a play item (e.g. makeup_card) that pays for a make-up, before points"},
    )

    @validates_schema
    def _priced(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("monthly_max") and not data.get("price_points") and not data.get("card_item"):
            raise ValidationError("make-ups need a price: points, a card item or both", "price_points")

    @post_load
    def _build(self, data: dict[str, Any], **_: Any) -> MakeUp:
        return MakeUp(**data)


class CheckinConfigSchema(Schema):
    """The check-in calendar's part of a campaign config."""

    tiers = fields.List(
        fields.Nested(TierSchema),
        required=True,
        validate=validate.Length(1, 10, error="1 to 10 member tiers"),
        metadata={
            "description": "daily points by member tier, always written out (the export shows auditors the ranges);"
            " a tier the host sends that is not listed counts as the first",
            "default": [dict(tier) for tier in DEFAULT_TIERS],  # what the console fills in for a new check-in
        },
    )
    daily_prize = fields.String(
        load_default=None,
        allow_none=True,
        validate=KEY,
        metadata={
            "description": "a pool prize every check-in grants besides its points (e.g. a wheel spin)",
            "x-prize-key": True,
        },
    )
    milestones = fields.List(fields.Nested(MilestoneSchema), load_default=list, validate=validate.Length(0, 20))
    restart_after_last = fields.Boolean(
        load_default=True,
        metadata={"description": "after the longest streak milestone, the streak's milestones start over"},
    )
    makeup = fields.Nested(MakeUpSchema, load_default=lambda: MakeUpSchema().load({}))  # none: no make-ups

    @validates_schema
    def _distinct(self, data: dict[str, Any], **_: Any) -> None:
        tiers = data.get("tiers") or []
        codes = [tier.code for tier in tiers]
        if len(set(codes)) != len(codes):
            raise ValidationError("each tier code once", "tiers")
        milestones = [(m.kind, m.days) for m in data.get("milestones") or [] if isinstance(m, Milestone)]
        if len(set(milestones)) != len(milestones):
            raise ValidationError("each milestone (kind and days) once", "milestones")

    @post_load
    def _build(self, data: dict[str, Any], **_: Any) -> CheckinConfig:
        milestones = sorted(data["milestones"], key=lambda m: (m.kind, m.days))
        return CheckinConfig(**{**data, "tiers": tuple(data["tiers"]), "milestones": tuple(milestones)})


@dataclass(frozen=True)
class Tier:
    """A member tier and the range its daily points are drawn from (``points_min == points_max``: fixed)."""

    code: str
    name: str
    name_en: str | None
    points_min: int
    points_max: int


@dataclass(frozen=True)
class Milestone:
    """``days`` check-ins in a row (``streak``) or in all (``total``) grant ``prize``."""

    kind: str
    days: int
    prize: str


@dataclass(frozen=True)
class MakeUp:
    """Make-ups of the last ``window_days`` days, at most ``monthly_max`` a month (by the day made up), paid with
    one ``card_item`` when the shopper holds one, else ``price_points``."""

    window_days: int
    monthly_max: int
    price_points: int | None = None
    card_item: str | None = None


@dataclass(frozen=True)
class CheckinConfig:
    """Tiers (the first is the default), the daily prize, milestones (by kind, then days) and make-ups."""

    tiers: tuple[Tier, ...]
    daily_prize: str | None
    milestones: tuple[Milestone, ...]
    restart_after_last: bool
    makeup: MakeUp

    def tier(self, code: str) -> tuple[int, Tier]:
        """The tier ``code`` names and its index; the first tier when none does."""
        for index, tier in enumerate(self.tiers):
            if tier.code == code:
                return index, tier
        return 0, self.tiers[0]

    def streak_milestones(self) -> tuple[Milestone, ...]:
        """The streak milestones, fewest days first."""
        return tuple(m for m in self.milestones if m.kind == "streak")

    def total_milestones(self) -> tuple[Milestone, ...]:
        """The cumulative milestones, fewest days first."""
        return tuple(m for m in self.milestones if m.kind == "total")
