"""The ops console's campaign messages page (活动推送) in headless Chromium, against the app served from this process:
ops make a segment from rules (a bad rule marked on its field) and preview it, write an in-app message (a bad window
marked on its field), start its send, meet a colleague's pause (the refusal said in words) and resume; one worker round
later the page's 10-second refresh shows the deliveries and the funnel (sent = the members), its chart and its CSV.
An uploaded segment takes a CSV of host user ids from a file picker; an empty one is refused in words."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from server.auth import create_staff
from server.message_worker import work_once
from tests.browser import test_checkin_page as checkin_page
from tests.browser.test_checkin_page import Served
from tests.browser.test_ops_console import by_testid, sign_in
from tests.conftest import add_campaign, wheel_config
from tests.e2e.test_messages import shopper
from tests.e2e.test_ops_api import staff

pytestmark = pytest.mark.browser

served = checkin_page.served  # a testing app on its own SQLite file served by a thread, and the clock it reads
OPS = ("nora", "a-long-password")
REFRESH_MS = 10_000  # the page reads a sending message and its funnel again this often (web/static/ops/push.js)


def field(console: Page, path: str) -> Locator:
    """The input of the form field at ``path`` (``segment.tiers.0``, ``message.title.zh``)."""
    return console.locator(f'[data-field="{path}"]')


def segment_row(console: Page, segment: int) -> Locator:
    return console.locator(f"[data-testid=segment-row][data-segment-id='{segment}']")


def message_row(console: Page, message: int) -> Locator:
    return console.locator(f"[data-testid=message-row][data-message-id='{message}']")


def open_messages(console: Page, served: Served, campaign: int) -> None:
    """Sign in as ops onto ``campaign``'s messages page, the page's clock stopped: it refreshes only when the test
    runs it."""
    with served.app.extensions["carnival.sessions"]() as session, session.begin():
        create_staff(session, OPS[0], OPS[1], "ops", served.clock())
    console.clock.install()
    console.clock.pause_at(console.evaluate("Date.now()") + 1000)
    sign_in(console, served.base_url, OPS, f"/ops/campaigns/{campaign}/messages")
    expect(by_testid(console, "messages-empty")).to_be_visible()  # the page has read the campaign's messages


def save_segment(console: Page) -> tuple[int, dict[str, Any]]:
    """Tap 保存人群; the API's status and answer."""
    with console.expect_response(lambda r: r.url.endswith("/api/ops/segments") and r.request.method == "POST") as made:
        by_testid(console, "segment-save").click()
    return made.value.status, made.value.json()


def save_message(console: Page) -> tuple[int, dict[str, Any]]:
    """Tap 保存草稿; the API's status and answer."""
    with console.expect_response(lambda r: r.url.endswith("/messages") and r.request.method == "POST") as made:
        by_testid(console, "message-save").click()
    return made.value.status, made.value.json()


def add_rules_segment(console: Page) -> int:
    """Gold and diamond members: first with at least 0 orders (refused on its field), then right. Its id."""
    by_testid(console, "new-segment").click()
    by_testid(console, "segment-name").fill("金卡及以上")
    tiers = console.locator('[data-error-slot="segment.tiers"]')
    tiers.get_by_test_id("list-add").click()
    field(console, "segment.tiers.0").select_option(label="金牌会员")
    tiers.get_by_test_id("list-add").click()
    field(console, "segment.tiers.1").select_option(label="钻石会员")
    field(console, "segment.min_orders").fill("0")
    status, answer = save_segment(console)
    assert status == 422 and "rules.min_orders" in answer["fields"]
    expect(console.locator('[data-error-for="segment.min_orders"]')).to_be_visible()
    expect(by_testid(console, "segment-form-message")).to_contain_text("有字段不符合要求")
    field(console, "segment.min_orders").fill("")
    status, answer = save_segment(console)
    assert status == 201, answer
    assert answer["rules"] == {"tiers": ["gold", "diamond"]}
    return int(answer["id"])


def write_message(console: Page, segment: int) -> int:
    """An in-app message to ``segment``: first with a window not written as HH:MM-HH:MM (refused on its field). Its
    id."""
    by_testid(console, "new-message").click()
    expect(by_testid(console, "message-editor-title")).to_have_text("新建推送")
    by_testid(console, "message-name").fill("开奖提醒")
    by_testid(console, "message-segment").select_option(str(segment))
    field(console, "message.title.zh").fill("{name}，转盘开奖啦")
    field(console, "message.body.zh").fill("你有 {points} 积分")
    expect(field(console, "message.channels.0")).to_have_value('"in_app"')
    expect(field(console, "message.variants.0.key")).to_have_value("A")
    field(console, "message.window").fill("19-21")
    status, answer = save_message(console)
    assert status == 422 and "config.window" in answer["fields"]
    expect(console.locator('[data-error-for="message.window"]')).to_contain_text("HH:MM-HH:MM")
    field(console, "message.window").fill("00:00-00:00")
    status, answer = save_message(console)
    assert status == 201, answer
    assert (answer["config"]["title"]["zh"], answer["config"]["channels"]) == ("{name}，转盘开奖啦", ["in_app"])
    expect(by_testid(console, "message-editor")).to_be_hidden()
    return int(answer["id"])


