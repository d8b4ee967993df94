"""The points mall's pages (积分商城) in headless Chromium on a phone, against the app served from this process: a
gold shopper sees the 8.5折 price and their points, redeems in three steps (choose, confirm, result), the points
drop by exactly the price, the order is in My redemptions and cancelling it gives the points back; a sold-out good
and refusals in plain Chinese, a lost answer retried with the same key redeeming once; categories, sorting and
English."""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Browser, Page, Route, expect
from sqlalchemy import select

from economy.mall.models import MallGood
from economy.rewards import Reward, RewardKind
from economy.service import GrantRequest, grant
from server.config import DEV_LAUNCH_KEY
from server.launch import Claims, sign
from server.models import User
from tests.browser import test_checkin_page as checkin_page
from tests.browser.share_support import phone
from tests.browser.test_checkin_page import Served
from tests.browser.wheel_support import by_testid
from tests.conftest import add_campaign, wheel_config

pytestmark = pytest.mark.browser

served = checkin_page.served  # a testing app on its own SQLite file served by a thread, and the clock it reads
SCREENSHOT_DIR = "CARNIVAL_SCREENSHOT_DIR"  # set (e.g. to docs/images) to keep the mall home's picture
E_CARD = {"name": "50元京东E卡", "name_en": "¥50 JD e-card", "kind": "virtual", "category": "卡券",
          "points_price": 5000, "value_fen": 5000, "stock_left": 5, "daily_limit": 1}  # fmt: skip


def stock(served: Served, campaign: int, **fields: Any) -> int:
    """Add a good to ``campaign``'s mall (as ops would); its id."""
    values = {"campaign_id": campaign, "name": "商品", "kind": "physical", "category": "实物", "points_price": 1000,
              "cash_fen": 0, "value_fen": 1000, "stock_left": 10, "daily_limit": None, "total_limit": None,
              "min_tier_rank": 0, **fields}  # fmt: skip
    values.setdefault("stock_total", values["stock_left"])
    with served.app.extensions["carnival.sessions"]() as session, session.begin():
        good = MallGood(**values)
        session.add(good)
        session.flush()
        return good.id


def give_points(served: Served, campaign: int, sub: str, points: int, lifetime: timedelta) -> None:
    """Grant ``sub`` ``points`` living ``lifetime``, through the economy."""
    now = served.clock()
    with served.app.extensions["carnival.sessions"]() as session, session.begin():
        user = session.scalars(select(User.id).where(User.external_id == sub)).one()
        request = GrantRequest(f"welcome:{user}:{points}:{lifetime.days}", campaign, user, "welcome",
                               Reward(RewardKind.POINTS, points), points, now.date().isoformat(),
                               points_lifetime=lifetime)  # fmt: skip
        grant(session, request, now)


def enter(page: Page, served: Served, campaign: int, sub: str, tier: str = "normal") -> None:
    """The host's launch of ``sub`` (a shopper of ``tier``) into ``campaign``."""
    expires = int(served.clock().timestamp()) + 600
    token = sign(DEV_LAUNCH_KEY, sub, f"顾客{sub[-2:]}", tier, expires, claims=Claims(device=f"dev-{sub}"))
    page.goto(f"{served.base_url}/play/launch?{urlencode({'token': token, 'campaign': campaign})}")
    page.wait_for_url(f"**/play/{campaign}*")


def open_mall(page: Page, served: Served, campaign: int) -> None:
    page.goto(f"{served.base_url}/play/{campaign}/mall")
    expect(by_testid(page, "mall-points")).not_to_have_text("–")


def card(page: Page, good: int) -> Any:
    """The card of ``good`` in the goods grid."""
    return page.locator(f"[data-testid=good-card][data-good-id='{good}']")


def open_good(page: Page, campaign: int, good: int) -> None:
    """Tap the good's card: its page with the quantity picker."""
    card(page, good).click()
    page.wait_for_url(f"**/play/{campaign}/mall/{good}")
    expect(by_testid(page, "good-detail")).to_be_visible()


def confirm(page: Page) -> None:
    """Tap 立即兑换 and 确认兑换; waits for the result dialog."""
    by_testid(page, "redeem-button").click()
    expect(by_testid(page, "confirm-dialog")).to_be_visible()
    by_testid(page, "confirm-yes").click()
    expect(by_testid(page, "result-dialog")).to_be_visible()


def redeem(page: Page) -> Any:
    """:func:`confirm`; the API's answer."""
    with page.expect_response(lambda r: r.url.endswith("/redeem")) as answer:
        confirm(page)
    return answer.value


