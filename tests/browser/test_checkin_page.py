"""The check-in page in headless Chromium on a phone screen, against the app served from this process on a clock the
test moves: check in, miss a day, make it up and see the streak repaired; refusals in the shopper's words; the
reminder, English and reduced motion; the tabs between the check-in calendar and the wheel."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect
from werkzeug.serving import WSGIRequestHandler, make_server

from tests.browser.conftest import PHONE, checked_page
from tests.browser.wheel_support import by_testid
from tests.conftest import Clock, add_campaign, build_app, launch_token
from tests.e2e.checkin_support import checkin_config
from tests.services import chromium_path

pytestmark = pytest.mark.browser

SHANGHAI = ZoneInfo("Asia/Shanghai")  # the campaigns' time zone
SCREENSHOT_DIR = "CARNIVAL_SCREENSHOT_DIR"  # set (e.g. to docs/images) to keep the page's picture after a make-up


@dataclass
class Served:
    """The app served on ``base_url`` and the clock it reads."""

    base_url: str
    app: Flask
    clock: Clock


class QuietHandler(WSGIRequestHandler):
    """Serves without a log line per request."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Nothing: the test's own assertions say what happened."""


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    """A testing app on its own SQLite file, served by a thread of this process on a free port."""
    chromium_path()  # skip (locally) before starting anything when there is no browser
    clock = Clock()
    app = build_app(f"sqlite:///{tmp_path / 'checkin.db'}", clock)
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="checkin-page-server", daemon=True)
    thread.start()
    try:
        yield Served(f"http://127.0.0.1:{server.server_port}", app, clock)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        app.extensions["carnival.engine"].dispose()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh phone page (390×844 at a phone's two device pixels per CSS pixel); fails the test on any script error
    or Content-Security-Policy violation."""
    with checked_page(browser, viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2) as page:
        yield page


def with_wheel(config: dict[str, Any]) -> dict[str, Any]:
    """``config`` with a wheel beside the check-in, whose spin item the 3-day milestone grants."""
    config["games"]["wheel"] = {"slots": ["thanks"] * 6, "free_spins_per_day": 1, "spin_item": "wheel_spin"}
    config["games"]["checkin"]["milestones"].append({"kind": "streak", "days": 3, "prize": "spins"})
    return config


def enter(page: Page, served: Served, campaign: int, sub: str) -> None:
    """Launch ``sub`` into ``campaign``'s check-in page (a token timed by the app's clock); waits for its state."""
    token = launch_token(sub, now=served.clock())
    page.goto(f"{served.base_url}/play/launch?token={token}&campaign={campaign}&game=checkin")
    page.wait_for_url(f"**/play/{campaign}/checkin*")
    expect(by_testid(page, "checkin-button")).not_to_have_attribute("data-mode", "none")


def next_day(page: Page, served: Served, days: int = 1) -> None:
    """Move the app's clock ``days`` on and open the page again."""
    served.clock.advance(days=days)
    page.reload()
    expect(by_testid(page, "checkin-button")).not_to_have_attribute("data-mode", "none")


def check_in(page: Page) -> dict[str, Any]:
    """Tap 签到; returns the API's answer once the reward is shown, and closes it."""
    with page.expect_response(lambda r: r.url.endswith("/games/checkin/check_in")) as answer:
        by_testid(page, "checkin-button").click()
    assert answer.value.status == 200, answer.value.text()
    expect(by_testid(page, "reward-dialog")).to_be_visible()
    expect(by_testid(page, "reward-ok")).to_be_focused()
    body = answer.value.json()
    by_testid(page, "reward-ok").click()
    expect(by_testid(page, "reward-dialog")).to_be_hidden()
    return body


def day(served: Served, offset: int) -> str:
    """The campaign's day ``offset`` days from the clock's today (``YYYY-MM-DD``)."""
    return (served.clock().astimezone(SHANGHAI).date() + timedelta(days=offset)).isoformat()


