"""The pre-flight check of a publish: what the campaign is forecast to cost, and the risks ops must
acknowledge before it goes out.

A publish that a quick Monte Carlo (:func:`games.insight.simulate.simulate`, the draft's pool, caps and budgets, an
audience of players a day) finds likely to run out of budget, or to sell out a prize on its first day, is
held until ops acknowledge each named risk. A prize no shopper can receive is refused outright
(:func:`games.campaigns.disclosure.compliance_problems`): that is never a risk to take.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from games.campaigns.config import CampaignConfig
from games.campaigns.form import CampaignForm
from games.insight.simulate import Audience, Simulation, simulate

BUDGET_RISK = 0.10  # a budget running out in at least this share of the runs is a risk
STOCKOUT_RISK = 0.50  # a prize selling out on day 1 in at least this share of the runs is a risk
RUNS = 200
STEPS = 2_000_000  # runs x days x prizes at most: a pre-flight answers within a second
Crowd = tuple[int, int]  # players a day, draws per player a day: an audience over every day of a campaign
DEFAULT_CROWD: Crowd = (10_000, 3)  # the console's default, when ops never simulated the campaign
SEED = 0  # the same draft and audience always give the same pre-flight


@dataclass(frozen=True)
class Risk:
    """Something ops must acknowledge: ``code`` (to acknowledge), the field it is about and why."""

    code: str
    field: str
    message: str


@dataclass(frozen=True)
class Preflight:
    """The summary shown before publishing, and the risks in it."""

    starts_at: datetime
    ends_at: datetime
    audience: Audience
    budget_fen: int
    daily_budget_fen: int | None
    cost_median_fen: float  # what would be paid: never above the budgets
    cost_p95_fen: float
    demand_median_fen: float  # what the audience would win without any budget
    demand_p95_fen: float
    budget_exhausted_probability: float
    median_budget_exhausted_day: int | None
    risks: list[Risk]

    def unacknowledged(self, acknowledged: Iterable[str]) -> list[Risk]:
        """The risks whose codes are not in ``acknowledged``."""
        taken = set(acknowledged)
        return [risk for risk in self.risks if risk.code not in taken]


def campaign_days(form: CampaignForm) -> int:
    """The days a campaign runs (a started day counts)."""
    return max(1, math.ceil((form.ends_at - form.starts_at).total_seconds() / 86_400))


def audience_for(form: CampaignForm, crowd: Crowd) -> Audience:
    """``crowd`` playing every day of ``form``'s campaign."""
    players_per_day, draws_per_player = crowd
    return Audience(players_per_day, draws_per_player, campaign_days(form))


def preflight(form: CampaignForm, config: CampaignConfig, audience: Audience) -> Preflight:
    """The forecast of ``form``'s campaign for ``audience`` and its risks."""
    runs = max(20, min(RUNS, STEPS // (audience.days * len(config.pool.prizes))))
    forecast = simulate(
        config.pool, audience, form.budget_fen, runs, SEED, daily_budget_fen=form.daily_budget_fen, caps=config.caps
    )
    demand = simulate(config.pool, audience, None, runs, SEED, caps=config.caps)
    return Preflight(
        starts_at=form.starts_at,
        ends_at=form.ends_at,
        audience=audience,
        budget_fen=form.budget_fen,
        daily_budget_fen=form.daily_budget_fen,
        cost_median_fen=forecast.cost_median_fen,
        cost_p95_fen=forecast.cost_p95_fen,
        demand_median_fen=demand.cost_median_fen,
        demand_p95_fen=demand.cost_p95_fen,
        budget_exhausted_probability=forecast.budget_exhausted_probability,
        median_budget_exhausted_day=forecast.median_budget_exhausted_day,
        risks=_budget_risks(form, forecast, demand) + _stockout_risks(config, forecast),
    )


def _budget_risks(form: CampaignForm, forecast: Simulation, demand: Simulation) -> list[Risk]:
    if forecast.budget_exhausted_probability < BUDGET_RISK:
        return []
    share = round(100 * forecast.budget_exhausted_probability)
    day = forecast.median_budget_exhausted_day
    wanted = round(demand.cost_median_fen)
    return [
        Risk(
            "budget_exhausted",
            "budget_fen",
            f"the budget runs out in {share}% of the forecasts (median day {day}): shoppers would win {wanted} fen"
            f" against a budget of {form.budget_fen} fen",
        )
    ]


def _stockout_risks(config: CampaignConfig, forecast: Simulation) -> list[Risk]:
    risks = []
    for index, (prize, predicted) in enumerate(zip(config.pool.prizes, forecast.prizes, strict=True)):
        if prize.stock is None or predicted.stockout_probability < STOCKOUT_RISK:
            continue
        if predicted.median_stockout_day != 1:
            continue
        share = round(100 * predicted.stockout_probability)
        risks.append(
            Risk(
                f"stockout_day_one:{prize.key}",
                f"config.pool.prizes.{index}.stock",
                f"prize '{prize.key}' sells out on the first day in {share}% of the forecasts",
            )
        )
    return risks
