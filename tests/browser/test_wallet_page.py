"""The wallet page in headless Chromium on a phone: a gift card on its way, the notice of points owed for a
refunded order whose points were used (points on hold), and the link to the campaign's points mall (only when the
mall has goods) that opens it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import select

from economy.clawback import claw_back_points
from server.models import User
from tests.browser import test_checkin_page as checkin_page
from tests.browser.share_support import launch_url, phone
from tests.browser.test_checkin_page import Served
from tests.browser.test_mall_pages import card, give_points, stock
from tests.browser.wheel_support import by_testid
from tests.conftest import add_campaign, wheel_config
from tests.e2e.test_gift_cards import card_config, give_card

pytestmark = pytest.mark.browser

served = checkin_page.served  # a testing app on its own SQLite file served by a thread, and the clock it reads


def test_the_wallet_shows_a_gift_card_and_the_points_owed(browser: Browser, served: Served) -> None:
    campaign = add_campaign(served.app, card_config(), budget_fen=100_000)
    with phone(browser, served) as page:
        page.goto(launch_url(served, campaign, "wallet-owner", "钱包主人"))
        page.wait_for_url("**/play/**")
        with served.app.extensions["carnival.sessions"]() as session, session.begin():
            user = session.scalars(select(User.id).where(User.external_id == "wallet-owner")).one()
            claw_back_points(session, campaign, user, 120, "order:JD-REFUNDED", served.clock())
        give_card(served.app, campaign, user, "invite:wallet-card")
        page.goto(f"{served.base_url}/play/wallet?campaign={campaign}")
        expect(by_testid(page, "gift-card")).to_have_count(1)
        expect(by_testid(page, "gift-card")).to_contain_text("¥50 礼品卡")
        expect(by_testid(page, "gift-card")).to_contain_text("发放中")
        expect(by_testid(page, "wallet-owed")).to_be_visible()
        expect(by_testid(page, "wallet-owed")).to_contain_text("有 120 积分待扣回")
        expect(by_testid(page, "back-link")).to_have_attribute("href", f"/play/{campaign}")
        expect(by_testid(page, "mall-link")).to_have_count(0)  # this campaign's mall has no goods


def test_the_wallet_links_to_the_points_mall_and_the_link_opens_it(browser: Browser, served: Served) -> None:
    campaign = add_campaign(served.app, wheel_config())
    good = stock(served, campaign, name="10元话费直充", name_en="¥10 mobile top-up", kind="virtual", category="虚拟")
    with phone(browser, served) as page:
        page.goto(launch_url(served, campaign, "mall-finder", "逛商城的人"))
        page.wait_for_url("**/play/**")
        give_points(served, campaign, "mall-finder", 3000, timedelta(days=365))
        by_testid(page, "wallet-link").first.click()  # the wheel's 我的奖品
        page.wait_for_url(f"**/play/wallet?campaign={campaign}")
        expect(by_testid(page, "wallet-points")).to_have_text("3000")
        link = by_testid(page, "mall-link")
        expect(link).to_have_text("去积分商城")
        expect(link).to_have_attribute("href", f"/play/{campaign}/mall")
        link.click()
        page.wait_for_url(f"**/play/{campaign}/mall")
        expect(by_testid(page, "mall-points")).to_have_text("3000")  # the points the wallet showed
        expect(card(page, good)).to_contain_text("10元话费直充")
        page.goto(f"{served.base_url}/play/wallet?campaign={campaign}&lang=en")
        expect(by_testid(page, "mall-link")).to_have_text("Points mall")
