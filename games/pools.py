"""Prize pools: prizes with integer weights, the weighted pick, the published odds table.

The same :class:`Pool` drives the engine, the rules page and the simulator, so what ops
publish is what shoppers get.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from economy.rewards import DEFAULT_POINTS_PER_YUAN, CouponTemplate, Reward, RewardKind, reward_cost_fen

LEGAL_TOP_PRIZE_FEN = 5_000_000  # ¥50,000: ceiling for a prize in a Chinese prize promotion
KEY = validate.Regexp(r"^[a-z0-9_]{1,32}$", error="use 1-32 lowercase letters, digits or _")


class CouponSchema(Schema):
    """A coupon template: ``interest_free`` needs ``periods``; ``full_reduction`` threshold and amount."""

    type = fields.String(required=True, validate=validate.OneOf(["interest_free", "full_reduction"]))
    title = fields.String(required=True, validate=validate.Length(1, 120))
    valid_days = fields.Integer(strict=True, required=True, validate=validate.Range(1, 366))
    periods = fields.Integer(strict=True, validate=validate.OneOf([3, 6, 12, 24]), allow_none=True)
    min_order_fen = fields.Integer(strict=True, load_default=0, validate=validate.Range(0))
    category = fields.String(allow_none=True, validate=validate.Length(1, 64))
    threshold_fen = fields.Integer(strict=True, allow_none=True, validate=validate.Range(1))
    amount_fen = fields.Integer(strict=True, allow_none=True, validate=validate.Range(1))

    @validates_schema
    def _by_type(self, data: dict[str, Any], **_: Any) -> None:
        if data["type"] == "interest_free" and not data.get("periods"):
            raise ValidationError("an interest-free coupon needs periods", "periods")
        if data["type"] == "full_reduction":
            if not data.get("threshold_fen") or not data.get("amount_fen"):
                raise ValidationError("a full-reduction coupon needs threshold_fen and amount_fen", "amount_fen")
            if data["amount_fen"] >= data["threshold_fen"]:
                raise ValidationError("the reduction must be below its threshold", "amount_fen")


class RewardSchema(Schema):
    """What a prize gives: ``points``, ``red_packet`` (fen), ``coupon`` (with its cost) or ``nothing``."""

    kind = fields.String(required=True, validate=validate.OneOf([k.value for k in RewardKind]))
    points = fields.Integer(strict=True, validate=validate.Range(1, 10_000_000))
    amount_fen = fields.Integer(strict=True, validate=validate.Range(1, LEGAL_TOP_PRIZE_FEN))
    cost_fen = fields.Integer(strict=True, validate=validate.Range(0, LEGAL_TOP_PRIZE_FEN))
    coupon = fields.Nested(CouponSchema)

    @validates_schema
    def _by_kind(self, data: dict[str, Any], **_: Any) -> None:
        needed = {"points": "points", "red_packet": "amount_fen", "coupon": "coupon"}.get(data["kind"])
        if needed and needed not in data:
            raise ValidationError(f"a {data['kind']} reward needs {needed}", needed)
        if data["kind"] == "coupon" and "cost_fen" not in data:
            raise ValidationError("a coupon reward needs its cost_fen to the budget", "cost_fen")


class PrizeSchema(Schema):
    """One prize of a pool."""

    key = fields.String(required=True, validate=KEY)
    name = fields.String(required=True, validate=validate.Length(1, 40))
    name_en = fields.String(load_default=None, validate=validate.Length(1, 60))
    weight = fields.Integer(
        strict=True, required=True, validate=validate.Range(1, 1_000_000_000, error="weight must be a positive integer")
    )
    stock = fields.Integer(strict=True, load_default=None, allow_none=True, validate=validate.Range(0))
    reward = fields.Nested(RewardSchema, required=True)
    display_value_fen = fields.Integer(
        load_default=0, validate=validate.Range(0, LEGAL_TOP_PRIZE_FEN, error="a prize may be worth at most ¥50,000")
    )
    broadcast = fields.Boolean(load_default=False)


class PoolSchema(Schema):
    """A prize pool: prizes in draw order and the key of the fallback prize."""

    prizes = fields.List(fields.Nested(PrizeSchema), required=True, validate=validate.Length(1, 100))
    fallback = fields.String(required=True)
    points_per_yuan = fields.Integer(
        strict=True, load_default=DEFAULT_POINTS_PER_YUAN, validate=validate.Range(1, 10_000)
    )

    @validates_schema
    def _consistent(self, data: dict[str, Any], **_: Any) -> None:
        keys = [p["key"] for p in data["prizes"]]
        if len(set(keys)) != len(keys):
            raise ValidationError("prize keys must be unique", "prizes")
        fallback = next((p for p in data["prizes"] if p["key"] == data["fallback"]), None)
        if fallback is None:
            raise ValidationError("the fallback must be one of the pool's prizes", "fallback")
        if fallback["stock"] is not None:
            raise ValidationError("the fallback prize may not have a limited stock", "fallback")
        if sum(p["weight"] for p in data["prizes"]) > 2**32:
            raise ValidationError("the weights may add up to at most 2^32", "prizes")

    @post_load
    def _build(self, data: dict[str, Any], **_: Any) -> Pool:
        return Pool(
            prizes=tuple(_prize(p, data["points_per_yuan"]) for p in data["prizes"]),
            fallback_key=data["fallback"],
            points_per_yuan=data["points_per_yuan"],
        )


@dataclass(frozen=True)
class Prize:
    """A prize as the engine sees it; ``cost_fen`` is what one grant charges the budget."""

    key: str
    name: str
    name_en: str | None
    weight: int
    stock: int | None
    reward: Reward
    cost_fen: int
    display_value_fen: int
    broadcast: bool


def _prize(data: dict[str, Any], points_per_yuan: int) -> Prize:
    reward = _reward(data["reward"])
    return Prize(
        key=data["key"],
        name=data["name"],
        name_en=data["name_en"],
        weight=data["weight"],
        stock=data["stock"],
        reward=reward,
        cost_fen=reward_cost_fen(reward, points_per_yuan),
        display_value_fen=data["display_value_fen"],
        broadcast=data["broadcast"],
    )


def _reward(data: dict[str, Any]) -> Reward:
    kind = RewardKind(data["kind"])
    coupon = CouponTemplate(**data["coupon"]) if "coupon" in data else None
    amount = data.get("points", 0) if kind is RewardKind.POINTS else data.get("amount_fen", 0)
    if kind in (RewardKind.COUPON, RewardKind.NOTHING):
        amount = 0
    return Reward(kind=kind, amount=amount, coupon=coupon, coupon_cost_fen=data.get("cost_fen", 0))


@dataclass(frozen=True)
class OddsRow:
    """One line of the published odds table."""

    prize: Prize
    probability: Fraction
    expected_cost_fen: Fraction


@dataclass(frozen=True)
class Pool:
    """A validated prize pool."""

    prizes: tuple[Prize, ...]
    fallback_key: str
    points_per_yuan: int = DEFAULT_POINTS_PER_YUAN

    @property
    def total_weight(self) -> int:
        """The sum of the weights: a draw is a uniform integer below it."""
        return sum(p.weight for p in self.prizes)

    @property
    def fallback(self) -> Prize:
        """The prize granted when the picked one is out of stock, capped or over budget."""
        return self.prize(self.fallback_key)

    def prize(self, key: str) -> Prize:
        """The prize called ``key``; :class:`KeyError` when there is none."""
        for prize in self.prizes:
            if prize.key == key:
                return prize
        raise KeyError(key)

    def pick(self, value: int) -> Prize:
        """The prize whose cumulative-weight bucket holds ``value`` (prizes in listed order)."""
        if not 0 <= value < self.total_weight:
            raise ValueError(f"value {value} outside [0, {self.total_weight})")
        upper = 0
        for prize in self.prizes:
            upper += prize.weight
            if value < upper:
                return prize
        raise AssertionError("unreachable: weights cover the range")

    def odds(self) -> list[OddsRow]:
        """Exact probability and expected budget cost per draw of each prize."""
        total = self.total_weight
        return [OddsRow(p, Fraction(p.weight, total), Fraction(p.weight * p.cost_fen, total)) for p in self.prizes]


def load_pool(config: dict[str, Any]) -> Pool:
    """Validate a pool config and build the :class:`Pool`.

    :raises marshmallow.ValidationError: with messages keyed by field.
    """
    return PoolSchema().load(config)


@dataclass(frozen=True)
class ExpectedRow:
    """One line of the ops odds table for an expected number of draws."""

    key: str
    name: str
    name_en: str | None
    probability: Fraction
    expected_cost_per_draw_fen: Fraction
    expected_picked: Fraction
    expected_granted: Fraction
    disclosed_quantity: int | None


def expected_table(pool: Pool, expected_draws: int) -> list[ExpectedRow]:
    """Odds, expected cost per draw, and expected grants (picks capped by stock) for ``expected_draws``."""
    rows = []
    for row in pool.odds():
        picked = row.probability * expected_draws
        granted = picked if row.prize.stock is None else min(picked, Fraction(row.prize.stock))
        rows.append(
            ExpectedRow(
                row.prize.key,
                row.prize.name,
                row.prize.name_en,
                row.probability,
                row.expected_cost_fen,
                picked,
                granted,
                row.prize.stock,
            )
        )
    return rows
