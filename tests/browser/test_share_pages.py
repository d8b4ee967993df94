"""The share pages (分享助力) in headless Chromium on phone screens, against the app served from this process: a sharer
starts a share and gets its poster (a QR code of the link, a copy button); friends on their own phones open the link
through the host's launch, see whose share it is and what they may win, and help; the sharer's page shows each
assist live, then the unlocked prizes. A refusal in plain words, English, and launches with a bad share code."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser import test_checkin_page as checkin_page
from tests.browser.share_support import (
    COPY,
    assist,
    enter_share_link,
    enter_share_page,
    launch_url,
    phone,
    start_share,
    two_friends_config,
)
from tests.browser.test_checkin_page import Served
from tests.browser.wheel_support import by_testid
from tests.conftest import add_campaign
from tests.e2e.share_support import help_share, shopper

pytestmark = pytest.mark.browser

page = checkin_page.page  # a phone page that fails the test on any script error
served = checkin_page.served  # a testing app on its own SQLite file served by a thread, and the clock it reads
SCREENSHOT_DIR = "CARNIVAL_SCREENSHOT_DIR"  # set (e.g. to docs/images) to keep the sharer's page after an assist
HELPER_PRIZES = {"points_5": "5积分", "thanks": None}  # None: nothing won


def friend_helps(browser: Browser, served: Served, campaign: int, code: str, sub: str, name: str) -> dict[str, Any]:
    """A friend on their own phone opens the link, sees the sharer's progress and what they may get, taps 助力 and
    sees the result: counted, what they drew, the proof. Returns the assist's event payload."""
    with phone(browser, served) as friend:
        enter_share_link(friend, served, campaign, code, sub, name)
        expect(by_testid(friend, "invite")).to_have_text("张** 邀请你助力")
        expect(by_testid(friend, "campaign-name")).to_have_text("测试活动")
        expect(by_testid(friend, "give")).to_have_text("为 TA 增加 1 次助力（目标 2 次）")
        prizes = by_testid(friend, "helper-prize")
        expect(prizes).to_have_count(2)
        expect(prizes.nth(0)).to_have_text("5积分概率 50%")
        expect(prizes.nth(1)).to_have_text("谢谢参与概率 50%")
        expect(by_testid(friend, "tier")).to_have_text(["1 人助力3期免息券", "2 人助力8.88元红包"])
        expect(by_testid(friend, "time-left")).to_have_text(re.compile(r"^剩余 \d\d:\d\d:\d\d$"))
        expect(by_testid(friend, "refusal")).to_be_hidden()
        before = by_testid(friend, "progress-count").inner_text()

        answer = assist(friend)
        payload = answer["events"][0]["payload"]
        assert payload["status"] == "accepted", payload
        expect(by_testid(friend, "result-title")).to_have_text("助力成功")
        valid = payload["valid"]
        assert before == f"{valid - 1}/2"
        expect(by_testid(friend, "result-detail")).to_have_text(f"已为 张** 助力，TA 的进度 {valid}/2")
        won = HELPER_PRIZES[payload["helper_prize"]]
        if won:
            expect(by_testid(friend, "result-prize")).to_have_text(won)
            expect(by_testid(friend, "celebration")).to_be_visible()
        else:
            expect(by_testid(friend, "result-draw")).to_have_text("这次没有抽中奖品，谢谢你的助力")
        expect(by_testid(friend, "proof")).to_be_visible()
        expect(by_testid(friend, "proof")).to_contain_text(answer["proof"]["client_seed"])
        expect(by_testid(friend, "result-own")).to_have_attribute("href", f"/play/{campaign}/share")
        by_testid(friend, "result-ok").click()

        expect(by_testid(friend, "progress-count")).to_have_text(f"{valid}/2")
        expect(by_testid(friend, "assist-button")).to_be_disabled()
        expect(by_testid(friend, "assist-button")).to_have_text("已助力")  # said before a full share: it is theirs
        expect(by_testid(friend, "refusal")).to_have_text("你已经为这次分享助力过了")
        if valid == 2:
            expect(by_testid(friend, "share-state")).to_have_text("助力已完成，奖励全部解锁")
        return payload


