"""Bad input to the ops API and the /ops namespace, on SQLite and PostgreSQL: every integer is strict and
bounded, budgets agree with each other, and every refusal is a 4xx JSON error with field messages."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.conftest import add_campaign, wheel_config
from tests.e2e.test_ops_api import draft, new_campaign, publish, save, staff
from tests.integration.test_races import race

HUGE = 99_999_999_999_999_999_999
NOT_STRICT_INTEGERS = [HUGE, -HUGE, "1", 1.0, 1.5, True, None]
AUDIENCE = {"players_per_day": 10, "draws_per_player": 2, "days": 3, "runs": 10, "seed": 1}
OPS = "/ops"


@pytest.fixture
def ops(app: Flask) -> FlaskClient:
    return staff(app, "ops", "olivia")


def refused(answer: TestResponse, status: int, code: str) -> dict[str, Any]:
    """Assert ``answer`` is the JSON error ``code`` with ``status``; returns its field messages."""
    assert (answer.status_code, answer.json["error"]) == (status, code), answer.json
    assert isinstance(answer.json["message"], str) and answer.json["message"]
    return answer.json.get("fields", {})


@pytest.mark.parametrize("revision", NOT_STRICT_INTEGERS)
def test_a_revision_must_be_an_integer_in_range(ops: FlaskClient, revision: Any) -> None:
    campaign, _ = new_campaign(ops)
    current, body = draft(ops, campaign)
    assert list(refused(save(ops, campaign, revision, body), 422, "invalid_input")) == ["revision"]
    assert list(refused(publish(ops, campaign, revision), 422, "invalid_input")) == ["revision"]
    assert draft(ops, campaign) == (current, body)


@pytest.mark.parametrize("budget", [1.5, "100", HUGE, -1, True])
def test_a_budget_must_be_an_integer_in_range(ops: FlaskClient, budget: Any) -> None:
    campaign, _ = new_campaign(ops)
    revision, body = draft(ops, campaign)
    fields = refused(save(ops, campaign, revision, {**body, "budget_fen": budget}), 422, "invalid_input")
    assert list(fields) == ["budget_fen"]
    fields = refused(save(ops, campaign, revision, {**body, "daily_budget_fen": budget}), 422, "invalid_input")
    assert list(fields) == ["daily_budget_fen"]
    assert draft(ops, campaign) == (revision, body)


def test_a_new_campaign_refuses_a_fractional_budget(ops: FlaskClient) -> None:
    body = ops.get("/api/ops/campaigns/template").json
    fields = refused(ops.post("/api/ops/campaigns", json={**body, "budget_fen": 1.5}), 422, "invalid_input")
    assert list(fields) == ["budget_fen"]
    assert ops.get("/api/ops/campaigns").json == []


def test_a_taken_slug_is_a_field_message_and_made_slugs_never_collide(ops: FlaskClient) -> None:
    body = ops.get("/api/ops/campaigns/template").json
    assert ops.post("/api/ops/campaigns", json={**body, "slug": "double-11"}).status_code == 201
    fields = refused(ops.post("/api/ops/campaigns", json={**body, "slug": "double-11"}), 422, "invalid_input")
    assert fields == {"slug": ["another campaign has the slug 'double-11'"]}
    made = [ops.post("/api/ops/campaigns", json=body).json["slug"] for _ in range(3)]  # the same millisecond
    assert len(set(made)) == 3 and made[1] == f"{made[0]}-2"


def test_two_ops_racing_for_one_slug_get_one_campaign_and_one_field_message(app: Flask, ops: FlaskClient) -> None:
    body = {**ops.get("/api/ops/campaigns/template").json, "slug": "race-11"}
    clients = [ops, *(staff(app, "ops", f"racer-{i}") for i in range(5))]
    answers = race(clients, lambda client: client.post("/api/ops/campaigns", json=body))
    assert sorted(a.status_code for a in answers) == [201] + [422] * 5
    for answer in answers:
        if answer.status_code == 422:
            assert answer.json["fields"] == {"slug": ["another campaign has the slug 'race-11'"]}
    assert [c["slug"] for c in ops.get("/api/ops/campaigns").json] == ["race-11"]


def test_the_daily_budget_may_not_exceed_the_total(ops: FlaskClient) -> None:
    campaign, _ = new_campaign(ops)
    revision, body = draft(ops, campaign)
    body.update(budget_fen=10_000, daily_budget_fen=10_001)
    fields = refused(save(ops, campaign, revision, body), 422, "invalid_input")
    assert fields == {"daily_budget_fen": ["the daily budget may not exceed the total budget"]}
    body["daily_budget_fen"] = 10_000
    assert save(ops, campaign, revision, body).status_code == 200


def simulate(ops: FlaskClient, **changes: Any) -> TestResponse:
    pool = ops.get("/api/ops/campaigns/template").json["config"]["pool"]
    return ops.post("/api/ops/simulate", json={"pool": pool, **AUDIENCE, **changes})


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("seed", -1),
        ("seed", 2**64),
        ("seed", "7"),
        ("runs", 1.0),
        ("runs", HUGE),
        ("players_per_day", 0),
        ("players_per_day", "10"),
        ("draws_per_player", 1.5),
        ("days", 367),
        ("budget_fen", -1),
        ("budget_fen", HUGE),
        ("daily_budget_fen", 0),
        ("daily_budget_fen", 1.5),
    ],
)
def test_every_simulation_option_is_range_checked(ops: FlaskClient, field: str, value: Any) -> None:
    assert list(refused(simulate(ops, **{field: value}), 422, "invalid_input")) == [field]


def test_the_simulation_takes_budgets_as_the_campaign_form_does(ops: FlaskClient) -> None:
    fields = refused(simulate(ops, budget_fen=5_000, daily_budget_fen=5_001), 422, "invalid_input")
    assert fields == {"daily_budget_fen": ["the daily budget may not exceed the total budget"]}
    assert simulate(ops, budget_fen=5_000, daily_budget_fen=5_000).status_code == 200
    assert simulate(ops, daily_budget_fen=5_000).status_code == 200  # no total: no limit to compare with


def test_the_campaign_simulation_refuses_bad_options_and_keeps_no_forecast(app: Flask, ops: FlaskClient) -> None:
    campaign = add_campaign(app, wheel_config())
    pool = wheel_config()["pool"]
    answer = ops.post(f"/api/ops/campaigns/{campaign}/simulate", json={"pool": pool, **AUDIENCE, "seed": -1})
    assert list(refused(answer, 422, "invalid_input")) == ["seed"]
    assert ops.get(f"/api/ops/campaigns/{campaign}/metrics").json["forecast"] is None


@pytest.mark.parametrize("expected_draws", [HUGE, -1, "100", 2.5])
def test_expected_draws_of_the_odds_table_are_checked(ops: FlaskClient, expected_draws: Any) -> None:
    pool = ops.get("/api/ops/campaigns/template").json["config"]["pool"]
    answer = ops.post("/api/ops/odds", json={"pool": pool, "expected_draws": expected_draws})
    assert list(refused(answer, 422, "invalid_input")) == ["expected_draws"]


def test_the_audit_trail_of_a_missing_campaign_is_a_404(ops: FlaskClient) -> None:
    refused(ops.get("/api/ops/campaigns/999/audit"), 404, "campaign_not_found")
    campaign, _ = new_campaign(ops)
    assert [e["action"] for e in ops.get(f"/api/ops/campaigns/{campaign}/audit").json] == ["create"]


def watch(app: Flask, ops: FlaskClient, *payload: Any) -> Any:
    """The acknowledgement of a ``watch`` event carrying ``payload`` (nothing at all when empty)."""
    live = app.extensions["socketio"].test_client(app, namespace=OPS, flask_test_client=ops)
    answer = live.emit("watch", *payload, namespace=OPS, callback=True)
    assert [e["name"] for e in live.get_received(OPS)] == (["metrics"] if answer == {"ok": True} else [])
    live.disconnect(namespace=OPS)
    return answer


@pytest.mark.parametrize(
    "payload",
    [(), (None,), ([1],), ("1",), ({},), ({"campaign_id": True},), ({"campaign_id": HUGE},), ({"campaign_id": 1.0},)],
)
def test_watch_answers_invalid_input_with_an_error(app: Flask, ops: FlaskClient, payload: tuple[Any, ...]) -> None:
    add_campaign(app, wheel_config())  # campaign 1 exists: a true or 1.0 must still not watch it
    answer = watch(app, ops, *payload)
    assert answer["error"] == "invalid_input" and answer["message"] == "some fields are invalid"
    assert answer["fields"]


def test_watch_answers_an_unknown_campaign_with_an_error(app: Flask, ops: FlaskClient) -> None:
    answer = watch(app, ops, {"campaign_id": 2**31 - 1})
    assert answer == {"error": "campaign_not_found", "message": f"no campaign {2**31 - 1}"}
    assert watch(app, ops, {"campaign_id": add_campaign(app, wheel_config())}) == {"ok": True}
