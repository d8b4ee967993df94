"""The Monte Carlo in games/insight/simulate.py against exact binomial values and deterministic cases (no I/O)."""

from __future__ import annotations

import itertools
import math
from dataclasses import replace
from fractions import Fraction
from typing import Any

import numpy as np
import pytest

from economy.limits import Cap
from games.fairness.pools import Pool, Prize, load_pool
from games.insight.simulate import Audience, Simulation, simulate

# Three prizes, weights 1/9/90 (probabilities 1%, 9%, 90%); both prizes that give something are
# limited so that stock-outs are likely but not certain; the fallback costs 1 fen (1 point at 100/yuan).
SMALL_POOL = load_pool(
    {
        "prizes": [
            {
                "key": "red",
                "name": "红包",
                "weight": 1,
                "stock": 9,
                "reward": {"kind": "red_packet", "amount_fen": 888},
            },
            {
                "key": "coupon",
                "name": "券",
                "weight": 9,
                "stock": 90,
                "reward": {
                    "kind": "coupon",
                    "cost_fen": 300,
                    "coupon": {"type": "interest_free", "title": "3期免息", "periods": 3, "valid_days": 30},
                },
            },
            {"key": "pts", "name": "1积分", "weight": 90, "reward": {"kind": "points", "points": 1}},
        ],
        "fallback": "pts",
        "points_per_yuan": 100,
    }
)
AUDIENCE = Audience(players_per_day=50, draws_per_player=2, days=10)  # 1,000 draws a run
RUNS = 20_000
SIGMAS = 5  # tolerance: 5 Monte Carlo standard errors (a fair run misses by chance about once in 1.7 million)


def _binomial_pmf(n: int, p: Fraction, k: int) -> Fraction:
    return math.comb(n, k) * p**k * (1 - p) ** (n - k)


def _capped_moments(n: int, p: Fraction, cap: int) -> tuple[Fraction, Fraction, Fraction]:
    """E[min(X, cap)], E[min(X, cap)^2] and P(X >= cap) for X ~ Binomial(n, p), exactly."""
    below = [_binomial_pmf(n, p, k) for k in range(cap)]
    tail = 1 - sum(below, Fraction(0))
    mean = sum((k * q for k, q in enumerate(below)), Fraction(0)) + cap * tail
    square = sum((k * k * q for k, q in enumerate(below)), Fraction(0)) + cap * cap * tail
    return mean, square, tail


def _close(simulated: float, exact: float, standard_error: float) -> bool:
    return abs(simulated - exact) <= SIGMAS * standard_error


@pytest.fixture(scope="module")
def unbudgeted() -> Simulation:
    return simulate(SMALL_POOL, AUDIENCE, None, runs=RUNS, seed=20261111)


def _draws(audience: Audience) -> int:
    return audience.draws_per_day * audience.days


def _not_fallback(pool: Pool) -> list[Prize]:
    return [p for p in pool.prizes if p.key != pool.fallback_key]


def test_mean_total_cost_matches_the_exact_expectation(unbudgeted: Simulation) -> None:
    n = _draws(AUDIENCE)
    fallback = SMALL_POOL.fallback
    expected = Fraction(0)
    fallback_grants = Fraction(n)
    for prize in _not_fallback(SMALL_POOL):
        mean, _, _ = _capped_moments(n, Fraction(prize.weight, SMALL_POOL.total_weight), prize.stock)
        expected += mean * prize.cost_fen
        fallback_grants -= mean
    expected += fallback_grants * fallback.cost_fen
    standard_error = float(unbudgeted.total_costs_fen.std(ddof=1)) / math.sqrt(RUNS)
    assert standard_error > 0
    assert _close(unbudgeted.cost_mean_fen, float(expected), standard_error), (unbudgeted.cost_mean_fen, expected)


