"""Shapes the ops console shows: campaign rows, the starter template, odds, schemas, simulations,
and the rules preview of a draft."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from economy.limits import Cap, budget_level
from games.campaigns.config import CampaignConfig, CapSchema, RedemptionSchema
from games.campaigns.form import CampaignFormSchema, load_form
from games.campaigns.rules import Rules, rules
from games.engine.registry import Registry
from games.fairness.pools import Pool, PoolSchema, expected_table
from games.insight.metrics import ForecastFacts
from games.insight.simulate import Audience, simulate
from games.models import Campaign, ConfigVersion
from server.forms import describe

HISTOGRAM_BINS = 30


def campaign_row(session: Session, campaign: Campaign, now: datetime) -> dict[str, Any]:
    """A campaign in the ops list at ``now``, with its lifecycle, budget use and version hash."""
    budget = budget_level(session, campaign.id)
    version = session.get(ConfigVersion, campaign.version_id) if campaign.version_id else None
    return {
        "id": campaign.id,
        "slug": campaign.slug,
        "name": campaign.name,
        "name_en": campaign.name_en,
        "theme": campaign.theme,
        "status": campaign.status,
        "lifecycle": campaign.lifecycle(now),
        "timezone": campaign.timezone,
        "starts_at": campaign.starts_at,
        "ends_at": campaign.ends_at,
        "version_hash": version.hash if version else None,
        "budget_total_fen": budget.total_fen if budget else 0,
        "budget_spent_fen": budget.spent_fen if budget else 0,
    }


def new_campaign_body(now: datetime, timezone: str) -> dict[str, Any]:
    """A valid, compliant starting point in ``timezone``: a 6-slot wheel with points, a coupon and a red packet."""
    start = (now + timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
    prizes = [
        {
            "key": "thanks",
            "name": "谢谢参与",
            "name_en": "Better luck next time",
            "weight": 600,
            "reward": {"kind": "nothing"},
        },
        {
            "key": "points_20",
            "name": "20积分",
            "name_en": "20 points",
            "weight": 300,
            "stock": 100000,
            "reward": {"kind": "points", "points": 20},
            "display_value_fen": 20,
        },
        {
            "key": "coupon_if6",
            "name": "6期免息券",
            "name_en": "6-month interest-free",
            "weight": 90,
            "stock": 5000,
            "reward": {
                "kind": "coupon",
                "cost_fen": 500,
                "coupon": {"type": "interest_free", "title": "白条6期免息券", "periods": 6, "valid_days": 30},
            },
            "display_value_fen": 500,
        },
        {
            "key": "red_666",
            "name": "6.66元红包",
            "name_en": "¥6.66 red packet",
            "weight": 10,
            "stock": 500,
            "reward": {"kind": "red_packet", "amount_fen": 666},
            "display_value_fen": 666,
            "broadcast": True,
        },
    ]
    return {
        "name": "新活动",
        "name_en": "New campaign",
        "theme": "baitiao",
        "timezone": timezone,
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(days=30)).isoformat(),
        "budget_fen": 10_000_000,  # ¥100,000: the default audience's forecast (about ¥58,000) fits
        "daily_budget_fen": None,
        "config": {
            "pool": {"prizes": prizes, "fallback": "thanks"},
            "caps": [{"key": "daily_value", "per": "day", "max_value_fen": 2000}],
            "games": {
                "wheel": {
                    "slots": ["thanks", "points_20", "coupon_if6", "thanks", "points_20", "red_666"],
                    "free_spins_per_day": 3,
                    "extra_spin_points": 20,
                    "max_extra_spins_per_day": 5,
                }
            },
            "redemption": {
                "deadline": (start + timedelta(days=60)).date().isoformat(),
                "conditions": "奖品即时发放至「我的奖品」；优惠券在有效期内使用。",
            },
        },
    }


def schemas_view(registry: Registry) -> dict[str, Any]:
    """Form descriptions generated from the schemas (a new game appears here by registering)."""
    return {
        "campaign": describe(CampaignFormSchema),
        "pool": describe(PoolSchema),
        "cap": describe(CapSchema),
        "redemption": describe(RedemptionSchema),
        "games": {key: describe(registry.get(key).config_schema) for key in registry.names()},
    }


def odds_view(pool: Pool, expected_draws: int) -> dict[str, Any]:
    """The odds table with totals, numbers as floats for display and odds as exact fractions.

    The expected total cost is what the expected grants cost, so picks of a sold-out prize count at the
    fallback prize's cost; the cost per draw is the odds' alone (no stock limits).
    """
    rows = expected_table(pool, expected_draws)
    per_draw = sum((r.expected_cost_per_draw_fen for r in rows), start=0)
    granted_cost = sum(r.expected_granted * pool.prize(r.key).cost_fen for r in rows)
    return {
        "rows": [
            {
                "key": r.key,
                "name": r.name,
                "name_en": r.name_en,
                "probability": float(r.probability),
                "odds": f"{r.probability.numerator}/{r.probability.denominator}",
                "expected_cost_per_draw_fen": float(r.expected_cost_per_draw_fen),
                "expected_picked": float(r.expected_picked),
                "expected_granted": float(r.expected_granted),
                "disclosed_quantity": r.disclosed_quantity,
            }
            for r in rows
        ],
        "total_weight": pool.total_weight,
        "expected_cost_per_draw_fen": float(per_draw),
        "expected_total_cost_fen": float(granted_cost),
    }


def draft_rules(session: Session, registry: Registry, body: dict[str, Any], now: datetime) -> Rules:
    """The public rules a draft ``body`` would publish, built by :func:`games.campaigns.rules.rules` itself.

    The campaign is transient (never added to ``session``), so no stock is used and no seed period is
    committed yet: ``remaining`` is null and ``periods`` is empty.

    :raises marshmallow.ValidationError: messages keyed by dotted field paths, as when saving the draft.
    """
    form, config = load_form(registry, body)
    campaign = Campaign(
        name=form.name, name_en=form.name_en, timezone=form.timezone, starts_at=form.starts_at, ends_at=form.ends_at
    )
    return rules(session, registry, campaign, config, now)


def simulation_view(
    pool: Pool,
    caps: Sequence[Cap] = (),
    progress: Callable[[int], None] | None = None,
    *,
    players_per_day: int,
    draws_per_player: int,
    days: int,
    budget_fen: int | None,
    runs: int,
    seed: int | None,
    daily_budget_fen: int | None = None,
    max_draws_per_player: int | None = None,
) -> dict[str, Any]:
    """Run the simulator (``progress``: called with the days simulated) and add a histogram of total cost;
    ``max_draws_per_player``: what the games allow, shown beside the answer."""
    audience = Audience(players_per_day, draws_per_player, days)
    result = simulate(
        pool,
        audience,
        budget_fen,
        runs=runs,
        seed=seed,
        daily_budget_fen=daily_budget_fen,
        caps=caps,
        progress=progress,
    )
    counts, edges = np.histogram(result.total_costs_fen, bins=HISTOGRAM_BINS)
    expected = float(sum(r.expected_cost_fen for r in pool.odds())) * audience.draws_per_day * days
    return {
        "runs": result.runs,
        "draws": result.draws,
        "cost_median_fen": result.cost_median_fen,
        "cost_p95_fen": result.cost_p95_fen,
        "cost_p99_fen": result.cost_p99_fen,
        "cost_mean_fen": result.cost_mean_fen,
        "expected_cost_fen": expected,
        "histogram": [
            {"from_fen": float(edges[i]), "to_fen": float(edges[i + 1]), "runs": int(counts[i])}
            for i in range(len(counts))
        ],
        "daily_cost_mean_fen": result.daily_cost_mean_fen,
        "cumulative_median_fen": result.cumulative_median_fen,
        "cumulative_p95_fen": result.cumulative_p95_fen,
        "budget_exhausted_probability": result.budget_exhausted_probability,
        "median_budget_exhausted_day": result.median_budget_exhausted_day,
        "prizes": result.prizes,
        "max_draws_per_player": max_draws_per_player,
    }


def forecast_facts(
    pool: Pool, published: CampaignConfig | None, request: dict[str, Any], view: dict[str, Any]
) -> ForecastFacts:
    """What a campaign keeps of the simulation ``view`` of ``pool`` run for ``request``: the published
    version when ``pool`` is its pool (else the draft's), the audience and the cumulative spend."""
    return ForecastFacts(
        version_hash=published.hash if published is not None and published.pool == pool else None,
        audience=Audience(request["players_per_day"], request["draws_per_player"], request["days"]),
        spend_median_fen=view["cumulative_median_fen"],
        spend_p95_fen=view["cumulative_p95_fen"],
    )
