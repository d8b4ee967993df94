"""The Monopoly page (白条大富翁) in headless Chromium on a phone screen, against the app served from this process on
a clock the test moves: a browsing task earns dice, a remote-control die lands the token on the coupon tile and the
wallet holds the coupon, a roll hops the token to the server's tile and the popup names what it granted; refusals
in the shopper's words; English and reduced motion; the tabs between the board and the wheel."""

from __future__ import annotations

import os
from itertools import pairwise
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from economy.items import item_balance
from tests.browser import test_checkin_page as checkin_page
from tests.browser.monopoly_support import (
    ROLL_TIMEOUT_MS,
    VENUE,
    board_with_tasks,
    enter,
    grant_name,
    roll,
    roll_elsewhere,
    rolled,
    shopper_id,
    view,
    with_wheel,
)
from tests.browser.test_checkin_page import Served
from tests.browser.wheel_support import by_testid
from tests.conftest import add_campaign
from tests.e2e.monopoly_support import give
from tests.monopoly_boards import CARDS, monopoly_config

pytestmark = pytest.mark.browser

served = checkin_page.served  # a testing app on its own SQLite file served by a thread, and the clock it reads
page = checkin_page.page  # a phone page that fails the test on any script error
SCREENSHOT_DIR = "CARNIVAL_SCREENSHOT_DIR"  # set (e.g. to docs/images) to keep the page's picture after the rolls


def task(page: Page, key: str) -> Locator:
    """The task ``key`` in the task list."""
    return page.locator(f"[data-testid=task][data-task={key}]")


def browse_for_dice(page: Page, served: Served) -> None:
    """Tap 去浏览 on the browsing task, let its 15 seconds pass (on the server's clock and the page's), and see the
    page report it done and show the dice it earned."""
    browse = task(page, "browse")
    with page.expect_response(lambda r: r.url.endswith("/games/tasks/browse_start")) as started:
        browse.get_by_test_id("task-action").click()
    assert started.value.status == 200, started.value.text()
    expect(browse.get_by_test_id("task-action")).to_have_text("浏览中 15秒")
    expect(by_testid(page, "task-note")).to_have_text("浏览 15 秒即可完成任务")
    served.clock.advance(seconds=15)
    with page.expect_response(lambda r: r.url.endswith("/games/tasks/browse_done")) as done:
        page.clock.fast_forward(15_000)
    assert done.value.status == 200, done.value.text()
    expect(by_testid(page, "task-note")).to_have_text("「逛会场15秒」已完成，获得「骰子×3」")


