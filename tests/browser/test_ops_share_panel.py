"""The dashboard's share panel in headless Chromium, against the app served from this process: ops see the assists
held beyond a share's velocity limit and the fraud report (refusals by reason, the top devices, a ring), approve a
held assist and see the threshold it unlocked, meet the server's refusal of a decision already taken elsewhere, read
it all in English, download the report as CSV, and see the panel follow the dashboard's refreshes."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from server.auth import create_staff
from tests.browser import test_checkin_page as checkin_page
from tests.browser.test_checkin_page import SHANGHAI, Served
from tests.browser.test_ops_console import by_testid, sign_in
from tests.conftest import add_campaign
from tests.e2e.share_support import help_share, share_config, shopper, start

pytestmark = pytest.mark.browser

served = checkin_page.served  # a testing app on its own SQLite file served by a thread, and the clock it reads
OPS = ("olga", "a-long-password")
CONFIG = share_config(  # 2 assists unlock the 3期免息券; a second assist within a minute waits for review
    thresholds=[{"assists": 2, "prize": "coupon"}, {"assists": 3, "prize": "packet"}],
    fraud={"velocity_per_minute": 1},
)


def device(sub: str) -> str:
    """The device hash the host sends for ``sub``'s phone."""
    return hashlib.sha256(sub.encode()).hexdigest()[:32]


def helper(app: Flask, sub: str, phone: str | None = None, **claims: Any) -> Any:
    """A signed-in shopper on ``phone`` (their own unless given)."""
    return shopper(app, sub, device(phone or sub), **claims)


def share_of(app: Flask, campaign: int, sub: str) -> tuple[str, int]:
    """``sub`` starts a share: its link code and their user id."""
    client, user = helper(app, sub)
    answer = start(client, campaign)
    assert answer.status_code == 200, answer.json
    return answer.json["view"]["share"]["code"], user


def assisted(app: Flask, campaign: int, code: str, sub: str, phone: str | None = None, **claims: Any) -> Any:
    """``sub`` helps the share of ``code``: the API's answer as JSON."""
    return help_share(helper(app, sub, phone, **claims)[0], campaign, code).json


@dataclass
class Seeded:
    """Who the seeded campaign's shoppers are (user ids)."""

    ann: int
    quick: list[int]
    first: int


def seed(app: Flask, campaign: int) -> Seeded:
    """ann's share: quick-1 counts, quick-2 and quick-3 are held (a minute's velocity is 1); a flagged account and
    two accounts on quick-1's phone are refused; ann helps quick-1's own share back the same day (a ring)."""
    code, ann = share_of(app, campaign, "ann")
    statuses = [assisted(app, campaign, code, f"quick-{n}")["events"][0]["payload"]["status"] for n in (1, 2, 3)]
    assert statuses == ["accepted", "held", "held"]
    assert assisted(app, campaign, code, "x", risk=True)["error"] == "flagged_account"
    for twin in ("twin-1", "twin-2"):
        assert assisted(app, campaign, code, twin, phone="quick-1")["error"] == "device_repeat"
    back, first = share_of(app, campaign, "quick-1")
    assert assisted(app, campaign, back, "ann")["events"][0]["payload"]["status"] == "accepted"
    quick = [shopper(app, f"quick-{n}", device(f"quick-{n}"))[1] for n in (1, 2, 3)]
    return Seeded(ann, quick, first)


def open_dashboard(console: Page, served: Served, campaign: int) -> None:
    """Sign in as ops onto ``campaign``'s dashboard, its clock stopped: the panel then loads only when asked to (on
    opening, after a decision) until the test runs the clock."""
    with served.app.extensions["carnival.sessions"]() as session, session.begin():
        create_staff(session, OPS[0], OPS[1], "ops", served.clock())
    console.clock.install()
    console.clock.pause_at(console.evaluate("Date.now()") + 1000)
    sign_in(console, served.base_url, OPS, f"/ops/campaigns/{campaign}/dashboard")
    expect(by_testid(console, "share-panel")).to_be_visible()


def held_row(console: Page, user: int) -> Any:
    """The held assist of the helper ``user``."""
    return console.locator(f"[data-testid=held-row][data-helper='{user}']")


def decide_elsewhere(console: Page, served: Served, campaign: int, body: dict[str, Any]) -> None:
    """Another ops user decides on a held assist (through the API, not this page)."""
    answer = console.request.post(
        f"{served.base_url}/api/ops/campaigns/{campaign}/shares/decisions",
        headers={"Idempotency-Key": str(uuid.uuid4()), "Origin": served.base_url},
        data=body,
    )
    assert answer.ok, answer.text()