def test_a_missed_day_made_up_repairs_the_streak_and_completes_a_milestone(page: Page, served: Served) -> None:
    campaign = add_campaign(served.app, with_wheel(checkin_config()))
    enter(page, served, campaign, "checkin-makeup")
    first = day(served, 0)
    expect(by_testid(page, "checkin-button")).to_have_text("签到")
    expect(by_testid(page, f"day-{first}")).to_have_attribute("data-mark", "today")

    assert check_in(page)["events"][0]["payload"]["points"] == 10
    expect(by_testid(page, "checkin-button")).to_have_text("今日已签到")
    expect(by_testid(page, "checkin-button")).to_be_disabled()  # a second tap today is not possible
    again = page.request.post(
        f"{served.base_url}/api/play/{campaign}/games/checkin/check_in",
        headers={"Idempotency-Key": "second-tap-0001", "Origin": served.base_url},
        data={},
    )
    assert (again.status, again.json()["error"]) == (409, "already_checked_in")

    next_day(page, served)
    check_in(page)
    expect(by_testid(page, "streak")).to_have_text("2")
    next_day(page, served, days=2)  # the third day missed
    missed = day(served, -1)
    payload = check_in(page)["events"][0]["payload"]
    assert payload["streak"] == 1
    expect(by_testid(page, "streak")).to_have_text("1")
    expect(by_testid(page, f"day-{missed}")).to_have_attribute("data-mark", "missed")
    expect(by_testid(page, "next-milestone")).to_contain_text("再签 2 天得「3 次抽奖」")

    by_testid(page, f"day-{missed}").click()
    expect(by_testid(page, "makeup-dialog")).to_be_visible()
    expect(by_testid(page, "makeup-price")).to_have_text("将消耗 20 积分（你有 30 积分）")
    expect(by_testid(page, "makeup-left")).to_contain_text("本月还可补签 2 次")
    expect(by_testid(page, "makeup-yes")).to_be_focused()
    with page.expect_response(lambda r: r.url.endswith("/games/checkin/make_up")) as made:
        by_testid(page, "makeup-yes").click()
    assert made.value.status == 200, made.value.text()
    assert made.value.request.post_data_json == {"day": missed}
    expect(by_testid(page, "reward-dialog")).to_contain_text("补签成功")
    expect(by_testid(page, "reward-prizes")).to_contain_text("3 次抽奖")
    expect(by_testid(page, "reward-spin")).to_be_visible()  # the milestone's spins are for the wheel
    by_testid(page, "reward-ok").click()

    expect(by_testid(page, "streak")).to_have_text("4")
    expect(by_testid(page, f"day-{missed}")).to_have_attribute("data-mark", "made_up")
    expect(by_testid(page, f"day-{missed}")).to_contain_text("补")
    expect(by_testid(page, "points")).to_have_text("20")  # 3 × 10, − 20 for the make-up, + 10 for its day
    expect(by_testid(page, "held-item")).to_contain_text("抽奖机会")
    expect(by_testid(page, "held-item")).to_contain_text("× 3")
    expect(by_testid(page, "streak-mark").first).to_have_class("streak-mark is-reached")
    expect(by_testid(page, "next-milestone")).to_contain_text("再签 3 天得「连签7天 50积分」")
    if os.environ.get(SCREENSHOT_DIR):
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(Path(os.environ[SCREENSHOT_DIR]) / "checkin-page.png"), animations="disabled")


