"""Ops forecast a check-in campaign's cost: a tier mix and each tier's daily check-in chance in, expected, p95 and
p99 per shopper-month (by tier too) and for the audience out; bad input is named by field."""

from __future__ import annotations

from flask import Flask

from tests.e2e.checkin_support import checkin_config
from tests.e2e.test_ops_api import staff

URL = "/api/ops/simulate/games/checkin"


def body(**audience: object) -> dict[str, object]:
    config = checkin_config()
    mix = {
        "shoppers": 100_000,
        "tier_mix": {"normal": 0.8, "gold": 0.2},
        "checkin_probability": {"normal": 0.6, "gold": 0.9},
    }
    return {"pool": config["pool"], "config": config["games"]["checkin"], "audience": {**mix, "seed": 3, **audience}}


def test_a_tier_mix_gets_its_cost_per_shopper_month_and_for_the_audience(app: Flask) -> None:
    ops = staff(app, "ops", "olga")
    answer = ops.post(URL, json=body())
    assert answer.status_code == 200, answer.json
    forecast = answer.json
    normal, gold = forecast["by_tier"]["normal"], forecast["by_tier"]["gold"]
    assert 30 * 0.6 * 10 <= normal["expected_fen"] < gold["expected_fen"]  # gold: more points, more often
    assert forecast["per_shopper_month"]["p99_fen"] >= forecast["per_shopper_month"]["p95_fen"]
    audience = forecast["audience"]
    assert audience["expected_fen"] == forecast["per_shopper_month"]["expected_fen"] * 100_000
    assert audience["expected_fen"] < audience["p95_fen"] < audience["p99_fen"]


def test_bad_input_is_named_by_field_and_a_game_without_a_model_is_404(app: Flask) -> None:
    ops = staff(app, "ops", "omar")
    shares = ops.post(URL, json=body(tier_mix={"normal": 0.5}))
    assert shares.status_code == 422 and shares.json["fields"] == {
        "audience.tier_mix": ["the tier shares must add up to 1"]
    }
    unknown = ops.post(URL, json=body(tier_mix={"platinum": 1.0}, checkin_probability={"platinum": 0.5}))
    assert unknown.status_code == 422 and "audience.tier_mix" in unknown.json["fields"]
    config = body()
    config["config"] = {**checkin_config()["games"]["checkin"], "daily_prize": "nope"}
    assert ops.post(URL, json=config).json["fields"] == {
        "config.games.checkin.daily_prize": ["'nope' is not a prize of the pool"]
    }
    assert ops.post("/api/ops/simulate/games/wheel", json=body()).status_code == 404
