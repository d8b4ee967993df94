"""Ops set up a 白条大富翁 board with its tasks and points rules in the console: they add both games to a draft (a new
board starts from the schema's starter board), edit tiles, a draw tile's own prizes and a task through the forms
generated from the schemas, forecast the board's cost for a dice supply, save and publish; the shopper rules page
then lists every tile with its landing chance. The server's messages show by field, in Chinese."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_ops_checkin import save_draft, saved_config
from tests.browser.test_ops_console import by_testid, create_campaign, field, field_error, started_an_hour_ago

pytestmark = pytest.mark.browser

BOARD = "config.games.monopoly"
TASKS = "config.games.tasks"
YUAN = re.compile(r"^¥\d{1,3}(,\d{3})*\.\d{2}$")
STARTER = ["start", "points", "points", "chance", "points", "points", "rest", "points", "points", "chance"]
STARTER += ["points", "points"]  # the kinds of the schema's starter board


def add_game(console: Page, key: str) -> None:
    """Add the game ``key`` to the draft being edited."""
    by_testid(console, "add-game-key").select_option(key)
    by_testid(console, "add-game").click()
    expect(by_testid(console, f"game-{key}")).to_be_visible()


def tile_kinds(console: Page) -> list[str]:
    """The kind selected for each tile, in order."""
    kinds = console.locator(f'[data-field^="{BOARD}.tiles."][data-field$=".kind"]')
    return [json.loads(kind.input_value()) for kind in kinds.all()]


def make_draw_tile(console: Page, index: int, draws: list[tuple[str, str]]) -> None:
    """Turn tile ``index`` into a draw tile drawing the ``(prize, weight)`` pairs."""
    field(console, f"{BOARD}.tiles.{index}.kind").select_option('"draw"')
    expect(field(console, f"{BOARD}.tiles.{index}.points")).to_have_count(0)  # a draw tile has no points
    add = console.locator(f'[data-field-group="{BOARD}.tiles.{index}.draws"] [data-testid=row-add]')
    for number, (prize, weight) in enumerate(draws):
        add.click()
        field(console, f"{BOARD}.tiles.{index}.draws.{number}.prize").select_option(prize)
        field(console, f"{BOARD}.tiles.{index}.draws.{number}.weight").fill(weight)


def add_share_task(console: Page, prize: str) -> None:
    """A daily task for sharing the campaign that grants ``prize``."""
    console.locator(f'[data-field-group="{TASKS}.tasks"] [data-testid=row-add]').click()
    task = f"{TASKS}.tasks.0"
    expect(field(console, f"{task}.min_amount_fen")).to_be_visible()  # the first trigger is a paid order
    field(console, f"{task}.key").fill("share_daily")
    field(console, f"{task}.title").fill("每日分享")
    field(console, f"{task}.on").select_option('"shared"')
    expect(field(console, f"{task}.min_amount_fen")).to_have_count(0)  # a share has no amount
    field(console, f"{task}.repeat").select_option('"daily"')
    field(console, f"{task}.prize").select_option(prize)


def run_forecast(console: Page) -> int:
    """Click the board forecast's button; returns the answer's status."""
    with console.expect_response(lambda r: r.url.endswith("/api/ops/simulate/games/monopoly")) as answer:
        by_testid(console, "run-board-forecast").click()
    return answer.value.status


def publish(console: Page) -> None:
    """Publish through the pre-flight, which finds nothing to acknowledge."""
    by_testid(console, "publish").click()
    expect(by_testid(console, "no-risks")).to_be_visible()
    by_testid(console, "preflight-confirm").click()
    expect(by_testid(console, "campaign-status")).to_have_attribute("data-status", "active")


def tile_lines(console: Page, base_url: str, campaign: int) -> list[dict[str, Any]]:
    """The board's rules lines that describe a tile, as the public rules API gives them."""
    rules = console.request.get(f"{base_url}/api/campaigns/{campaign}/rules").json()
    board = next(section for section in rules["game_rules"] if section["game"] == "monopoly")
    return [line for line in board["lines"] if line["zh"].startswith("第")]


