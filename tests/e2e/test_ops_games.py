"""A game registered after the console was written gets its settings form and messages from its schema."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from tests.e2e.test_ops_api import draft, new_campaign, publish, save, staff
from tests.plugins.coin.game import Coin


def ops_with_coin(app: Flask) -> FlaskClient:
    app.extensions["carnival.registry"].register(Coin())
    return staff(app, "ops", "gina")


def test_the_schemas_describe_every_registered_game_with_its_defaults(app: Flask) -> None:
    ops = ops_with_coin(app)
    games = ops.get("/api/ops/schemas").json["games"]
    assert set(games) == {"checkin", "coin", "invite", "monopoly", "share", "tasks", "wheel"}
    coin = {f["name"]: f for f in games["coin"]["fields"]}
    assert coin["flips_per_day"]["default"] == 2 and coin["flips_per_day"]["maximum"] == 100
    assert coin["heads_label"]["type"] == "string"


def test_a_game_added_to_a_draft_is_validated_by_its_own_schema(app: Flask) -> None:
    ops = ops_with_coin(app)
    campaign, _ = new_campaign(ops)
    revision, body = draft(ops, campaign)
    body["config"]["games"]["coin"] = {"flips_per_day": 0}
    refused = save(ops, campaign, revision, body)
    assert refused.status_code == 422
    messages = refused.json["fields"]["config.games.coin.flips_per_day"]
    assert messages == ["Must be greater than or equal to 1 and less than or equal to 100."]
    body["config"]["games"]["coin"] = {"flips_per_day": 3}
    revision = save(ops, campaign, revision, body).json["revision"]
    assert publish(ops, campaign, revision).status_code == 200


def test_a_campaign_needs_at_least_one_game(app: Flask) -> None:
    ops = ops_with_coin(app)
    campaign, _ = new_campaign(ops)
    revision, body = draft(ops, campaign)
    body["config"]["games"] = {}
    refused = save(ops, campaign, revision, body)
    assert refused.status_code == 422 and "config.games" in refused.json["fields"]
