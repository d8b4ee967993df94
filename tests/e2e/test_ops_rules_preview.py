"""The rules preview of a draft (POST /api/ops/rules-preview) on SQLite and PostgreSQL: the public
rules document the draft would publish, field errors by path, and the ops role only."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from games.campaigns.rules import DRAW_METHOD
from tests.conftest import Clock, login
from tests.e2e.test_ops_api import draft, new_campaign, publish, staff

PREVIEW = "/api/ops/rules-preview"


@pytest.fixture
def ops(app: Flask) -> FlaskClient:
    """A client signed in as an ops account."""
    return staff(app, "ops", "olivia")


def template(ops: FlaskClient) -> dict[str, Any]:
    """The starter campaign body, as the editor holds it."""
    return ops.get("/api/ops/campaigns/template").json


def test_ops_get_the_rules_a_draft_would_publish(ops: FlaskClient) -> None:
    body = template(ops)
    answer = ops.post(PREVIEW, json=body)
    assert answer.status_code == 200, answer.json
    rules = answer.json
    assert (rules["name"], rules["name_en"], rules["timezone"]) == (body["name"], body["name_en"], body["timezone"])
    assert rules["draw_method"] == DRAW_METHOD and rules["total_weight"] == 1000
    assert len(rules["config_hash"]) == 64 and rules["periods"] == [] and rules["campaign_id"] is None
    assert rules["caps"] == [
        {"key": "daily_value", "per": "day", "max_count": None, "max_value_fen": 2000, "prize": None}
    ]
    assert rules["games"] == body["config"]["games"]
    red = rules["prizes"][3]
    assert (red["key"], red["odds_numerator"], red["odds_denominator"]) == ("red_666", 10, 1000)
    assert (red["display_value_fen"], red["quantity"], red["remaining"], red["kind"]) == (666, 500, None, "red_packet")
    assert [p["fallback"] for p in rules["prizes"]] == [True, False, False, False]


def test_the_preview_is_the_public_rules_document_once_published(app: Flask, ops: FlaskClient, clock: Clock) -> None:
    campaign, _ = new_campaign(ops, starts_at=clock.now.isoformat())
    revision, body = draft(ops, campaign)
    preview = ops.post(PREVIEW, json=body).json
    published = publish(ops, campaign, revision)
    assert published.status_code == 200, published.json
    public = app.test_client().get(f"/api/campaigns/{campaign}/rules").json
    assert public["config_hash"] == published.json["version_hash"] == preview["config_hash"]
    assert public["periods"] and [p["remaining"] for p in public["prizes"]] == [p["quantity"] for p in public["prizes"]]
    unpublished = {"campaign_id": campaign, "periods": public["periods"]}
    prizes = [{**p, "remaining": q["remaining"]} for p, q in zip(preview["prizes"], public["prizes"], strict=True)]
    assert {**preview, **unpublished, "prizes": prizes} == public
    terms = body["config"]["redemption"]
    assert public["redemption"] == {"deadline": terms["deadline"], "conditions": terms["conditions"]}
    assert public["points_lifetime_days"] == body["config"].get("points_lifetime_days", 365)


def test_an_invalid_draft_gets_its_field_errors_by_path(ops: FlaskClient) -> None:
    body = copy.deepcopy(template(ops))
    body["config"]["pool"]["prizes"][1]["weight"] = -1
    body["budget_fen"] = -1
    answer = ops.post(PREVIEW, json=body)
    assert (answer.status_code, answer.json["error"]) == (422, "invalid_input")
    assert {"config.pool.prizes.1.weight", "budget_fen"} <= set(answer.json["fields"])
    backwards = {**template(ops), "ends_at": body["starts_at"]}
    assert ops.post(PREVIEW, json=backwards).json["fields"] == {"ends_at": ["the campaign must end after it starts"]}
    not_an_object = ops.post(PREVIEW, json=[body])
    assert (not_an_object.status_code, not_an_object.json["error"]) == (400, "invalid_json")


def test_a_preview_saves_nothing(ops: FlaskClient) -> None:
    before = ops.get("/api/ops/campaigns").json
    assert ops.post(PREVIEW, json=template(ops)).status_code == 200
    assert ops.get("/api/ops/campaigns").json == before


def test_shoppers_auditors_and_strangers_get_no_preview(app: Flask, client: FlaskClient, ops: FlaskClient) -> None:
    body = template(ops)
    login(client, "previewing-shopper")
    auditor = staff(app, "auditor", "aubrey")
    assert client.post(PREVIEW, json=body).status_code == 403
    assert auditor.post(PREVIEW, json=body).status_code == 403
    assert app.test_client().post(PREVIEW, json=body).status_code == 401