def test_a_gold_shopper_redeems_at_the_tier_price_and_cancels(browser: Browser, served: Served) -> None:
    campaign = add_campaign(served.app, wheel_config())
    now = served.clock()
    e_card = stock(served, campaign, **E_CARD)
    stock(served, campaign, name="小米充电宝 10000mAh", name_en="Xiaomi power bank", points_price=3000, cash_fen=990,
          value_fen=9900)  # fmt: skip
    limited = stock(served, campaign, name="8.88元红包", kind="red_packet", category="红包", points_price=888,
                    value_fen=888, ends_at=now + timedelta(days=2))  # fmt: skip
    sold_out = stock(served, campaign, name="12期免息券", kind="coupon", category="卡券", points_price=600,
                     stock_left=0)  # fmt: skip
    coming = stock(served, campaign, name="视频会员月卡", kind="virtual", category="卡券", points_price=1500,
                   starts_at=now + timedelta(hours=5))  # fmt: skip
    diamond = stock(served, campaign, name="钻石专享 蓝牙耳机", points_price=20_000, value_fen=29_900, min_tier_rank=3)
    with phone(browser, served) as page:
        enter(page, served, campaign, "mall-gold-01", tier="gold")
        give_points(served, campaign, "mall-gold-01", 10_000, timedelta(days=365))
        give_points(served, campaign, "mall-gold-01", 1200, timedelta(days=10))
        open_mall(page, served, campaign)
        expect(by_testid(page, "mall-points")).to_have_text("11200")
        expect(by_testid(page, "mall-tier")).to_have_text("金牌会员 · 兑换享 8.5 折")
        expect(by_testid(page, "mall-expiring")).to_have_text("1200 积分即将过期，记得先用")
        expect(by_testid(page, "banner-flash-title")).to_have_text("限时兑换 · 8.88元红包")  # on sale before coming
        flash_link = re.compile(rf"/play/{campaign}/mall/{limited}$")
        expect(by_testid(page, "banner-flash")).to_have_attribute("href", flash_link)
        expect(card(page, e_card).get_by_test_id("good-price")).to_have_text("4250 积分")
        expect(card(page, e_card).locator("s")).to_have_text("5000 积分")
        expect(card(page, e_card).get_by_test_id("good-stock")).to_have_text("剩 5 件")
        expect(card(page, limited).get_by_test_id("good-limited")).to_have_text("限时兑换")
        expect(card(page, limited).get_by_test_id("good-countdown")).to_have_text(re.compile(r"^剩 1天 23:59:\d\d$"))
        expect(card(page, sold_out).get_by_test_id("good-state")).to_have_text("已兑完")
        expect(card(page, coming).get_by_test_id("good-state")).to_have_text("即将开始")
        starts_in = re.compile(r"^0[45]:\d\d:\d\d 后开始$")
        expect(card(page, coming).get_by_test_id("good-countdown")).to_have_text(starts_in)
        expect(card(page, diamond).get_by_test_id("good-state")).to_have_text("等级不足")
        if os.environ.get(SCREENSHOT_DIR):
            page.screenshot(path=str(Path(os.environ[SCREENSHOT_DIR]) / "mall-page.png"), animations="disabled")

        open_good(page, campaign, e_card)  # 1. choose
        expect(by_testid(page, "tier-price")).to_have_text("金牌会员价（兑换享 8.5 折）")
        expect(by_testid(page, "fact-limits")).to_have_text("每人每天限兑 1 件")
        expect(by_testid(page, "quantity-more")).to_be_disabled()  # one a day: the picker offers no more
        expect(by_testid(page, "total")).to_have_text("合计 4250 积分")
        by_testid(page, "redeem-button").click()  # 2. confirm
        expect(by_testid(page, "confirm-good")).to_have_text("50元京东E卡 × 1")
        expect(by_testid(page, "confirm-points")).to_have_text("共需 4250 积分")
        expect(by_testid(page, "confirm-note")).to_have_text("兑换后积分将从最早到期的积分中扣除")
        with page.expect_response(lambda r: r.url.endswith("/redeem")) as answer:
            by_testid(page, "confirm-yes").click()
        order = answer.value.json()  # 3. the result
        assert answer.value.status == 200 and order["points"] == 4250, order
        expect(by_testid(page, "result-title")).to_have_text("兑换成功")
        expect(by_testid(page, "result-text")).to_have_text(f"订单号 {order['id']} · 已使用 4250 积分")
        expect(by_testid(page, "mall-points")).to_have_text("6950")  # exactly the price less

        by_testid(page, "result-orders").click()
        page.wait_for_url(f"**/play/{campaign}/mall/orders")
        placed = page.locator(f"[data-testid=order][data-order-id='{order['id']}']")
        expect(by_testid(page, "order")).to_have_count(1)
        expect(placed.get_by_test_id("order-name")).to_have_text("50元京东E卡 × 1")
        expect(placed.get_by_test_id("order-state")).to_have_text("待发货")
        expect(by_testid(page, "mall-points")).to_have_text("6950")
        placed.get_by_test_id("order-cancel").click()
        expect(by_testid(page, "cancel-text")).to_have_text("50元京东E卡 × 1：4250 积分将退回你的账户，有效期不变")
        by_testid(page, "cancel-yes").click()
        expect(by_testid(page, "note")).to_have_text("已取消，4250 积分已退回")
        expect(placed.get_by_test_id("order-state")).to_have_text("已取消")
        expect(placed.get_by_test_id("order-cancel")).to_have_count(0)
        expect(by_testid(page, "mall-points")).to_have_text("11200")

        open_mall(page, served, campaign)
        open_good(page, campaign, limited)  # a red packet: issued into the shopper's prizes at once
        expect(by_testid(page, "fact-delivery")).to_have_text("兑换后立即发放到「我的奖品」")
        confirm(page)
        expect(by_testid(page, "result-next")).to_have_text("已发放到「我的奖品」，现在就能用")
        by_testid(page, "result-orders").click()
        page.wait_for_url(f"**/play/{campaign}/mall/orders")
        issued = by_testid(page, "order").first
        expect(issued.get_by_test_id("order-state")).to_have_text("已发放")
        expect(issued.get_by_test_id("order-cancel")).to_have_count(0)