def test_a_task_earns_dice_and_rolls_move_land_and_collect(page: Page, served: Served) -> None:
    campaign = add_campaign(served.app, board_with_tasks())
    page.clock.install()  # the browsing countdown runs on the page's clock, which the test moves
    enter(page, served, campaign, "monopoly-player")
    expect(by_testid(page, "tile")).to_have_count(20)
    expect(by_testid(page, "token")).to_have_attribute("data-tile", "0")
    expect(by_testid(page, "dice-left")).to_have_text("0")
    expect(by_testid(page, "roll-button")).to_have_text("骰子用完了")
    expect(by_testid(page, "roll-button")).to_be_disabled()
    expect(by_testid(page, "roll-hint")).to_have_text("做下方任务赚骰子")
    expect(by_testid(page, "lap-next")).to_have_text("累计走满 1 圈得「转盘机会×1」（已走 0 圈）")
    expect(task(page, "pay99").get_by_test_id("task-action")).to_have_attribute("href", VENUE)
    expect(task(page, "pay99").get_by_test_id("task-action")).to_have_text("去完成")
    expect(task(page, "pay99")).to_contain_text("奖励「骰子×3」")
    expect(task(page, "invite_bt")).to_contain_text("完成后自动到账")  # no link: the host's events complete it
    expect(task(page, "browse").get_by_test_id("task-progress")).to_have_text("今日已完成 0/2")

    browse_for_dice(page, served)
    expect(by_testid(page, "dice-left")).to_have_text("3")
    expect(by_testid(page, "roll-button")).to_have_text("掷骰子（剩 3 个）")
    expect(task(page, "browse").get_by_test_id("task-progress")).to_have_text("今日已完成 1/2")
    expect(task(page, "browse").get_by_test_id("task-action")).to_have_text("去浏览")  # twice a day

    give(served.app, campaign, shopper_id(served.app, "monopoly-player"), "remote_dice", 1)
    page.reload()
    expect(by_testid(page, "remote-count")).to_have_text("× 1")
    by_testid(page, "remote-use").click()
    expect(by_testid(page, "remote-choice")).to_have_count(12)  # two dice: 1 to 12 steps
    coupon = roll(page, lambda: page.locator("[data-testid=remote-choice][data-steps='2']").click())
    assert coupon["events"][0]["payload"]["remote"] == 1
    expect(by_testid(page, "token")).to_have_attribute("data-tile", "2")
    expect(by_testid(page, "landing-title")).to_have_text("遥控骰子：前进 2 步")
    expect(by_testid(page, "landing-headline")).to_have_text("停在「免息券」")
    expect(by_testid(page, "landing-lines")).to_contain_text("第3格「免息券」3期免息券")
    expect(by_testid(page, "landing-use")).to_be_visible()
    coupons = page.request.get(f"{served.base_url}/api/play/wallet").json()["coupons"]
    assert [c["title"] for c in coupons] == ["3期免息"]  # collected: the coupon is in the wallet
    expect(by_testid(page, "remote-use")).to_be_disabled()
    expect(by_testid(page, "remote-note")).to_have_text("还没有遥控骰子")

    expect(by_testid(page, "landing-ok")).to_have_text("继续掷骰")  # dice are left: the popup rolls again
    answer = roll(page, lambda: by_testid(page, "landing-ok").click())
    payload = rolled(answer)
    now = view(page, served, campaign)
    expect(by_testid(page, "token")).to_have_attribute("data-tile", str(now["tile"]))
    assert now["tile"] == payload["end"] % 20
    stops = [payload["start"], *(landing["distance"] for landing in payload["landings"]), payload["end"]]
    hops = sum(abs(after - before) for before, after in pairwise(stops))
    expect(by_testid(page, "board-wrap")).to_have_attribute("data-hops", str(hops))  # a hop per step
    expect(by_testid(page, "dice")).to_have_attribute("data-faces", ",".join(map(str, payload["dice"])))
    token_box = by_testid(page, "token").bounding_box()
    tile_box = page.locator(f"[data-testid=tile][data-tile='{now['tile']}']").bounding_box()
    assert token_box and tile_box
    assert tile_box["x"] <= token_box["x"] + token_box["width"] / 2 <= tile_box["x"] + tile_box["width"]
    end_tile = monopoly_config()["games"]["monopoly"]["tiles"][now["tile"]]["name"]
    expect(by_testid(page, "landing-headline")).to_have_text(f"停在「{end_tile}」")
    for grant in answer["grants"]:
        expect(by_testid(page, "landing-dialog")).to_contain_text(grant_name(grant["granted"]))
    by_testid(page, "landing-close").click()

    expect(by_testid(page, "points")).to_have_text(str(now["points"]))
    expect(by_testid(page, "dice-left")).to_have_text(str(now["items_held"].get("dice", 0)))
    wallet = page.request.get(f"{served.base_url}/api/play/wallet").json()
    assert wallet["points"] == now["points"]
    expect(task(page, "roll3").get_by_test_id("task-progress")).to_contain_text("进度 2/3")
    if os.environ.get(SCREENSHOT_DIR):
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(Path(os.environ[SCREENSHOT_DIR]) / "monopoly-page.png"), animations="disabled")


def test_refusals_are_shown_in_the_shoppers_words(page: Page, served: Served) -> None:
    no_free_roll = [card for card in CARDS if card["kind"] != "free_roll"]  # the other screen's roll uses the last die
    campaign = add_campaign(served.app, monopoly_config(cards=no_free_roll))
    page.route("**/socket.io/**", lambda route: route.abort())  # no live events: the page stays as it was loaded
    enter(page, served, campaign, "monopoly-refusals")
    expect(by_testid(page, "tasks")).to_be_hidden()  # a board without tasks
    expect(by_testid(page, "roll-hint")).to_have_text("暂时没有骰子了，参加活动可以获得骰子")
    expect(by_testid(page, "double-toggle")).to_be_disabled()
    expect(by_testid(page, "double-note")).to_have_text("还没有双倍卡")
    give(served.app, campaign, shopper_id(served.app, "monopoly-refusals"), "dice", 1)
    page.reload()
    expect(by_testid(page, "roll-button")).to_have_text("掷骰子（剩 1 个）")

    roll_elsewhere(page, served, campaign)  # the last die is used on another screen; this page still offers it
    with page.expect_response(lambda r: r.url.endswith("/games/monopoly/roll")) as refused:
        by_testid(page, "roll-button").click()
    assert (refused.value.status, refused.value.json()["error"]) == (409, "insufficient_items")
    expect(by_testid(page, "message")).to_have_text("骰子不够了，做任务赚骰子吧")
    expect(by_testid(page, "roll-button")).to_have_text("骰子用完了")
    expect(by_testid(page, "landing-dialog")).to_be_hidden()

    give(served.app, campaign, shopper_id(served.app, "monopoly-refusals"), "dice", 1)
    page.reload()
    bad = {"error": "invalid_roll", "message": "a remote-control die chooses 1 to 12"}
    page.route("**/games/monopoly/roll", lambda route: route.fulfill(status=422, json=bad))
    by_testid(page, "roll-button").click()
    expect(by_testid(page, "message")).to_have_text("遥控骰子的点数不对")
    unknown = {"error": "board_new_rule", "message": "a rule this page does not know yet"}
    page.route("**/games/monopoly/roll", lambda route: route.fulfill(status=409, json=unknown))
    by_testid(page, "roll-button").click()
    expect(by_testid(page, "message")).to_have_text("a rule this page does not know yet")
    expect(by_testid(page, "token")).to_have_attribute("data-tile", str(view(page, served, campaign)["tile"]))


