"""The shopper pages in headless Chromium against a real demo server: sign in, spin, wallet, rules; the wheel
page's main button, points confirmation, result dialog, prize list and winners marquee on a phone and a
desktop screen."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import APIRequestContext, Browser, Page, Request, Route, expect

from tests.browser.conftest import checked_page
from tests.browser.wheel_support import (
    COUPON_ART,
    PICKED_ALWAYS,
    SCREENS,
    SPIN_TIMEOUT_MS,
    by_testid,
    contrast,
    enter_campaign,
    is_spin,
    ops_session,
    prize,
    publish_campaign,
    spin,
    wheel_view,
)

pytestmark = pytest.mark.browser

RANGE_IMAGE = "/static/play/prizes/red-packet.svg"


@pytest.fixture(scope="module")
def ops(browser: Browser, demo_server: str) -> Iterator[APIRequestContext]:
    """The demo ops account, signed in once for the module's campaigns."""
    with ops_session(browser, demo_server) as api:
        yield api


@pytest.fixture(params=sorted(SCREENS))
def screen(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A fresh page (own cookies and storage) on a phone (390×844) or a desktop (1440×900) screen; fails the
    test on any script error or Content-Security-Policy violation."""
    with checked_page(browser, **SCREENS[request.param]) as page:
        yield page


def sign_in(page: Page, base_url: str, shopper: int) -> int:
    """Open the demo sign-in, pick the ``shopper``-th demo shopper; returns the campaign id of the wheel."""
    page.goto(f"{base_url}/dev/login")
    by_testid(page, "shopper-link").nth(shopper).click()
    page.wait_for_url("**/play/*")
    expect(by_testid(page, "spin-button")).to_be_enabled()
    return int(page.url.rstrip("/").rsplit("/", 1)[1])


def use_a_spin(page: Page, base_url: str, campaign: int, attempt: int) -> int:
    """Spin through the API (sharing the page's session); returns the status."""
    url = f"{base_url}/api/play/{campaign}/wheel/spin"
    headers = {"Idempotency-Key": f"use-up-{attempt:04d}", "Origin": base_url}  # as the wheel page sends it
    return page.request.post(url, headers=headers).status


def test_a_spin_lands_on_the_servers_slot_and_shows_its_prize(page: Page, demo_server: str) -> None:
    sign_in(page, demo_server, 0)
    spins_before = int(by_testid(page, "spins-left").inner_text())
    expect(by_testid(page, "spin-button")).to_have_text(f"免费抽奖（剩 {spins_before} 次）")

    result = spin(page)

    assert result["wheel"]["slots"][result["slot"]]["key"] == result["prize"]["key"]
    expect(by_testid(page, "result-prize")).to_have_text(result["prize"]["name"])
    expect(by_testid(page, "wheel")).to_have_attribute("data-landed-slot", str(result["slot"]))
    expect(by_testid(page, "spins-left")).to_have_text(str(spins_before - 1))
    assert result["wheel"]["free_spins_left"] == spins_before - 1
    expect(by_testid(page, "proof")).not_to_have_attribute("open", "")  # folded away behind a small link
    by_testid(page, "proof").locator("summary").click()
    expect(by_testid(page, "proof")).to_contain_text(result["proof"]["commitment"])
    assert result["proof"]["seq"] is None  # sealed about a second later: the page says so, not "#None"
    expect(by_testid(page, "proof")).not_to_contain_text("#null")
    expect(by_testid(page, "proof")).to_contain_text("抽奖记录 #", timeout=15_000)  # the page asks once it is sealed


def test_the_wallet_shows_the_balances_of_the_api(page: Page, demo_server: str) -> None:
    campaign = sign_in(page, demo_server, 1)
    spin(page)
    by_testid(page, "result-close").click()
    by_testid(page, "wallet-link").click()
    page.wait_for_url(f"**/play/wallet?campaign={campaign}")
    wallet = page.request.get(f"{demo_server}/api/play/wallet").json()

    expect(page.locator("h1")).to_have_text("我的奖品")
    expect(by_testid(page, "wallet-points")).to_have_text(str(wallet["points"]))
    expect(by_testid(page, "wallet-cash")).to_have_text(f"{wallet['cash_fen'] // 100}.{wallet['cash_fen'] % 100:02d}")
    expect(by_testid(page, "history-item")).to_have_count(len(wallet["history"]))
    expect(by_testid(page, "coupon")).to_have_count(len(wallet["coupons"]))
    expect(by_testid(page, "held-item")).to_have_count(len(wallet["items"]))
    if not wallet["items"]:
        expect(by_testid(page, "wallet-items")).to_contain_text("还没有道具")


def test_the_language_switch_translates_and_is_remembered(page: Page, demo_server: str) -> None:
    campaign = sign_in(page, demo_server, 2)
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    by_testid(page, "lang-switch").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    wheel = page.request.get(f"{demo_server}/api/play/{campaign}/wheel").json()
    expect(by_testid(page, "spin-button")).to_have_text(f"Spin free ({wheel['free_spins_left']} left)")
    expect(by_testid(page, "wallet-link")).to_have_text("My prizes")
    expect(by_testid(page, "marquee")).to_have_attribute("aria-label", "Latest winners")
    expect(by_testid(page, "campaign-name")).to_have_text(wheel["campaign_name_en"])
    page.goto(f"{demo_server}/play/wallet?campaign={campaign}")
    expect(page.locator("h1")).to_have_text("My prizes")


def test_a_refused_spin_shows_the_reason_and_a_used_up_day_says_come_back_tomorrow(
    page: Page, demo_server: str
) -> None:
    campaign = sign_in(page, demo_server, 3)
    refusal = {"error": "insufficient_points", "message": "an extra spin costs 50 points"}
    page.route("**/wheel/spin", lambda route: route.fulfill(status=409, json=refusal))
    with page.expect_response(is_spin) as refused:
        by_testid(page, "spin-button").click()

    assert refused.value.status == 409
    expect(by_testid(page, "message")).to_contain_text("积分不足")
    expect(by_testid(page, "result-dialog")).to_be_hidden()
    expect(by_testid(page, "wheel")).not_to_have_attribute("data-spinning", "true")  # it stopped turning
    expect(by_testid(page, "wheel")).not_to_have_attribute("data-landed-slot", re.compile(r"\d"))
    expect(by_testid(page, "spin-button")).to_be_enabled()  # the server still has this shopper's spins

    page.unroute("**/wheel/spin")
    statuses = [use_a_spin(page, demo_server, campaign, attempt) for attempt in range(20)]
    assert 409 in statuses, statuses
    page.reload()
    expect(by_testid(page, "spin-button")).to_have_text("明天再来")
    expect(by_testid(page, "spin-button")).to_be_disabled()


def test_a_spin_the_server_could_not_take_is_retried_with_the_same_key(page: Page, demo_server: str) -> None:
    sign_in(page, demo_server, 2)
    refused_keys: list[str] = []

    def unavailable(route: Route) -> None:
        refused_keys.append(route.request.headers["idempotency-key"])
        body = {"error": "database_unavailable", "message": "the service is briefly unavailable"}
        route.fulfill(status=503, headers={"Retry-After": "5"}, content_type="application/json", body=json.dumps(body))

    page.route("**/wheel/spin", unavailable)
    by_testid(page, "spin-button").click()
    expect(by_testid(page, "message")).to_contain_text("系统繁忙")
    page.unroute("**/wheel/spin")

    with page.expect_response(is_spin) as retried:
        by_testid(page, "spin-button").click()
    assert retried.value.status == 200 and retried.value.request.headers["idempotency-key"] == refused_keys[0]
    expect(by_testid(page, "result-dialog")).to_be_visible(timeout=SPIN_TIMEOUT_MS)
    by_testid(page, "result-close").click()
    with page.expect_response(is_spin) as later:
        by_testid(page, "spin-button").click()
    assert later.value.request.headers["idempotency-key"] != refused_keys[0]


def test_the_rules_page_shows_every_prize_with_exact_odds_without_signing_in(page: Page, demo_server: str) -> None:
    campaign = page.request.get(f"{demo_server}/api/campaigns").json()[0]["id"]
    rules = page.request.get(f"{demo_server}/api/campaigns/{campaign}/rules").json()
    page.goto(f"{demo_server}/play/{campaign}/rules")

    rows = by_testid(page, "prize-row")
    expect(rows).to_have_count(len(rules["prizes"]))
    for index, prize_rules in enumerate(rules["prizes"]):
        expect(rows.nth(index)).to_contain_text(prize_rules["name"])
        expect(rows.nth(index).locator("[data-testid=odds]")).to_contain_text(
            f"{prize_rules['odds_numerator']}/{prize_rules['odds_denominator']}"
        )
    fallback = next(p for p in rules["prizes"] if p["fallback"])
    expect(page.locator("[data-testid=prize-row]", has=by_testid(page, "fallback-badge"))).to_contain_text(
        fallback["name"]
    )
    expect(by_testid(page, "period")).to_have_count(len(rules["periods"]))
    expect(by_testid(page, "periods")).to_contain_text(rules["periods"][0]["commitment"])
    fairness = by_testid(page, "fairness")
    expect(fairness).not_to_have_attribute("open", "")  # the technical detail waits behind plain words
    expect(by_testid(page, "method-plain")).not_to_contain_text("种子")
    by_testid(page, "fairness-link").click()
    expect(fairness).to_have_attribute("open", "")
    expect(fairness).to_contain_text("怎么核对")
    expect(page.locator("#schedule")).to_contain_text("（北京时间）")  # every time says its zone
    expect(by_testid(page, "period").first).to_contain_text("（北京时间）")
    checkpoints = page.request.get(f"{demo_server}/api/campaigns/{campaign}/checkpoints").json()
    expect(by_testid(page, "checkpoints")).to_be_visible()
    expect(by_testid(page, "checkpoint")).to_have_count(len(checkpoints))
    terms = rules["redemption"]
    expect(by_testid(page, "redemption-deadline")).to_contain_text(terms["deadline"])
    expect(by_testid(page, "redemption-conditions")).to_have_text(terms["conditions"])
    expect(by_testid(page, "points-lifetime")).to_contain_text(str(rules["points_lifetime_days"]))


def range_red_packet(body: dict[str, Any]) -> None:
    """The template's red packet as ¥1–¥9.99 with an image, picked practically always."""
    red = prize(body, "red_666")
    red.update(weight=PICKED_ALWAYS, image=RANGE_IMAGE, reward={"kind": "red_packet", "min_fen": 100, "max_fen": 999})


def test_a_range_red_packet_shows_its_amount_range_and_image(
    page: Page, ops: APIRequestContext, demo_server: str
) -> None:
    campaign = publish_campaign(ops, demo_server, range_red_packet)
    enter_campaign(page, demo_server, campaign, 0)

    result = spin(page)

    amount = result["amount_fen"]
    assert result["prize"]["key"] == "red_666" and 100 <= amount <= 999, result
    expect(by_testid(page, "result-prize")).to_have_text(result["prize"]["name"])
    expect(page.locator("#result-detail")).to_have_text(
        f"红包 ¥{amount // 100}.{amount % 100:02d} 已放入「我的奖品」（随机金额 ¥1–¥9.99）"
    )
    image = by_testid(page, "result-image")
    expect(image).to_be_visible()
    expect(image).to_have_attribute("src", RANGE_IMAGE)
    page.wait_for_function("document.querySelector('[data-testid=result-image]').naturalWidth > 0")

    page.goto(f"{demo_server}/play/{campaign}/rules")
    row = page.locator('[data-testid=prize-row][data-key="red_666"]')
    expect(row.locator("[data-testid=prize-value]")).to_have_text("¥1–¥9.99")
    expect(row.locator("[data-testid=prize-image]")).to_have_attribute("src", RANGE_IMAGE)
    expect(page.locator('[data-testid=prize-row][data-key="thanks"] [data-testid=prize-image]')).to_have_count(0)


# ---- the wheel page on a phone and on a desktop screen ----


def nothing_but_thanks(body: dict[str, Any]) -> None:
    """谢谢参与 practically always; one free spin a day, then three extra spins for 5 points each."""
    prize(body, "thanks")["weight"] = PICKED_ALWAYS
    body["config"]["games"]["wheel"].update(free_spins_per_day=1, extra_spin_points=5, max_extra_spins_per_day=3)


def test_the_main_button_goes_free_then_points_after_one_confirmation_then_tomorrow(
    screen: Page, ops: APIRequestContext, demo_server: str
) -> None:
    page = screen
    enter_campaign(page, demo_server, publish_campaign(ops, demo_server, nothing_but_thanks), 0)
    button, confirm = by_testid(page, "spin-button"), by_testid(page, "points-confirm")
    spins: list[Request] = []
    page.on("request", lambda request: spins.append(request) if request.url.endswith("/wheel/spin") else None)
    expect(button).to_have_text("免费抽奖（剩 1 次）")
    expect(by_testid(page, "spin-hint")).to_contain_text("每次加抽 5 积分")

    assert spin(page)["prize"]["key"] == "thanks"
    expect(by_testid(page, "result-prize")).to_have_text("谢谢参与")
    expect(by_testid(page, "result-again")).to_be_focused()
    expect(by_testid(page, "result-use")).to_be_hidden()  # nothing to use
    expect(by_testid(page, "celebration")).to_be_hidden()
    by_testid(page, "result-close").click()

    expect(button).to_have_text("5 积分抽一次")
    button.click()
    expect(confirm).to_be_visible()
    expect(confirm).to_contain_text("5 积分")
    by_testid(page, "confirm-no").click()
    expect(confirm).to_be_hidden()
    assert len(spins) == 1, "declining spends nothing"

    button.click()  # not accepted yet: asked again
    expect(by_testid(page, "confirm-yes")).to_be_focused()
    spin(page, "confirm-yes")
    spin(page, "result-again")  # accepted: the next points spin goes straight on
    expect(confirm).to_be_hidden()
    by_testid(page, "result-close").click()

    page.reload()  # remembered on the device
    spin(page)
    expect(confirm).to_be_hidden()
    expect(by_testid(page, "result-again")).to_have_text("知道了")  # nothing left to spin
    by_testid(page, "result-again").click()
    expect(by_testid(page, "result-dialog")).to_be_hidden()
    expect(button).to_have_text("明天再来")
    expect(button).to_be_disabled()
    expect(by_testid(page, "spin-hint")).not_to_contain_text("去赚积分")
    assert len(spins) == 4


def too_dear(body: dict[str, Any]) -> None:
    """No free spin; an extra spin costs more points than any demo shopper has."""
    wheel = body["config"]["games"]["wheel"]
    wheel.update(free_spins_per_day=0, extra_spin_points=1_000_000, max_extra_spins_per_day=1)


def test_short_of_points_the_button_says_tomorrow_and_hints_at_earning_points(
    screen: Page, ops: APIRequestContext, demo_server: str
) -> None:
    page = screen
    enter_campaign(page, demo_server, publish_campaign(ops, demo_server, too_dear), 1)
    button, hint = by_testid(page, "spin-button"), by_testid(page, "spin-hint")

    expect(button).to_have_text("明天再来")
    expect(button).to_be_disabled()
    expect(hint).to_contain_text("去赚积分")
    expect(hint).to_contain_text("1000000 积分")
    expect(by_testid(page, "earn-points")).to_have_attribute("href", "/play/wallet")  # CARNIVAL_EARN_POINTS_URL
    by_testid(page, "wheel-hub").click()
    expect(by_testid(page, "points-confirm")).to_be_hidden()
    by_testid(page, "lang-switch").click()
    expect(button).to_have_text("Come back tomorrow")
    expect(hint).to_contain_text("Go earn points")


def coupon_for_everyone(body: dict[str, Any]) -> None:
    """6期免息券 (with art, conditions and a broadcast to the ticker) practically always."""
    coupon = prize(body, "coupon_if6")
    coupon.update(weight=PICKED_ALWAYS, image=COUPON_ART, broadcast=True)
    coupon["reward"]["coupon"].update(min_order_fen=10000, category="数码")


def test_the_prize_list_and_the_screen_reader_list_show_the_wheels_prizes(
    screen: Page, ops: APIRequestContext, demo_server: str
) -> None:
    page = screen
    campaign = publish_campaign(ops, demo_server, coupon_for_everyone)
    enter_campaign(page, demo_server, campaign, 2)
    slots = wheel_view(page, demo_server, campaign)["slots"]
    prizes = list({s["key"]: s for s in slots if s["kind"] != "nothing"}.values())

    cards = by_testid(page, "prize-card")
    expect(cards).to_have_count(len(prizes))
    for index, shown in enumerate(prizes):
        expect(cards.nth(index)).to_contain_text(shown["name"])
    coupon = page.locator('[data-testid=prize-card][data-key="coupon_if6"]')
    expect(coupon.locator("img")).to_have_attribute("src", COUPON_ART)
    expect(coupon).to_contain_text("订单满¥100可用")
    expect(page.locator('[data-testid=prize-card][data-key="thanks"]')).to_have_count(0)
    expect(page.locator('[data-testid=prize-card][data-key="points_20"] img')).to_have_count(0)  # its kind's icon

    slot_list = page.get_by_role("list", name="转盘上的奖品（从顶部起顺时针）")
    expect(slot_list.get_by_role("listitem")).to_have_count(len(slots))
    for index, slot in enumerate(slots):
        expect(slot_list.get_by_role("listitem").nth(index)).to_contain_text(slot["name"])
    box = page.locator("section", has=by_testid(page, "slot-list")).bounding_box()
    assert box and box["width"] <= 1 and box["height"] <= 1, box  # for screen readers only: clipped to a pixel


def test_a_coupon_win_shows_its_art_terms_and_use_button_and_reaches_the_marquee_by_name(
    screen: Page, ops: APIRequestContext, demo_server: str
) -> None:
    page = screen
    campaign = publish_campaign(ops, demo_server, coupon_for_everyone)
    enter_campaign(page, demo_server, campaign, 1)
    marquee = by_testid(page, "marquee")
    expect(marquee).to_contain_text("天天有好礼")  # shown before anyone wins
    expect(marquee).to_have_attribute("data-live", "on")

    result = spin(page)

    assert result["prize"]["key"] == "coupon_if6", result
    expect(by_testid(page, "result-prize")).to_have_text("6期免息券")
    expect(by_testid(page, "result-image")).to_have_attribute("src", COUPON_ART)
    expect(page.locator("#result-detail")).to_contain_text("已放入「我的奖品」")
    terms = by_testid(page, "result-terms")
    expect(terms).to_contain_text("订单满¥100可用")
    expect(terms).to_contain_text("限数码品类")
    expect(by_testid(page, "result-validity")).to_contain_text("有效期至")  # the issued coupon's end, from the wallet
    expect(by_testid(page, "result-validity")).to_have_text(re.compile(r"有效期至 \d{4}/\d{2}/\d{2}$"))  # zero-padded
    use = by_testid(page, "result-use")
    expect(use).to_be_focused()
    expect(use).to_have_text("去使用")
    expect(by_testid(page, "result-again")).to_have_text("再抽一次")
    expect(by_testid(page, "celebration")).to_be_visible()
    expect(by_testid(page, "proof")).not_to_have_attribute("open", "")

    expect(by_testid(page, "marquee-item").first).to_have_text(re.compile(r"^恭喜 \S\*+ 抽中 6期免息券$"))
    expect(marquee).not_to_contain_text("coupon_if6")
    use.click()
    page.wait_for_url(f"**/play/wallet?campaign={campaign}")
    expect(page.locator("h1")).to_have_text("我的奖品")
    page.goto(f"{demo_server}/play/{campaign}")  # coming back: the win is in the marquee from the start
    expect(by_testid(page, "marquee-item").first).to_have_text(re.compile(r"^恭喜 \S\*+ 抽中 6期免息券$"))


def test_the_wheel_turns_before_the_answer_comes_unless_motion_is_reduced(
    screen: Page, ops: APIRequestContext, demo_server: str
) -> None:
    page = screen
    campaign = publish_campaign(ops, demo_server, coupon_for_everyone)
    enter_campaign(page, demo_server, campaign, 0)
    held: list[Route] = []
    page.route("**/wheel/spin", lambda route: held.append(route))  # a slow network: held until the test lets go
    wheel = by_testid(page, "wheel")
    picture = "document.querySelector('[data-testid=wheel]').toDataURL()"

    by_testid(page, "spin-button").click()
    expect(wheel).to_have_attribute("data-spinning", "true")
    before = page.evaluate(picture)
    page.wait_for_timeout(200)
    assert page.evaluate(picture) != before, "the wheel turns while the answer is on its way"
    with page.expect_response(is_spin) as answer:
        held.pop().continue_()
    expect(wheel).to_have_attribute("data-landed-slot", str(answer.value.json()["slot"]), timeout=SPIN_TIMEOUT_MS)
    by_testid(page, "result-close").click()

    page.emulate_media(reduced_motion="reduce")
    by_testid(page, "spin-button").click()
    expect(wheel).to_have_attribute("data-spinning", "true")
    before = page.evaluate(picture)
    page.wait_for_timeout(200)
    assert page.evaluate(picture) == before, "with reduced motion the wheel stays still"
    with page.expect_response(is_spin) as answer:
        held.pop().continue_()
    expect(wheel).to_have_attribute("data-landed-slot", str(answer.value.json()["slot"]))
    expect(by_testid(page, "result-dialog")).to_be_visible()
    expect(by_testid(page, "celebration")).to_be_hidden()  # a win, but no confetti


def test_controls_are_big_enough_to_tap_and_small_text_meets_aa_contrast(
    screen: Page, ops: APIRequestContext, demo_server: str
) -> None:
    page = screen
    campaign = publish_campaign(ops, demo_server, nothing_but_thanks)
    enter_campaign(page, demo_server, campaign, 2)

    for name in ("spin-button", "wallet-link", "rules-link", "lang-switch"):
        box = by_testid(page, name).bounding_box()
        assert box and box["height"] >= 44 and box["width"] >= 44, (name, box)
    fairness = by_testid(page, "fairness").locator("summary").bounding_box()
    assert fairness and fairness["height"] >= 44, fairness
    label = page.locator(".stat-label").first
    colours = label.evaluate("e => [getComputedStyle(e).color, getComputedStyle(e.closest('.card')).backgroundColor]")
    assert contrast(*colours) >= 4.5, colours

    page.goto(f"{demo_server}/play/{campaign}/rules")
    badge = by_testid(page, "fallback-badge")
    colours = badge.evaluate("e => [getComputedStyle(e).color, getComputedStyle(e).backgroundColor]")
    assert contrast(*colours) >= 4.5, colours


def spins_as_prizes(body: dict[str, Any]) -> None:
    """2 extra spins (the wheel_spin item) practically always; one free spin a day, then the item, then 5 points."""
    spins = prize(body, "points_20")
    spins.update(name="2 次抽奖机会", weight=PICKED_ALWAYS, reward={"kind": "item", "item": "wheel_spin", "count": 2})
    body["config"]["games"]["wheel"].update(
        free_spins_per_day=1, spin_item="wheel_spin", extra_spin_points=5, max_extra_spins_per_day=3
    )


def test_won_spins_pay_for_the_next_spin_without_asking_for_points(
    screen: Page, ops: APIRequestContext, demo_server: str
) -> None:
    page = screen
    enter_campaign(page, demo_server, publish_campaign(ops, demo_server, spins_as_prizes), 1)
    button = by_testid(page, "spin-button")
    expect(button).to_have_text("免费抽奖（剩 1 次）")
    assert spin(page)["prize"]["key"] == "points_20"
    expect(page.locator("#result-detail")).to_contain_text("获得 2 个「抽奖机会」")
    by_testid(page, "result-close").click()
    expect(button).to_have_text("用抽奖机会抽一次（剩 2 次）")
    expect(by_testid(page, "spin-hint")).to_contain_text("不花积分")
    answer = spin(page)  # no points confirmation: the spin goes out at once
    assert answer["wheel"]["items_held"] == {"wheel_spin": 3} and answer["wheel"]["points"] >= 0
    expect(by_testid(page, "points-confirm")).to_be_hidden()
    by_testid(page, "result-close").click()
    expect(button).to_have_text("用抽奖机会抽一次（剩 3 次）")
