"""The ops console in headless Chromium against a real demo server: sign in, create, edit with the
server's field messages, publish, and watch the live dashboard move when a shopper spins."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, Response, expect

pytestmark = pytest.mark.browser

OPS = ("ops", "carnival-ops-demo")
AUDITOR = ("auditor", "carnival-audit-demo")
WEIGHT = "config.pool.prizes.1.weight"
LIVE_TIMEOUT_MS = 10_000


def by_testid(page: Page, name: str) -> Locator:
    """The element with ``data-testid=name``."""
    return page.locator(f"[data-testid={name}]")


def field(page: Page, path: str) -> Locator:
    """The input bound to a draft field path."""
    return page.locator(f'[data-field="{path}"]')


def field_error(page: Page, path: str) -> Locator:
    """The messages shown for the field at ``path``."""
    return page.locator(f'[data-error-for="{path}"]')


def sign_in(page: Page, base_url: str, account: tuple[str, str], path: str = "/ops") -> None:
    """Open ``path`` and sign in through the console's login form."""
    page.goto(f"{base_url}{path}")
    by_testid(page, "login-username").fill(account[0])
    by_testid(page, "login-password").fill(account[1])
    by_testid(page, "login-submit").click()


def is_draft_save(response: Response) -> bool:
    return response.url.endswith("/draft") and response.request.method == "PUT"


def create_campaign(page: Page, base_url: str) -> int:
    """Sign in as ops, create a campaign from the template; returns its id once the editor shows it."""
    sign_in(page, base_url, OPS)
    expect(by_testid(page, "campaign-table")).to_be_visible()
    by_testid(page, "new-campaign").click()
    page.wait_for_url(re.compile(r".*/ops/campaigns/\d+$"))
    expect(by_testid(page, "odds-row").first).to_be_visible()
    return int(page.url.rsplit("/", 1)[1])


