"""The 白条 Monopoly board's part of a campaign config (白条大富翁): a ring of tiles, the dice, the chance cards,
the props and the lap milestones."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

KEY = validate.Regexp(r"[a-z0-9_]{1,32}\Z", error="use 1-32 lowercase letters, digits or _")
PRIZE_KEY = {"x-prize-key": True}
TILE_KINDS = ("start", "points", "prize", "draw", "chance", "rest")
CARD_KINDS = ("move", "double", "free_roll", "prize")
MAX_POINTS = 1_000_000
MAX_WEIGHT = 1_000_000
MAX_CHAIN = 3  # landings one roll may chain through chance cards (the first landing included)
DEFAULT_TILES = (
    {"kind": "start", "name": "起点", "name_en": "Start"},
    {"kind": "points", "name": "10积分", "name_en": "10 points", "points": 10},
    {"kind": "points", "name": "20积分", "name_en": "20 points", "points": 20},
    {"kind": "chance", "name": "机会", "name_en": "Chance"},
    {"kind": "points", "name": "10积分", "name_en": "10 points", "points": 10},
    {"kind": "points", "name": "30积分", "name_en": "30 points", "points": 30},
    {"kind": "rest", "name": "休息站", "name_en": "Rest"},
    {"kind": "points", "name": "20积分", "name_en": "20 points", "points": 20},
    {"kind": "points", "name": "10积分", "name_en": "10 points", "points": 10},
    {"kind": "chance", "name": "机会", "name_en": "Chance"},
    {"kind": "points", "name": "50积分", "name_en": "50 points", "points": 50},
    {"kind": "points", "name": "20积分", "name_en": "20 points", "points": 20},
)  # a starter board for a new draft: points only, so it fits any pool
DEFAULT_CARDS = (
    {"kind": "move", "name": "前进3步", "name_en": "Forward 3", "weight": 3, "steps": 3},
    {"kind": "move", "name": "后退2步", "name_en": "Back 2", "weight": 2, "steps": -2},
    {"kind": "double", "name": "双倍卡", "name_en": "Double", "weight": 2},
    {"kind": "free_roll", "name": "再掷一次", "name_en": "Free roll", "weight": 2},
)


class WeightedPrizeSchema(Schema):
    """One prize of a draw tile's own pool: a pool prize and its integer weight."""

    prize = fields.String(required=True, validate=KEY, metadata=PRIZE_KEY)
    weight = fields.Integer(strict=True, required=True, validate=validate.Range(1, MAX_WEIGHT))

    @post_load
    def _build(self, data: dict[str, Any], **_: Any) -> WeightedPrize:
        return WeightedPrize(**data)


class TileSchema(Schema):
    """A tile: ``start`` (the first tile: passing it counts a lap), ``points``, ``prize`` (a pool prize: a coupon,
    a red packet, wheel spins...), ``draw`` (a draw from the tile's own pool), ``chance`` (a card) or ``rest``."""

    kind = fields.String(
        required=True,
        validate=validate.OneOf(TILE_KINDS),
        metadata={"default": "points"},  # the kind of a tile the console adds
    )
    name = fields.String(required=True, validate=validate.Length(1, 20))
    name_en = fields.String(load_default=None, allow_none=True, validate=validate.Length(0, 40))
    points = fields.Integer(
        strict=True,
        load_default=0,
        validate=validate.Range(0, MAX_POINTS),
        metadata={"x-only-for": {"kind": ["points"]}},  # the console shows a field only where it applies
    )
    prize = fields.String(
        load_default=None,
        allow_none=True,
        validate=KEY,
        metadata={**PRIZE_KEY, "x-only-for": {"kind": ["prize"]}},
    )
    draws = fields.List(
        fields.Nested(WeightedPrizeSchema),
        load_default=list,
        validate=validate.Length(0, 20),
        metadata={"description": "a draw tile's own prizes and weights", "x-only-for": {"kind": ["draw"]}},
    )

    @validates_schema
    def _complete(self, data: dict[str, Any], **_: Any) -> None:
        kind = data.get("kind")
        if kind == "points" and not data.get("points"):
            raise ValidationError("a points tile gives at least 1 point", "points")
        if kind == "prize" and not data.get("prize"):
            raise ValidationError("a prize tile names its pool prize", "prize")
        if kind == "draw" and not data.get("draws"):
            raise ValidationError("a draw tile lists the prizes it draws from", "draws")
        if kind != "draw" and data.get("draws"):
            raise ValidationError("only a draw tile lists prizes to draw from", "draws")

    @post_load
    def _build(self, data: dict[str, Any], **_: Any) -> Tile:
        return Tile(**{**data, "draws": tuple(data["draws"])})


