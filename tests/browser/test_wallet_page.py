"""The wallet page in headless Chromium on a phone: a gift card on its way, and the notice of points owed for a
refunded order whose points were used (points on hold)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import select

from economy.clawback import claw_back_points
from server.models import User
from tests.browser import test_checkin_page as checkin_page
from tests.browser.share_support import launch_url, phone
from tests.browser.test_checkin_page import Served
from tests.browser.wheel_support import by_testid
from tests.conftest import add_campaign
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
