"""What the share pages' browser tests share: a campaign whose first threshold one friend reaches, phones signed in
through the host's launch with device claims (the sharer onto their share page, a friend through a share link), and
the two taps that talk to the server (发起助力, 助力)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlencode

from playwright.sync_api import Browser, Page, expect

from server.config import DEV_LAUNCH_KEY
from server.launch import Claims, sign
from tests.browser.conftest import PHONE, checked_page
from tests.browser.test_checkin_page import Served
from tests.browser.wheel_support import by_testid
from tests.e2e.share_support import share_config

COPY = ["clipboard-read", "clipboard-write"]  # the copy button writes the link; the test reads it back


def two_friends_config() -> dict[str, Any]:
    """A share campaign beside a wheel: 1 assist unlocks the 3期免息券, 2 the 8.88元红包; helpers draw 5积分 or
    nothing (1:1)."""
    config = share_config(thresholds=[{"assists": 1, "prize": "coupon"}, {"assists": 2, "prize": "packet"}])
    config["games"]["wheel"] = {"slots": ["thanks"] * 6, "free_spins_per_day": 1}
    return config


@contextmanager
def phone(browser: Browser, served: Served, **options: Any) -> Iterator[Page]:
    """A shopper's own phone (a browser context of its own) whose clock reads the app's: a share's time left is
    counted on the device. Fails the test on any script error."""
    settings = {"viewport": PHONE, "is_mobile": True, "has_touch": True, "device_scale_factor": 2, **options}
    with checked_page(browser, **settings) as page:
        page.clock.install(time=served.clock())
        yield page


def launch_url(served: Served, campaign: int, sub: str, name: str, **asked: str) -> str:
    """The host's launch of ``sub`` (named ``name``, on the device ``dev-<sub>``) into ``campaign``; ``asked`` adds
    ``game=`` or ``share=``."""
    expires = int(served.clock().timestamp()) + 600
    token = sign(DEV_LAUNCH_KEY, sub, name, "normal", expires, claims=Claims(device=f"dev-{sub}"))
    return f"{served.base_url}/play/launch?{urlencode({'token': token, 'campaign': campaign, **asked})}"


def enter_share_page(page: Page, served: Served, campaign: int, sub: str, name: str) -> None:
    """Launch ``sub`` onto their share page; waits for their share's state."""
    page.goto(launch_url(served, campaign, sub, name, game="share"))
    page.wait_for_url(f"**/play/{campaign}/share")
    expect(by_testid(page, "start-button")).not_to_have_attribute("data-mode", "none")


def enter_share_link(page: Page, served: Served, campaign: int, code: str, sub: str, name: str) -> None:
    """Launch the friend ``sub`` through the share link of ``code``; waits for the landing's answer."""
    page.goto(launch_url(served, campaign, sub, name, share=code))
    page.wait_for_url(f"**/play/{campaign}/share/{code}")
    expect(by_testid(page, "assist-button")).not_to_have_attribute("data-mode", "none")


def start_share(page: Page) -> dict[str, Any]:
    """Tap 发起助力; the API's answer once the poster shows."""
    with page.expect_response(lambda r: r.url.endswith("/share") and r.request.method == "POST") as answer:
        by_testid(page, "start-button").click()
    assert answer.value.status == 200, answer.value.text()
    expect(by_testid(page, "poster")).to_be_visible()
    return answer.value.json()


def assist(page: Page) -> dict[str, Any]:
    """Tap 助力; the API's answer once the result shows."""
    with page.expect_response(lambda r: r.url.endswith("/assist") and r.request.method == "POST") as answer:
        by_testid(page, "assist-button").click()
    assert answer.value.status == 200, answer.value.text()
    expect(by_testid(page, "help-result")).to_be_visible()
    return answer.value.json()
