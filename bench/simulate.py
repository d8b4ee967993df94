"""How many draws a second the cost simulator (games/insight/simulate.py) gets through, next to a per-draw baseline.

The simulator draws each day's prize counts for every run at once (one multinomial per run and day), so
its cost grows with runs x days x prizes, not with the number of draws. The baseline is what a naive
per-draw simulation costs: 10,000,000 uniform integers below the total weight, ``np.searchsorted`` over
the cumulative weights, and a ``np.bincount`` of the picks (no stock, no budget).

Both scenarios simulate 10,000,000 draws of a 100-prize pool (40 prizes stock-limited, a budget of
60% of the unconstrained expected cost, so that it binds): one campaign of 100,000 players x 10 draws
x 10 days, and 1,000 runs of 10,000 draws. Each is repeated ``--repeat`` times after one unmeasured
warm-up; the whole run stops early (after the current repetition) once ``--max-seconds`` have passed.
Run ``python bench/simulate.py --help``; see bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from games.fairness.pools import Pool, load_pool
from games.insight.simulate import Audience, simulate

DRAWS = 10_000_000
PRIZES = 100
MAX_REPEAT = 20
SCENARIOS = {  # name -> (audience, runs); each is 10,000,000 draws
    "one campaign, 100,000 players x 10 draws x 10 days x 1 run": (Audience(100_000, 10, 10), 1),
    "1,000 runs x 10,000 draws (1,000 players x 10 draws x 1 day)": (Audience(1_000, 10, 1), 1_000),
}


def bench_pool() -> Pool:
    """100 prizes: "thanks" (about 3 in 4 draws) and 99 red packets of ¥0.01-¥20, 40 of them stock-limited."""
    prizes: list[dict[str, Any]] = [
        {"key": "thanks", "name": "谢谢参与", "weight": 4_000_000, "reward": {"kind": "nothing"}}
    ]
    for i in range(1, PRIZES):
        prize: dict[str, Any] = {
            "key": f"p{i:02d}",
            "name": f"奖品{i}",
            "weight": 1 + (i * 7919) % 20_000,  # 1 .. 20,000: from near-impossible to common
            "reward": {"kind": "red_packet", "amount_fen": 1 + (i * 104_729) % 2_000},
        }
        if i % 3 == 0 or i % 10 == 1:
            prize["stock"] = 50 + (i * 31) % 5_000
        prizes.append(prize)
    return load_pool({"prizes": prizes, "fallback": "thanks"})


def budget_fen(pool: Pool, draws_per_run: int) -> int:
    """60% of the unconstrained expected cost: the budget binds, so its path is timed too."""
    per_draw = sum(row.expected_cost_fen for row in pool.odds())
    return int(per_draw * draws_per_run * 6 // 10)


def timed(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def baseline(pool: Pool, seed: int) -> Callable[[], object]:
    """One naive per-draw simulation of DRAWS picks (what the multinomial replaces)."""
    cumulative = np.cumsum([p.weight for p in pool.prizes])
    generator = np.random.default_rng(seed)

    def work() -> object:
        values = generator.integers(0, pool.total_weight, size=DRAWS, dtype=np.int64)
        return np.bincount(np.searchsorted(cumulative, values, side="right"), minlength=len(pool.prizes))

    return work


def measure(name: str, work: Callable[[], object], repeat: int, deadline: float) -> float:
    """Print each repetition's draws/s and their median; returns the median."""
    print(f"{name}: {DRAWS:,} draws")
    work()  # warm-up, unmeasured
    rates = []
    for index in range(repeat):
        seconds = timed(work)
        rates.append(DRAWS / seconds)
        print(f"  rep {index + 1}: {seconds * 1000:9.2f} ms  {rates[-1]:>16,.0f} draws/s")
        if time.perf_counter() > deadline:
            print("  (stopped early: --max-seconds reached)")
            break
    median = statistics.median(rates)
    print(f"  median of {len(rates)}: {median:,.0f} draws/s")
    return median


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help=f"measured repetitions per case (max {MAX_REPEAT})")
    parser.add_argument("--max-seconds", type=float, default=120.0, help="stop repeating after this long")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    repeat = max(1, min(args.repeat, MAX_REPEAT))
    deadline = time.perf_counter() + args.max_seconds
    pool = bench_pool()
    limited = sum(p.stock is not None for p in pool.prizes)
    print(f"pool: {len(pool.prizes)} prizes ({limited} stock-limited), total weight {pool.total_weight:,}")
    print(f"numpy {np.__version__}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}\n")
    medians = {}
    for name, (audience, runs) in SCENARIOS.items():
        budget = budget_fen(pool, audience.draws_per_day * audience.days)
        work = lambda a=audience, r=runs, b=budget: simulate(pool, a, b, runs=r, seed=args.seed)  # noqa: E731
        medians[name] = measure(f"simulate, {name}, budget ¥{budget / 100:,.2f}", work, repeat, deadline)
    medians["baseline"] = measure(
        "baseline per draw: integers + searchsorted + bincount", baseline(pool, 1), repeat, deadline
    )
    print()
    for name, rate in medians.items():
        print(f"{rate:>16,.0f} draws/s  ({rate / medians['baseline']:,.0f}x baseline)  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
