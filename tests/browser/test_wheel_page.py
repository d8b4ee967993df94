"""The shopper pages in headless Chromium against a real demo server: sign in, spin, wallet, rules."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, Response, Route, expect

pytestmark = pytest.mark.browser

SPIN_TIMEOUT_MS = 15_000
REFUSAL_TEXT = {"no_spins_left": "今天的抽奖次数已用完", "insufficient_points": "积分不足"}


def by_testid(page: Page, name: str) -> Locator:
    """The element with ``data-testid=name``."""
    return page.locator(f"[data-testid={name}]")


def sign_in(page: Page, base_url: str, shopper: int) -> int:
    """Open the demo sign-in, pick the ``shopper``-th demo shopper; returns the campaign id of the wheel."""
    page.goto(f"{base_url}/dev/login")
    by_testid(page, "shopper-link").nth(shopper).click()
    page.wait_for_url("**/play/*")
    expect(by_testid(page, "spin-button")).to_be_enabled()
    return int(page.url.rstrip("/").rsplit("/", 1)[1])


def is_spin(response: Response) -> bool:
    return response.url.endswith("/wheel/spin") and response.request.method == "POST"


def spin(page: Page) -> dict[str, Any]:
    """Click the spin button; returns the spin API's answer (after the result dialog opened)."""
    with page.expect_response(is_spin) as answer:
        by_testid(page, "spin-button").click()
    assert answer.value.status == 200, answer.value.text()
    expect(by_testid(page, "result-dialog")).to_be_visible(timeout=SPIN_TIMEOUT_MS)
    return answer.value.json()


def use_a_spin(page: Page, base_url: str, campaign: int, attempt: int) -> int:
    """Spin through the API (sharing the page's session); returns the status."""
    url = f"{base_url}/api/play/{campaign}/wheel/spin"
    headers = {"Idempotency-Key": f"use-up-{attempt:04d}", "Origin": base_url}  # as the wheel page sends it
    return page.request.post(url, headers=headers).status


def test_a_spin_lands_on_the_servers_slot_and_shows_its_prize(page: Page, demo_server: str) -> None:
    sign_in(page, demo_server, 0)
    expect(by_testid(page, "spin-button")).to_have_text("抽奖")
    spins_before = int(by_testid(page, "spins-left").inner_text())

    result = spin(page)

    assert result["wheel"]["slots"][result["slot"]]["key"] == result["prize"]["key"]
    expect(by_testid(page, "result-prize")).to_have_text(result["prize"]["name"])
    expect(by_testid(page, "wheel")).to_have_attribute("data-landed-slot", str(result["slot"]))
    expect(by_testid(page, "spins-left")).to_have_text(str(spins_before - 1))
    assert result["wheel"]["free_spins_left"] == spins_before - 1
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

    expect(by_testid(page, "wallet-points")).to_have_text(str(wallet["points"]))
    expect(by_testid(page, "wallet-cash")).to_have_text(f"{wallet['cash_fen'] // 100}.{wallet['cash_fen'] % 100:02d}")
    expect(by_testid(page, "history-item")).to_have_count(len(wallet["history"]))
    expect(by_testid(page, "coupon")).to_have_count(len(wallet["coupons"]))


def test_the_language_switch_translates_and_is_remembered(page: Page, demo_server: str) -> None:
    campaign = sign_in(page, demo_server, 2)
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    by_testid(page, "lang-switch").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(by_testid(page, "spin-button")).to_have_text("SPIN")
    expect(by_testid(page, "wallet-link")).to_have_text("My prizes")
    wheel = page.request.get(f"{demo_server}/api/play/{campaign}/wheel").json()
    expect(by_testid(page, "campaign-name")).to_have_text(wheel["campaign_name_en"])
    page.goto(f"{demo_server}/play/wallet?campaign={campaign}")
    expect(page.locator("h1")).to_have_text("My prizes")


