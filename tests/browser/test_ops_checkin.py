"""Ops set up a check-in calendar in the console: they add the game to a draft, edit its tiers and milestones
through the form generated from its schema (a milestone may grant a prize of weight 0, which the wheel leaves
off its slots), save, and forecast its cost for a tier mix; the server's messages show by field, in Chinese."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.test_ops_console import by_testid, create_campaign, field, field_error, is_draft_save
from tests.browser.test_ops_prize_editor import slots_shown

pytestmark = pytest.mark.browser

CHECKIN = "config.games.checkin"
GIFT = "config.pool.prizes.4"  # the prize added to the template's four
YUAN = re.compile(r"^¥\d{1,3}(,\d{3})*\.\d{2}$")


def add_checkin(console: Page) -> None:
    """Add the check-in game to the draft being edited."""
    by_testid(console, "add-game-key").select_option("checkin")
    by_testid(console, "add-game").click()
    expect(by_testid(console, "game-checkin")).to_be_visible()


def add_milestone(console: Page, days: str, prize: str) -> None:
    """Add a streak milestone of ``days`` granting ``prize`` (chosen from the pool's prizes)."""
    milestones = console.locator(f'[data-field-group="{CHECKIN}.milestones"]')
    milestones.get_by_test_id("row-add").click()
    index = milestones.get_by_test_id("table-row").count() - 1
    expect(field(console, f"{CHECKIN}.milestones.{index}.kind")).to_have_value('"streak"')  # the schema's default
    field(console, f"{CHECKIN}.milestones.{index}.days").fill(days)
    field(console, f"{CHECKIN}.milestones.{index}.prize").select_option(prize)


def save_draft(console: Page) -> tuple[int, dict[str, Any]]:
    """Click save; returns the answer's status and body."""
    with console.expect_response(is_draft_save) as answer:
        by_testid(console, "save-draft").click()
    return answer.value.status, answer.value.json()


def saved_config(console: Page, base_url: str, campaign: int) -> dict[str, Any]:
    """The config of the saved draft."""
    return console.request.get(f"{base_url}/api/ops/campaigns/{campaign}").json()["draft"]["body"]["config"]


def run_forecast(console: Page) -> int:
    """Click the forecast's button; returns the answer's status."""
    with console.expect_response(lambda r: r.url.endswith("/api/ops/simulate/games/checkin")) as answer:
        by_testid(console, "run-checkin-forecast").click()
    return answer.value.status


def shares(console: Page) -> Locator:
    return by_testid(console, "checkin-forecast-share")


def test_ops_add_a_checkin_with_a_milestone_prize_of_weight_0_save_and_forecast_its_cost(
    console: Page, demo_server: str
) -> None:
    campaign = create_campaign(console, demo_server)
    expect(by_testid(console, "checkin-forecast")).to_be_hidden()  # the template has only the wheel
    add_checkin(console)
    expect(by_testid(console, "game-checkin")).to_contain_text("签到日历")
    expect(by_testid(console, "game-checkin").locator("th").first).to_have_text("等级代码")
    expect(field(console, f"{CHECKIN}.tiers.3.code")).to_have_value("diamond")  # the four default tiers
    field(console, f"{CHECKIN}.tiers.0.points_min").fill("12")
    field(console, f"{CHECKIN}.tiers.0.points_max").fill("25")

    by_testid(console, "prize-add").click()
    field(console, f"{GIFT}.key").fill("streak_gift")
    field(console, f"{GIFT}.name").fill("连签礼包")
    field(console, f"{GIFT}.reward.kind").select_option('"points"')
    field(console, f"{GIFT}.reward.points").fill("50")
    field(console, f"{GIFT}.weight").fill("0")  # never drawn: granted by the milestone alone
    expect(field(console, "config.games.wheel.slots.6")).to_have_value("thanks")  # its slot shows the fallback
    assert "streak_gift" not in slots_shown(console)
    add_milestone(console, "7", "streak_gift")

    status, answer = save_draft(console)
    assert status == 200, answer
    expect(by_testid(console, "field-error")).to_have_count(0)
    config = saved_config(console, demo_server, campaign)
    checkin = config["games"]["checkin"]
    assert (checkin["tiers"][0]["points_min"], checkin["tiers"][0]["points_max"]) == (12, 25)
    assert checkin["milestones"] == [{"kind": "streak", "days": 7, "prize": "streak_gift"}]
    assert config["pool"]["prizes"][4]["weight"] == 0
    assert "streak_gift" not in config["games"]["wheel"]["slots"]

    expect(by_testid(console, "checkin-forecast")).to_be_visible()
    expect(by_testid(console, "checkin-forecast-row")).to_have_count(4)  # one per tier of the draft
    by_testid(console, "checkin-forecast-shoppers").fill("5000")
    for share, value in zip(shares(console).all(), ["0.7", "0.2", "0.08", "0.02"], strict=True):
        share.fill(value)
    assert run_forecast(console) == 200
    for figure in ("shopper-expected", "shopper-p95", "shopper-p99", "audience-expected", "audience-p99"):
        expect(by_testid(console, f"checkin-forecast-{figure}")).to_have_text(YUAN)
    expect(by_testid(console, "checkin-forecast-results")).to_contain_text("全部 5,000 位用户")
    expect(by_testid(console, "checkin-forecast-tier")).to_have_count(4)
    expect(by_testid(console, "checkin-forecast-tier").first).to_contain_text("普通会员")

    shares(console).first.fill("0.5")  # the shares now add up to 0.8
    assert run_forecast(console) == 422
    expect(field_error(console, "audience.tier_mix")).to_have_text("各等级的用户占比之和必须为 1")
    expect(by_testid(console, "checkin-forecast-message")).to_contain_text("未能预测")


def test_a_milestone_prize_follows_a_renamed_key_and_names_a_removed_one(console: Page, demo_server: str) -> None:
    create_campaign(console, demo_server)
    add_checkin(console)
    add_milestone(console, "3", "red_666")
    field(console, f"{CHECKIN}.daily_prize").select_option("points_20")

    field(console, "config.pool.prizes.1.key").fill("points_twenty")  # the daily prize follows the new key
    expect(field(console, f"{CHECKIN}.daily_prize")).to_have_value("points_twenty")
    console.locator('[data-testid=prize-row][data-index="3"] [data-testid=prize-remove]').click()  # red_666 goes
    prize = field(console, f"{CHECKIN}.milestones.0.prize")
    expect(prize).to_have_value("red_666")
    expect(prize.locator("option:checked")).to_have_text("red_666（不在奖池中）")

    status, answer = save_draft(console)
    assert status == 422
    assert answer["fields"] == {f"{CHECKIN}.milestones.0.prize": ["'red_666' is not a prize of the pool"]}
    expect(field_error(console, f"{CHECKIN}.milestones.0.prize")).to_have_text("'red_666' 不是奖池中的奖品")

    by_testid(console, "remove-game-checkin").click()
    expect(by_testid(console, "checkin-forecast")).to_be_hidden()