def test_english_a_double_card_and_a_roll_without_motion(page: Page, served: Served) -> None:
    campaign = add_campaign(served.app, board_with_tasks())
    page.emulate_media(reduced_motion="reduce")
    enter(page, served, campaign, "monopoly-english")
    user = shopper_id(served.app, "monopoly-english")
    give(served.app, campaign, user, "dice", 2)
    give(served.app, campaign, user, "double_card", 1)
    page.reload()
    by_testid(page, "lang-switch").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Baitiao Monopoly")
    expect(by_testid(page, "roll-button")).to_have_text("Roll the dice (2 left)")
    expect(task(page, "browse")).to_contain_text("Browse the venue for 15 s")
    expect(task(page, "browse").get_by_test_id("task-action")).to_have_text("Browse")

    toggle = by_testid(page, "double-toggle")
    expect(toggle).to_have_attribute("role", "switch")
    toggle.click()
    expect(toggle).to_have_attribute("aria-checked", "true")
    expect(by_testid(page, "roll-hint")).to_have_text("This roll uses a double card: the landing rewards are doubled")
    with page.expect_request(lambda r: r.url.endswith("/games/monopoly/roll")) as sent:
        answer = roll(page, lambda: by_testid(page, "roll-button").click())
    assert sent.value.post_data_json == {"double": True}
    assert rolled(answer)["doubled"] == 1
    expect(by_testid(page, "landing-dialog")).to_have_attribute("data-animated", "false")
    expect(by_testid(page, "celebration")).to_be_hidden()
    expect(by_testid(page, "board-wrap")).to_have_attribute("data-hops", "0")  # the token jumps, no hops
    expect(by_testid(page, "token")).to_have_attribute("data-tile", str(view(page, served, campaign)["tile"]))
    expect(by_testid(page, "landing-title")).to_contain_text("steps")
    expect(by_testid(page, "landing-lines")).to_contain_text("Used: this landing's rewards are doubled")
    expect(by_testid(page, "landing-ok")).to_have_text("Roll again")
    page.keyboard.press("Escape")
    expect(by_testid(page, "double-toggle")).to_have_attribute("aria-checked", "false")
    expect(by_testid(page, "double-note")).to_have_text("You have no double card yet")
    with served.app.extensions["carnival.sessions"]() as session:
        left = item_balance(session, campaign, user, "dice")  # 1, or 2 when the landing gave a free roll
    assert left in (1, 2)
    expect(by_testid(page, "roll-button")).to_have_text(f"Roll the dice ({left} left)", timeout=ROLL_TIMEOUT_MS)


def test_tabs_join_the_board_and_the_wheel_and_a_campaign_without_a_board_has_no_page(
    page: Page, served: Served
) -> None:
    both = add_campaign(served.app, with_wheel(monopoly_config()), slug="both")
    wheel_only = with_wheel(monopoly_config())
    del wheel_only["games"]["monopoly"]
    no_board = add_campaign(served.app, wheel_only, slug="wheel")
    enter(page, served, both, "monopoly-tabs", game=None)  # a launch lands on the campaign's board
    expect(by_testid(page, "tab-monopoly")).to_have_attribute("aria-current", "page")
    expect(by_testid(page, "tab-monopoly")).to_have_text("白条大富翁")

    by_testid(page, "tab-wheel").click()
    page.wait_for_url(f"**/play/{both}")
    expect(by_testid(page, "spin-button")).not_to_have_attribute("data-mode", "none")
    by_testid(page, "tab-monopoly").click()
    page.wait_for_url(f"**/play/{both}/monopoly")
    expect(by_testid(page, "roll-button")).not_to_have_attribute("data-mode", "none")

    missing = page.goto(f"{served.base_url}/play/{no_board}/monopoly")
    assert missing is not None and missing.status == 404
