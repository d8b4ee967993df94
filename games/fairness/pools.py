"""Prize pools: prizes with integer weights, the weighted pick, the published odds table.

The same :class:`Pool` drives the engine, the rules page and the simulator, so what ops
publish is what shoppers get.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from economy.rewards import (
    DEFAULT_POINTS_PER_YUAN,
    CouponTemplate,
    Reward,
    RewardKind,
    expected_cost_fen,
    reward_cost_fen,
    top_cost_fen,
)

LEGAL_TOP_PRIZE_FEN = 5_000_000  # ¥50,000: ceiling for a prize in a Chinese prize promotion
MAX_STOCK = 1_000_000_000
MAX_ORDER_FEN = 10**10  # ¥100,000,000: the largest order a coupon's terms may name
KEY = validate.Regexp(r"^[a-z0-9_]{1,32}$", error="use 1-32 lowercase letters, digits or _")
IMAGE_MAX_LENGTH = 500
# https://host[:port]/path or a path on this site (/static/...): never another scheme (javascript:, data:),
# a protocol-relative //host, a backslash (browsers read /\host as //host), credentials, spaces or quotes.
IMAGE_URL = re.compile(
    r"\A(?:https://[A-Za-z0-9.-]+(?::[0-9]{1,5})?)?/(?![/\\])[A-Za-z0-9\-._~!$&()*+,;=:@/?#%\[\]]*\Z"
)
IMAGE = [
    validate.Length(1, IMAGE_MAX_LENGTH),
    validate.Regexp(IMAGE_URL, error="use an https:// address or a path on this site starting with /"),
]


class CouponSchema(Schema):
    """A coupon template: ``interest_free`` needs ``periods``; ``full_reduction`` threshold and amount."""

    type = fields.String(required=True, validate=validate.OneOf(["interest_free", "full_reduction"]))
    title = fields.String(required=True, validate=validate.Length(1, 120))
    valid_days = fields.Integer(strict=True, required=True, validate=validate.Range(1, 366))
    periods = fields.Integer(
        strict=True,
        validate=validate.OneOf([3, 6, 12, 24]),
        allow_none=True,
        metadata={"x-only-for": {"type": ["interest_free"]}},  # the console shows a field only where it applies
    )
    min_order_fen = fields.Integer(strict=True, load_default=0, validate=validate.Range(0, MAX_ORDER_FEN))
    category = fields.String(allow_none=True, validate=validate.Length(1, 64))
    threshold_fen = fields.Integer(
        strict=True,
        allow_none=True,
        validate=validate.Range(1, MAX_ORDER_FEN),
        metadata={"x-only-for": {"type": ["full_reduction"]}},
    )
    amount_fen = fields.Integer(
        strict=True,
        allow_none=True,
        validate=validate.Range(1, MAX_ORDER_FEN),
        metadata={"x-only-for": {"type": ["full_reduction"]}},
    )

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
    """What a prize gives: ``points``, ``red_packet`` (fen), ``gift_card`` (an E-card of face value ``amount_fen``,
    whose code Carnival issues and the host delivers), ``coupon`` (with its cost), ``item`` (``count`` of a
    campaign's play ``item``, costing the budget nothing) or ``nothing``.

    A red packet gives either a fixed ``amount_fen`` or, with ``min_fen`` and ``max_fen``, an amount
    drawn per grant from ``[min_fen, max_fen]`` (see docs/fairness.md, range red packets).
    """

    kind = fields.String(required=True, validate=validate.OneOf([k.value for k in RewardKind]))
    points = fields.Integer(strict=True, validate=validate.Range(1, 10_000_000))
    amount_fen = fields.Integer(strict=True, validate=validate.Range(1, LEGAL_TOP_PRIZE_FEN))
    min_fen = fields.Integer(strict=True, validate=validate.Range(1, LEGAL_TOP_PRIZE_FEN))
    max_fen = fields.Integer(strict=True, validate=validate.Range(1, LEGAL_TOP_PRIZE_FEN))
    cost_fen = fields.Integer(strict=True, validate=validate.Range(0, LEGAL_TOP_PRIZE_FEN))
    coupon = fields.Nested(CouponSchema)
    item = fields.String(
        validate=validate.Regexp(r"^[a-z0-9_]{1,32}$", error="an item key is 1 to 32 lowercase letters, digits or _"),
        metadata={"description": "the play item granted (e.g. wheel_spin, dice, makeup_card)"},
    )
    count = fields.Integer(
        strict=True, validate=validate.Range(1, 1000), metadata={"description": "how many of the item are granted"}
    )

    @validates_schema
    def _by_kind(self, data: dict[str, Any], **_: Any) -> None:
        if data["kind"] == "red_packet":
            _check_red_packet_amount(data)
        elif data["kind"] == "gift_card" and "amount_fen" not in data:
            raise ValidationError("a gift_card reward needs its face value, amount_fen", "amount_fen")
        elif "min_fen" in data or "max_fen" in data:
            raise ValidationError("only a red_packet reward has an amount range", "min_fen")
        _check_item(data)
        needed = {"points": "points", "coupon": "coupon"}.get(data["kind"])
        if needed and needed not in data:
            raise ValidationError(f"a {data['kind']} reward needs {needed}", needed)
        if data["kind"] == "coupon" and "cost_fen" not in data:
            raise ValidationError("a coupon reward needs its cost_fen to the budget", "cost_fen")


def _check_item(data: dict[str, Any]) -> None:
    """An item reward names its item and count; no other kind has either."""
    for name in ("item", "count"):
        if data["kind"] == "item" and name not in data:
            raise ValidationError(f"an item reward needs {name}", name)
        if data["kind"] != "item" and name in data:
            raise ValidationError(f"only an item reward has {name}", name)


def _check_red_packet_amount(data: dict[str, Any]) -> None:
    """Exactly one of a fixed ``amount_fen`` or a range ``min_fen`` < ``max_fen``."""
    ranged = [name for name in ("min_fen", "max_fen") if name in data]
    if "amount_fen" in data and ranged:
        raise ValidationError("give either amount_fen or min_fen and max_fen, not both", "amount_fen")
    if not ranged:
        if "amount_fen" not in data:
            raise ValidationError("a red_packet reward needs amount_fen", "amount_fen")
        return
    if len(ranged) == 1:
        missing = "max_fen" if ranged == ["min_fen"] else "min_fen"
        raise ValidationError("a red packet range needs both min_fen and max_fen", missing)
    if data["min_fen"] >= data["max_fen"]:
        raise ValidationError("max_fen must be above min_fen", "max_fen")


class PrizeSchema(Schema):
    """One prize of a pool."""

    key = fields.String(required=True, validate=KEY)
    name = fields.String(required=True, validate=validate.Length(1, 40))
    name_en = fields.String(load_default=None, validate=validate.Length(1, 60))
    weight = fields.Integer(
        strict=True,
        required=True,
        validate=validate.Range(0, 1_000_000_000, error="weight is a whole number from 0 to 1,000,000,000"),
        metadata={"description": "its share of the draws; 0: never drawn, granted only by a game (a milestone)"},
    )
    stock = fields.Integer(
        strict=True,
        load_default=None,
        allow_none=True,
        validate=validate.Range(0, MAX_STOCK, error="stock is a whole number from 0 to 1,000,000,000"),
    )
    reward = fields.Nested(RewardSchema, required=True)
    display_value_fen = fields.Integer(
        strict=True,
        load_default=0,
        validate=validate.Range(0, LEGAL_TOP_PRIZE_FEN, error="a prize may be worth at most ¥50,000"),
    )
    broadcast = fields.Boolean(load_default=False)
    image = fields.String(
        load_default=None, allow_none=True, validate=IMAGE, metadata={"description": "https:// or /static/... image"}
    )


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
        if "max_fen" in fallback["reward"]:
            raise ValidationError("the fallback prize may not be a red packet with a random amount", "fallback")
        total = sum(p["weight"] for p in data["prizes"])
        if total > 2**32:
            raise ValidationError("the weights may add up to at most 2^32", "prizes")
        if total == 0:
            raise ValidationError("at least one prize needs a weight above 0 (the draws pick among those)", "prizes")

    @post_load
    def _build(self, data: dict[str, Any], **_: Any) -> Pool:
        return Pool(
            prizes=tuple(_prize(p, data["points_per_yuan"]) for p in data["prizes"]),
            fallback_key=data["fallback"],
            points_per_yuan=data["points_per_yuan"],
        )


@dataclass(frozen=True)
class Prize:
    """A prize as the engine sees it.

    ``cost_fen`` is the mean budget cost of one grant, exactly (a range red packet's midpoint, so
    odds and simulations can use it); what a grant actually charges is the cost of the fixed reward it
    grants. ``max_cost_fen`` is the most one grant can cost: the prize's worth for the ¥50,000 ceiling.
    """

    key: str
    name: str
    name_en: str | None
    weight: int
    stock: int | None
    reward: Reward
    cost_fen: Fraction
    max_cost_fen: int
    display_value_fen: int
    broadcast: bool
    image: str | None = None

    @property
    def amount_choices(self) -> int | None:
        """How many amounts a range red packet can give (``max - min + 1``); ``None`` for a fixed reward."""
        top = self.reward.max_amount
        return None if top is None else top - self.reward.amount + 1

    def with_amount(self, amount_fen: int) -> Prize:
        """This range red packet with ``amount_fen`` drawn: a fixed reward costing exactly that.

        :raises ValueError: when the prize is not a range or ``amount_fen`` lies outside it.
        """
        reward = self.reward.drawn(amount_fen)
        cost = reward_cost_fen(reward)
        return replace(self, reward=reward, cost_fen=Fraction(cost), max_cost_fen=cost)


def points_prize(key: str, name: str, name_en: str | None, points: int, points_per_yuan: int) -> Prize:
    """A prize of ``points`` a game gives without drawing it (a check-in's points, an order's), outside the pool:
    ``key`` has a dot (``checkin.points``), which no pool key has, so the wallet and reconciliation tell them apart.
    """
    reward = Reward(RewardKind.POINTS, points)
    cost = reward_cost_fen(reward, points_per_yuan)
    return Prize(key, name, name_en, 0, None, reward, Fraction(cost), cost, points, False)


def item_prize(key: str, name: str, name_en: str | None, item: str, count: int) -> Prize:
    """A prize of ``count`` play items a game gives outside the pool (a chance card's free roll); ``key`` has a dot,
    as :func:`points_prize`'s."""
    return Prize(key, name, name_en, 0, None, Reward(RewardKind.ITEM, count, item=item), Fraction(0), 0, 0, False)


def _prize(data: dict[str, Any], points_per_yuan: int) -> Prize:
    reward = _reward(data["reward"])
    return Prize(
        key=data["key"],
        name=data["name"],
        name_en=data["name_en"],
        weight=data["weight"],
        stock=data["stock"],
        reward=reward,
        cost_fen=expected_cost_fen(reward, points_per_yuan),
        max_cost_fen=top_cost_fen(reward, points_per_yuan),
        display_value_fen=data["display_value_fen"],
        broadcast=data["broadcast"],
        image=data["image"],
    )


def _reward(data: dict[str, Any]) -> Reward:
    kind = RewardKind(data["kind"])
    coupon = CouponTemplate(**data["coupon"]) if "coupon" in data else None
    amounts = {
        RewardKind.POINTS: data.get("points", 0),
        RewardKind.RED_PACKET: data.get("amount_fen", data.get("min_fen", 0)),
        RewardKind.GIFT_CARD: data.get("amount_fen", 0),
        RewardKind.ITEM: data.get("count", 0),
    }
    return Reward(
        kind=kind,
        amount=amounts.get(kind, 0),
        coupon=coupon,
        coupon_cost_fen=data.get("cost_fen", 0),
        max_amount=data.get("max_fen") if kind is RewardKind.RED_PACKET else None,
        item=data.get("item"),
    )


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
    """Odds, expected cost per draw, expected picks and expected grants for ``expected_draws``.

    A prize is granted at most its stock; every expected pick above it falls back to the pool's
    fallback prize (unlimited), so the expected grants add up to ``expected_draws`` exactly and
    their cost includes the fallback's.
    """
    odds = pool.odds()
    picked = [row.probability * expected_draws for row in odds]
    granted = [
        pick if row.prize.stock is None else min(pick, Fraction(row.prize.stock))
        for row, pick in zip(odds, picked, strict=True)
    ]
    fallback = next(i for i, row in enumerate(odds) if row.prize.key == pool.fallback_key)
    granted[fallback] += expected_draws - sum(granted, Fraction(0))
    return [
        ExpectedRow(
            row.prize.key,
            row.prize.name,
            row.prize.name_en,
            row.probability,
            row.expected_cost_fen,
            pick,
            grant,
            row.prize.stock,
        )
        for row, pick, grant in zip(odds, picked, granted, strict=True)
    ]
