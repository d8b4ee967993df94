"""Login CSRF in a real browser: a launch link followed from another site shows the confirmation page and
signs nobody in until the shopper confirms; the same kind of link opened by the app itself launches."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Route, expect

from tests.browser.test_wheel_page import by_testid

pytestmark = pytest.mark.browser
OTHER_SITE = "http://other-site.test/"


def test_a_launch_link_from_another_site_waits_for_the_shoppers_confirmation(
    browser: Browser, demo_server: str
) -> None:
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(f"{demo_server}/dev/login")
        href = by_testid(page, "shopper-link").first.get_attribute("href") or ""
        link = f'<!doctype html><a id="prize" href="{demo_server}{href}">领取大奖</a>'

        def other_site(route: Route) -> None:
            route.fulfill(status=200, content_type="text/html", body=link)

        victim = browser.new_context()
        victim_page = victim.new_page()
        victim_page.route(f"{OTHER_SITE}**", other_site)
        victim_page.goto(OTHER_SITE)
        victim_page.click("#prize")
        expect(by_testid(victim_page, "launch-confirmation")).to_be_visible()
        assert victim.request.get(f"{demo_server}/api/session/me").status == 401
        by_testid(victim_page, "launch-confirm").click()
        victim_page.wait_for_url("**/play/*")
        assert victim.request.get(f"{demo_server}/api/session/me").status == 200
        victim.close()
        by_testid(page, "shopper-link").nth(1).click()  # Carnival's own page: no confirmation
        page.wait_for_url("**/play/*")
        assert context.request.get(f"{demo_server}/api/session/me").status == 200
    finally:
        context.close()
