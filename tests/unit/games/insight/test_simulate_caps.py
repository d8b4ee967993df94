"""Per-user daily caps in the cost simulation (games/insight/simulate_caps.py): exact values where they are known,
and a plain per-shopper replay of the engine's cap rule where they are not (no I/O)."""

from __future__ import annotations

import random
from typing import Any

import numpy as np
import pytest

from economy.limits import Cap
from games.fairness.pools import Pool, load_pool
from games.insight.simulate import Audience, simulate
from games.insight.simulate_caps import cap_effect

NOTHING = {"kind": "nothing"}
TOLERANCE = 0.01  # a share estimated from 20,000 shopper-days has a standard error near 0.002 here


def pool_of(*prizes: dict[str, Any]) -> Pool:
    """``prizes`` and an unlimited 'thanks' fallback, each of weight 1 unless given."""
    thanks = {"key": "thanks", "name": "谢谢", "weight": 1, "reward": NOTHING}
    return load_pool({"prizes": [*prizes, thanks], "fallback": "thanks"})


POINTS = {"key": "pts", "name": "50积分", "weight": 1, "reward": {"kind": "points", "points": 50}}
RED = {"key": "red", "name": "红包", "weight": 1, "reward": {"kind": "red_packet", "amount_fen": 100}}
RANGE = {"key": "lucky", "name": "随机红包", "weight": 2, "reward": {"kind": "red_packet", "min_fen": 1, "max_fen": 99}}


def shares(pool: Pool, caps: list[Cap], draws: int, seed: int = 7) -> dict[str, float]:
    found = cap_effect(pool, caps, draws, np.random.default_rng(seed)).refused_share
    return {prize.key: float(share) for prize, share in zip(pool.prizes, found, strict=True)}


def test_one_win_a_day_refuses_what_the_binomial_says() -> None:
    """4 draws at 1/2: E[min(X, 1)] = 1 - 1/16 of E[X] = 2 picks are granted, so 53.125% are refused."""
    found = shares(pool_of(POINTS), [Cap("one", "day", max_count=1, prize_key="pts")], draws=4)
    assert found["pts"] == pytest.approx(1 - (1 - 1 / 16) / 2, abs=TOLERANCE)
    assert found["thanks"] == 0


def test_caps_over_the_whole_campaign_and_no_caps_refuse_nothing() -> None:
    pool = pool_of(POINTS)
    assert shares(pool, [Cap("ever", "campaign", max_count=1)], draws=4) == {"pts": 0, "thanks": 0}
    assert shares(pool, [], draws=4) == {"pts": 0, "thanks": 0}


def replayed_shares(pool: Pool, caps: list[Cap], draws: int, shoppers: int, seed: int) -> dict[str, float]:
    """The engine's rule, one shopper-day at a time: a pick of something is granted only when every daily
    cap covering it has room for one more grant of its cost; a range red packet's amount is drawn."""
    rng = random.Random(seed)
    keys = [p.key for p in pool.prizes]
    weights = [p.weight for p in pool.prizes]
    picked = dict.fromkeys(keys, 0)
    refused = dict.fromkeys(keys, 0)
    for _ in range(shoppers):
        used = {cap.key: [0, 0] for cap in caps}
        for prize in rng.choices(pool.prizes, weights, k=draws):
            picked[prize.key] += 1
            if prize.reward.kind.value == "nothing":
                continue
            cost = rng.randint(prize.reward.amount, prize.reward.max_amount) if prize.reward.is_range else 0
            cost = cost or int(prize.cost_fen)
            covering = [cap for cap in caps if cap.covers(prize.key)]
            if all(fits(cap, used[cap.key], cost) for cap in covering):
                for cap in covering:
                    used[cap.key][0] += 1
                    used[cap.key][1] += cost
            else:
                refused[prize.key] += 1
    return {key: refused[key] / max(picked[key], 1) for key in keys}


def fits(cap: Cap, used: list[int], cost: int) -> bool:
    count_ok = cap.max_count is None or used[0] + 1 <= cap.max_count
    return count_ok and (cap.max_value_fen is None or used[1] + cost <= cap.max_value_fen)


@pytest.mark.parametrize(
    "caps",
    [
        [Cap("value", "day", max_value_fen=150)],
        [Cap("value", "day", max_value_fen=150), Cap("two_red", "day", max_count=2, prize_key="red")],
        [Cap("count", "day", max_count=3), Cap("lucky_value", "day", max_value_fen=120, prize_key="lucky")],
    ],
    ids=["value over every prize", "value and one prize's count", "count and a range's value"],
)
def test_mixed_caps_agree_with_a_per_shopper_replay(caps: list[Cap]) -> None:
    pool = pool_of(POINTS, RED, RANGE)
    expected = replayed_shares(pool, caps, draws=6, shoppers=20_000, seed=11)
    assert shares(pool, caps, draws=6) == pytest.approx(expected, abs=TOLERANCE)
    assert max(expected.values()) > 0.1  # the caps really bite


def test_the_simulation_grants_the_capped_share_and_gives_the_rest_the_fallback() -> None:
    pool = pool_of(POINTS)
    audience = Audience(players_per_day=100, draws_per_player=4, days=5)
    capped = simulate(pool, audience, None, runs=200, seed=3, caps=[Cap("one", "day", max_count=1, prize_key="pts")])
    free = simulate(pool, audience, None, runs=200, seed=3)
    granted = {p.key: p.expected_granted for p in capped.prizes}
    assert granted["pts"] == pytest.approx(100 * 5 * (1 - 1 / 16), rel=0.02)  # one a shopper a day, mostly
    assert granted["pts"] + granted["thanks"] == pytest.approx(2000)
    assert capped.cost_mean_fen == pytest.approx(free.cost_mean_fen * (1 - 1 / 16) / 2, rel=0.02)
