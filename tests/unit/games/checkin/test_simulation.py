"""The check-in's cost model: exact where nothing is random, the mean where something is, and the same milestones
as the game's own rules."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from marshmallow import ValidationError

from games.checkin.calendar import Reached, due_milestones
from games.checkin.config import CheckinConfigSchema
from games.checkin.simulation import CheckinAudienceSchema, simulate_checkin
from games.fairness.pools import load_pool

POOL = load_pool(
    {
        "prizes": [
            {"key": "m3", "name": "m3", "weight": 0, "reward": {"kind": "points", "points": 5}},
            {"key": "m7", "name": "m7", "weight": 0, "reward": {"kind": "points", "points": 50}},
            {"key": "thanks", "name": "thanks", "weight": 1, "reward": {"kind": "nothing"}},
        ],
        "fallback": "thanks",
    }
)  # 100 points a yuan: a point costs 1 fen


def config(points: tuple[int, int] = (10, 10), milestones: tuple[int, ...] = (7,), restart: bool = True) -> Any:
    tiers = [{"code": "normal", "name": "普通会员", "points_min": points[0], "points_max": points[1]}]
    listed = [{"days": d, "prize": f"m{d}"} for d in milestones]
    return CheckinConfigSchema().load({"tiers": tiers, "milestones": listed, "restart_after_last": restart})


def audience(probability: float, shoppers: int = 1000, days: int = 7) -> dict[str, Any]:
    body = {
        "shoppers": shoppers,
        "days": days,
        "tier_mix": {"normal": 1.0},
        "checkin_probability": {"normal": probability},
    }
    return CheckinAudienceSchema().load({**body, "seed": 7})


def test_seven_certain_days_at_10_cost_120_fen_each_and_for_everyone() -> None:
    forecast = simulate_checkin(config(), POOL, audience(1.0))
    assert forecast["per_shopper_month"] == {"expected_fen": 120.0, "p95_fen": 120.0, "p99_fen": 120.0}
    assert forecast["audience"]["expected_fen"] == pytest.approx(120_000.0)
    assert forecast["audience"]["p99_fen"] == pytest.approx(120_000.0)


def test_a_random_range_and_chance_cost_their_mean() -> None:
    forecast = simulate_checkin(config((10, 20), ()), POOL, audience(0.5, shoppers=20_000, days=30))
    assert forecast["per_shopper_month"]["expected_fen"] == pytest.approx(30 * 0.5 * 15, rel=0.02)
    figures = forecast["per_shopper_month"]
    assert figures["expected_fen"] < figures["p95_fen"] < figures["p99_fen"]
    assert forecast["audience"]["p99_fen"] > forecast["audience"]["expected_fen"]


@pytest.mark.parametrize("restart", [True, False])
def test_the_model_grants_the_milestones_the_game_grants(restart: bool) -> None:
    rules = config(milestones=(3, 7), restart=restart)
    reached: list[Reached] = []
    checked: set[date] = set()
    for n in range(30):
        checked.add(date(2026, 12, 1) + timedelta(days=n))
        reached += due_milestones(rules, checked, date(2026, 12, 1) + timedelta(days=n), reached)
    by_rules = 30 * 10 + sum(5 if r.days == 3 else 50 for r in reached)
    forecast = simulate_checkin(rules, POOL, audience(1.0, shoppers=10, days=30))
    assert forecast["per_shopper_month"]["expected_fen"] == by_rules


def test_an_audience_the_config_cannot_serve_is_refused() -> None:
    with pytest.raises(ValidationError, match="no tier gold"):
        body = {"shoppers": 10, "tier_mix": {"gold": 1.0}, "checkin_probability": {"gold": 0.5}}
        simulate_checkin(config(), POOL, CheckinAudienceSchema().load(body))
    with pytest.raises(ValidationError, match="add up to 1"):
        CheckinAudienceSchema().load(
            {"shoppers": 10, "tier_mix": {"normal": 0.5}, "checkin_probability": {"normal": 1}}
        )