def test_sold_out_and_refusals_in_plain_words_a_lost_answer_redeems_once_and_english(
    browser: Browser, served: Served
) -> None:
    campaign = add_campaign(served.app, wheel_config())
    e_card = stock(served, campaign, **E_CARD)
    sold_out = stock(served, campaign, name="12期免息券", name_en="12-month interest-free coupon", kind="coupon",
                     category="优惠券", points_price=600, value_fen=3000, stock_left=0)  # fmt: skip
    keys: list[str] = []
    lost: list[dict[str, Any]] = []

    def lose_the_first_answer(route: Route) -> None:
        keys.append(route.request.headers["idempotency-key"])
        if keys[1:]:
            route.continue_()
            return
        lost.append(route.fetch().json())  # the server redeems, but its answer never reaches the phone
        route.abort()

    with phone(browser, served) as page:
        enter(page, served, campaign, "mall-normal-02")
        give_points(served, campaign, "mall-normal-02", 20_000, timedelta(days=365))
        page.route("**/mall/*/redeem", lose_the_first_answer)
        open_mall(page, served, campaign)
        expect(by_testid(page, "mall-tier")).to_have_text("普通会员")
        expect(card(page, e_card).get_by_test_id("good-list-price")).to_have_count(0)  # no discount for this tier
        by_testid(page, "category-chip").filter(has_text="优惠券").click()
        expect(by_testid(page, "good-card")).to_have_count(1)
        by_testid(page, "category-chip").filter(has_text="全部").click()
        by_testid(page, "sort-points").click()
        expect(by_testid(page, "good-name")).to_have_text(["12期免息券", "50元京东E卡"])
        by_testid(page, "sort-value").click()
        expect(by_testid(page, "good-name")).to_have_text(["50元京东E卡", "12期免息券"])

        open_good(page, campaign, sold_out)
        expect(by_testid(page, "good-state")).to_have_text("已兑完")
        expect(by_testid(page, "redeem-button")).to_be_disabled()
        expect(by_testid(page, "redeem-button")).to_have_text("已兑完")

        page.goto(f"{served.base_url}/play/{campaign}/mall/{e_card}")
        confirm(page)
        assert "id" in lost[0], lost  # the server placed the order; the phone never heard
        expect(by_testid(page, "result-title")).to_have_text("兑换未成功")
        expect(by_testid(page, "result-text")).to_have_text("网络异常，请再点一次重试（不会重复兑换）")
        by_testid(page, "result-ok").click()
        retried = redeem(page)
        assert retried.status == 200 and retried.json()["id"] == lost[0]["id"]
        assert keys[0] == keys[1]  # the same confirmation retried with its key
        expect(by_testid(page, "result-title")).to_have_text("兑换成功")
        expect(by_testid(page, "mall-points")).to_have_text("15000")  # charged once
        by_testid(page, "result-ok").click()
        refused = redeem(page)
        assert (refused.status, refused.json()["error"]) == (409, "daily_limit")
        assert keys[2] != keys[1]  # a new redemption, a new key
        expect(by_testid(page, "result-title")).to_have_text("兑换未成功")
        expect(by_testid(page, "result-text")).to_have_text("今天兑换这件商品的数量已达上限，明天再来吧")
        by_testid(page, "result-ok").click()
        expect(by_testid(page, "mall-points")).to_have_text("15000")

        by_testid(page, "back-link").click()
        page.wait_for_url(f"**/play/{campaign}/mall")
        by_testid(page, "lang-switch").click()
        expect(by_testid(page, "mall-tier")).to_have_text("Member")
        expect(card(page, e_card).get_by_test_id("good-name")).to_have_text("¥50 JD e-card")
        expect(card(page, e_card).get_by_test_id("good-price")).to_have_text("5000 pts")
        expect(card(page, e_card).get_by_test_id("good-stock")).to_have_text("4 left")
        expect(card(page, sold_out).get_by_test_id("good-state")).to_have_text("Sold out")
        expect(by_testid(page, "sort-value")).to_have_text("Highest value")
        by_testid(page, "orders-link").click()
        expect(by_testid(page, "order-state")).to_have_text(["To be delivered"])
        expect(by_testid(page, "order-name")).to_have_text(["¥50 JD e-card × 1"])
