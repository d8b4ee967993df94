"""The ops console's points mall page in headless Chromium, against the app served from this process: ops add a good
with an image (previewed as typed; a value over the single-redemption ceiling marked on its field in yuan), see it
listed, edit it, meet the stale-stock conflict after a shopper's redemption and reload the stock keeping their other
edits; the list follows redemptions until the good sells out, and the report adds them up (by good and tier, the
points liability in points and yuan, the goods sold out) with its CSV, in Chinese and English, at 1280 and 390 wide.
A coupon good carries the coupon Carnival issues: its section shows for a coupon only, with the fields of its type."""

from __future__ import annotations

import os
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Locator, Page, expect

from server.auth import create_staff
from tests.browser import test_checkin_page as checkin_page
from tests.browser.test_checkin_page import SHANGHAI, Served
from tests.browser.test_ops_console import by_testid, sign_in
from tests.conftest import add_campaign, wheel_config
from tests.e2e.checkin_support import login_tier
from tests.e2e.test_mall import give_points
from tests.e2e.test_ops_api import staff

pytestmark = pytest.mark.browser

served = checkin_page.served  # a testing app on its own SQLite file served by a thread, and the clock it reads
OPS = ("mia", "a-long-password")
IMAGE = "/static/play/prizes/ticket.svg"
SCREENSHOT_DIR = "CARNIVAL_SCREENSHOT_DIR"  # set (e.g. to docs/images) to keep the page's picture
POLL_MS = 3000  # the page polls the goods this often (web/static/ops/mall.js)
REPORT_MS = 15_000  # and the report this often
E_CARD = {"name": "50元京东E卡", "name_en": "¥50 JD e-card", "kind": "gift_card", "category": "卡券", "image": IMAGE,
          "points_price": 5000, "value_fen": 5000, "stock_left": 3, "min_tier_rank": 1}  # fmt: skip
EARBUDS = {"name": "蓝牙耳机", "name_en": "Wireless earbuds", "kind": "physical", "category": "实物",
           "image": "/static/play/mall/art/physical.svg", "points_price": 20_000, "cash_fen": 1990, "value_fen": 29_900,
           "stock_left": 100, "total_limit": 1, "min_tier_rank": 2, "sort": -1}  # fmt: skip


def field(console: Page, name: str) -> Locator:
    """The input of the good's field ``name``."""
    return console.locator(f'[data-field="good.{name}"]')


def good_row(console: Page, good: int) -> Locator:
    return console.locator(f"[data-testid=good-row][data-good-id='{good}']")


def redeem_as(app: Flask, campaign: int, good: int, sub: str) -> dict[str, Any]:
    """A silver shopper ``sub`` with 10,000 points redeems one unit of ``good`` through the shopper API."""
    shopper = app.test_client()
    user = login_tier(shopper, sub, tier="silver")
    give_points(app, campaign, user, 10_000)
    answer = shopper.post(f"/api/play/{campaign}/mall/{good}/redeem", json={"quantity": 1},
                          headers={"Idempotency-Key": str(uuid.uuid4())})  # fmt: skip
    assert answer.status_code == 200, answer.json
    return dict(answer.json)


def open_mall(console: Page, served: Served, campaign: int) -> None:
    """Sign in as ops onto ``campaign``'s mall page, the page's clock stopped: it polls only when the test runs it."""
    with served.app.extensions["carnival.sessions"]() as session, session.begin():
        create_staff(session, OPS[0], OPS[1], "ops", served.clock())
    console.clock.install()
    console.clock.pause_at(console.evaluate("Date.now()") + 1000)
    sign_in(console, served.base_url, OPS, f"/ops/campaigns/{campaign}/mall")
    expect(by_testid(console, "live-status")).to_have_attribute("data-source", "polling")  # the goods came


def save(console: Page) -> Any:
    """Tap 保存; the API's answer."""
    with console.expect_response(lambda r: "/mall/goods" in r.url and r.request.method in ("POST", "PUT")) as answer:
        by_testid(console, "good-save").click()
    return answer.value


