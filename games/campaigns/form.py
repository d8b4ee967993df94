"""The campaign form ops edit (the draft): its schema, budget rules, and validation together with the
config's own schemas, with messages keyed by dotted field paths."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from economy.limits import MAX_BUDGET_FEN
from games.campaigns.config import CampaignConfig, validate_config
from games.engine.registry import Registry


def budget_fen_field(**options: Any) -> fields.Integer:
    """A campaign's total budget in fen: a strict integer from 0 to :data:`MAX_BUDGET_FEN`."""
    return fields.Integer(strict=True, validate=validate.Range(0, MAX_BUDGET_FEN), **options)


def daily_budget_fen_field() -> fields.Integer:
    """A campaign's daily budget in fen: ``None`` (no daily limit) or a strict integer from 1 to the maximum."""
    return fields.Integer(strict=True, load_default=None, allow_none=True, validate=validate.Range(1, MAX_BUDGET_FEN))


def check_daily_budget(data: dict[str, Any]) -> None:
    """The daily budget may not exceed the total (either may be absent: nothing to compare).

    :raises ValidationError: on ``daily_budget_fen``.
    """
    daily, total = data.get("daily_budget_fen"), data.get("budget_fen")
    if daily is not None and total is not None and daily > total:
        raise ValidationError("the daily budget may not exceed the total budget", "daily_budget_fen")


EARLIEST_DATE = datetime(2000, 1, 1, tzinfo=UTC)
LATEST_DATE = datetime(2100, 1, 1, tzinfo=UTC)
_IN_SCHEDULE_RANGE = validate.Range(
    EARLIEST_DATE, LATEST_DATE, max_inclusive=False, error="a campaign runs between the years 2000 and 2099 (UTC)"
)


class CampaignFormSchema(Schema):
    """Everything ops edit about a campaign (the draft); ``config`` is checked by the game schemas."""

    slug = fields.String(load_default=None, allow_none=True, validate=validate.Regexp(r"^[a-z0-9-]{1,64}$"))
    name = fields.String(required=True, validate=validate.Length(1, 120))
    name_en = fields.String(load_default=None, allow_none=True, validate=validate.Length(0, 120))
    theme = fields.String(load_default=None, allow_none=True, validate=validate.Length(0, 32))
    timezone = fields.String(load_default="Asia/Shanghai")
    starts_at = fields.AwareDateTime(required=True, default_timezone=UTC, validate=_IN_SCHEDULE_RANGE)
    ends_at = fields.AwareDateTime(required=True, default_timezone=UTC, validate=_IN_SCHEDULE_RANGE)
    budget_fen = budget_fen_field(required=True)
    daily_budget_fen = daily_budget_fen_field()
    config = fields.Dict(required=True)

    @validates_schema
    def _schedule(self, data: dict[str, Any], **_: Any) -> None:
        try:
            ZoneInfo(data["timezone"])
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValidationError(f"unknown time zone '{data['timezone']}'", "timezone") from error
        if data["ends_at"] <= data["starts_at"]:
            raise ValidationError("the campaign must end after it starts", "ends_at")

    @validates_schema
    def _budget(self, data: dict[str, Any], **_: Any) -> None:
        check_daily_budget(data)


@dataclass(frozen=True)
class CampaignForm:
    """A validated draft."""

    name: str
    name_en: str | None
    theme: str | None
    timezone: str
    starts_at: datetime
    ends_at: datetime
    budget_fen: int
    daily_budget_fen: int | None
    config: dict[str, Any]

    def body(self) -> dict[str, Any]:
        """The JSON form stored as the draft."""
        return {**asdict(self), "starts_at": self.starts_at.isoformat(), "ends_at": self.ends_at.isoformat()}


def load_form(registry: Registry, body: dict[str, Any]) -> tuple[CampaignForm, CampaignConfig]:
    """Validate a draft body with the form schema and the config's own schemas.

    :raises ValidationError: messages keyed by dotted field paths (``config.pool.prizes.0.weight``).
    """
    form_errors: dict[str, Any] = {}
    try:
        data = CampaignFormSchema().load(body)
    except ValidationError as error:
        form_errors = flatten(error.messages)
        data = None
    try:
        config = validate_config(registry, body.get("config") if isinstance(body.get("config"), dict) else {})
    except ValidationError as error:
        form_errors.update(flatten(error.messages, "config"))
        config = None
    if form_errors or data is None or config is None:
        raise ValidationError(form_errors)
    data.pop("slug")
    return CampaignForm(**data), config


def flatten(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """Nested marshmallow messages as ``{"a.b.0.c": [...]}``."""
    if isinstance(messages, dict):
        out: dict[str, list[str]] = {}
        for key, value in messages.items():
            name = prefix if key == "_schema" else (f"{prefix}.{key}" if prefix else str(key))
            out.update(flatten(value, name))
        return out
    items = messages if isinstance(messages, list) else [messages]
    return {prefix or "_schema": [str(m) for m in items]}