def test_friends_help_through_the_link_and_the_sharer_sees_it_live(browser: Browser, served: Served) -> None:
    campaign = add_campaign(served.app, two_friends_config())
    with phone(browser, served, permissions=COPY) as sharer:
        enter_share_page(sharer, served, campaign, "sharer-zhang", "张大伟")
        expect(by_testid(sharer, "tab-share")).to_have_text("分享助力")
        expect(by_testid(sharer, "tab-share")).to_have_attribute("aria-current", "page")
        expect(by_testid(sharer, "start-button")).to_have_text("发起助力")
        expect(by_testid(sharer, "start-hint")).to_have_text("邀请好友助力，24 小时内有效")
        expect(by_testid(sharer, "progress-count")).to_have_text("0/2")
        expect(by_testid(sharer, "poster")).to_be_hidden()
        expect(by_testid(sharer, "helpers-empty")).to_be_visible()

        started = start_share(sharer)
        code = started["view"]["share"]["code"]
        link = f"{served.base_url}{started['link']}"
        expect(by_testid(sharer, "share-link")).to_have_value(link)
        expect(by_testid(sharer, "share-qr")).to_have_attribute("data-link", link)
        expect(by_testid(sharer, "share-qr").locator("svg path")).to_have_count(1)
        expect(by_testid(sharer, "poster-goal")).to_have_text("还差 1 人，就能解锁「3期免息券」")
        expect(by_testid(sharer, "start-button")).to_be_hidden()
        expect(by_testid(sharer, "time-left")).to_have_text(re.compile(r"^剩余 2[34]:\d\d:\d\d$"))
        by_testid(sharer, "copy-link").click()
        expect(by_testid(sharer, "copy-note")).to_have_text("链接已复制，发给好友吧")
        assert sharer.evaluate("navigator.clipboard.readText()") == link
        expect(by_testid(sharer, "progress-card")).to_have_attribute("data-live", "on")
        sharer.evaluate("window.stillThisPage = true")  # a reload would forget it

        friend_helps(browser, served, campaign, code, "friend-li", "李小红")
        expect(by_testid(sharer, "progress-count")).to_have_text("1/2")
        expect(by_testid(sharer, "toast")).to_contain_text("李** 为你助力了")
        expect(by_testid(sharer, "toast")).to_contain_text("解锁「3期免息券」！")
        expect(by_testid(sharer, "helper")).to_have_count(1)
        expect(by_testid(sharer, "helper")).to_contain_text("李**")  # the masked name, never an id
        expect(by_testid(sharer, "helper")).to_contain_text("已助力")
        expect(sharer.locator("[data-testid=tier][data-assists='1']")).to_have_attribute("data-state", "unlocked")
        expect(sharer.locator("[data-testid=tier][data-assists='2']")).to_contain_text("还差 1 人")
        expect(by_testid(sharer, "unlocked-banner")).to_contain_text("已解锁「3期免息券」，已放入「我的奖品」")
        expect(by_testid(sharer, "poster-goal")).to_have_text("还差 1 人，就能解锁「8.88元红包」")
        sharer.clock.fast_forward(7_000)
        expect(by_testid(sharer, "toast")).to_be_hidden()  # said for a few seconds
        if os.environ.get(SCREENSHOT_DIR):
            sharer.evaluate("window.scrollTo(0, 0)")
            sharer.screenshot(path=str(Path(os.environ[SCREENSHOT_DIR]) / "share-page.png"), full_page=True)

        friend_helps(browser, served, campaign, code, "friend-wang", "王芳")
        expect(by_testid(sharer, "progress-count")).to_have_text("2/2")
        expect(by_testid(sharer, "toast")).to_contain_text("王** 为你助力了 解锁「8.88元红包」！")
        expect(by_testid(sharer, "share-state")).to_have_text("助力已完成，奖励全部解锁")
        expect(by_testid(sharer, "unlocked-banner")).to_contain_text("已解锁「3期免息券、8.88元红包」")
        expect(by_testid(sharer, "tier").locator("xpath=self::*[@data-state='unlocked']")).to_have_count(2)
        expect(by_testid(sharer, "poster")).to_be_hidden()
        expect(by_testid(sharer, "time-left")).to_be_hidden()
        expect(by_testid(sharer, "start-button")).to_have_text("再发起一次助力")
        assert sharer.evaluate("window.stillThisPage") is True  # all of it live, without a reload
        wallet = sharer.request.get(f"{served.base_url}/api/play/wallet").json()
        assert [c["title"] for c in wallet["coupons"]] == ["3期免息"]


