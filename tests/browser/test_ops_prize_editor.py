"""The console's prize editor in headless Chromium: a red packet with a fixed amount or a range, and a
prize image, saved as the server validates them."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_ops_console import by_testid, create_campaign, field, field_error, is_draft_save

pytestmark = pytest.mark.browser

RED = "config.pool.prizes.3"  # the template's ¥6.66 red packet
IMAGE = "/static/play/prizes/red-packet.svg"


def save_draft(console: Page) -> tuple[int, dict[str, Any]]:
    """Click save; returns the answer's status and body."""
    with console.expect_response(is_draft_save) as answer:
        by_testid(console, "save-draft").click()
    return answer.value.status, answer.value.json()


def saved_red_packet(console: Page, base_url: str, campaign: int) -> dict[str, Any]:
    """The red packet prize as the saved draft holds it."""
    body = console.request.get(f"{base_url}/api/ops/campaigns/{campaign}").json()["draft"]["body"]
    return body["config"]["pool"]["prizes"][3]


def test_a_red_packet_switches_between_a_fixed_amount_and_a_range(console: Page, demo_server: str) -> None:
    campaign = create_campaign(console, demo_server)
    mode = console.locator('[data-testid=prize-row][data-index="3"] [data-testid=red-packet-mode]')
    expect(mode).to_have_value("fixed")
    mode.select_option("range")
    expect(field(console, f"{RED}.reward.min_fen")).to_have_value("6.66")  # the fixed amount carried over
    expect(field(console, f"{RED}.reward.amount_fen")).to_have_count(0)

    field(console, f"{RED}.reward.max_fen").fill("5")
    status, answer = save_draft(console)
    assert status == 422 and answer["fields"][f"{RED}.reward.max_fen"] == ["max_fen must be above min_fen"]
    expect(field_error(console, f"{RED}.reward.max_fen")).to_be_visible()

    field(console, f"{RED}.reward.max_fen").fill("88.88")
    assert save_draft(console)[0] == 200
    assert saved_red_packet(console, demo_server, campaign)["reward"] == {
        "kind": "red_packet",
        "min_fen": 666,
        "max_fen": 8888,
    }

    console.reload()
    expect(mode).to_have_value("range")
    expect(field(console, f"{RED}.reward.max_fen")).to_have_value("88.88")
    mode.select_option("fixed")
    expect(field(console, f"{RED}.reward.amount_fen")).to_have_value("88.88")  # the most, kept
    assert save_draft(console)[0] == 200
    assert saved_red_packet(console, demo_server, campaign)["reward"] == {"kind": "red_packet", "amount_fen": 8888}


def test_a_prize_image_is_saved_and_an_unsafe_address_refused(console: Page, demo_server: str) -> None:
    campaign = create_campaign(console, demo_server)
    image = field(console, f"{RED}.image")
    expect(image).to_have_attribute("data-testid", "prize-image-input")

    image.fill("javascript:alert(1)")
    status, answer = save_draft(console)
    assert status == 422
    assert answer["fields"][f"{RED}.image"] == ["use an https:// address or a path on this site starting with /"]
    expect(console.locator('[data-testid=prize-errors][data-index="3"]')).to_be_visible()

    image.fill(IMAGE)
    assert save_draft(console)[0] == 200
    assert saved_red_packet(console, demo_server, campaign)["image"] == IMAGE

    image.fill("")
    assert save_draft(console)[0] == 200
    assert saved_red_packet(console, demo_server, campaign)["image"] is None


SLOTS = "config.games.wheel.slots"


def slots_shown(console: Page) -> list[str]:
    """The wheel's slot list as the form shows it."""
    inputs = console.locator(f'[data-field^="{SLOTS}."]')
    return [inputs.nth(i).input_value() for i in range(inputs.count())]


def test_the_wheel_slots_follow_the_pool_as_prizes_come_are_renamed_and_go(console: Page, demo_server: str) -> None:
    campaign = create_campaign(console, demo_server)
    before = slots_shown(console)
    assert len(before) == 6

    by_testid(console, "prize-add").click()  # a new prize gets a slot of its own
    new_key = field(console, "config.pool.prizes.4.key").input_value()
    assert new_key.startswith("prize_")
    expect(console.locator(f'[data-field="{SLOTS}.6"]')).to_have_value(new_key)

    field(console, "config.pool.prizes.4.key").fill("lucky_star")  # its slot follows the new key
    expect(console.locator(f'[data-field="{SLOTS}.6"]')).to_have_value("lucky_star")
    assert slots_shown(console) == [*before, "lucky_star"]

    field(console, "config.pool.prizes.4.name").fill("幸运星")
    field(console, "config.pool.prizes.4.weight").fill("1")
    status, answer = save_draft(console)
    assert status == 200, answer
    body = console.request.get(f"{demo_server}/api/ops/campaigns/{campaign}").json()["draft"]["body"]
    assert body["config"]["games"]["wheel"]["slots"] == [*before, "lucky_star"]


COUPON = "config.pool.prizes.2.reward.coupon"  # the template's 6-month interest-free coupon


def test_a_coupon_form_shows_only_the_fields_of_its_type(console: Page, demo_server: str) -> None:
    campaign = create_campaign(console, demo_server)
    expect(field(console, f"{COUPON}.periods")).to_be_visible()
    expect(field(console, f"{COUPON}.threshold_fen")).to_have_count(0)
    expect(field(console, f"{COUPON}.amount_fen")).to_have_count(0)

    field(console, f"{COUPON}.type").select_option('"full_reduction"')  # option values are JSON
    expect(field(console, f"{COUPON}.periods")).to_have_count(0)
    field(console, f"{COUPON}.threshold_fen").fill("100")
    field(console, f"{COUPON}.amount_fen").fill("10")
    status, answer = save_draft(console)
    assert status == 200, answer
    body = console.request.get(f"{demo_server}/api/ops/campaigns/{campaign}").json()["draft"]["body"]
    coupon = body["config"]["pool"]["prizes"][2]["reward"]["coupon"]
    assert (coupon["type"], coupon["threshold_fen"], coupon["amount_fen"]) == ("full_reduction", 10000, 1000)
    assert coupon.get("periods") is None  # what no longer applies is not kept


def test_every_control_of_the_editor_has_a_name(console: Page, demo_server: str) -> None:
    create_campaign(console, demo_server)
    unnamed = console.evaluate(
        """() => [...document.querySelectorAll("#editor-form input, #editor-form select, #editor-form textarea")]
          .filter((c) => c.type !== "hidden")
          .filter((c) => !(c.getAttribute("aria-label") || c.getAttribute("aria-labelledby") || c.labels.length))
          .map((c) => c.dataset.field || c.outerHTML.slice(0, 80))"""
    )
    assert unnamed == []
    names = console.locator(f'[data-field^="{SLOTS}."]').evaluate_all("(cs) => cs.map((c) => c.ariaLabel)")
    assert len(set(names)) == len(names) == 6  # each slot named by its number
