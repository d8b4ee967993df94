"""Tasks and points rules (任务与积分): the part of a campaign config that says what shoppers earn for what they do
in the host app (its events) and in the campaign's other games."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

KEY = validate.Regexp(r"[a-z0-9_]{1,32}\Z", error="use 1-32 lowercase letters, digits or _")
MAX_POINTS = 1_000_000
MAX_FEN = 10**10
HOST_TRIGGERS = (
    "order_paid",
    "order_confirmed",
    "baitiao_opened",
    "friend_invited",
    "friend_opened_baitiao",
    "review_posted",
    "shared",
)
TRIGGERS = (*HOST_TRIGGERS, "played", "browse")
CLIENT_TRIGGERS = ("browse",)  # reported by the shopper's page: low trust
CLIENT_DAILY_MAX = 3  # a low-trust task completes at most this often a day
ON_ORDERS = {"on": ["order_paid", "order_confirmed"]}  # the triggers whose facts have an amount, payment, category
ON_PLAYS = {"on": ["played"]}


class MultiplierSchema(Schema):
    """Points of a category's orders, in percent of the base (120: 1.2×)."""

    category = fields.String(required=True, validate=validate.Length(1, 64))
    percent = fields.Integer(strict=True, required=True, validate=validate.Range(0, 1000))

    @post_load
    def _build(self, data: dict[str, Any], **_: Any) -> Multiplier:
        return Multiplier(**data)


class BonusDaySchema(Schema):
    """A double-points day (双倍积分日): orders paid on ``day`` (the campaign's) earn ``percent`` of their points."""

    day = fields.Date(required=True)
    percent = fields.Integer(strict=True, load_default=200, validate=validate.Range(100, 1000))

    @post_load
    def _build(self, data: dict[str, Any], **_: Any) -> BonusDay:
        return BonusDay(data["day"].isoformat(), data["percent"])


class BigOrderSchema(Schema):
    """A bonus for an order of at least ``min_fen``."""

    min_fen = fields.Integer(strict=True, required=True, validate=validate.Range(1, MAX_FEN))
    bonus_points = fields.Integer(strict=True, required=True, validate=validate.Range(1, MAX_POINTS))

    @post_load
    def _build(self, data: dict[str, Any], **_: Any) -> BigOrder:
        return BigOrder(**data)


class InteractionSchema(Schema):
    """Points for an interaction, at most ``daily_max`` times a day (``photo_bonus``: more for a review with
    photos)."""

    points = fields.Integer(strict=True, required=True, validate=validate.Range(0, MAX_POINTS))
    photo_bonus = fields.Integer(strict=True, load_default=0, validate=validate.Range(0, MAX_POINTS))
    daily_max = fields.Integer(strict=True, required=True, validate=validate.Range(1, 100))

    @post_load
    def _build(self, data: dict[str, Any], **_: Any) -> Interaction:
        return Interaction(**data)


class ShareRuleSchema(Schema):
    """Points for a share, at most ``daily_max`` times a day."""

    points = fields.Integer(strict=True, required=True, validate=validate.Range(0, MAX_POINTS))
    daily_max = fields.Integer(strict=True, required=True, validate=validate.Range(1, 100))

    @post_load
    def _build(self, data: dict[str, Any], **_: Any) -> Interaction:
        return Interaction(points=data["points"], photo_bonus=0, daily_max=data["daily_max"])


class PointsRulesSchema(Schema):
    """积分规则: points for confirmed orders (floor per order), reviews and shares."""

    per_yuan = fields.Integer(
        strict=True,
        load_default=1,
        validate=validate.Range(0, 1000),
        metadata={"description": "points per yuan of a delivered order (rounded down per order)"},
    )
    multipliers = fields.List(fields.Nested(MultiplierSchema), load_default=list, validate=validate.Length(0, 50))
    big_order = fields.Nested(BigOrderSchema, load_default=None, allow_none=True)
    bonus_days = fields.List(fields.Nested(BonusDaySchema), load_default=list, validate=validate.Length(0, 60))
    review = fields.Nested(InteractionSchema, load_default=None, allow_none=True)
    share = fields.Nested(ShareRuleSchema, load_default=None, allow_none=True)

    @validates_schema
    def _distinct(self, data: dict[str, Any], **_: Any) -> None:
        categories = [m.category for m in data.get("multipliers") or [] if isinstance(m, Multiplier)]
        if len(set(categories)) != len(categories):
            raise ValidationError("each category once", "multipliers")

    @post_load
    def _build(self, data: dict[str, Any], **_: Any) -> PointsRules:
        return PointsRules(
            **{**data, "multipliers": tuple(data["multipliers"]), "bonus_days": tuple(data["bonus_days"])}
        )


