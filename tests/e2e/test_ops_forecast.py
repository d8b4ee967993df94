"""A campaign's cost simulation is kept on the server as its spend forecast: every ops user's metrics
(REST and the /ops Socket.IO pushes) compare the budget spent with it, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.conftest import Clock, add_campaign, login, single_prize_config
from tests.e2e.test_ops_api import staff

RED = {"key": "red", "name": "红包", "reward": {"kind": "red_packet", "amount_fen": 100}}
# Red is picked on (practically) every draw: 20 draws a day cost 2,000 fen a day, 10,000 over the 5 days.
AUDIENCE = {"players_per_day": 10, "draws_per_player": 2, "days": 5, "runs": 20, "seed": 3}
OPS = "/ops"


@pytest.fixture
def ops_client(app: Flask) -> FlaskClient:
    """A signed-in ops user."""
    return staff(app, "ops", "olivia")


def simulate(ops: FlaskClient, campaign: int, pool: dict[str, Any], **changes: Any) -> TestResponse:
    """Run the campaign's simulation of ``pool`` for AUDIENCE (with ``changes``)."""
    return ops.post(f"/api/ops/campaigns/{campaign}/simulate", json={"pool": pool, **AUDIENCE, **changes})


def metrics(ops: FlaskClient, campaign: int) -> dict[str, Any]:
    """The campaign's metrics over REST."""
    answer = ops.get(f"/api/ops/campaigns/{campaign}/metrics")
    assert answer.status_code == 200, answer.json
    return answer.json


def test_without_a_simulation_there_is_no_forecast(app: Flask) -> None:
    campaign = add_campaign(app, single_prize_config(RED))
    shown = metrics(staff(app, "ops", "nina"), campaign)
    assert shown["forecast_spent_fen"] is None and shown["forecast"] is None


def test_a_simulation_is_every_ops_users_forecast(app: Flask, clock: Clock) -> None:
    config = single_prize_config(RED)
    campaign = add_campaign(app, config)  # began a day ago: it is campaign day 2
    ops, colleague = staff(app, "ops", "olga"), staff(app, "ops", "omar")
    ran = simulate(ops, campaign, config["pool"])
    assert ran.status_code == 200, ran.json
    assert ran.json["cumulative_median_fen"] == [2_000.0, 4_000.0, 6_000.0, 8_000.0, 10_000.0]

    shown = metrics(colleague, campaign)
    published = colleague.get(f"/api/ops/campaigns/{campaign}").json["campaign"]["version_hash"]
    assert shown["forecast_spent_fen"] == 4_000 and len(published) == 64
    forecast = shown["forecast"]
    assert forecast["created_at"].startswith("2026-11-23T04:00:00") and forecast["created_by"] == "olga"
    assert {k: v for k, v in forecast.items() if k not in ("created_at", "created_by")} == {
        "version_hash": published,
        "players_per_day": 10,
        "draws_per_player": 2,
        "days": 5,
        "day": 2,
        "spent_fen": 4_000,
        "spent_p95_fen": 4_000,
        "total_fen": 10_000,
        "total_p95_fen": 10_000,
    }
    assert _pushed(app, colleague, campaign)["forecast_spent_fen"] == 4_000


def test_the_forecast_follows_the_campaign_days(app: Flask, ops_client: FlaskClient, clock: Clock) -> None:
    config = single_prize_config(RED)
    campaign = add_campaign(app, config)
    assert simulate(ops_client, campaign, config["pool"]).status_code == 200
    clock.advance(days=1)
    assert metrics(ops_client, campaign)["forecast_spent_fen"] == 6_000
    clock.advance(days=30)  # past the simulated days: the whole forecast
    assert metrics(ops_client, campaign)["forecast_spent_fen"] == 10_000
    clock.advance(days=-33)  # before the start
    assert metrics(ops_client, campaign)["forecast"]["day"] == 0
    assert metrics(ops_client, campaign)["forecast_spent_fen"] == 0


def test_the_latest_simulation_wins_and_a_draft_pool_is_marked(app: Flask, ops_client: FlaskClient) -> None:
    config = single_prize_config(RED)
    campaign = add_campaign(app, config)
    assert simulate(ops_client, campaign, config["pool"]).status_code == 200
    draft = single_prize_config({**RED, "reward": {"kind": "red_packet", "amount_fen": 200}})["pool"]
    ran = simulate(staff(app, "ops", "otto"), campaign, draft, daily_budget_fen=3_000)  # 15 of the 20 a day
    assert ran.status_code == 200, ran.json
    assert ran.json["daily_cost_mean_fen"] == [3_000.0] * 5
    forecast = metrics(ops_client, campaign)["forecast"]
    assert (forecast["version_hash"], forecast["created_by"], forecast["spent_fen"]) == (None, "otto", 6_000)
    assert metrics(ops_client, campaign)["forecast_spent_fen"] == 6_000


def test_refused_simulations_keep_nothing(app: Flask, client: FlaskClient, ops_client: FlaskClient) -> None:
    config = single_prize_config(RED)
    campaign = add_campaign(app, config)
    missing = simulate(ops_client, 999, config["pool"])
    assert (missing.status_code, missing.json["error"]) == (404, "campaign_not_found")
    invalid = simulate(ops_client, campaign, {"prizes": [], "fallback": "x"})
    assert invalid.status_code == 422 and "config.pool.prizes" in invalid.json["fields"]
    assert simulate(app.test_client(), campaign, config["pool"]).status_code == 401
    login(client, "curious-shopper")
    assert simulate(client, campaign, config["pool"]).status_code == 403
    assert simulate(staff(app, "auditor", "ada"), campaign, config["pool"]).status_code == 403
    assert metrics(ops_client, campaign)["forecast"] is None


def _pushed(app: Flask, ops: FlaskClient, campaign: int) -> dict[str, Any]:
    """The metrics the /ops namespace pushes to ``ops`` when they watch ``campaign``."""
    live = app.extensions["socketio"].test_client(app, namespace=OPS, flask_test_client=ops)
    assert live.emit("watch", {"campaign_id": campaign}, namespace=OPS, callback=True) == {"ok": True}
    pushed = [e["args"][0] for e in live.get_received(OPS) if e["name"] == "metrics"]
    live.disconnect(namespace=OPS)
    return pushed[-1]