def test_an_assist_held_for_review_is_said_so_to_both(browser: Browser, served: Served) -> None:
    config = two_friends_config()
    config["games"]["share"]["fraud"] = {"velocity_per_minute": 1}  # a second assist within a minute waits
    campaign = add_campaign(served.app, config)
    with phone(browser, served) as sharer:
        enter_share_page(sharer, served, campaign, "sharer-held", "张大伟")
        code = start_share(sharer)["view"]["share"]["code"]
        expect(by_testid(sharer, "progress-card")).to_have_attribute("data-live", "on")
        first, _ = shopper(served.app, "friend-fast")
        assert help_share(first, campaign, code).json["events"][0]["payload"]["status"] == "accepted"
        expect(by_testid(sharer, "progress-count")).to_have_text("1/2")
        with phone(browser, served) as friend:
            enter_share_link(friend, served, campaign, code, "friend-held", "李小红")
            answer = assist(friend)
            assert answer["events"][0]["payload"]["status"] == "held"
            expect(by_testid(friend, "result-title")).to_have_text("助力已提交")
            expect(by_testid(friend, "result-detail")).to_have_text("你的助力正在审核中，通过后计入 张** 的进度")
            expect(by_testid(friend, "result-draw")).to_be_hidden()  # no draw for an assist that waits
        expect(by_testid(sharer, "toast")).to_contain_text("李** 为你助力了（审核中）")
        expect(by_testid(sharer, "held-note")).to_have_text("另有 1 次助力审核中，通过后计入")
        expect(by_testid(sharer, "progress-count")).to_have_text("1/2")
        expect(by_testid(sharer, "helper")).to_have_count(2)
        expect(by_testid(sharer, "helper").nth(1)).to_contain_text("审核中")
        expect(by_testid(sharer, "helper").nth(1)).to_have_attribute("data-status", "held")


def test_a_sharer_opening_their_own_link_is_told_why_they_cannot_help(browser: Browser, served: Served) -> None:
    campaign = add_campaign(served.app, two_friends_config())
    with phone(browser, served) as sharer:
        enter_share_page(sharer, served, campaign, "sharer-self", "张大伟")
        link = start_share(sharer)["link"]
        sharer.goto(f"{served.base_url}{link}")
        expect(by_testid(sharer, "refusal")).to_have_text("不能给自己助力哦，把链接发给好友吧")
        expect(by_testid(sharer, "refusal")).to_have_attribute("data-code", "self_assist")
        expect(by_testid(sharer, "assist-button")).to_have_text("无法助力")
        expect(by_testid(sharer, "assist-button")).to_be_disabled()
        expect(by_testid(sharer, "progress-count")).to_have_text("0/2")

        by_testid(sharer, "lang-switch").click()
        expect(by_testid(sharer, "refusal")).to_have_text("You cannot help your own share: send the link to friends")
        expect(by_testid(sharer, "assist-button")).to_have_text("Cannot help")


def test_english_pages_and_a_refused_assist_in_plain_words(browser: Browser, served: Served) -> None:
    campaign = add_campaign(served.app, two_friends_config())
    with phone(browser, served) as sharer:
        enter_share_page(sharer, served, campaign, "sharer-en", "张大伟")
        by_testid(sharer, "lang-switch").click()
        expect(sharer.locator("h1")).to_have_text("Share & unlock")
        expect(by_testid(sharer, "start-button")).to_have_text("Start a share")
        code = start_share(sharer)["view"]["share"]["code"]
        expect(by_testid(sharer, "copy-link")).to_have_text("Copy link")
        expect(by_testid(sharer, "poster-goal")).to_have_text("1 more to unlock 3期免息券")
        expect(by_testid(sharer, "time-left")).to_have_text(re.compile(r"^2[34]:\d\d:\d\d left$"))
    with phone(browser, served) as friend:
        enter_share_link(friend, served, campaign, code, "friend-en", "李小红")
        by_testid(friend, "lang-switch").click()
        expect(by_testid(friend, "invite")).to_have_text("张** asks for your help")
        expect(by_testid(friend, "assist-button")).to_have_text("Help")
        expect(by_testid(friend, "helper-prize").first).to_contain_text("50% chance")
        expect(by_testid(friend, "give")).to_have_text("One assist toward their goal of 2")
        refused = {"error": "daily_limit", "message": "you have helped as often as you can today"}
        friend.route("**/assist", lambda route: route.fulfill(status=409, json=refused))
        by_testid(friend, "assist-button").click()
        expect(by_testid(friend, "message")).to_have_text(
            "You have helped as often as you can today: come back tomorrow"
        )
        expect(by_testid(friend, "help-result")).to_be_hidden()


def test_a_launch_with_a_bad_share_code_lands_on_the_campaigns_first_page(page: Page, served: Served) -> None:
    campaign = add_campaign(served.app, two_friends_config())
    page.goto(launch_url(served, campaign, "friend-bad-code", "李小红", share="not-a-code"))
    page.wait_for_url(re.compile(rf"/play/{campaign}$"))  # the wheel: the campaign's first game page
    forged = "AAAAAAAAAAAAAAAA.AAAAAAAAAAA"
    page.goto(f"{served.base_url}/play/{campaign}/share/{forged}")
    expect(by_testid(page, "error-message")).to_have_text("这个助力链接无效或已失效")
