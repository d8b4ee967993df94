"""The publish pre-flight (games/insight/preflight.py through /api/ops/campaigns/ID/preflight and /publish): the
forecast is shown before publishing, and a publish likely to run out of budget or to sell out a prize on its
first day is held until ops acknowledge each named risk, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.e2e.test_ops_api import draft, new_campaign, save, staff


def preflight(ops: FlaskClient, campaign: int, revision: int, **extra: Any) -> Any:
    return ops.post(f"/api/ops/campaigns/{campaign}/preflight", json={"revision": revision, **extra})


def publish(ops: FlaskClient, campaign: int, revision: int, **extra: Any) -> Any:
    return ops.post(f"/api/ops/campaigns/{campaign}/publish", json={"revision": revision, **extra})


def versions(ops: FlaskClient, campaign: int) -> int:
    return len(ops.get(f"/api/ops/campaigns/{campaign}").json["versions"])


def drafted(ops: FlaskClient, change: Any = None) -> tuple[int, int]:
    """A campaign from the template, ``change`` applied to its draft body and saved: (id, revision)."""
    campaign, _ = new_campaign(ops)
    revision, body = draft(ops, campaign)
    if change is not None:
        change(body)
        revision = save(ops, campaign, revision, body).json["revision"]
    return campaign, revision


def test_the_template_forecasts_within_its_budget_and_publishes_without_acknowledging(app: Flask) -> None:
    ops = staff(app, "ops", "flight-ok")
    campaign, revision = drafted(ops)
    found = preflight(ops, campaign, revision)
    assert found.status_code == 200, found.json
    summary = found.json
    assert summary["risks"] == [] and summary["budget_exhausted_probability"] < 0.1
    assert (summary["players_per_day"], summary["draws_per_player"], summary["days"]) == (10_000, 3, 30)
    assert 0 < summary["cost_median_fen"] <= summary["cost_p95_fen"] <= summary["budget_fen"]
    assert summary["demand_median_fen"] == summary["cost_median_fen"]  # the budget refuses nothing here
    assert publish(ops, campaign, revision).status_code == 200


def test_a_budget_likely_to_run_out_is_held_until_acknowledged(app: Flask) -> None:
    ops = staff(app, "ops", "flight-budget")
    campaign, revision = drafted(ops, lambda body: body.update(budget_fen=1_000_000))  # ¥10,000
    summary = preflight(ops, campaign, revision).json
    assert [r["code"] for r in summary["risks"]] == ["budget_exhausted"]
    assert summary["budget_exhausted_probability"] == 1.0 and summary["median_budget_exhausted_day"] == 1
    assert summary["cost_median_fen"] <= 1_000_000 < 4 * 1_000_000 < summary["demand_median_fen"]  # wants 4x more
    held = publish(ops, campaign, revision)
    assert (held.status_code, held.json["error"]) == (409, "publish_risks")
    assert held.json["risks"] == summary["risks"]
    assert "the budget runs out in 100% of the forecasts (median day 1)" in held.json["fields"]["budget_fen"][0]
    assert versions(ops, campaign) == 0
    assert publish(ops, campaign, revision, acknowledged=["something_else"]).status_code == 409
    published = publish(ops, campaign, revision, acknowledged=["budget_exhausted"])
    assert published.status_code == 200, published.json
    assert versions(ops, campaign) == 1


def test_a_prize_selling_out_on_day_one_is_named_and_a_small_audience_takes_no_risk(app: Flask) -> None:
    ops = staff(app, "ops", "flight-stock")

    def scarce_red_packet(body: dict[str, Any]) -> None:
        body["config"]["pool"]["prizes"][3]["stock"] = 50  # 1% of 30,000 draws a day: 300 wanted on day 1

    campaign, revision = drafted(ops, scarce_red_packet)
    risks = preflight(ops, campaign, revision).json["risks"]
    assert risks == [
        {
            "code": "stockout_day_one:red_666",
            "field": "config.pool.prizes.3.stock",
            "message": "prize 'red_666' sells out on the first day in 100% of the forecasts",
        }
    ]
    few = {"players_per_day": 100, "draws_per_player": 3}
    assert preflight(ops, campaign, revision, audience=few).json["risks"] == []
    assert publish(ops, campaign, revision, audience=few).status_code == 200


def test_a_preflight_checks_the_revision_and_the_audience(app: Flask) -> None:
    ops = staff(app, "ops", "flight-bad")
    campaign, revision = drafted(ops)
    assert preflight(ops, campaign, revision + 1).json["error"] == "draft_changed"
    bad = preflight(ops, campaign, revision, audience={"players_per_day": 0, "draws_per_player": 3})
    assert bad.status_code == 422 and "audience.players_per_day" in bad.json["fields"]
    assert ops.post("/api/ops/campaigns/999999/preflight", json={"revision": 1}).status_code == 404
