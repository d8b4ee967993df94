"""Campaign configs: validation (pool, caps, games), immutable versions named by content hash."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates, validates_schema
from sqlalchemy.orm import Session

from economy.limits import MAX_BUDGET_FEN, Cap, set_stock
from games.engine.registry import Registry
from games.fairness.periods import DAY_HOURS, PERIOD_HOURS
from games.fairness.pools import KEY, MAX_STOCK, Pool, PoolSchema
from games.fairness.rng import canonical_json, content_hash
from games.models import Campaign, ConfigVersion


class CapSchema(Schema):
    """A per-user cap in a campaign config."""

    key = fields.String(required=True, validate=KEY)
    per = fields.String(required=True, validate=validate.OneOf(["day", "campaign"]))
    max_count = fields.Integer(strict=True, load_default=None, allow_none=True, validate=validate.Range(1, MAX_STOCK))
    max_value_fen = fields.Integer(
        strict=True, load_default=None, allow_none=True, validate=validate.Range(1, MAX_BUDGET_FEN)
    )
    prize = fields.String(load_default=None, allow_none=True)

    @validates_schema
    def _some_limit(self, data: dict[str, Any], **_: Any) -> None:
        if data["max_count"] is None and data["max_value_fen"] is None:
            raise ValidationError("a cap needs max_count or max_value_fen", "max_count")


class RedemptionSchema(Schema):
    """How and until when prizes are redeemed (disclosed on the rules page)."""

    deadline = fields.Date(required=True)
    conditions = fields.String(required=True, validate=validate.Length(1, 500))


class CampaignConfigSchema(Schema):
    """The versioned part of a campaign: pool, caps, enabled games and their configs."""

    pool = fields.Dict(required=True)
    caps = fields.List(fields.Nested(CapSchema), load_default=list)
    games = fields.Dict(keys=fields.String(), values=fields.Dict(), required=True, validate=validate.Length(1))
    points_lifetime_days = fields.Integer(strict=True, load_default=365, validate=validate.Range(1, 3660))
    seed_period_hours = fields.Integer(
        strict=True,
        load_default=DAY_HOURS,
        validate=validate.OneOf(PERIOD_HOURS, error="a seed period lasts 1, 2, 3, 4, 6, 8, 12 or 24 hours"),
    )
    redemption = fields.Nested(RedemptionSchema, load_default=None, allow_none=True)

    @validates("caps")
    def _unique_cap_keys(self, caps: list[dict[str, Any]], **_: Any) -> None:
        keys = [cap["key"] for cap in caps]
        repeated = sorted({key for key in keys if keys.count(key) > 1})
        if repeated:
            raise ValidationError(f"each cap needs its own key; repeated: {', '.join(repeated)}")


@dataclass(frozen=True)
class CampaignConfig:
    """A validated config: ``raw`` is what was published and hashed."""

    raw: dict[str, Any]
    hash: str
    pool: Pool
    caps: tuple[Cap, ...]
    games: dict[str, Any]
    points_lifetime: timedelta
    redemption: dict[str, Any] | None

    @property
    def points_lifetime_days(self) -> int:
        """How many days granted points last (disclosed on the rules page)."""
        return self.points_lifetime.days


def validate_config(registry: Registry, raw: dict[str, Any]) -> CampaignConfig:
    """Validate a whole campaign config with the pool's and every game's schema.

    :raises marshmallow.ValidationError: messages keyed by field path (``pool``, ``games.wheel`` ...).
    """
    data = CampaignConfigSchema().load(raw)
    errors: dict[str, Any] = {}
    pool = _load_part(PoolSchema(), data["pool"], "pool", errors)
    games = {key: _load_game(registry, key, conf, pool, errors) for key, conf in data["games"].items()}
    caps = tuple(_cap(c, pool, errors) for c in data["caps"])
    if errors:
        raise ValidationError(errors)
    normalized = json.loads(canonical_json(raw))
    return CampaignConfig(
        raw=normalized,
        hash=content_hash(normalized),
        pool=pool,
        caps=caps,
        games=games,
        points_lifetime=timedelta(days=data["points_lifetime_days"]),
        redemption=data["redemption"],
    )


def _load_part(schema: Schema, data: dict[str, Any], name: str, errors: dict[str, Any]) -> Any:
    try:
        return schema.load(data)
    except ValidationError as error:
        errors[name] = error.messages
        return None


def _load_game(registry: Registry, key: str, conf: dict[str, Any], pool: Pool | None, errors: dict[str, Any]) -> Any:
    try:
        game = registry.get(key)
    except KeyError:
        errors.setdefault("games", {})[key] = [f"unknown game '{key}'; known: {', '.join(registry.names())}"]
        return None
    loaded = _load_part(game.config_schema(), conf, f"games.{key}", errors)
    if loaded is not None and pool is not None:
        problems = game.check_config(loaded, pool)
        if problems:
            errors[f"games.{key}"] = problems
    return loaded


def load_caps(raw: Any, pool: Pool) -> tuple[Cap, ...]:
    """Per-user caps as a campaign config holds them, checked as a publish checks them against ``pool``.

    :raises marshmallow.ValidationError: messages under ``caps``.
    """
    data = CampaignConfigSchema(only=("caps",)).load({"caps": raw})
    errors: dict[str, Any] = {}
    caps = tuple(_cap(c, pool, errors) for c in data["caps"])
    if errors:
        raise ValidationError(errors)
    return caps


def _cap(data: dict[str, Any], pool: Pool | None, errors: dict[str, Any]) -> Cap:
    prize = data["prize"]
    if prize is not None and pool is not None and prize not in {p.key for p in pool.prizes}:
        errors.setdefault("caps", []).append(f"cap '{data['key']}' names unknown prize '{prize}'")
    return Cap(data["key"], data["per"], data["max_count"], data["max_value_fen"], prize)


@lru_cache(maxsize=128)
def parsed_config(registry: Registry, config_json: str) -> CampaignConfig:
    """The validated config of a stored version (cached: versions are immutable)."""
    return validate_config(registry, json.loads(config_json))


def publish_version(session: Session, campaign: Campaign, config: CampaignConfig, now: datetime) -> ConfigVersion:
    """Freeze ``config`` as the campaign's current version and size the prize stock to it."""
    version = ConfigVersion(
        campaign_id=campaign.id, hash=config.hash, config_json=canonical_json(config.raw).decode(), created_at=now
    )
    session.add(version)
    session.flush()
    campaign.version_id = version.id
    size_stock(session, campaign.id, config)
    return version


def size_stock(session: Session, campaign_id: int, config: CampaignConfig) -> None:
    """Set each prize's stock to what ``config`` discloses. :raises ValueError: below what is granted."""
    for prize in config.pool.prizes:
        set_stock(session, campaign_id, prize.key, prize.stock)
    session.flush()
