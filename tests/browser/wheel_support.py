"""What the wheel page's browser tests share: the page's parts, campaigns published for one test, signing a
demo shopper into them, and the two screens the page is checked on."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from playwright.sync_api import APIRequestContext, Browser, Locator, Page, Response, expect

SPIN_TIMEOUT_MS = 15_000
SCREENS = {
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": {"width": 1440, "height": 900}, "is_mobile": False, "has_touch": False},
}
PICKED_ALWAYS = 1_000_000_000  # a weight next to which the template's others (at most 600) hardly count
COUPON_ART = "/static/play/prizes/coupon.svg"


def by_testid(page: Page, name: str) -> Locator:
    """The element with ``data-testid=name``."""
    return page.locator(f"[data-testid={name}]")


def is_spin(response: Response) -> bool:
    """True for the answer to a spin."""
    return response.url.endswith("/wheel/spin") and response.request.method == "POST"


def spin(page: Page, button: str = "spin-button") -> dict[str, Any]:
    """Tap ``button`` (the main button by default); returns the spin API's answer once the result is shown."""
    with page.expect_response(is_spin) as answer:
        by_testid(page, button).click()
    assert answer.value.status == 200, answer.value.text()
    expect(by_testid(page, "result-dialog")).to_be_visible(timeout=SPIN_TIMEOUT_MS)
    return answer.value.json()


def _publish(api: APIRequestContext, base_url: str, campaign: int) -> None:
    """Publish the draft, acknowledging whatever risks the pre-flight finds (a prize picked practically
    always sells out on day 1)."""
    revision = api.get(f"{base_url}/api/ops/campaigns/{campaign}").json()["draft"]["revision"]
    url = f"{base_url}/api/ops/campaigns/{campaign}/publish"
    published = api.post(url, data={"revision": revision, "acknowledged": []})
    if published.status == 409 and published.json().get("error") == "publish_risks":
        acknowledged = [risk["code"] for risk in published.json()["risks"]]
        published = api.post(url, data={"revision": revision, "acknowledged": acknowledged})
    assert published.ok, published.text()


@contextmanager
def ops_session(browser: Browser, base_url: str) -> Iterator[APIRequestContext]:
    """The demo ops account signed in, in a context of its own (signing in is rate limited: once per module)."""
    context = browser.new_context(extra_http_headers={"Origin": base_url})  # as the console's pages send it
    try:
        signed_in = context.request.post(
            f"{base_url}/api/session/staff", data={"username": "ops", "password": "carnival-ops-demo"}
        )
        assert signed_in.ok, signed_in.text()
        yield context.request
    finally:
        context.close()


def publish_campaign(ops: APIRequestContext, base_url: str, change: Callable[[dict[str, Any]], None]) -> int:
    """As ``ops``, publish the console's template, open since an hour ago and changed by ``change(body)``;
    returns its id."""
    body = ops.get(f"{base_url}/api/ops/campaigns/template").json()
    body["starts_at"] = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    change(body)
    created = ops.post(f"{base_url}/api/ops/campaigns", data=body)
    assert created.status == 201, created.text()
    campaign = int(created.json()["id"])
    _publish(ops, base_url, campaign)
    return campaign


def prize(body: dict[str, Any], key: str) -> dict[str, Any]:
    """The template's prize ``key`` (thanks, points_20, coupon_if6, red_666)."""
    return next(p for p in body["config"]["pool"]["prizes"] if p["key"] == key)


def enter_campaign(page: Page, base_url: str, campaign: int, shopper: int) -> None:
    """Sign in as the ``shopper``-th demo shopper straight into ``campaign``'s wheel; waits for its state."""
    page.goto(f"{base_url}/dev/login")
    href = by_testid(page, "shopper-link").nth(shopper).get_attribute("href") or ""
    page.goto(base_url + re.sub(r"campaign=\d+", f"campaign={campaign}", href))
    expect(by_testid(page, "spin-button")).not_to_have_attribute("data-mode", "none")


def wheel_view(page: Page, base_url: str, campaign: int) -> dict[str, Any]:
    """The game view the page was given (as the signed-in shopper)."""
    return page.request.get(f"{base_url}/api/play/{campaign}/wheel").json()


def contrast(foreground: str, background: str) -> float:
    """The WCAG contrast ratio of two CSS ``rgb(r, g, b)`` colours."""

    def luminance(colour: str) -> float:
        channels = [int(c) / 255 for c in re.findall(r"\d+", colour)[:3]]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
