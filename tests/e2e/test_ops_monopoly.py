"""Ops and the board: a cost forecast for a dice supply per shopper (the model's landing frequencies next to the
exact odds the rules page publishes), the rules page's tile-by-tile odds, and a running board that may not get
worse."""

from __future__ import annotations

import copy
from fractions import Fraction

from flask import Flask

from games.campaigns.config import validate_config
from games.campaigns.disclosure import worsening_by_field
from games.monopoly.config import MonopolyConfigSchema
from games.monopoly.odds import landing_odds
from tests.conftest import add_campaign
from tests.e2e.tasks_support import tasks_config
from tests.e2e.test_ops_api import staff
from tests.monopoly_boards import board, monopoly_config

URL = "/api/ops/simulate/games/monopoly"


def test_a_dice_supply_gets_its_cost_per_shopper_and_for_the_audience(app: Flask) -> None:
    ops = staff(app, "ops", "olga")
    config = monopoly_config()
    audience = {"shoppers": 50_000, "dice_per_shopper": 10, "seed": 5}
    answer = ops.post(URL, json={"pool": config["pool"], "config": board(), "audience": audience})
    assert answer.status_code == 200, answer.json
    forecast = answer.json
    per = forecast["per_shopper"]
    assert 0 < per["expected_fen"] <= per["p95_fen"] <= per["p99_fen"]
    assert forecast["audience"]["expected_fen"] == per["expected_fen"] * 50_000
    assert forecast["rolls_simulated"] >= 50_000 * 10 and len(forecast["landings_per_roll"]) == 20
    more = ops.post(
        URL, json={"pool": config["pool"], "config": board(), "audience": {**audience, "dice_per_shopper": 30}}
    )
    assert more.json["per_shopper"]["expected_fen"] > 2 * per["expected_fen"]  # three times the dice


def test_bad_input_is_named_by_field(app: Flask) -> None:
    ops = staff(app, "ops", "omar")
    config = monopoly_config()
    bad = ops.post(URL, json={"pool": config["pool"], "config": board(), "audience": {"shoppers": 0}})
    assert bad.status_code == 422 and set(bad.json["fields"]) == {"audience.shoppers", "audience.dice_per_shopper"}
    broken = board(tiles=[{"kind": "prize", "name": "x", "prize": "nope"}] * 12)
    answer = ops.post(
        URL, json={"pool": config["pool"], "config": broken, "audience": {"shoppers": 1, "dice_per_shopper": 1}}
    )
    assert answer.status_code == 422 and "config.games.monopoly.tiles" in answer.json["fields"]


def test_the_rules_page_gives_each_tiles_exact_landing_chance(app: Flask) -> None:
    campaign = add_campaign(app, monopoly_config())
    rules = app.test_client().get(f"/api/campaigns/{campaign}/rules")
    assert rules.status_code == 200, rules.json
    section = next(s for s in rules.json["game_rules"] if s["game"] == "monopoly")
    exact = landing_odds(MonopolyConfigSchema().load(board()), 10)
    tile_lines = [line["zh"] for line in section["lines"] if line["zh"].startswith("第")]
    assert len(tile_lines) == 20
    for line, chance in zip(tile_lines, exact, strict=True):
        assert f"{float(chance) * 100:.2f}%" in line
    assert sum(exact) > Fraction(1)  # chance cards land again


def test_a_running_board_and_its_tasks_may_not_get_worse(app: Flask) -> None:
    registry = app.extensions["carnival.registry"]
    before = monopoly_config()
    before["games"]["tasks"] = tasks_config()["games"]["tasks"]
    after = copy.deepcopy(before)
    after["games"]["monopoly"]["tiles"][1]["points"] = 5  # was 10
    after["games"]["monopoly"]["lap_milestones"] = after["games"]["monopoly"]["lap_milestones"][:1]
    after["games"]["tasks"]["tasks"][0]["min_amount_fen"] = 19_900  # was ¥99
    after["games"]["tasks"]["points"]["per_yuan"] = 0
    found = worsening_by_field(validate_config(registry, before), validate_config(registry, after), registry)
    assert set(found) == {
        "config.games.monopoly.tiles",
        "config.games.monopoly.lap_milestones",
        "config.games.tasks.tasks",
        "config.games.tasks.points.per_yuan",
    }, found
    better = copy.deepcopy(before)
    better["games"]["tasks"]["points"]["per_yuan"] = 2
    assert worsening_by_field(validate_config(registry, before), validate_config(registry, better), registry) == {}