def test_ops_review_held_assists_and_read_the_fraud_report(console: Page, served: Served) -> None:
    campaign = add_campaign(served.app, CONFIG)
    shoppers = seed(served.app, campaign)
    _, quick_2, quick_3 = shoppers.quick
    open_dashboard(console, served, campaign)

    expect(by_testid(console, "held-card")).to_contain_text("待审核助力")
    expect(by_testid(console, "held-card")).to_contain_text("（北京时间）")
    expect(by_testid(console, "held-row")).to_have_count(2)
    expect(by_testid(console, "held-count")).to_have_text("(2)")
    row = held_row(console, quick_2)
    expect(row.locator("[data-testid=held-sharer]")).to_have_text("ann")
    expect(row.locator("[data-testid=held-share]")).to_have_text("第 1 次")
    expect(row.locator("[data-testid=held-helper]")).to_have_text("quick-2")
    expect(row.locator("[data-testid=held-device]")).to_have_text(f"{device('quick-2')[:10]}…")
    at = served.clock().astimezone(SHANGHAI).strftime("%Y/%m/%d %H:%M:%S")
    expect(row.locator("[data-testid=held-at]")).to_have_text(at)
    expect(held_row(console, quick_3).locator("[data-testid=held-helper]")).to_have_text("quick-3")

    refusals = by_testid(console, "refusal")
    expect(refusals).to_have_count(2)
    expect(refusals.nth(0)).to_have_attribute("data-code", "device_repeat")  # the most refused first
    expect(refusals.nth(0)).to_contain_text("同一设备再次助力同一好友")
    expect(refusals.nth(0).locator("strong")).to_have_text("2")
    expect(refusals.nth(1)).to_contain_text("风控标记的账号")
    expect(refusals.nth(1).locator("strong")).to_have_text("1")
    expect(by_testid(console, "chart-refusals")).to_be_visible()
    expect(by_testid(console, "device-row").first).to_contain_text(device("quick-1")[:10])
    expect(by_testid(console, "device-attempts").first).to_have_text("2")
    pair = sorted((shoppers.ann, shoppers.first))
    expect(by_testid(console, "ring")).to_have_count(1)
    expect(by_testid(console, "ring")).to_contain_text(f"用户 #{pair[0]} ⇄ 用户 #{pair[1]}")

    row.locator("[data-testid=held-approve]").click()
    message = by_testid(console, "held-message")
    expect(message).to_have_text("已通过 quick-2 对 ann 第 1 次分享的助力，解锁了 2 人助力「3期免息券」。")
    expect(row).to_have_count(0)
    expect(by_testid(console, "held-row")).to_have_count(1)

    later = held_row(console, quick_3)  # decided elsewhere while this page still shows it
    rejected = {"sharer": shoppers.ann, "share": 1, "helper": quick_3, "approve": False}
    decide_elsewhere(console, served, campaign, rejected)
    later.locator("[data-testid=held-approve]").click()
    expect(message).to_have_text("这次分享没有该助力者待审核的助力（可能已被处理）")
    expect(message).to_have_class("notice notice-error")
    expect(later).to_have_count(0)  # the queue loaded again
    expect(by_testid(console, "held-empty")).to_have_text("没有待审核的助力。")
    audit = console.request.get(f"{served.base_url}/api/ops/campaigns/{campaign}/audit").json()
    assert [entry["action"] for entry in audit[:2]] == ["share_rejected", "share_approved"]

    by_testid(console, "lang-switch").click()
    expect(by_testid(console, "held-card")).to_contain_text("Held assists")
    expect(by_testid(console, "held-card")).to_contain_text("(Beijing time)")
    expect(by_testid(console, "held-empty")).to_have_text("No assists wait for review.")
    expect(by_testid(console, "fraud-card")).to_contain_text("Fraud report")
    expect(refusals.nth(0)).to_contain_text("Same device helping the same friend again")
    expect(refusals.nth(1)).to_contain_text("Account flagged by risk control")
    expect(by_testid(console, "ring")).to_contain_text(f"user #{pair[0]} ⇄ user #{pair[1]}")
    expect(by_testid(console, "fraud-csv")).to_have_text("Download CSV")

    with console.expect_download() as download:
        by_testid(console, "fraud-csv").click()
    assert download.value.suggested_filename == f"campaign-{campaign}-share-fraud.csv"
    lines = Path(download.value.path()).read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "section,key,value"
    assert {"refusal,device_repeat,2", "refusal,flagged_account,1", f"device,{device('quick-1')},2"} <= set(lines)
    assert any(line.startswith(f"ring,{pair[0]}-{pair[1]},") for line in lines)


def test_the_panel_follows_the_dashboards_refreshes_and_shows_only_for_shares(console: Page, served: Served) -> None:
    campaign = add_campaign(served.app, CONFIG)
    code, _ = share_of(served.app, campaign, "ann")
    open_dashboard(console, served, campaign)
    expect(by_testid(console, "held-empty")).to_be_visible()
    expect(by_testid(console, "refusals")).to_have_text("暂无被拒的助力。")

    assert assisted(served.app, campaign, code, "x", risk=True)["error"] == "flagged_account"
    assert assisted(served.app, campaign, code, "quick-1")["events"][0]["payload"]["status"] == "accepted"
    assert assisted(served.app, campaign, code, "quick-2")["events"][0]["payload"]["status"] == "held"
    console.clock.run_for(6_000)  # the dashboard's metrics come every 2 s; the panel loads with them every 5 s
    expect(by_testid(console, "refusal")).to_have_attribute("data-code", "flagged_account")
    expect(by_testid(console, "held-row")).to_have_count(1)
    expect(by_testid(console, "held-count")).to_have_text("(1)")

    wheel_only = {**share_config(), "games": {"wheel": {"slots": ["thanks"] * 6, "free_spins_per_day": 1}}}
    wheel = add_campaign(served.app, wheel_only, slug="wheel")
    console.goto(f"{served.base_url}/ops/campaigns/{wheel}/dashboard")
    expect(by_testid(console, "draws-total")).to_have_text("0")
    expect(by_testid(console, "share-panel")).to_be_hidden()
