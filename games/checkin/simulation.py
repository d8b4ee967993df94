"""The check-in's cost model for ops (numpy): shoppers of a tier mix each check in on a day with their tier's
probability; each check-in costs its drawn points (and the daily prize), each milestone reached its prize. Out:
the expected, p95 and p99 cost of one shopper-month, by tier and for the mix, and of the whole audience.

Make-ups are not modelled: each pays a day's reward and may complete streak milestones, so shoppers who make
up days cost more than the forecast says. Play items a milestone grants (wheel spins) cost the budget nothing
here; what the spins they pay for cost is the wheel's simulation's. Stock and budget limits are not applied: the
figures are what the rules would pay, an upper bound on what a limited stock or budget lets out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from games.checkin.config import CheckinConfig, Milestone
from games.fairness.pools import Pool

MAX_SAMPLE = 20_000  # shopper-months simulated; the audience's total follows from them (normal approximation)
Z95, Z99 = 1.6448536269514722, 2.3263478740408408  # standard normal quantiles


class CheckinAudienceSchema(Schema):
    """Who the forecast is for: shoppers, the share of each tier and each tier's daily check-in probability."""

    shoppers = fields.Integer(strict=True, required=True, validate=validate.Range(1, 100_000_000))
    days = fields.Integer(strict=True, load_default=30, validate=validate.Range(1, 366))
    tier_mix = fields.Dict(
        keys=fields.String(),
        values=fields.Float(validate=validate.Range(0, 1)),
        required=True,
        metadata={"description": "tier code -> share of the shoppers (the shares add up to 1)"},
    )
    checkin_probability = fields.Dict(
        keys=fields.String(),
        values=fields.Float(validate=validate.Range(0, 1)),
        required=True,
        metadata={"description": "tier code -> the chance a shopper of the tier checks in on a given day"},
    )
    seed = fields.Integer(strict=True, load_default=None, allow_none=True, validate=validate.Range(0, 2**63 - 1))

    @validates_schema
    def _shares(self, data: dict[str, Any], **_: Any) -> None:
        if not math.isclose(sum(data["tier_mix"].values()), 1.0, abs_tol=1e-6):
            raise ValidationError("the tier shares must add up to 1", "tier_mix")
        missing = sorted(set(data["tier_mix"]) - set(data["checkin_probability"]))
        if missing:
            raise ValidationError(f"no check-in probability for {', '.join(missing)}", "checkin_probability")


@dataclass(frozen=True)
class CostFigures:
    """Expected, p95 and p99 cost in fen."""

    expected_fen: float
    p95_fen: float
    p99_fen: float


def simulate_checkin(config: CheckinConfig, pool: Pool, audience: dict[str, Any]) -> dict[str, Any]:
    """The forecast for ``audience`` (loaded by :class:`CheckinAudienceSchema`).

    :raises ValidationError: a tier of the mix that the config does not have.
    """
    unknown = sorted(code for code in audience["tier_mix"] if code not in {t.code for t in config.tiers})
    if unknown:
        raise ValidationError({"tier_mix": [f"the config has no tier {', '.join(unknown)}"]})
    rng = np.random.default_rng(audience["seed"])
    shoppers, days = audience["shoppers"], audience["days"]
    sample = min(shoppers, MAX_SAMPLE)
    shares = [(code, share) for code, share in audience["tier_mix"].items() if share > 0]
    total = sum(share for _, share in shares)  # within 1e-6 of 1: made exactly 1 for the multinomial
    counts = rng.multinomial(sample, [share / total for _, share in shares])
    by_tier, costs = {}, []
    for (code, _), count in zip(shares, counts, strict=True):
        tier_costs = _shopper_months(config, pool, code, audience["checkin_probability"][code], int(count), days, rng)
        by_tier[code] = _figures(tier_costs).__dict__
        costs.append(tier_costs)
    every = np.concatenate(costs) if costs else np.zeros(0)
    per_shopper = _figures(every)
    return {
        "per_shopper_month": per_shopper.__dict__,
        "by_tier": by_tier,
        "audience": _audience(every, shoppers).__dict__,
        "shoppers_simulated": int(every.size),
        "method": "shopper-months simulated one by one; the audience's total by the normal approximation of a sum"
        " of independent shopper-months; no make-ups, no stock or budget limits (an upper bound)",
    }


def _shopper_months(
    config: CheckinConfig, pool: Pool, code: str, probability: float, count: int, days: int, rng: np.random.Generator
) -> np.ndarray:
    """The cost in fen of ``count`` shopper-months of tier ``code``."""
    _, tier = config.tier(code)
    checked = rng.random((count, days)) < probability
    points = rng.integers(tier.points_min, tier.points_max + 1, size=(count, days))
    per_point = pool.points_per_yuan
    cost = np.where(checked, -(-points * 100 // per_point), 0).sum(axis=1).astype(float)
    if config.daily_prize:
        cost += checked.sum(axis=1) * float(pool.prize(config.daily_prize).cost_fen)
    cost += _milestone_costs(config, pool, checked)
    return cost


def _milestone_costs(config: CheckinConfig, pool: Pool, checked: np.ndarray) -> np.ndarray:
    """What the milestones reached cost, per shopper: streak milestones at each cycle's positions, totals once."""
    count, days = checked.shape
    cost = np.zeros(count)
    streak_prizes = {m.days: _cost(pool, m) for m in config.streak_milestones()}
    cycle = max(streak_prizes, default=0)
    streak, total = np.zeros(count, dtype=np.int64), np.zeros(count, dtype=np.int64)
    totals = {m.days: _cost(pool, m) for m in config.total_milestones()}
    for day in range(days):
        today = checked[:, day]
        streak = np.where(today, streak + 1, 0)
        total = total + today
        position = (streak - 1) % cycle + 1 if config.restart_after_last and cycle else streak  # place in the cycle
        for threshold, prize_cost in streak_prizes.items():
            cost += (today & (position == threshold)) * prize_cost
        for threshold, prize_cost in totals.items():
            cost += (today & (total == threshold)) * prize_cost
    return cost


def _cost(pool: Pool, milestone: Milestone) -> float:
    return float(pool.prize(milestone.prize).cost_fen)


def _figures(costs: np.ndarray) -> CostFigures:
    if costs.size == 0:
        return CostFigures(0.0, 0.0, 0.0)
    p95, p99 = np.percentile(costs, [95, 99])
    return CostFigures(float(costs.mean()), float(p95), float(p99))


def _audience(costs: np.ndarray, shoppers: int) -> CostFigures:
    """The audience's total: ``shoppers`` times the mean, and the sum's p95 and p99 by the normal approximation."""
    if costs.size == 0:
        return CostFigures(0.0, 0.0, 0.0)
    mean, spread = float(costs.mean()) * shoppers, float(costs.std()) * math.sqrt(shoppers)
    return CostFigures(mean, mean + Z95 * spread, mean + Z99 * spread)