def started_an_hour_ago() -> str:
    """A datetime-local value in the template's zone (Asia/Shanghai), an hour ago."""
    return (datetime.now(ZoneInfo("Asia/Shanghai")) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")


def spin_as_shopper(browser: Browser, base_url: str, campaign: int) -> None:
    """A demo shopper opens ``campaign`` with a launch link and spins once (through the API)."""
    context: BrowserContext = browser.new_context()
    try:
        page = context.new_page()
        page.goto(f"{base_url}/dev/login")
        href = by_testid(page, "shopper-link").first.get_attribute("href") or ""
        page.goto(base_url + re.sub(r"campaign=\d+", f"campaign={campaign}", href))
        page.wait_for_url(f"**/play/{campaign}")
        answer = context.request.post(
            f"{base_url}/api/play/{campaign}/wheel/spin",
            headers={"Idempotency-Key": str(uuid.uuid4()), "Origin": base_url},  # as the wheel page sends it
        )
        assert answer.status == 200, answer.text()
    finally:
        context.close()


def test_ops_create_fix_publish_and_watch_a_spin_live(console: Page, browser: Browser, demo_server: str) -> None:
    campaign = create_campaign(console, demo_server)

    field(console, WEIGHT).fill("-1")
    with console.expect_response(is_draft_save) as refused:
        by_testid(console, "save-draft").click()
    assert refused.value.status == 422
    assert refused.value.json()["fields"][WEIGHT] == ["weight is a whole number from 0 to 1,000,000,000"]
    message = "权重是 0 到 1,000,000,000 之间的整数"  # the server's message, shown in the console's language
    expect(field_error(console, WEIGHT)).to_contain_text(message)
    expect(console.locator('[data-testid=prize-errors][data-index="1"]')).to_contain_text(message)  # under its row
    expect(field(console, WEIGHT)).to_have_attribute("aria-invalid", "true")
    expect(by_testid(console, "editor-message")).to_be_visible()
    detail = console.request.get(f"{demo_server}/api/ops/campaigns/{campaign}").json()
    assert detail["draft"]["revision"] == 1  # nothing was saved

    field(console, WEIGHT).fill("300")
    expect(field_error(console, WEIGHT)).to_have_count(0)
    field(console, "starts_at").fill(started_an_hour_ago())
    field(console, "config.seed_period_hours").select_option(label="6")
    with console.expect_response(is_draft_save) as saved:
        by_testid(console, "save-draft").click()
    assert saved.value.status == 200, saved.value.text()
    detail = console.request.get(f"{demo_server}/api/ops/campaigns/{campaign}").json()
    assert detail["draft"]["body"]["config"]["seed_period_hours"] == 6
    expect(by_testid(console, "editor-message")).to_have_class(re.compile("notice-ok"))

    by_testid(console, "publish").click()
    expect(by_testid(console, "no-risks")).to_be_visible()  # the pre-flight: the template fits its budget
    by_testid(console, "preflight-confirm").click()
    expect(by_testid(console, "campaign-status")).to_have_attribute("data-status", "active")
    expect(by_testid(console, "version")).to_have_count(1)

    by_testid(console, "dashboard-link").click()
    console.wait_for_url(f"**/ops/campaigns/{campaign}/dashboard")
    expect(by_testid(console, "draws-total")).to_have_text("0")
    console.evaluate("window.notReloaded = true")

    spin_as_shopper(browser, demo_server, campaign)

    expect(by_testid(console, "draws-total")).to_have_text("1", timeout=LIVE_TIMEOUT_MS)
    expect(by_testid(console, "players")).to_have_text("1")
    assert console.evaluate("window.notReloaded === true")


@pytest.mark.parametrize("size", [(390, 844), (1440, 900)], ids=["phone", "desktop"])
def test_a_refused_publish_marks_the_worse_field_and_says_the_draft_is_saved(
    console: Page, demo_server: str, size: tuple[int, int]
) -> None:
    console.set_viewport_size({"width": size[0], "height": size[1]})
    campaign = create_campaign(console, demo_server)
    field(console, "starts_at").fill(started_an_hour_ago())
    by_testid(console, "publish").click()
    by_testid(console, "preflight-confirm").click()
    expect(by_testid(console, "campaign-status")).to_have_attribute("data-status", "active")

    weight = int(field(console, WEIGHT).input_value())
    field(console, WEIGHT).fill(str(weight - 1))  # lower odds of a disclosed prize, once started
    by_testid(console, "publish").click()
    with console.expect_response(lambda r: r.url.endswith("/publish")) as refused:
        by_testid(console, "preflight-confirm").click()
    assert refused.value.status == 422
    assert any("odds would fall" in m for m in refused.value.json()["fields"][WEIGHT])
    expect(field_error(console, WEIGHT)).to_contain_text("已向用户公示")
    expect(field(console, WEIGHT)).to_have_attribute("aria-invalid", "true")
    expect(by_testid(console, "editor-message")).to_contain_text("草稿已保存")
    detail = console.request.get(f"{demo_server}/api/ops/campaigns/{campaign}").json()
    assert detail["draft"]["body"]["config"]["pool"]["prizes"][1]["weight"] == weight - 1
    assert len(detail["versions"]) == 1


@pytest.mark.parametrize("size", [(390, 844), (1440, 900)], ids=["phone", "desktop"])
def test_a_risky_publish_waits_for_each_risk_to_be_acknowledged(
    console: Page, demo_server: str, size: tuple[int, int]
) -> None:
    console.set_viewport_size({"width": size[0], "height": size[1]})
    campaign = create_campaign(console, demo_server)
    field(console, "budget_fen").fill("1000")  # ¥1,000 against a forecast of about ¥58,000
    by_testid(console, "publish").click()

    dialog = by_testid(console, "preflight")
    expect(dialog).to_be_visible()
    expect(by_testid(console, "preflight-facts")).to_contain_text("¥1,000")
    risk = console.locator('[data-testid=risk][data-code="budget_exhausted"]')
    expect(risk).to_contain_text("预算会用完")
    expect(by_testid(console, "preflight-confirm")).to_be_disabled()
    by_testid(console, "preflight-cancel").click()  # back to the draft: nothing published
    expect(dialog).to_be_hidden()
    assert console.request.get(f"{demo_server}/api/ops/campaigns/{campaign}").json()["versions"] == []

    by_testid(console, "publish").click()
    risk.locator("[data-testid=risk-ack]").check()
    expect(by_testid(console, "preflight-confirm")).to_be_enabled()
    with console.expect_response(lambda r: r.url.endswith("/publish")) as published:
        by_testid(console, "preflight-confirm").click()
    assert published.value.status == 200, published.value.text()
    expect(by_testid(console, "campaign-status")).to_have_attribute("data-status", "scheduled")
    expect(by_testid(console, "campaign-status")).to_contain_text("后开始")


def test_a_draft_saved_by_someone_else_is_never_overwritten(console: Page, demo_server: str) -> None:
    campaign = create_campaign(console, demo_server)
    draft = console.request.get(f"{demo_server}/api/ops/campaigns/{campaign}").json()["draft"]
    other = console.request.put(
        f"{demo_server}/api/ops/campaigns/{campaign}/draft",
        data={"revision": draft["revision"], "body": {**draft["body"], "name": "别人的修改"}},
        headers={"Origin": demo_server},  # as the editor page sends it
    )
    assert other.status == 200, other.text()

    field(console, "name").fill("我的修改")
    with console.expect_response(is_draft_save) as conflict:
        by_testid(console, "save-draft").click()

    assert conflict.value.status == 409
    expect(by_testid(console, "editor-message")).to_contain_text("重新加载")
    expect(by_testid(console, "reload")).to_be_visible()
    after = console.request.get(f"{demo_server}/api/ops/campaigns/{campaign}").json()["draft"]
    assert after["body"]["name"] == "别人的修改"


def test_the_simulation_draws_its_charts(console: Page, demo_server: str) -> None:
    create_campaign(console, demo_server)

    by_testid(console, "run-simulation").click()

    for chart in ("chart-histogram", "chart-spend", "chart-stockout"):
        expect(by_testid(console, chart)).to_be_visible()
    expect(by_testid(console, "sim-median")).to_contain_text("¥")


def test_an_auditor_is_refused_and_english_is_one_click_away(console: Page, demo_server: str) -> None:
    sign_in(console, demo_server, AUDITOR)
    expect(by_testid(console, "forbidden")).to_be_visible()
    expect(console.locator("#app")).to_be_hidden()

    by_testid(console, "lang-switch").click()

    expect(console.locator("html")).to_have_attribute("lang", "en")
    expect(by_testid(console, "forbidden").locator("h1")).to_have_text("Not allowed")


def test_the_campaign_list_shows_each_schedule_in_the_campaigns_zone(console: Page, demo_server: str) -> None:
    sign_in(console, demo_server, OPS)
    schedule = console.locator("[data-testid=campaign-row]").first.locator("[data-testid=campaign-schedule]")
    expect(schedule).to_contain_text("北京时间")  # the demo campaign runs on Asia/Shanghai's clock
    campaign = console.request.get(f"{demo_server}/api/ops/campaigns").json()[0]
    start = datetime.fromisoformat(campaign["starts_at"]).astimezone(ZoneInfo(campaign["timezone"]))
    expect(schedule).to_contain_text(start.strftime("%Y/%m/%d %H:%M"))
