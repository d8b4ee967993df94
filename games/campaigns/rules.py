"""The public rules of a campaign, derived from the very config the engine draws with."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from economy.buckets import Level
from economy.limits import stock_levels
from games.campaigns.config import CampaignConfig
from games.engine.registry import Registry
from games.fairness.periods import PublicPeriod, public_periods
from games.fairness.pools import Prize
from games.models import Campaign


@dataclass(frozen=True)
class PrizeRule:
    """One prize as disclosed: what it is, how many, the exact odds."""

    key: str
    name: str
    name_en: str | None
    kind: str
    display_value_fen: int
    quantity: int | None
    remaining: int | None
    weight: int
    odds_numerator: int
    odds_denominator: int
    probability: float
    reward: dict[str, Any]
    fallback: bool
    image: str | None


@dataclass(frozen=True)
class Rules:
    """Everything the rules page shows."""

    campaign_id: int
    name: str
    name_en: str | None
    timezone: str
    starts_at: datetime
    ends_at: datetime
    config_hash: str
    draw_method: str
    total_weight: int
    prizes: list[PrizeRule]
    caps: list[dict[str, Any]]
    games: dict[str, Any]
    game_rules: list[dict[str, Any]]  # each game's section: {"game": key, "lines": [{"zh", "en"}]}
    periods: list[PublicPeriod]
    redemption: dict[str, Any] | None  # deadline (a date in the campaign's zone) and conditions
    points_lifetime_days: int


DRAW_METHOD = "HMAC-SHA256 provably-fair draw, rejection sampling into integer weights (docs/fairness.md)"


def rules(session: Session, registry: Registry, campaign: Campaign, config: CampaignConfig, now: datetime) -> Rules:
    """The rules of ``campaign`` as of ``now`` (seeds only of ended periods); each game's section is what
    the game says of its config (:meth:`games.engine.contract.Game.rules_lines`)."""
    stock = stock_levels(session, campaign.id)
    total = config.pool.total_weight
    return Rules(
        campaign_id=campaign.id,
        name=campaign.name,
        name_en=campaign.name_en,
        timezone=campaign.timezone,
        starts_at=campaign.starts_at,
        ends_at=campaign.ends_at,
        config_hash=config.hash,
        draw_method=DRAW_METHOD,
        total_weight=total,
        prizes=[_prize_rule(p, total, stock.get(p.key), config) for p in config.pool.prizes],
        caps=[
            {
                "key": c.key,
                "per": c.per,
                "max_count": c.max_count,
                "max_value_fen": c.max_value_fen,
                "prize": c.prize_key,
            }
            for c in config.caps
        ],
        games=config.raw["games"],
        game_rules=[
            {"game": key, "lines": [asdict(line) for line in registry.get(key).rules_lines(game_config, config.pool)]}
            for key, game_config in sorted(config.games.items())
        ],
        periods=public_periods(session, campaign.id, now),
        redemption=config.redemption,
        points_lifetime_days=config.points_lifetime_days,
    )


def _prize_rule(prize: Prize, total: int, stock: Level | None, config: CampaignConfig) -> PrizeRule:
    raw = next(p for p in config.raw["pool"]["prizes"] if p["key"] == prize.key)
    return PrizeRule(
        key=prize.key,
        name=prize.name,
        name_en=prize.name_en,
        kind=prize.reward.kind.value,
        display_value_fen=prize.display_value_fen,
        quantity=prize.stock,
        remaining=None if stock is None else stock.remaining,
        weight=prize.weight,
        odds_numerator=prize.weight,
        odds_denominator=total,
        probability=prize.weight / total,
        reward=raw["reward"],
        fallback=prize.key == config.pool.fallback_key,
        image=prize.image,
    )