def test_ops_set_up_a_board_and_tasks_forecast_publish_and_shoppers_read_each_tiles_chance(
    console: Page, demo_server: str
) -> None:
    campaign = create_campaign(console, demo_server)
    expect(by_testid(console, "board-forecast")).to_be_hidden()  # the template has only the wheel
    add_game(console, "monopoly")
    expect(by_testid(console, "game-monopoly")).to_contain_text("白条大富翁")
    expect(by_testid(console, "game-monopoly").locator("th").first).to_have_text("类型")
    assert tile_kinds(console) == STARTER
    field(console, f"{BOARD}.tiles.1.name").fill("15积分")
    field(console, f"{BOARD}.tiles.1.points").fill("15")
    make_draw_tile(console, 5, [("red_666", "1"), ("thanks", "3")])
    field(console, "starts_at").fill(started_an_hour_ago())

    add_game(console, "tasks")
    expect(by_testid(console, "game-tasks")).to_contain_text("任务与积分")
    field(console, f"{TASKS}.points.per_yuan").fill("2")
    add_share_task(console, "points_20")
    field(console, f"{TASKS}.tasks.0.prize").select_option("coupon_if6")  # a better reward after all

    expect(by_testid(console, "board-forecast")).to_be_visible()
    by_testid(console, "board-forecast-shoppers").fill("5000")
    by_testid(console, "board-forecast-dice_per_shopper").fill("20")
    assert run_forecast(console) == 200
    for figure in ("shopper-expected", "shopper-p95", "shopper-p99", "audience-expected", "audience-p99"):
        expect(by_testid(console, f"board-forecast-{figure}")).to_have_text(YUAN)
    expect(by_testid(console, "board-forecast-laps")).to_have_text(re.compile(r"^\d+(\.\d)?$"))
    expect(by_testid(console, "board-forecast-results")).to_contain_text("全部 5,000 位用户")
    expect(by_testid(console, "board-forecast-chart")).to_be_visible()
    expect(by_testid(console, "board-forecast-tile")).to_have_count(12)
    expect(by_testid(console, "board-forecast-tile").nth(5)).to_contain_text("抽奖")
    expect(by_testid(console, "board-forecast-frequency").first).to_have_text(re.compile(r"^\d+(\.\d+)?%$"))

    status, answer = save_draft(console)
    assert status == 200, answer
    expect(by_testid(console, "field-error")).to_have_count(0)
    config = saved_config(console, demo_server, campaign)
    tiles = config["games"]["monopoly"]["tiles"]
    assert (tiles[1]["name"], tiles[1]["points"]) == ("15积分", 15)
    assert tiles[5]["kind"] == "draw" and "points" not in tiles[5]
    assert tiles[5]["draws"] == [{"prize": "red_666", "weight": 1}, {"prize": "thanks", "weight": 3}]
    tasks = config["games"]["tasks"]
    assert tasks["points"] == {"per_yuan": 2, "multipliers": []}
    assert [(t["key"], t["on"], t["repeat"], t["prize"]) for t in tasks["tasks"]] == [
        ("share_daily", "shared", "daily", "coupon_if6")
    ]
    assert "min_amount_fen" not in tasks["tasks"][0]

    publish(console)
    lines = tile_lines(console, demo_server, campaign)
    assert len(lines) == 12 and "15积分；每次掷骰落在此格的概率" in lines[1]["zh"]
    console.goto(f"{demo_server}/play/{campaign}/rules")
    games = console.locator("#games")
    for line in lines:
        expect(games).to_contain_text(line["zh"])
    expect(games).to_contain_text("任务「每日分享」")


def test_the_forecast_and_the_save_name_a_bad_input_by_its_field(console: Page, demo_server: str) -> None:
    create_campaign(console, demo_server)
    add_game(console, "monopoly")

    by_testid(console, "board-forecast-dice_per_shopper").fill("0")
    assert run_forecast(console) == 422
    expect(field_error(console, "audience.dice_per_shopper")).to_have_text("必须在 1 到 200 之间")
    expect(by_testid(console, "board-forecast-message")).to_contain_text("未能预测")

    by_testid(console, "board-forecast-dice_per_shopper").fill("10")
    field(console, f"{BOARD}.tiles.1.points").fill("0")  # a points tile of no points: the board is refused
    assert run_forecast(console) == 422
    problem = console.locator(f'[data-problem-for="{BOARD}.tiles.1.points"]')
    expect(problem).to_have_text("白条大富翁 · 格子 2 · 积分: 积分格至少给 1 积分")
    expect(by_testid(console, "board-forecast-results")).to_have_count(0)

    field(console, f"{BOARD}.tiles.1.points").fill("10")
    console.locator(f'[data-field-group="{BOARD}.tiles"] [data-testid=row-down]').first.click()  # start moves to 2
    assert tile_kinds(console)[:2] == ["points", "start"]
    status, answer = save_draft(console)
    assert status == 422
    assert answer["fields"][f"{BOARD}.tiles"] == ["the first tile is the start"]
    expect(field_error(console, f"{BOARD}.tiles")).to_have_text("第 1 格必须是起点")

    by_testid(console, "lang-switch").click()  # the labels' English
    expect(by_testid(console, "game-monopoly").locator("th").nth(1)).to_have_text("Tile name")
    by_testid(console, "remove-game-monopoly").click()
    expect(by_testid(console, "board-forecast")).to_be_hidden()
