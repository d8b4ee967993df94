"""Cost simulation of a prize pool (numpy Monte Carlo), for ops before they publish.

Each simulated day draws the day's prize counts for every run at once (a multinomial over the
pool's integer weights: exactly the distribution of that many independent draws), then applies the
engine's fallback rules in order: a prize beyond its stock, or beyond the budget, becomes the
fallback prize. A day spends at most the budget left and, when there is one, the daily budget (the
economy charges both); when they cannot pay for the day's picks, each prize that costs something is
cut in the same proportion and the refused draws become the fallback (draw order inside a day is not
modelled, so this is exact when every costly pick costs the same). Per-user daily caps come first, as in
the engine: each prize loses the share of its picks that the caps refuse (:mod:`games.insight.simulate_caps`,
estimated from sampled shopper-days); caps over the whole campaign are not modelled (they can only lower
the cost). A red packet with an amount range costs the amounts drawn for its grants: a day's sum is drawn
as a normal with the mean and variance of one granted amount (uniform over the range, or as the caps let
amounts through), rounded to fen and kept within the least and most those grants can cost; a day never
costs more than the budgets left, as the economy never overspends. Costs are fen as floats.

numpy is used here for statistics only; real draws never use numpy (see games/fairness/rng.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from economy.limits import Cap
from games.fairness.pools import Pool
from games.insight.simulate_caps import CapEffect, cap_effect, daily_caps, refuse_capped


@dataclass(frozen=True)
class Audience:
    """Who will play: players a day, draws per player a day, number of days."""

    players_per_day: int
    draws_per_player: int
    days: int

    @property
    def draws_per_day(self) -> int:
        """Draws a day."""
        return self.players_per_day * self.draws_per_player


@dataclass(frozen=True)
class PrizeForecast:
    """One prize: expected grants and the probability (and median day) of stocking out."""

    key: str
    expected_granted: float
    stockout_probability: float
    median_stockout_day: int | None


@dataclass(frozen=True)
class Simulation:
    """What the Monte Carlo says about a pool, an audience and a budget."""

    runs: int
    draws: int
    cost_median_fen: float
    cost_p95_fen: float
    cost_p99_fen: float
    cost_mean_fen: float
    total_costs_fen: NDArray[np.float64]
    daily_cost_mean_fen: list[float]
    cumulative_median_fen: list[float]
    cumulative_p95_fen: list[float]
    budget_exhausted_probability: float
    median_budget_exhausted_day: int | None
    prizes: list[PrizeForecast]


def simulate(
    pool: Pool,
    audience: Audience,
    budget_fen: int | None,
    runs: int = 1000,
    seed: int | None = None,
    daily_budget_fen: int | None = None,
    caps: Sequence[Cap] = (),
    progress: Callable[[int], None] | None = None,
) -> Simulation:
    """Simulate ``runs`` campaigns of ``audience`` on ``pool`` under ``budget_fen``, at most
    ``daily_budget_fen`` a day (``None``: unlimited) and the per-user daily ``caps``; ``progress`` is
    called with the number of days simulated after each day. The work grows with runs x days x prizes
    (and draws per player x daily caps): bound it first with :mod:`games.insight.simulate_limits`.

    :raises ValueError: on a non-positive audience or run count.
    """
    if min(audience.players_per_day, audience.draws_per_player, audience.days, runs) <= 0:
        raise ValueError("players, draws, days and runs must be positive")
    generator = np.random.default_rng(seed)
    probabilities = np.array([p.weight for p in pool.prizes], dtype=np.float64) / pool.total_weight
    effect = cap_effect(pool, caps, audience.draws_per_player, generator)
    state = _State.start(pool, runs, budget_fen, daily_budget_fen, effect, generator)
    capped = bool(daily_caps(caps))
    daily_costs = []
    for day in range(audience.days):
        counts = generator.multinomial(audience.draws_per_day, probabilities, size=runs)
        if capped:
            counts = refuse_capped(counts, effect.refused_share, state.fallback, generator)
        daily_costs.append(state.settle_day(day, counts))
        if progress is not None:
            progress(day + 1)
    return state.summary(np.stack(daily_costs, axis=1), runs * audience.days * audience.draws_per_day)


@dataclass
class _State:
    pool: Pool
    effect: CapEffect
    generator: np.random.Generator
    cost: NDArray[np.float64]  # the mean cost of a granted pick, by prize
    fallback: int
    stock_left: NDArray[np.float64]
    budget_left: NDArray[np.float64]
    daily_budget: float
    granted: NDArray[np.int64]
    stockout_day: NDArray[np.int64]
    budget_day: NDArray[np.int64]

    @classmethod
    def start(
        cls,
        pool: Pool,
        runs: int,
        budget_fen: int | None,
        daily_budget_fen: int | None,
        effect: CapEffect,
        generator: np.random.Generator,
    ) -> _State:
        size = len(pool.prizes)
        stock = np.array([np.inf if p.stock is None else p.stock for p in pool.prizes], dtype=np.float64)
        return cls(
            pool=pool,
            effect=effect,
            generator=generator,
            cost=effect.cost_mean,
            fallback=[p.key for p in pool.prizes].index(pool.fallback_key),
            stock_left=np.tile(stock, (runs, 1)),
            budget_left=np.full(runs, np.inf if budget_fen is None else float(budget_fen)),
            daily_budget=np.inf if daily_budget_fen is None else float(daily_budget_fen),
            granted=np.zeros((runs, size), dtype=np.int64),
            stockout_day=np.full((runs, size), -1, dtype=np.int64),
            budget_day=np.full(runs, -1, dtype=np.int64),
        )

    def settle_day(self, day: int, counts: NDArray[np.int64]) -> NDArray[np.float64]:
        """Apply stock, then the budget and the daily budget, to one day's picks; returns each run's cost that day."""
        limit = np.minimum(self.budget_left, self.daily_budget)
        granted = self._affordable(day, self._in_stock(counts))
        if self.cost[self.fallback] == 0:  # draws the budgets refused end as the (free) fallback
            granted[:, self.fallback] += counts.sum(axis=1) - granted.sum(axis=1)
        cost = np.minimum(self._drawn_cost(granted), limit)
        self.stock_left -= granted
        self.stock_left[:, self.fallback] = np.inf
        self.budget_left -= cost
        self.granted += granted
        self._mark(self.stockout_day, self.stock_left <= 0, day)  # what was granted, not what was picked
        self._mark(self.budget_day, self.budget_left <= 0, day)  # spent to 0
        return cost

    def _drawn_cost(self, granted: NDArray[np.int64]) -> NDArray[np.float64]:
        """Each run's cost of ``granted``: fixed rewards exactly; for the prizes whose amount varies, the sum of
        their amounts drawn as a normal of the grants' mean and variance, in whole fen, within their bounds."""
        effect = self.effect
        varies = effect.cost_var > 0
        if not varies.any():
            return granted @ self.cost
        fixed = granted[:, ~varies] @ self.cost[~varies]
        grants = granted[:, varies].astype(np.float64)
        noise = self.generator.standard_normal(grants.shape) * np.sqrt(grants * effect.cost_var[varies])
        amounts = np.rint(grants * effect.cost_mean[varies] + noise)
        amounts = np.clip(amounts, grants * effect.cost_low[varies], grants * effect.cost_high[varies])
        return fixed + amounts.sum(axis=1)

    def _in_stock(self, counts: NDArray[np.int64]) -> NDArray[np.int64]:
        """The day's picks, those beyond a prize's stock moved to the fallback."""
        in_stock = np.minimum(counts, self.stock_left).astype(np.int64)
        in_stock[:, self.fallback] += (counts - in_stock).sum(axis=1)
        return in_stock

    def _affordable(self, day: int, wanted: NDArray[np.int64]) -> NDArray[np.int64]:
        """What the day can pay for: all of ``wanted`` when the budget left and the daily budget cover
        it, else each costly prize cut in proportion to fit the lower of the two."""
        day_cost = wanted @ self.cost
        limit = np.minimum(self.budget_left, self.daily_budget)
        refused = day_cost > limit
        paid = np.where(refused, limit, 0.0)[:, None]  # finite: where refused, limit < day_cost
        scaled = np.floor(wanted * paid / np.where(refused, day_cost, 1.0)[:, None])  # multiply first: exact
        cut = refused[:, None] & (self.cost > 0)[None, :]
        granted = np.where(cut, scaled, wanted).astype(np.int64)
        self._mark(self.budget_day, refused & (self.budget_left <= self.daily_budget), day)  # the total refused
        return granted

    @staticmethod
    def _mark(days: NDArray[np.int64], happened: NDArray[np.bool_], day: int) -> None:
        days[(days < 0) & happened] = day

    def summary(self, daily: NDArray[np.float64], draws: int) -> Simulation:
        totals = daily.sum(axis=1)
        cumulative = np.percentile(np.cumsum(daily, axis=1), [50, 95], axis=0)
        ran_out = self.budget_day >= 0
        prizes = [
            PrizeForecast(
                key=p.key,
                expected_granted=float(self.granted[:, i].mean()),
                stockout_probability=float((self.stockout_day[:, i] >= 0).mean()),
                median_stockout_day=_median_day(self.stockout_day[:, i]),
            )
            for i, p in enumerate(self.pool.prizes)
        ]
        return Simulation(
            runs=len(totals),
            draws=draws,
            cost_median_fen=float(np.median(totals)),
            cost_p95_fen=float(np.percentile(totals, 95)),
            cost_p99_fen=float(np.percentile(totals, 99)),
            cost_mean_fen=float(totals.mean()),
            total_costs_fen=totals,
            daily_cost_mean_fen=[float(x) for x in daily.mean(axis=0)],
            cumulative_median_fen=[float(x) for x in cumulative[0]],
            cumulative_p95_fen=[float(x) for x in cumulative[1]],
            budget_exhausted_probability=float(ran_out.mean()),
            median_budget_exhausted_day=_median_day(self.budget_day),
            prizes=prizes,
        )


def _median_day(days: NDArray[np.int64]) -> int | None:
    happened = days[days >= 0]
    return int(np.median(happened)) + 1 if happened.size else None