def test_stockout_probabilities_and_expected_grants_match_the_binomial(unbudgeted: Simulation) -> None:
    n = _draws(AUDIENCE)
    forecasts = {f.key: f for f in unbudgeted.prizes}
    for prize in _not_fallback(SMALL_POOL):
        mean, square, tail = _capped_moments(n, Fraction(prize.weight, SMALL_POOL.total_weight), prize.stock)
        assert 0.05 < tail < 0.95  # both outcomes are common: the check has power
        forecast = forecasts[prize.key]
        p = float(tail)
        assert _close(forecast.stockout_probability, p, math.sqrt(p * (1 - p) / RUNS)), (prize.key, forecast, p)
        granted_se = math.sqrt(float(square - mean * mean) / RUNS)
        assert _close(forecast.expected_granted, float(mean), granted_se), (prize.key, forecast, mean)
        assert forecast.median_stockout_day is not None and 1 <= forecast.median_stockout_day <= AUDIENCE.days
    assert forecasts["pts"].stockout_probability == 0.0 and forecasts["pts"].median_stockout_day is None


def test_every_draw_is_granted_some_prize_without_a_budget(unbudgeted: Simulation) -> None:
    assert unbudgeted.runs == RUNS and unbudgeted.draws == RUNS * _draws(AUDIENCE)
    assert sum(f.expected_granted for f in unbudgeted.prizes) == pytest.approx(_draws(AUDIENCE), rel=1e-12)
    assert unbudgeted.budget_exhausted_probability == 0.0 and unbudgeted.median_budget_exhausted_day is None
    assert unbudgeted.cost_median_fen <= unbudgeted.cost_p95_fen <= unbudgeted.cost_p99_fen
    assert len(unbudgeted.daily_cost_mean_fen) == AUDIENCE.days


def _costly_pool(free_fallback: bool) -> Pool:
    thanks: dict[str, Any] = {"key": "thanks", "name": "谢谢", "weight": 50, "reward": {"kind": "nothing"}}
    if not free_fallback:
        thanks["reward"] = {"kind": "red_packet", "amount_fen": 1}
    prizes = [
        {"key": "big", "name": "大", "weight": 5, "reward": {"kind": "red_packet", "amount_fen": 10_000}},
        {"key": "mid", "name": "中", "weight": 45, "stock": 400, "reward": {"kind": "red_packet", "amount_fen": 777}},
        thanks,
    ]
    return load_pool({"prizes": prizes, "fallback": "thanks"})


@pytest.mark.parametrize("free_fallback", [True, False])
def test_no_run_spends_more_than_the_budget(free_fallback: bool) -> None:
    budget = 1_234_567
    result = simulate(_costly_pool(free_fallback), Audience(100, 3, 7), budget, runs=2000, seed=7)
    assert result.total_costs_fen.max() <= budget
    assert result.budget_exhausted_probability > 0.5  # the cap binds, so it was tested
    assert result.median_budget_exhausted_day is not None


def test_refused_draws_end_as_the_free_fallback() -> None:
    audience = Audience(100, 3, 7)
    result = simulate(_costly_pool(free_fallback=True), audience, 500_000, runs=500, seed=8)
    assert result.budget_exhausted_probability == 1.0
    assert sum(f.expected_granted for f in result.prizes) == pytest.approx(_draws(audience), rel=1e-12)


def test_a_prize_the_budget_refused_has_not_stocked_out() -> None:
    pool = load_pool(
        {
            "prizes": [
                {
                    "key": "gold",
                    "name": "金",
                    "weight": 1,
                    "stock": 10,
                    "reward": {"kind": "red_packet", "amount_fen": 100},
                },
                {"key": "thanks", "name": "谢谢", "weight": 1, "reward": {"kind": "nothing"}},
            ],
            "fallback": "thanks",
        }
    )
    result = simulate(pool, Audience(40, 1, 3), 500, runs=200, seed=3)  # the budget pays for 5 of the 10
    gold = result.prizes[0]
    assert gold.expected_granted <= 5 and gold.stockout_probability == 0.0 and gold.median_stockout_day is None