def test_refusals_are_shown_in_the_shoppers_words(page: Page, served: Served) -> None:
    campaign = add_campaign(served.app, checkin_config(makeup={"window_days": 3, "monthly_max": 2, "price_points": 5}))
    enter(page, served, campaign, "checkin-refusals")
    check_in(page)
    next_day(page, served, days=2)
    missed = day(served, -1)

    checked_elsewhere = page.request.post(  # from another screen, while this page still offers 签到
        f"{served.base_url}/api/play/{campaign}/games/checkin/check_in",
        headers={"Idempotency-Key": "other-screen-0001", "Origin": served.base_url},
        data={},
    )
    assert checked_elsewhere.ok, checked_elsewhere.text()
    by_testid(page, "checkin-button").click()
    expect(by_testid(page, "message")).to_have_text("这一天已经签到过了")
    expect(by_testid(page, "checkin-button")).to_have_text("今日已签到")

    refusal = {"error": "makeup_monthly_limit", "message": "at most 2 make-ups a month"}
    page.route("**/games/checkin/make_up", lambda route: route.fulfill(status=422, json=refusal))
    by_testid(page, f"day-{missed}").click()
    by_testid(page, "makeup-yes").click()
    expect(by_testid(page, "message")).to_have_text("本月补签次数已用完")
    unknown = {"error": "makeup_new_rule", "message": "a rule this page does not know yet"}
    page.route("**/games/checkin/make_up", lambda route: route.fulfill(status=422, json=unknown))
    by_testid(page, f"day-{missed}").click()
    by_testid(page, "makeup-yes").click()
    expect(by_testid(page, "message")).to_have_text("a rule this page does not know yet")
    expect(by_testid(page, f"day-{missed}")).to_have_attribute("data-mark", "missed")


def test_english_the_reminder_and_a_reward_without_motion(page: Page, served: Served) -> None:
    campaign = add_campaign(served.app, checkin_config())
    page.emulate_media(reduced_motion="reduce")
    enter(page, served, campaign, "checkin-english")
    by_testid(page, "lang-switch").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(by_testid(page, "checkin-button")).to_have_text("Check in")
    expect(page.locator("h1")).to_have_text("Daily check-in")

    with page.expect_response(lambda r: r.url.endswith("/games/checkin/check_in")):
        by_testid(page, "checkin-button").click()
    expect(by_testid(page, "reward-points")).to_have_text("+10 points")
    expect(by_testid(page, "reward-dialog")).to_have_attribute("data-animated", "false")
    expect(by_testid(page, "celebration")).to_be_hidden()
    page.keyboard.press("Escape")
    expect(by_testid(page, "checkin-button")).to_have_text("Checked in today")

    toggle = by_testid(page, "remind-toggle")
    expect(toggle).to_have_attribute("role", "switch")
    expect(toggle).to_have_attribute("aria-checked", "false")
    toggle.click()
    expect(toggle).to_have_attribute("aria-checked", "true")
    expect(by_testid(page, "remind-state")).to_have_text("On: we will remind you tomorrow")
    page.reload()
    expect(by_testid(page, "remind-toggle")).to_have_attribute("aria-checked", "true")


def test_tabs_join_the_check_in_and_the_wheel_of_a_campaign_that_has_both(page: Page, served: Served) -> None:
    both = add_campaign(served.app, with_wheel(checkin_config()), slug="both")
    wheel_config = with_wheel(checkin_config())
    del wheel_config["games"]["checkin"]
    wheel_only = add_campaign(served.app, wheel_config, slug="wheel")
    enter(page, served, both, "checkin-tabs")
    expect(by_testid(page, "tab-checkin")).to_have_attribute("aria-current", "page")
    expect(by_testid(page, "items")).to_contain_text("签到奖励的抽奖机会可以在幸运转盘使用")

    by_testid(page, "tab-wheel").click()
    page.wait_for_url(f"**/play/{both}")
    expect(by_testid(page, "tab-wheel")).to_have_attribute("aria-current", "page")
    expect(by_testid(page, "spin-button")).not_to_have_attribute("data-mode", "none")
    by_testid(page, "tab-checkin").click()
    page.wait_for_url(f"**/play/{both}/checkin")
    expect(by_testid(page, "checkin-button")).to_have_text("签到")

    page.goto(f"{served.base_url}/play/{wheel_only}")
    expect(by_testid(page, "spin-button")).not_to_have_attribute("data-mode", "none")
    expect(by_testid(page, "game-tabs")).to_have_count(0)
    missing = page.goto(f"{served.base_url}/play/{wheel_only}/checkin")
    assert missing is not None and missing.status == 404