class CardSchema(Schema):
    """A chance card (机会卡): ``move`` (``steps`` forward or back, then that tile applies), ``double`` (the next
    reward is doubled), ``free_roll`` (a die back) or ``prize`` (a pool prize); drawn by integer ``weight``."""

    kind = fields.String(required=True, validate=validate.OneOf(CARD_KINDS))
    name = fields.String(required=True, validate=validate.Length(1, 20))
    name_en = fields.String(load_default=None, allow_none=True, validate=validate.Length(0, 40))
    weight = fields.Integer(strict=True, required=True, validate=validate.Range(1, MAX_WEIGHT))
    steps = fields.Integer(
        strict=True,
        load_default=0,
        validate=validate.Range(-12, 12),
        metadata={"x-only-for": {"kind": ["move"]}},
    )
    prize = fields.String(
        load_default=None,
        allow_none=True,
        validate=KEY,
        metadata={**PRIZE_KEY, "x-only-for": {"kind": ["prize"]}},
    )

    @validates_schema
    def _complete(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("kind") == "move" and not data.get("steps"):
            raise ValidationError("a move card moves 1 to 12 steps, forward or back", "steps")
        if data.get("kind") == "prize" and not data.get("prize"):
            raise ValidationError("a prize card names its pool prize", "prize")

    @post_load
    def _build(self, data: dict[str, Any], **_: Any) -> Card:
        return Card(**data)


class LapMilestoneSchema(Schema):
    """``laps`` completed grant a pool prize, once."""

    laps = fields.Integer(strict=True, required=True, validate=validate.Range(1, 1000))
    prize = fields.String(required=True, validate=KEY, metadata=PRIZE_KEY)

    @post_load
    def _build(self, data: dict[str, Any], **_: Any) -> LapMilestone:
        return LapMilestone(**data)


class MonopolyConfigSchema(Schema):
    """The board (its first tile is the start), the dice, chance cards, props and lap rewards."""

    tiles = fields.List(
        fields.Nested(TileSchema),
        required=True,
        validate=validate.Length(12, 60, error="a board has 12 to 60 tiles"),
        metadata={
            "description": "the ring of tiles in order; the first is the start",
            "default": [dict(tile) for tile in DEFAULT_TILES],  # what the console fills in for a new board
        },
    )
    dice = fields.Integer(strict=True, load_default=1, validate=validate.OneOf([1, 2]))
    dice_item = fields.String(load_default="dice", validate=KEY, metadata={"description": "the item a roll spends"})
    remote_item = fields.String(
        load_default=None,
        allow_none=True,
        validate=KEY,
        metadata={"description": "遥控骰子: a prop that chooses the roll (none: no such prop)"},
    )
    double_item = fields.String(
        load_default=None,
        allow_none=True,
        validate=KEY,
        metadata={"description": "双倍卡: a prop that doubles the landing reward (none: no such prop)"},
    )
    cards = fields.List(
        fields.Nested(CardSchema),
        load_default=list,
        validate=validate.Length(0, 30),
        metadata={"default": [dict(card) for card in DEFAULT_CARDS]},  # the starter board's chance cards
    )
    lap_prize = fields.String(
        load_default=None,
        allow_none=True,
        validate=KEY,
        metadata={"description": "the pool prize each lap completed grants", **PRIZE_KEY},
    )
    lap_milestones = fields.List(fields.Nested(LapMilestoneSchema), load_default=list, validate=validate.Length(0, 20))
    odds_rolls = fields.Integer(
        strict=True,
        load_default=10,
        validate=validate.Range(1, 30),
        metadata={"description": "the rules page gives each tile's landing chance per roll over a shopper's first N"},
    )

    @validates_schema
    def _board(self, data: dict[str, Any], **_: Any) -> None:
        tiles = [tile for tile in data.get("tiles") or [] if isinstance(tile, Tile)]
        if tiles and tiles[0].kind != "start":
            raise ValidationError("the first tile is the start", "tiles")
        if sum(tile.kind == "start" for tile in tiles) > 1:
            raise ValidationError("a board has one start", "tiles")
        if any(tile.kind == "chance" for tile in tiles) and not data.get("cards"):
            raise ValidationError("a board with chance tiles needs chance cards", "cards")
        laps = [m.laps for m in data.get("lap_milestones") or [] if isinstance(m, LapMilestone)]
        if len(set(laps)) != len(laps):
            raise ValidationError("each lap milestone once", "lap_milestones")

    @post_load
    def _build(self, data: dict[str, Any], **_: Any) -> MonopolyConfig:
        milestones = tuple(sorted(data["lap_milestones"], key=lambda m: m.laps))
        return MonopolyConfig(
            **{**data, "tiles": tuple(data["tiles"]), "cards": tuple(data["cards"]), "lap_milestones": milestones}
        )


@dataclass(frozen=True)
class WeightedPrize:
    """A pool prize and its weight in a draw tile's pool."""

    prize: str
    weight: int


@dataclass(frozen=True)
class Tile:
    """A tile of the board (see :class:`TileSchema`)."""

    kind: str
    name: str
    name_en: str | None
    points: int
    prize: str | None
    draws: tuple[WeightedPrize, ...]

    @property
    def total_weight(self) -> int:
        """The sum of a draw tile's weights."""
        return sum(entry.weight for entry in self.draws)


@dataclass(frozen=True)
class Card:
    """A chance card (see :class:`CardSchema`)."""

    kind: str
    name: str
    name_en: str | None
    weight: int
    steps: int
    prize: str | None


@dataclass(frozen=True)
class LapMilestone:
    """``laps`` laps grant ``prize``."""

    laps: int
    prize: str


@dataclass(frozen=True)
class MonopolyConfig:
    """A validated board."""

    tiles: tuple[Tile, ...]
    dice: int
    dice_item: str
    remote_item: str | None
    double_item: str | None
    cards: tuple[Card, ...]
    lap_prize: str | None
    lap_milestones: tuple[LapMilestone, ...]
    odds_rolls: int

    @property
    def card_weight(self) -> int:
        """The sum of the chance cards' weights."""
        return sum(card.weight for card in self.cards)

    def prize_keys(self) -> list[tuple[str, str]]:
        """Every pool prize the board names, with the field naming it (for the config's cross-check)."""
        named = [(f"tiles.{i}.prize", t.prize) for i, t in enumerate(self.tiles) if t.prize]
        named += [
            (f"tiles.{i}.draws.{j}.prize", d.prize) for i, t in enumerate(self.tiles) for j, d in enumerate(t.draws)
        ]
        named += [(f"cards.{i}.prize", c.prize) for i, c in enumerate(self.cards) if c.prize]
        named += [(f"lap_milestones.{i}.prize", m.prize) for i, m in enumerate(self.lap_milestones)]
        return named + ([("lap_prize", self.lap_prize)] if self.lap_prize else [])