def test_a_refused_spin_shows_the_reason(page: Page, demo_server: str) -> None:
    campaign = sign_in(page, demo_server, 3)
    statuses = [use_a_spin(page, demo_server, campaign, attempt) for attempt in range(20)]
    assert 409 in statuses, statuses

    with page.expect_response(is_spin) as refused:
        by_testid(page, "spin-button").click()

    assert refused.value.status == 409
    expect(by_testid(page, "message")).to_contain_text(REFUSAL_TEXT[refused.value.json()["error"]])
    expect(by_testid(page, "spin-button")).to_be_enabled()
    expect(by_testid(page, "result-dialog")).to_be_hidden()


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
    for index, prize in enumerate(rules["prizes"]):
        expect(rows.nth(index)).to_contain_text(prize["name"])
        expect(rows.nth(index).locator("[data-testid=odds]")).to_contain_text(
            f"{prize['odds_numerator']}/{prize['odds_denominator']}"
        )
    fallback = next(p for p in rules["prizes"] if p["fallback"])
    expect(page.locator("[data-testid=prize-row]", has=by_testid(page, "fallback-badge"))).to_contain_text(
        fallback["name"]
    )
    expect(by_testid(page, "period")).to_have_count(len(rules["periods"]))
    expect(by_testid(page, "periods")).to_contain_text(rules["periods"][0]["commitment"])
    checkpoints = page.request.get(f"{demo_server}/api/campaigns/{campaign}/checkpoints").json()
    expect(by_testid(page, "checkpoints")).to_be_visible()
    expect(by_testid(page, "checkpoint")).to_have_count(len(checkpoints))
    terms = rules["redemption"]
    expect(by_testid(page, "redemption-deadline")).to_contain_text(terms["deadline"])
    expect(by_testid(page, "redemption-conditions")).to_have_text(terms["conditions"])
    expect(by_testid(page, "points-lifetime")).to_contain_text(str(rules["points_lifetime_days"]))


RANGE_IMAGE = "/static/play/prizes/red-packet.svg"


def publish_range_campaign(browser: Browser, base_url: str) -> int:
    """As the demo ops account (in a context of its own), publish the console's template with its red
    packet turned into ¥1–¥9.99 with an image, weighted to be picked practically always; returns its id."""
    context = browser.new_context(extra_http_headers={"Origin": base_url})  # as the console's pages send it
    try:
        api = context.request
        signed_in = api.post(f"{base_url}/api/session/staff", data={"username": "ops", "password": "carnival-ops-demo"})
        assert signed_in.ok, signed_in.text()
        body = api.get(f"{base_url}/api/ops/campaigns/template").json()
        body["starts_at"] = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
        red = body["config"]["pool"]["prizes"][3]
        red.update(
            weight=1_000_000_000, image=RANGE_IMAGE, reward={"kind": "red_packet", "min_fen": 100, "max_fen": 999}
        )
        created = api.post(f"{base_url}/api/ops/campaigns", data=body)
        assert created.status == 201, created.text()
        campaign = created.json()["id"]
        revision = api.get(f"{base_url}/api/ops/campaigns/{campaign}").json()["draft"]["revision"]
        acknowledged = ["stockout_day_one:red_666"]  # picked practically always: its stock goes on day 1
        published = api.post(
            f"{base_url}/api/ops/campaigns/{campaign}/publish",
            data={"revision": revision, "acknowledged": acknowledged},
        )
        assert published.ok, published.text()
        return campaign
    finally:
        context.close()


def test_a_range_red_packet_shows_its_amount_range_and_image(page: Page, browser: Browser, demo_server: str) -> None:
    campaign = publish_range_campaign(browser, demo_server)
    page.goto(f"{demo_server}/dev/login")
    href = by_testid(page, "shopper-link").first.get_attribute("href") or ""
    page.goto(demo_server + re.sub(r"campaign=\d+", f"campaign={campaign}", href))
    expect(by_testid(page, "spin-button")).to_be_enabled()

    result = spin(page)

    amount = result["amount_fen"]
    assert result["prize"]["key"] == "red_666" and 100 <= amount <= 999, result
    expect(by_testid(page, "result-prize")).to_have_text(result["prize"]["name"])
    expect(page.locator("#result-detail")).to_have_text(
        f"红包 ¥{amount // 100}.{amount % 100:02d} 已放入你的钱包（随机金额 ¥1–¥9.99）"
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
