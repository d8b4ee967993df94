"""Share-to-unlock (分享助力): the part of a campaign config that says how long a share lasts, which numbers of
assists unlock which prizes for the sharer, what a helper may draw, and the fraud rules."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

KEY = validate.Regexp(r"[a-z0-9_]{1,32}\Z", error="use 1-32 lowercase letters, digits or _")
PRIZE_KEY = {"x-prize-key": True}
MAX_WEIGHT = 1_000_000


class ThresholdSchema(Schema):
    """``assists`` valid assists unlock ``prize`` for the sharer, once per share."""

    assists = fields.Integer(strict=True, required=True, validate=validate.Range(1, 100))
    prize = fields.String(required=True, validate=KEY, metadata=PRIZE_KEY)

    @post_load
    def _build(self, data: dict[str, Any], **_: Any) -> Threshold:
        return Threshold(**data)


class HelperPrizeSchema(Schema):
    """A prize a helper may draw for an assist, with its integer weight."""

    prize = fields.String(required=True, validate=KEY, metadata=PRIZE_KEY)
    weight = fields.Integer(strict=True, required=True, validate=validate.Range(1, MAX_WEIGHT))

    @post_load
    def _build(self, data: dict[str, Any], **_: Any) -> HelperPrize:
        return HelperPrize(**data)


class FraudSchema(Schema):
    """The fraud rules beyond the fixed ones (no self-assist, one assist per helper per share): each refusal has a
    stable code the helper is told in plain words."""

    helper_daily_max = fields.Integer(
        strict=True,
        load_default=5,
        validate=validate.Range(1, 100),
        metadata={"description": "assists a helper may give a day"},
    )
    device_rules = fields.Boolean(
        load_default=True,
        metadata={"description": "one device may not assist the same sharer twice, nor its own account"},
    )
    refuse_flagged = fields.Boolean(load_default=True, metadata={"description": "refuse accounts the host flags"})
    new_users_only = fields.Boolean(load_default=False, metadata={"description": "only new accounts may assist"})
    new_user_days = fields.Integer(
        strict=True, load_default=30, validate=validate.Range(1, 3650), metadata={"description": "what new means"}
    )
    ring_daily_max = fields.Integer(
        strict=True,
        load_default=2,
        validate=validate.Range(1, 100),
        metadata={"description": "assists between two shoppers, both ways together, a day"},
    )
    velocity_per_minute = fields.Integer(
        strict=True,
        load_default=10,
        validate=validate.Range(1, 1000),
        metadata={"description": "assists a minute on one share beyond which they are held for review"},
    )

    @post_load
    def _build(self, data: dict[str, Any], **_: Any) -> Fraud:
        return Fraud(**data)


class ShareConfigSchema(Schema):
    """Shares of ``hours``, the unlock thresholds, the helpers' prizes and the fraud rules."""

    hours = fields.Integer(strict=True, load_default=24, validate=validate.Range(1, 720))
    thresholds = fields.List(
        fields.Nested(ThresholdSchema), required=True, validate=validate.Length(1, 10, error="1 to 10 thresholds")
    )
    helper_prizes = fields.List(
        fields.Nested(HelperPrizeSchema),
        load_default=list,
        validate=validate.Length(0, 20),
        metadata={"description": "what a helper draws for a valid assist (none: helpers get nothing)"},
    )
    fraud = fields.Nested(FraudSchema, load_default=lambda: FraudSchema().load({}))

    @validates_schema
    def _distinct(self, data: dict[str, Any], **_: Any) -> None:
        counts = [t.assists for t in data.get("thresholds") or [] if isinstance(t, Threshold)]
        if len(set(counts)) != len(counts):
            raise ValidationError("each number of assists once", "thresholds")

    @post_load
    def _build(self, data: dict[str, Any], **_: Any) -> ShareConfig:
        thresholds = tuple(sorted(data["thresholds"], key=lambda t: t.assists))
        return ShareConfig(data["hours"], thresholds, tuple(data["helper_prizes"]), data["fraud"])


@dataclass(frozen=True)
class Threshold:
    """``assists`` unlock ``prize``."""

    assists: int
    prize: str


@dataclass(frozen=True)
class HelperPrize:
    """A helper's prize and its weight."""

    prize: str
    weight: int


@dataclass(frozen=True)
class Fraud:
    """The configurable fraud rules (see :class:`FraudSchema`)."""

    helper_daily_max: int
    device_rules: bool
    refuse_flagged: bool
    new_users_only: bool
    new_user_days: int
    ring_daily_max: int
    velocity_per_minute: int


@dataclass(frozen=True)
class ShareConfig:
    """A validated share game: thresholds by number of assists, the goal being the largest."""

    hours: int
    thresholds: tuple[Threshold, ...]
    helper_prizes: tuple[HelperPrize, ...]
    fraud: Fraud

    @property
    def goal(self) -> int:
        """The assists that unlock everything (the largest threshold)."""
        return self.thresholds[-1].assists

    @property
    def helper_weight(self) -> int:
        """The sum of the helpers' prize weights (0: helpers draw nothing)."""
        return sum(prize.weight for prize in self.helper_prizes)