class TaskSchema(Schema):
    """A task: what counts toward it (``on`` and its conditions), how many count for one completion, how often
    it can be completed, and the pool prize a completion grants."""

    key = fields.String(required=True, validate=KEY)
    title = fields.String(required=True, validate=validate.Length(1, 40))
    title_en = fields.String(load_default=None, allow_none=True, validate=validate.Length(0, 80))
    on = fields.String(required=True, validate=validate.OneOf(TRIGGERS))
    min_amount_fen = fields.Integer(
        strict=True,
        load_default=0,
        validate=validate.Range(0, MAX_FEN),
        metadata={"x-only-for": ON_ORDERS},  # the console shows a field only where it applies
    )
    baitiao_only = fields.Boolean(
        load_default=False, metadata={"description": "orders paid with 白条 only", "x-only-for": ON_ORDERS}
    )
    category = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(1, 64), metadata={"x-only-for": ON_ORDERS}
    )
    photos_only = fields.Boolean(
        load_default=False,
        metadata={"description": "reviews with photos only", "x-only-for": {"on": ["review_posted"]}},
    )
    game = fields.String(
        load_default=None, allow_none=True, validate=KEY, metadata={"description": "for played", "x-only-for": ON_PLAYS}
    )
    action = fields.String(
        load_default=None, allow_none=True, validate=KEY, metadata={"description": "for played", "x-only-for": ON_PLAYS}
    )
    seconds = fields.Integer(
        strict=True,
        load_default=15,
        validate=validate.Range(1, 600),
        metadata={"description": "for browse", "x-only-for": {"on": ["browse"]}},
    )
    count = fields.Integer(strict=True, load_default=1, validate=validate.Range(1, 1000))
    repeat = fields.String(load_default="once", validate=validate.OneOf(["once", "daily", "repeatable"]))
    max_times = fields.Integer(
        strict=True,
        load_default=1,
        validate=validate.Range(1, 1000),
        metadata={"description": "completions: in all (repeatable) or a day (daily)"},
    )
    prize = fields.String(
        required=True, validate=KEY, metadata={"description": "the pool prize a completion grants", "x-prize-key": True}
    )
    link = fields.String(
        load_default=None,
        allow_none=True,
        validate=[
            validate.Length(1, 300),
            validate.Regexp(
                r"^(https?://|/|(?!(javascript|data|vbscript):)[a-z][a-z0-9+.-]*://)\S+\Z",
                error="use an http(s) address, a path, or an app link (scheme://...); not javascript: or data:",
            ),
        ],
        metadata={"description": "where the 去完成 button goes (a host app page)"},
    )

    @validates_schema
    def _consistent(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("on") == "played" and not data.get("game"):
            raise ValidationError("a task on plays names the game", "game")
        if data.get("on") in CLIENT_TRIGGERS and (
            data.get("repeat") != "daily" or data.get("max_times", 1) > CLIENT_DAILY_MAX
        ):
            raise ValidationError(
                f"a task the shopper's page reports is daily, at most {CLIENT_DAILY_MAX} times", "repeat"
            )
        if data.get("repeat") == "once" and data.get("max_times", 1) != 1:
            raise ValidationError("a task done once has max_times 1", "max_times")

    @post_load
    def _build(self, data: dict[str, Any], **_: Any) -> Task:
        return Task(**data)


class TasksConfigSchema(Schema):
    """Tasks and points rules of a campaign."""

    points = fields.Nested(
        PointsRulesSchema,
        load_default=None,
        allow_none=True,
        metadata={
            "description": "积分规则: points for delivered orders, reviews and shares (none: no points)",
            "default": {"per_yuan": 1, "multipliers": []},  # what the console fills in for a new tasks game
        },
    )
    tasks = fields.List(fields.Nested(TaskSchema), load_default=list, validate=validate.Length(0, 50))

    @validates_schema
    def _distinct(self, data: dict[str, Any], **_: Any) -> None:
        keys = [task.key for task in data.get("tasks") or [] if isinstance(task, Task)]
        if len(set(keys)) != len(keys):
            raise ValidationError("each task key once", "tasks")

    @post_load
    def _build(self, data: dict[str, Any], **_: Any) -> TasksConfig:
        return TasksConfig(points=data["points"], tasks=tuple(data["tasks"]))


@dataclass(frozen=True)
class Multiplier:
    """A category's points, in percent of the base."""

    category: str
    percent: int


@dataclass(frozen=True)
class BonusDay:
    """Orders paid on ``day`` (YYYY-MM-DD) earn ``percent`` of their points."""

    day: str
    percent: int


@dataclass(frozen=True)
class BigOrder:
    """``bonus_points`` more for an order of at least ``min_fen``."""

    min_fen: int
    bonus_points: int


@dataclass(frozen=True)
class Interaction:
    """Points for a review or share, at most ``daily_max`` a day."""

    points: int
    photo_bonus: int
    daily_max: int


@dataclass(frozen=True)
class PointsRules:
    """The points rules: base per yuan, category multipliers, big-order bonus, review and share points."""

    per_yuan: int
    multipliers: tuple[Multiplier, ...]
    big_order: BigOrder | None
    bonus_days: tuple[BonusDay, ...]
    review: Interaction | None
    share: Interaction | None

    def percent(self, category: str) -> int:
        """The multiplier of ``category``, in percent (100 when none is set)."""
        return next((m.percent for m in self.multipliers if m.category == category), 100)

    def day_percent(self, day: str) -> int:
        """The multiplier of orders paid on ``day``, in percent (100 unless it is a bonus day)."""
        return next((b.percent for b in self.bonus_days if b.day == day), 100)


@dataclass(frozen=True)
class Task:
    """A task (see :class:`TaskSchema`)."""

    key: str
    title: str
    title_en: str | None
    on: str
    min_amount_fen: int
    baitiao_only: bool
    category: str | None
    photos_only: bool
    game: str | None
    action: str | None
    seconds: int
    count: int
    repeat: str
    max_times: int
    prize: str
    link: str | None

    @property
    def client_reported(self) -> bool:
        """Whether the shopper's page reports it (low trust: daily and capped)."""
        return self.on in CLIENT_TRIGGERS


@dataclass(frozen=True)
class TasksConfig:
    """The campaign's points rules (``None``: none) and tasks."""

    points: PointsRules | None
    tasks: tuple[Task, ...]

    def task(self, key: str) -> Task | None:
        """The task keyed ``key``, if any."""
        return next((task for task in self.tasks if task.key == key), None)
