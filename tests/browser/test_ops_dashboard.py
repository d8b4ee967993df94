"""The ops dashboard in headless Chromium: every time it shows names the campaign's time zone, whatever the
browser's own, and its CSV downloads come in the console's language."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import DESKTOP, checked_page
from tests.browser.test_ops_console import by_testid, create_campaign

pytestmark = pytest.mark.browser


@pytest.fixture
def far_console(browser: Browser) -> Iterator[Page]:
    """A desktop console page in a browser that lives in New York (its own clock must not show)."""
    with checked_page(browser, viewport=DESKTOP, timezone_id="America/New_York") as page:
        yield page


def test_times_name_the_campaigns_zone_and_reports_follow_the_language(far_console: Page, demo_server: str) -> None:
    console = far_console
    campaign = create_campaign(console, demo_server)
    console.goto(f"{demo_server}/ops/campaigns/{campaign}/dashboard")
    starts_at = console.request.get(f"{demo_server}/api/ops/campaigns/{campaign}").json()["campaign"]["starts_at"]
    hour = int(starts_at[11:13])  # UTC; the template starts on the hour
    expect(by_testid(console, "schedule")).to_contain_text(f"{(hour + 8) % 24:02d}:00")
    expect(by_testid(console, "schedule")).to_contain_text("（北京时间）")
    expect(by_testid(console, "zone-note")).to_have_text(["（北京时间）", "（北京时间）"])
    expect(by_testid(console, "updated-at")).to_contain_text("北京时间")
    grants = by_testid(console, "grants-csv")
    expect(grants).to_have_attribute("href", f"/api/ops/campaigns/{campaign}/reports/grants.csv?lang=zh")
    zh = console.request.get(f"{demo_server}{grants.get_attribute('href')}").text()
    assert zh.startswith("\ufeff发放编号,发放时间（北京时间）")

    by_testid(console, "lang-switch").click()
    expect(by_testid(console, "schedule")).to_contain_text("(Beijing time)")
    expect(by_testid(console, "updated-at")).to_contain_text("Beijing time")
    expect(by_testid(console, "daily-csv")).to_have_attribute(
        "href", f"/api/ops/campaigns/{campaign}/reports/daily.csv?lang=en"
    )
    en = console.request.get(f"{demo_server}{by_testid(console, 'daily-csv').get_attribute('href')}").text()
    assert en.startswith("\ufeffDay (Beijing time),Draws,Players")
