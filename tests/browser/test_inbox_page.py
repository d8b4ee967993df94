"""Campaign messages on the shopper's phone, in headless Chromium against the app served from this process: ops send
an in-app message (set up in Python, the worker makes its batch); the campaign page's bell shows it unread, the inbox
lists it with the shopper's name filled in, a tap opens its campaign page (counted as opened, the landing as
visited) and back in the inbox it is read and the bell's count gone; English, opting out and back in, an empty
inbox, and a refusal in the shopper's words."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, Response, expect

from games.messages.admin import create_message, create_segment, move
from games.messages.funnel import funnel
from server.message_worker import work_once
from tests.browser import test_checkin_page as checkin_page
from tests.browser.share_support import launch_url
from tests.browser.test_checkin_page import Served
from tests.browser.wheel_support import by_testid
from tests.conftest import add_campaign, wheel_config

pytestmark = pytest.mark.browser

served = checkin_page.served  # a testing app on its own SQLite file served by a thread, and the clock it reads
page = checkin_page.page  # a phone page (390×844) failing the test on any script error
MESSAGE = {"title": {"zh": "{name}，转盘开奖啦", "en": "{name}, the wheel is on"},
           "body": {"zh": "你有 {points} 积分，今晚 8 点开奖", "en": "You hold {points} points: the draw is at 8 pm"},
           "channels": ["in_app"], "link": "?tab=wheel"}  # fmt: skip


def send_message(served: Served, campaign: int) -> int:
    """Ops' in-app message of ``campaign`` to every shopper, scheduled now; the worker's round makes its batch (the
    inbox's). The message's id."""
    now = served.clock.now
    with served.app.extensions["carnival.sessions"]() as session, session.begin():
        segment = create_segment(session, "所有人", {}, now)
        message = create_message(session, campaign, "开奖提醒", segment.id, MESSAGE, now).id
        move(session, message, "schedule", now)
    work_once(served.app, now, None)
    return message


def counted(served: Served, message: int) -> dict[str, Any]:
    """The message's funnel, all batches and variants together."""
    with served.app.extensions["carnival.sessions"]() as session:
        return dict(funnel(session, message)["total"])


def enter(page: Page, served: Served, campaign: int, sub: str, name: str) -> None:
    """The host's launch of ``sub`` (named ``name``) onto ``campaign``'s wheel page; waits for the bell's answer."""
    with page.expect_response(lambda r: r.url.endswith("/api/play/inbox")):
        page.goto(launch_url(served, campaign, sub, name))
    page.wait_for_url(f"**/play/{campaign}")


def open_inbox(page: Page) -> None:
    """Tap the bell; waits for the inbox's list."""
    by_testid(page, "inbox-bell").click()
    page.wait_for_url("**/play/inbox?campaign=*")
    expect(by_testid(page, "optout-toggle")).to_be_enabled()


def is_stage(stage: str) -> Callable[[Response], bool]:
    """Whether a response answers the shopper's ``opened`` or ``visited`` of a message."""
    return lambda r: r.request.method == "POST" and re.search(rf"/api/play/inbox/\d+/{stage}$", r.url) is not None


def test_a_message_is_badged_listed_opened_and_counted(page: Page, served: Served) -> None:
    campaign = add_campaign(served.app, wheel_config())
    enter(page, served, campaign, "inbox-shopper-01", "小红")
    expect(by_testid(page, "inbox-bell")).to_be_visible()
    expect(by_testid(page, "inbox-unread")).to_be_hidden()  # nothing yet
    open_inbox(page)
    expect(by_testid(page, "inbox-empty")).to_have_text("暂时没有活动消息，有新活动时会在这里通知你")
    expect(by_testid(page, "inbox-item")).to_have_count(0)

    message = send_message(served, campaign)
    by_testid(page, "back-link").click()
    page.wait_for_url(f"**/play/{campaign}")
    expect(by_testid(page, "inbox-unread")).to_have_text("1")
    expect(by_testid(page, "inbox-bell")).to_have_attribute("aria-label", "活动消息，1 条未读")
    box = by_testid(page, "inbox-bell").bounding_box()
    assert box and box["width"] >= 44 and box["height"] >= 44, box

    open_inbox(page)
    item = by_testid(page, "inbox-item")
    expect(item).to_have_count(1)
    expect(by_testid(page, "inbox-empty")).to_be_hidden()
    expect(item).to_have_attribute("data-read", "false")
    expect(item.get_by_test_id("inbox-unread-mark")).to_have_text("未读")
    expect(item.get_by_test_id("inbox-title")).to_have_text("小红，转盘开奖啦")
    expect(item.get_by_test_id("inbox-body")).to_have_text("你有 0 积分，今晚 8 点开奖")
    expect(item.get_by_test_id("inbox-time")).to_have_text(re.compile(r"^2026/11/2[23] \d\d:\d\d$"))  # the phone's zone
    delivery = item.get_attribute("data-message-id")
    with (
        page.expect_response(is_stage("opened")) as opened,
        page.expect_response(is_stage("visited")) as visited,
        page.expect_response(lambda r: r.url.endswith("/api/play/inbox")),  # the bell's count, after the visit
    ):
        item.get_by_test_id("inbox-open").click()
    assert (opened.value.status, visited.value.status) == (200, 200)
    expect(page).to_have_url(re.compile(rf"/play/{campaign}\?tab=wheel&msg={delivery}$"))  # the link opened answered
    expect(by_testid(page, "inbox-unread")).to_be_hidden()  # read: the bell has no count
    expect(by_testid(page, "inbox-bell")).to_have_attribute("aria-label", "活动消息")

    open_inbox(page)
    expect(item).to_have_attribute("data-read", "true")
    expect(item.get_by_test_id("inbox-unread-mark")).to_have_count(0)
    total = counted(served, message)
    assert {stage: total[stage] for stage in ("sent", "opened", "visited")} == {"sent": 1, "opened": 1, "visited": 1}

    by_testid(page, "lang-switch").click()
    expect(page.locator("h1")).to_have_text("Messages")
    expect(item.get_by_test_id("inbox-title")).to_have_text("小红, the wheel is on")
    expect(item.get_by_test_id("inbox-body")).to_have_text("You hold 0 points: the draw is at 8 pm")
    expect(by_testid(page, "optout-toggle")).to_have_text("No more campaign messages")


def test_the_shopper_opts_out_and_back_in(page: Page, served: Served) -> None:
    campaign = add_campaign(served.app, wheel_config())
    enter(page, served, campaign, "inbox-shopper-02", "小刚")
    open_inbox(page)
    toggle = by_testid(page, "optout-toggle")
    expect(toggle).to_have_text("不再接收活动消息")
    expect(toggle).to_have_attribute("aria-checked", "false")
    with page.expect_response(lambda r: r.url.endswith("/api/play/inbox/opt-out")) as answer:
        toggle.click()
    assert answer.value.json() == {"opted_out": True}
    expect(toggle).to_have_attribute("aria-checked", "true")
    expect(by_testid(page, "optout-state")).to_have_text("已关闭：不会再收到新的活动消息，已收到的仍可在这里查看")
    expect(by_testid(page, "inbox-empty")).to_have_text("暂时没有活动消息（你已选择不再接收）")

    page.reload()  # the server keeps the choice
    expect(toggle).to_have_attribute("aria-checked", "true")
    send_message(served, campaign)
    page.reload()
    expect(toggle).to_be_enabled()
    expect(by_testid(page, "inbox-item")).to_have_count(0)  # opted out: not sent

    with page.expect_response(lambda r: r.url.endswith("/api/play/inbox/opt-in")) as answer:
        toggle.click()
    assert answer.value.json() == {"opted_out": False}
    expect(toggle).to_have_attribute("aria-checked", "false")
    expect(by_testid(page, "optout-state")).to_have_text("打开后，将不再收到新的活动消息")


def test_a_refused_tap_is_said_in_words_and_a_foreign_message_mark_is_ignored(page: Page, served: Served) -> None:
    campaign = add_campaign(served.app, wheel_config())
    enter(page, served, campaign, "inbox-shopper-03", "小丽")
    send_message(served, campaign)
    open_inbox(page)
    gone = {"error": "message_not_found", "message": "this message is not in your inbox"}
    page.route("**/api/play/inbox/*/opened", lambda route: route.fulfill(status=404, json=gone))
    by_testid(page, "inbox-open").click()
    expect(by_testid(page, "message")).to_have_text("这条消息已经找不到了，请刷新后再试")
    assert "/play/inbox" in page.url  # it stays on the inbox
    by_testid(page, "lang-switch").click()
    expect(by_testid(page, "message")).to_have_text("This message can no longer be found: reload and try again")

    with page.expect_response(is_stage("visited")) as visited:
        page.goto(f"{served.base_url}/play/{campaign}?msg=999999")  # not this shopper's: counted nowhere, said nowhere
    assert visited.value.status == 404
    expect(by_testid(page, "inbox-unread")).to_have_text("1")  # the bell still loads
    expect(by_testid(page, "message")).to_be_hidden()