ALWAYS_GOLD = load_pool(
    {
        "prizes": [{"key": "gold", "name": "金", "weight": 1, "reward": {"kind": "red_packet", "amount_fen": 500}}],
        "fallback": "gold",
    }
)


@pytest.mark.parametrize("budget", [30_001, 105_000, 100_000, 10_000, 9_999])
def test_budget_runs_out_on_the_day_it_is_spent(budget: int) -> None:
    cost, audience = 500, Audience(players_per_day=10, draws_per_player=2, days=12)  # 10,000 fen a day
    result = simulate(ALWAYS_GOLD, audience, budget, runs=5, seed=1)
    assert result.budget_exhausted_probability == 1.0
    assert result.median_budget_exhausted_day == math.ceil(budget / (cost * audience.draws_per_day))
    assert set(result.total_costs_fen.tolist()) == {budget // cost * cost}


def test_a_budget_that_lasts_is_not_exhausted() -> None:
    result = simulate(ALWAYS_GOLD, Audience(10, 2, 12), 120_001, runs=5, seed=1)
    assert result.budget_exhausted_probability == 0.0 and result.median_budget_exhausted_day is None
    assert result.daily_cost_mean_fen == [10_000.0] * 12


def test_the_same_seed_gives_the_same_simulation() -> None:
    first = simulate(SMALL_POOL, Audience(10, 1, 3), 5_000, runs=50, seed=42)
    again = simulate(SMALL_POOL, Audience(10, 1, 3), 5_000, runs=50, seed=42)
    assert first.total_costs_fen.tolist() == again.total_costs_fen.tolist() and first.prizes == again.prizes


@pytest.mark.parametrize(
    ("audience", "runs"),
    [
        (Audience(0, 1, 1), 10),
        (Audience(1, 0, 1), 10),
        (Audience(1, 1, 0), 10),
        (Audience(-5, 1, 1), 10),
        (Audience(1, 1, 1), 0),
    ],
)
def test_a_non_positive_audience_or_run_count_is_refused(audience: Audience, runs: int) -> None:
    with pytest.raises(ValueError, match="positive"):
        simulate(SMALL_POOL, audience, None, runs=runs)


GOLD_OR_THANKS = load_pool(
    {
        "prizes": [
            {"key": "gold", "name": "金", "weight": 1, "reward": {"kind": "red_packet", "amount_fen": 500}},
            {"key": "thanks", "name": "谢谢", "weight": 1, "reward": {"kind": "nothing"}},
        ],
        "fallback": "thanks",
    }
)


@pytest.mark.parametrize("grants_a_day", [0, 1, 3, 7])
def test_a_daily_budget_pays_for_exactly_the_grants_it_covers(grants_a_day: int) -> None:
    """Gold is picked on each of 20 draws a day (1 in 10^9 is thanks); a daily budget of k golds grants
    exactly k a day and the rest end as thanks, while the total budget never runs out."""
    pool = _always(GOLD_OR_THANKS, "gold")
    audience = Audience(players_per_day=10, draws_per_player=2, days=6)
    daily = grants_a_day * 500 + 499  # not enough for one more
    result = simulate(pool, audience, 1_000_000, runs=20, seed=5, daily_budget_fen=daily)
    gold, thanks = result.prizes
    assert gold.expected_granted == grants_a_day * audience.days
    assert thanks.expected_granted == (audience.draws_per_day - grants_a_day) * audience.days
    assert result.daily_cost_mean_fen == [grants_a_day * 500.0] * audience.days
    assert result.cumulative_median_fen == [grants_a_day * 500.0 * day for day in range(1, audience.days + 1)]
    assert result.budget_exhausted_probability == 0.0 and result.median_budget_exhausted_day is None


def test_the_total_budget_still_binds_under_a_daily_budget() -> None:
    """3 golds a day by the daily budget, 10 golds in all by the total: 3, 3, 3, 1, then none from day 5."""
    pool = _always(GOLD_OR_THANKS, "gold")
    result = simulate(pool, Audience(10, 2, 6), 5_000, runs=20, seed=6, daily_budget_fen=1_500)
    assert result.daily_cost_mean_fen == [1_500.0, 1_500.0, 1_500.0, 500.0, 0.0, 0.0]
    assert result.budget_exhausted_probability == 1.0 and result.median_budget_exhausted_day == 4
    assert result.prizes[0].expected_granted == 10


def test_a_daily_budget_that_covers_the_day_changes_nothing() -> None:
    capped = simulate(SMALL_POOL, Audience(10, 1, 3), 5_000, runs=50, seed=42, daily_budget_fen=10**9)
    free = simulate(SMALL_POOL, Audience(10, 1, 3), 5_000, runs=50, seed=42)
    assert capped.total_costs_fen.tolist() == free.total_costs_fen.tolist() and capped.prizes == free.prizes


def test_cumulative_spend_quantiles_rise_with_the_days(unbudgeted: Simulation) -> None:
    median, p95 = unbudgeted.cumulative_median_fen, unbudgeted.cumulative_p95_fen
    assert len(median) == len(p95) == AUDIENCE.days
    assert all(a <= b for a, b in itertools.pairwise(median))
    assert all(m <= p for m, p in zip(median, p95, strict=True))
    assert median[-1] == unbudgeted.cost_median_fen and p95[-1] == unbudgeted.cost_p95_fen


def _always(pool: Pool, key: str) -> Pool:
    """``pool`` with ``key`` weighted 10^9 to the others' 1 each."""
    return replace(pool, prizes=tuple(replace(p, weight=10**9 if p.key == key else 1) for p in pool.prizes))


def range_packet_pool(low: int, high: int, weight: int) -> Pool:
    """A red packet of ``low`` to ``high`` fen at ``weight``, beside a free 'thanks' fallback of weight 1."""
    packet = {"key": "lucky", "name": "随机红包", "weight": weight}
    packet["reward"] = {"kind": "red_packet", "min_fen": low, "max_fen": high}
    thanks = {"key": "thanks", "name": "谢谢", "weight": 1, "reward": {"kind": "nothing"}}
    return load_pool({"prizes": [packet, thanks], "fallback": "thanks"})


def test_a_range_red_packet_costs_amounts_drawn_from_its_range() -> None:
    """Always ¥1.00–¥2.01 (mean 150.5 fen): 20 draws a day for 3 days cost 9,030 fen on average, each run an
    amount in whole fen between 60 x 100 and 60 x 201, spread as the sum of 60 uniform amounts is."""
    always_lucky = range_packet_pool(100, 201, weight=1)
    # a range red packet may not be the fallback, so the (free) fallback gets weight 0 after validation
    lucky_only = replace(always_lucky, prizes=(always_lucky.prizes[0], replace(always_lucky.prizes[1], weight=0)))
    totals = simulate(lucky_only, Audience(10, 2, 3), None, runs=2000, seed=7).total_costs_fen
    assert totals.min() >= 6000 and totals.max() <= 12060 and np.all(totals == np.rint(totals))
    spread = (60 * ((201 - 100 + 1) ** 2 - 1) / 12) ** 0.5  # the sum of 60 amounts: about 227 fen
    assert totals.mean() == pytest.approx(9030, abs=4 * spread / 2000**0.5)
    assert totals.std() == pytest.approx(spread, rel=0.1)


def test_a_value_cap_bounds_what_range_red_packets_cost() -> None:
    """¥0.01–¥100 at 999/1000 under a ¥30 day value cap: 10 shoppers drawing 5 times a day are paid at most
    ¥300 a day, so the forecast's median stays under it (costing each grant at the range's mean gave ¥550)."""
    pool = range_packet_pool(1, 10_000, weight=999)
    cap = Cap("day_value", "day", max_value_fen=3000)
    result = simulate(pool, Audience(10, 5, 1), None, runs=500, seed=11, caps=[cap])
    assert result.cost_median_fen <= 30_000
    assert result.cost_p99_fen <= 30_000 * 1.1
    assert result.cost_median_fen > 10_000  # the shoppers are still paid most of what the cap allows