def test_ops_send_a_message_to_a_segment_and_read_its_funnel(console: Page, served: Served) -> None:
    campaign = add_campaign(served.app, wheel_config())
    for sub, tier in (("m-gold-1", "gold"), ("m-gold-2", "gold"), ("m-diamond", "diamond"), ("m-normal", "normal")):
        shopper(served.app, sub, tier=tier)
    open_messages(console, served, campaign)
    segment = add_rules_segment(console)
    row = segment_row(console, segment)
    expect(row.get_by_test_id("segment-rules-text")).to_have_text("会员等级：金牌会员、钻石会员")
    expect(row.get_by_test_id("segment-members")).to_have_text("3 人")  # previewed once made
    shopper(served.app, "m-gold-3", tier="gold")
    row.get_by_test_id("segment-preview").click()
    expect(row.get_by_test_id("segment-members")).to_have_text("4 人")
    expect(row.get_by_test_id("segment-sample")).to_have_text("示例：m-diamond, m-gold-1, m-gold-2, m-gold-3")

    message = write_message(console, segment)
    listed = message_row(console, message)
    expect(listed.get_by_test_id("message-state")).to_have_text("草稿")
    expect(listed.get_by_test_id("message-segment")).to_have_text("金卡及以上")
    expect(listed.get_by_test_id("message-pause")).to_have_count(0)  # a draft can only be started
    listed.get_by_test_id("message-schedule").click()
    expect(by_testid(console, "push-message")).to_have_text("「开奖提醒」已开始发送。")
    expect(listed.get_by_test_id("message-state")).to_have_text("发送中")

    colleague = staff(served.app, "ops", "msg-colleague")  # pauses it meanwhile: the page still offers a pause
    assert colleague.post(f"/api/ops/messages/{message}/pause").status_code == 200
    listed.get_by_test_id("message-pause").click()
    expect(by_testid(console, "push-message")).to_have_text("这条推送当前为「已暂停」，不能暂停")
    expect(listed.get_by_test_id("message-state")).to_have_text("已暂停")  # read again after the refusal
    listed.get_by_test_id("message-resume").click()
    expect(listed.get_by_test_id("message-state")).to_have_text("发送中")
    expect(by_testid(console, "funnel-empty")).to_have_text("还没有发出的批次。")

    done = work_once(served.app, served.clock.now, None)  # one worker round: the in-app batch lands in the inboxes
    assert [(made.message_id, made.batch) for made in done.batches] == [(message, 1)]
    console.clock.run_for(REFRESH_MS)
    expect(listed.get_by_test_id("delivery-sent")).to_have_text("已发送 4")
    expect(listed.get_by_test_id("message-batches")).to_have_text("1")
    funnel = by_testid(console, "funnel-row")
    expect(funnel).to_have_count(1)
    expect(funnel).to_have_attribute("data-variant", "A")
    expect(funnel.get_by_test_id("funnel-sent")).to_have_text("4")
    expect(funnel.get_by_test_id("funnel-opened")).to_have_text("0")
    expect(funnel.get_by_test_id("funnel-sales")).to_have_text("¥0.00")
    expect(by_testid(console, "funnel-total").get_by_test_id("funnel-sent")).to_have_text("4")
    expect(by_testid(console, "funnel-chart")).to_be_visible()
    with console.expect_download() as download:
        by_testid(console, "funnel-csv").click()
    assert download.value.suggested_filename == f"message-{message}-funnel.csv"
    lines = Path(download.value.path()).read_text(encoding="utf-8-sig").splitlines()
    assert lines[1].startswith("A,1,4,4,0,0,0,0,0,0,0") and lines[-1].startswith("total,,4,4,0")

    by_testid(console, "lang-switch").click()
    expect(listed.get_by_test_id("message-state")).to_have_text("Sending")
    expect(listed.get_by_test_id("delivery-sent")).to_have_text("Sent 4")
    expect(row.get_by_test_id("segment-rules-text")).to_have_text("Member tiers: Gold, Diamond")


def test_an_uploaded_segment_takes_a_csv_and_an_empty_one_is_refused_in_words(console: Page, served: Served) -> None:
    campaign = add_campaign(served.app, wheel_config())
    open_messages(console, served, campaign)
    by_testid(console, "new-segment").click()
    by_testid(console, "segment-name").fill("名单")
    by_testid(console, "segment-kind").select_option("uploaded")
    expect(by_testid(console, "segment-rules")).to_be_hidden()
    csv = {"name": "ids.csv", "mimeType": "text/csv", "buffer": b"user\nu-1\nu-2\nu-2\n"}
    by_testid(console, "segment-file").set_input_files(csv)
    with console.expect_response(lambda r: r.url.endswith("/members")) as uploaded:
        status, answer = save_segment(console)
    assert (status, uploaded.value.json()) == (201, {"added": 2, "read": 3})
    said = by_testid(console, "push-message")
    expect(said).to_have_text("已向「名单」添加 2 个用户 ID（读取 3 个，重复的只算一次）。")
    row = segment_row(console, answer["id"])
    expect(row.get_by_test_id("segment-rules-text")).to_have_text("上传名单")
    expect(row.get_by_test_id("segment-members")).to_have_text("2 人")
    expect(row.get_by_test_id("segment-sample")).to_have_text("示例：u-1, u-2")

    with console.expect_file_chooser() as chooser:  # a file with only its header
        row.get_by_test_id("segment-upload").click()
    with console.expect_response(lambda r: r.url.endswith("/members")) as refused:
        chooser.value.set_files({"name": "empty.csv", "mimeType": "text/csv", "buffer": b"user\n"})
    assert refused.value.status == 422 and refused.value.json()["error"] == "invalid_csv"
    expect(said).to_have_text("名单未上传到「名单」：请上传 1 到 100,000 个主站用户 ID，每行一个")
    expect(row.get_by_test_id("segment-members")).to_have_text("2 人")