def add_a_good(console: Page, served: Served) -> int:
    """Fill the form for a ¥50 e-card with an image and a window ending in two days; first with a value over the
    ceiling (refused on its field), then right. The new good's id."""
    by_testid(console, "add-good").click()
    expect(by_testid(console, "good-editor-title")).to_have_text("新增商品")
    expect(by_testid(console, "good-field-starts_at")).to_contain_text("限时兑换开始（北京时间）")
    field(console, "name").fill("50元京东E卡")
    field(console, "name_en").fill("¥50 JD e-card")
    field(console, "kind").select_option(label="礼品卡")
    field(console, "category").fill("卡券")
    field(console, "image").fill(IMAGE)
    console.clock.run_for(300)  # the preview loads once typing pauses
    expect(by_testid(console, "image-preview-img")).to_be_visible()
    expect(by_testid(console, "image-preview-img")).to_have_attribute("src", IMAGE)
    field(console, "points_price").fill("5000")
    field(console, "cash_fen").fill("9.9")
    field(console, "value_fen").fill("600")
    field(console, "stock_left").fill("3")
    field(console, "min_tier_rank").select_option(label="银牌会员及以上")
    ends = (served.clock() + timedelta(days=2)).astimezone(SHANGHAI)
    field(console, "ends_at").fill(ends.strftime("%Y-%m-%dT%H:%M"))

    refused = save(console)
    assert refused.status == 422 and "value_fen" in refused.json()["fields"]
    expect(console.locator('[data-error-for="good.value_fen"]')).to_have_text("须在 ¥0.01 到 ¥500.00 之间")
    expect(field(console, "value_fen")).to_have_attribute("aria-invalid", "true")
    expect(by_testid(console, "good-message")).to_contain_text("有字段不符合要求")
    field(console, "value_fen").fill("50")
    expect(console.locator('[data-error-for="good.value_fen"]')).to_have_count(0)
    added = save(console)
    assert added.status == 201, added.text()
    good = added.json()
    assert (good["value_fen"], good["cash_fen"], good["min_tier_rank"]) == (5000, 990, 1)
    assert good["ends_at"].startswith(ends.astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M"))
    return int(good["id"])


def test_ops_add_a_good_with_an_image_edit_it_and_meet_a_stale_stock(console: Page, served: Served) -> None:
    campaign = add_campaign(served.app, wheel_config())
    open_mall(console, served, campaign)
    expect(by_testid(console, "goods-empty")).to_be_visible()
    good = add_a_good(console, served)

    expect(by_testid(console, "mall-message")).to_have_text("已上架「50元京东E卡」。")
    expect(by_testid(console, "good-editor")).to_be_hidden()
    row = good_row(console, good)
    expect(row.get_by_test_id("good-thumb")).to_have_attribute("src", IMAGE)
    expect(row.get_by_test_id("good-name")).to_have_text("50元京东E卡")
    expect(row.get_by_test_id("good-kind")).to_have_text("礼品卡")
    expect(row.get_by_test_id("good-price")).to_have_text("5,000 积分+ ¥9.90")
    expect(row.get_by_test_id("good-value")).to_have_text("¥50.00")
    expect(row.get_by_test_id("good-tier")).to_have_text("银牌会员及以上")
    ends = (served.clock() + timedelta(days=2)).astimezone(SHANGHAI).strftime("%Y/%m/%d %H:%M")
    expect(row.get_by_test_id("good-window")).to_contain_text(f"至 {ends}")
    expect(row.get_by_test_id("good-limited")).to_have_text("限时")
    expect(row.get_by_test_id("good-sale")).to_have_text("兑换中")
    expect(row.get_by_test_id("good-stock")).to_have_text("3 / 3")
    expect(row.get_by_test_id("good-redeemed")).to_have_text("0")

    row.get_by_test_id("good-edit").click()  # an edit
    expect(by_testid(console, "good-editor-title")).to_have_text(f"编辑商品 #{good}")
    expect(field(console, "value_fen")).to_have_value("50")
    expect(field(console, "ends_at")).to_have_value(ends.replace("/", "-").replace(" ", "T"))
    field(console, "points_price").fill("4000")
    assert save(console).status == 200
    expect(row.get_by_test_id("good-price")).to_have_text("4,000 积分+ ¥9.90")

    row.get_by_test_id("good-edit").click()  # a second edit, while a shopper redeems one
    field(console, "category").fill("E卡")
    order = redeem_as(served.app, campaign, good, "mall-silver-01")
    assert order["points"] == 3800  # 95% of 4,000 for silver
    conflict = save(console)
    assert conflict.status == 409 and conflict.json()["error"] == "stock_changed"
    note = by_testid(console, "good-stock-note")
    expect(note).to_contain_text("剩余库存已变为 2（你打开时是 3），未保存")
    note.get_by_test_id("reload-stock").click()
    expect(note).to_contain_text("已载入最新剩余库存 2，其他修改保留")
    expect(field(console, "stock_left")).to_have_value("2")
    expect(field(console, "category")).to_have_value("E卡")
    assert save(console).status == 200
    expect(by_testid(console, "mall-message")).to_have_text("已保存「50元京东E卡」。")
    expect(row.get_by_test_id("good-stock")).to_have_text("2 / 3")
    expect(row.get_by_test_id("good-redeemed")).to_have_text("1")
    trail = [entry["action"] for entry in console.request.get(f"{served.base_url}/api/ops/audit").json()]
    assert trail.count("mall_good_edited") == 2 and "mall_good_added" in trail


def test_the_list_follows_redemptions_and_the_report_adds_them_up(console: Page, served: Served) -> None:
    campaign = add_campaign(served.app, wheel_config())
    stocked = staff(served.app, "ops", "mall-stocker").post(f"/api/ops/campaigns/{campaign}/mall/goods", json=E_CARD)
    assert stocked.status_code == 201, stocked.json
    good = stocked.json["id"]
    flash = {"starts_at": (served.clock() + timedelta(hours=1)).isoformat(),
             "ends_at": (served.clock() + timedelta(hours=3)).isoformat()}  # fmt: skip
    earbuds = staff(served.app, "ops", "mall-flash").post(
        f"/api/ops/campaigns/{campaign}/mall/goods", json={**EARBUDS, **flash}
    )
    assert earbuds.status_code == 201, earbuds.json
    open_mall(console, served, campaign)
    row = good_row(console, good)
    expect(row.get_by_test_id("good-stock")).to_have_text("3 / 3")
    coming = good_row(console, earbuds.json["id"])
    expect(coming.get_by_test_id("good-limited")).to_have_text("限时")
    expect(coming.get_by_test_id("good-sale")).to_have_text("即将开始")
    expect(coming.get_by_test_id("good-price")).to_have_text("20,000 积分+ ¥19.90")
    expect(coming.get_by_test_id("good-tier")).to_have_text("金牌会员及以上每人共 1 件")
    expect(by_testid(console, "redemptions-empty")).to_have_text("还没有兑换。")
    expect(by_testid(console, "sold-out")).to_have_text("没有已兑完的商品。")

    row.get_by_test_id("good-edit").click()  # open while shoppers redeem: the refresh says the stock moved
    expect(field(console, "stock_left")).to_have_value("3")
    for n in (1, 2, 3):
        redeem_as(served.app, campaign, good, f"mall-silver-0{n}")
    console.clock.run_for(POLL_MS + 100)
    note = by_testid(console, "good-stock-note")
    expect(note).to_contain_text("剩余库存已因兑换变为 0（你打开时是 3）")
    expect(note.get_by_test_id("reload-stock")).to_be_visible()
    by_testid(console, "good-cancel").click()
    expect(row.get_by_test_id("good-stock")).to_have_text("0 / 3")
    expect(row.get_by_test_id("good-redeemed")).to_have_text("3")
    expect(row.get_by_test_id("good-sale")).to_have_text("已兑完")
    expect(row).to_have_class("sold-out")

    console.clock.run_for(REPORT_MS)  # the report follows less often
    report = by_testid(console, "redemption-row")
    expect(report).to_have_count(1)
    expect(report).to_have_attribute("data-tier", "silver")
    expect(report).to_contain_text("50元京东E卡银牌会员")
    expect(report.get_by_test_id("redemption-units")).to_have_text("3")
    expect(report.get_by_test_id("redemption-points")).to_have_text("14,250 积分 ¥142.50")  # 95% of 5,000, 3 times
    expect(by_testid(console, "liability-redeemed")).to_have_text("14,250 积分 ¥142.50")
    expect(by_testid(console, "liability-issued")).to_have_text("30,000 积分 ¥300.00")
    expect(by_testid(console, "liability-outstanding")).to_have_text("15,750 积分 ¥157.50")
    expect(by_testid(console, "sold-out-good")).to_have_text("50元京东E卡")
    if os.environ.get(SCREENSHOT_DIR):  # the goods, the report and the form open on the good
        row.get_by_test_id("good-edit").click()
        expect(field(console, "image")).to_have_value(IMAGE)
        console.clock.run_for(300)
        expect(by_testid(console, "image-preview-img")).to_be_visible()
        console.evaluate("window.scrollTo(0, 0)")
        console.screenshot(path=str(Path(os.environ[SCREENSHOT_DIR]) / "ops-mall.png"), full_page=True)
        by_testid(console, "good-cancel").click()

    with console.expect_download() as download:
        by_testid(console, "report-csv").click()
    assert download.value.suggested_filename == f"campaign-{campaign}-mall.csv"
    lines = Path(download.value.path()).read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "section,key,orders,units,points"
    expected = {"redemption,50元京东E卡/silver,3,3,14250", "liability,redeemed,,,14250", "sold_out,50元京东E卡,,,"}
    assert expected <= set(lines)

    by_testid(console, "lang-switch").click()
    expect(row.get_by_test_id("good-name")).to_have_text("¥50 JD e-card")
    expect(row.get_by_test_id("good-kind")).to_have_text("Gift card")
    expect(row.get_by_test_id("good-tier")).to_have_text("Silver and up")
    expect(row.get_by_test_id("good-sale")).to_have_text("Sold out")
    expect(by_testid(console, "liability-card")).to_contain_text("Points liability")
    expect(report).to_contain_text("¥50 JD e-card")
    expect(report.get_by_test_id("redemption-points")).to_have_text("14,250 points ¥142.50")

    console.set_viewport_size({"width": 390, "height": 844})  # on a phone: nothing wider than the screen
    expect(by_testid(console, "add-good")).to_be_visible()
    assert console.evaluate("document.documentElement.scrollWidth") <= 390


def label(console: Page, name: str) -> Locator:
    """The label of the good's field ``name`` (``coupon.type``: a field of its coupon)."""
    return console.locator(f'[data-error-slot="good.{name}"] > label')


def test_a_coupon_good_carries_the_coupon_of_its_type_and_shows_it_when_edited(console: Page, served: Served) -> None:
    campaign = add_campaign(served.app, wheel_config())
    open_mall(console, served, campaign)
    by_testid(console, "add-good").click()
    expect(field(console, "kind")).to_have_value('"physical"')
    expect(by_testid(console, "good-field-coupon")).to_have_count(0)  # only a coupon good carries one
    field(console, "kind").select_option(label="优惠券")
    expect(label(console, "coupon")).to_contain_text("发放的券")
    expect(label(console, "coupon.type")).to_have_text("券类型*")
    expect(field(console, "coupon.threshold_fen")).to_have_count(0)  # no type yet: no type's fields
    field(console, "coupon.type").select_option(label="免息券")
    expect(label(console, "coupon.periods")).to_have_text("免息期数")
    expect(field(console, "coupon.amount_fen")).to_have_count(0)
    field(console, "coupon.type").select_option(label="满减券")
    expect(field(console, "coupon.periods")).to_have_count(0)
    expect(label(console, "coupon.threshold_fen")).to_have_text("满减门槛")
    expect(label(console, "coupon.amount_fen")).to_have_text("减免金额")
    typed = {"name": "白条满200减20券", "category": "优惠券", "points_price": "500", "value_fen": "20",
             "stock_left": "100", "coupon.title": "白条满200减20券", "coupon.valid_days": "30",
             "coupon.threshold_fen": "200", "coupon.amount_fen": "20"}  # fmt: skip
    for name, text in typed.items():
        field(console, name).fill(text)
    added = save(console)
    assert added.status == 201, added.text()
    good = added.json()
    coupon = {"type": "full_reduction", "title": "白条满200减20券", "valid_days": 30, "threshold_fen": 20_000,
              "amount_fen": 2_000, "min_order_fen": 0}  # fmt: skip
    assert {k: v for k, v in good["coupon"].items() if v is not None} == coupon  # no periods: they went with their type

    good_row(console, good["id"]).get_by_test_id("good-edit").click()
    expect(field(console, "coupon.type")).to_have_value('"full_reduction"')  # option values are JSON
    expect(field(console, "coupon.title")).to_have_value("白条满200减20券")
    expect(field(console, "coupon.valid_days")).to_have_value("30")
    expect(field(console, "coupon.threshold_fen")).to_have_value("200")
    expect(field(console, "coupon.amount_fen")).to_have_value("20")
    by_testid(console, "lang-switch").click()
    expect(label(console, "coupon")).to_contain_text("Coupon Carnival issues")
    expect(label(console, "coupon.type")).to_have_text("Coupon type*")
    expect(label(console, "coupon.threshold_fen")).to_have_text("Threshold")
    expect(label(console, "coupon.amount_fen")).to_have_text("Amount off")
    field(console, "coupon.amount_fen").fill("25")
    edited = save(console)
    assert edited.status == 200 and edited.json()["coupon"]["amount_fen"] == 2_500, edited.text()

    good_row(console, good["id"]).get_by_test_id("good-edit").click()
    field(console, "kind").select_option(label="Gift card")  # a gift card carries no coupon: it goes with the kind
    expect(by_testid(console, "good-field-coupon")).to_have_count(0)
    changed = save(console)
    assert changed.status == 200 and (changed.json()["kind"], changed.json()["coupon"]) == ("gift_card", None)
