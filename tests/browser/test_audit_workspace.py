"""The auditors' workspace (/audit) in headless Chromium against a real demo server: shoppers spin, ops rotate
the seed period, and an auditor checks the periods, verifies one draw step by step in the browser, and
verifies the downloaded export (then a tampered copy) with the same verdict as ``carnival audit verify``.
Every mark is explained in words, times show the campaign's zone and UTC, and prizes their names."""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from games.fairness.verify import CheckpointsError, VerificationError, parse_checkpoints, read_lines, verify_lines
from server.demo import HISTORY_SHOPPERS, HISTORY_SPINS_EACH
from tests.browser.conftest import carnival
from tests.browser.test_ops_console import AUDITOR, OPS, by_testid, sign_in
from tests.e2e.audit_exports import prize_altered, write

pytestmark = pytest.mark.browser

SHOPPERS = 4
SPINS_EACH = 2
SHIPPED = len(HISTORY_SHOPPERS) * HISTORY_SPINS_EACH  # the draws of the demo's own ended period
DRAWS = SHOPPERS * SPINS_EACH + SHIPPED
STEPS = [
    "commitment",
    "config_hash",
    "record_hash",
    "chain",
    "hmac",
    "words",
    "integers",
    "pick",
    "grant",
    "amount",
    "slot",
]
VERIFY_TIMEOUT_MS = 20_000
ZONE = "Asia/Shanghai"  # the demo campaign's and the ops template's time zone
ZONE_LABELS = {"zh": "北京时间", "en": "Beijing time"}


def spin_as(browser: Browser, base_url: str, campaign: int, shopper: int) -> None:
    """Demo shopper number ``shopper`` opens ``campaign`` from the demo login page and spins once (the API)."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(f"{base_url}/dev/login")
        href = by_testid(page, "shopper-link").nth(shopper).get_attribute("href") or ""
        page.goto(base_url + re.sub(r"campaign=\d+", f"campaign={campaign}", href))
        page.wait_for_url(f"**/play/{campaign}")
        answer = context.request.post(
            f"{base_url}/api/play/{campaign}/wheel/spin",
            headers={"Idempotency-Key": str(uuid.uuid4()), "Origin": base_url},  # as the wheel page sends it
        )
        assert answer.status == 200, answer.text()
    finally:
        context.close()


@pytest.fixture(scope="module")
def revealed(browser: Browser, demo_server: str, demo_workdir: Path) -> int:
    """The demo campaign after 8 spins by 4 shoppers and a seed rotation (its first period revealed)."""
    context = browser.new_context()
    campaigns = context.request.get(f"{demo_server}/api/campaigns").json()
    context.close()
    campaign = next(c["id"] for c in campaigns if c["slug"] == "baitiao-carnival")
    for _ in range(SPINS_EACH):
        for shopper in range(SHOPPERS):
            spin_as(browser, demo_server, campaign, shopper)
    carnival(demo_workdir, "seeds", "rotate", "--campaign", str(campaign))
    return campaign


def open_campaign(console: Page, base_url: str, campaign: int) -> None:
    """Sign in at /audit as the demo auditor and open ``campaign``."""
    sign_in(console, base_url, AUDITOR, "/audit")
    console.locator(f'[data-testid=campaign-row][data-id="{campaign}"] [data-testid=campaign-open]').click()
    expect(by_testid(console, "campaign-title")).to_have_text("白条狂欢季 · 幸运转盘")


def zoned(iso: str, lang: str = "zh") -> tuple[str, str]:
    """An instant as the workspace shows it: in the campaign's zone, then in UTC (its date only when it differs)."""
    moment = datetime.fromisoformat(iso)
    local, utc = moment.astimezone(ZoneInfo(ZONE)), moment.astimezone(UTC)
    utc_text = utc.strftime("%H:%M:%S UTC" if utc.date() == local.date() else "%Y-%m-%d %H:%M:%S UTC")
    return local.strftime(f"%Y-%m-%d %H:%M:%S {ZONE_LABELS[lang]}"), utc_text


def publish_template(browser: Browser, base_url: str) -> int:
    """As the demo ops account (in a context of its own), publish the console's template started an hour ago:
    a campaign with a current seed period and none revealed; returns its id."""
    context = browser.new_context(extra_http_headers={"Origin": base_url})  # as the console's pages send it
    try:
        api = context.request
        signed_in = api.post(f"{base_url}/api/session/staff", data={"username": OPS[0], "password": OPS[1]})
        assert signed_in.ok, signed_in.text()
        body = api.get(f"{base_url}/api/ops/campaigns/template").json()
        body["starts_at"] = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
        created = api.post(f"{base_url}/api/ops/campaigns", data=body)
        assert created.status == 201, created.text()
        campaign = created.json()["id"]
        revision = api.get(f"{base_url}/api/ops/campaigns/{campaign}").json()["draft"]["revision"]
        published = api.post(
            f"{base_url}/api/ops/campaigns/{campaign}/publish", data={"revision": revision, "acknowledged": []}
        )
        assert published.ok, published.text()
        return campaign
    finally:
        context.close()


def download_export(console: Page, base_url: str, campaign: int, path: Path) -> list[str]:
    """The campaign's export fetched with the auditor's session, saved to ``path``; returns its lines."""
    answer = console.request.get(f"{base_url}/api/audit/campaigns/{campaign}/export")
    assert answer.status == 200
    path.write_bytes(answer.body())
    return path.read_text("utf-8").splitlines()


def test_an_auditor_checks_periods_and_verifies_one_draw_step_by_step(
    console: Page, demo_server: str, revealed: int
) -> None:
    open_campaign(console, demo_server, revealed)

    revealed_checks = console.locator(
        "[data-testid=period-row]:has([data-testid=period-seed]) [data-testid=commitment-check]"
    )
    expect(revealed_checks).to_have_count(2)  # the demo's own ended period, and the one this module rotated
    expect(revealed_checks.nth(1)).to_have_attribute("data-ok", "true")
    ended = revealed_checks.first  # the newest
    expect(ended).to_have_attribute("data-ok", "true")
    expect(console.locator('[data-testid=commitment-check][data-ok="false"]')).to_have_count(0)
    expect(ended.locator("[data-testid=why]")).to_be_visible()
    expect(ended.locator("[data-testid=why]")).to_have_text(
        "本页计算的 SHA-256(种子) 等于公布的承诺：揭示的正是事先承诺的种子。"
    )
    secret = console.locator(
        "[data-testid=period-row]:not(:has([data-testid=period-seed])) [data-testid=commitment-check]"
    )
    expect(secret.first).to_have_attribute("data-ok", "null")
    expect(secret.first.locator("[data-testid=why]")).to_have_text("种子在周期结束后公开，届时才能核对。")
    expect(by_testid(console, "periods-empty")).to_be_hidden()  # a seed is revealed

    periods = console.request.get(f"{demo_server}/api/audit/campaigns/{revealed}/periods").json()
    ended_period = next(p for p in periods if p["server_seed"])
    row = console.locator(f'[data-testid=period-row][data-key="{ended_period["key"]}"]')
    committed = row.locator("[data-testid=period-committed-at]")
    local, utc = zoned(ended_period["committed_at"])
    expect(committed.locator("[data-testid=local-time]")).to_have_text(local)
    expect(committed.locator("[data-testid=utc-time]")).to_have_text(f"/ {utc}")
    span = row.locator("[data-testid=period-span] [data-testid=local-time]")
    expect(span).to_have_text([zoned(ended_period["starts_at"])[0], zoned(ended_period["ends_at"])[0]])
    before = row.locator("[data-testid=period-before-draws]")
    expect(before).to_have_attribute("data-ok", "true")
    first_draw = " / ".join(zoned(ended_period["first_draw_at"]))
    expect(before.locator("[data-testid=why]")).to_have_text(
        f"承诺在本周期首次抽奖（{first_draw}）之前已公布：抽奖时种子已锁定。"
    )

    expect(by_testid(console, "reconcile-status")).to_have_attribute("data-ok", "true")
    expect(by_testid(console, "reconcile-log")).to_have_attribute("data-ok", "true")
    expect(by_testid(console, "reconcile-log").locator("[data-testid=why]")).to_contain_text(
        f"{DRAWS} 条抽奖记录已逐条与发放流水核对"
    )
    expect(by_testid(console, "reconcile-budget").locator("[data-testid=why]")).to_contain_text(
        "等于预算记载的已用金额"
    )
    expect(by_testid(console, "stats-version")).to_have_count(1)
    expect(by_testid(console, "stats-why")).to_contain_text("卡方检验")
    observed = by_testid(console, "stats-observed").all_inner_texts()
    assert sum(int(n) for n in observed) == DRAWS
    prizes = console.request.get(f"{demo_server}/api/campaigns/{revealed}/rules").json()["prizes"]
    for prize in prizes:
        name = console.locator(f'[data-testid=stats-row][data-key="{prize["key"]}"] [data-testid=prize-name]')
        expect(name).to_have_text(prize["name"])
    link = by_testid(console, "checkpoints-link")
    expect(link).to_have_attribute("href", f"/api/campaigns/{revealed}/checkpoints")
    saved = console.request.get(f"{demo_server}{link.get_attribute('href')}").json()
    assert saved and all({"period", "count", "head_hash"} <= set(c) for c in saved)
    console.evaluate("window.location.hash = '#campaign=999999'")  # the address names another campaign
    expect(by_testid(console, "campaign")).to_be_hidden()
    console.evaluate(f"window.location.hash = '#campaign={revealed}'")
    expect(by_testid(console, "campaign-title")).to_have_text("白条狂欢季 · 幸运转盘")

    by_testid(console, "draw-seq").fill(str(SHIPPED + 1))  # this module's first draw: a shopper's nonce 0
    by_testid(console, "verify-draw").click()

    expect(by_testid(console, "draw-summary")).to_have_class(re.compile("notice-ok"), timeout=VERIFY_TIMEOUT_MS)
    steps = by_testid(console, "step")
    expect(steps).to_have_count(len(STEPS))
    assert [steps.nth(i).get_attribute("data-step") for i in range(len(STEPS))] == STEPS
    expect(console.locator('[data-testid=step]:not([data-ok="true"])')).to_have_count(0)
    expect(console.locator("[data-step=hmac]")).to_contain_text(":0:0")  # the HMAC message client_seed:nonce:0
    expect(by_testid(console, "step-why")).to_have_count(len(STEPS))  # one sentence per step, each visible
    for i in range(len(STEPS)):
        expect(by_testid(console, "step-why").nth(i)).to_be_visible()
    expect(console.locator("[data-step=record_hash] [data-testid=step-why]")).to_have_text(
        "本页算出的记录哈希与记录的 hash 相同：记录写入后没有被改动。"
    )
    record = next(
        json.loads(line)["record"]
        for line in console.request.get(f"{demo_server}/api/audit/campaigns/{revealed}/export").text().splitlines()
        if '"type":"draw"' in line and json.loads(line)["record"]["seq"] == SHIPPED + 1
    )
    picked = next(p for p in prizes if p["key"] == record["prize"])
    expect(console.locator("[data-step=pick] [data-testid=step-why]")).to_contain_text(
        f"{picked['name']}（{picked['key']}）"
    )
    chosen = console.locator("[data-step=pick] tr.chosen")
    expect(chosen.locator("[data-testid=prize-name]")).to_have_text(picked["name"])
    expect(console.locator("[data-step=grant] [data-testid=prize-name]").first).to_have_text(picked["name"])

    by_testid(console, "lang-switch").click()
    expect(by_testid(console, "draw-summary")).to_have_text(f"All {len(STEPS)} steps pass.")
    expect(by_testid(console, "step-why")).to_have_count(len(STEPS))  # said again in English, not added
    expect(console.locator("[data-step=record_hash] [data-testid=step-why]")).to_have_text(
        "The record's hash, computed here, is its hash: it was not altered after it was written."
    )
    expect(chosen.locator("[data-testid=prize-name]")).to_have_text(picked["name_en"])
    expect(ended.locator("[data-testid=why]")).to_have_count(1)
    expect(ended.locator("[data-testid=why]")).to_contain_text("equals the published commitment")
    expect(committed.locator("[data-testid=local-time]")).to_have_text(zoned(ended_period["committed_at"], "en")[0])


def test_the_export_verifies_in_the_browser_as_it_does_with_carnival_audit_verify(
    console: Page, demo_server: str, demo_workdir: Path, revealed: int, tmp_path: Path
) -> None:
    open_campaign(console, demo_server, revealed)
    path = tmp_path / "draws.jsonl"
    lines = download_export(console, demo_server, revealed, path)
    printed = carnival(demo_workdir, "audit", "verify", str(path))
    report = verify_lines(read_lines(str(path)))
    assert printed.startswith(f"OK: {report.draws} draws verified, chain head {report.head_hash} (")
    assert report.draws == DRAWS

    by_testid(console, "export-file").set_input_files(str(path))

    expect(by_testid(console, "verdict-status")).to_have_attribute("data-ok", "true", timeout=VERIFY_TIMEOUT_MS)
    expect(by_testid(console, "verdict-draws")).to_have_text(str(report.draws))
    expect(by_testid(console, "verdict-head")).to_have_text(report.head_hash)
    for period, draws in report.periods.items():
        row = console.locator(f'[data-testid=verdict-period][data-key="{period}"]')
        expect(row.locator("td.num")).to_have_text(str(draws))
        expect(row).to_have_attribute("data-status", "verified")
        expect(row.locator("[data-testid=verdict-period-status]")).to_have_text("✓ 已验证")
        expect(row.locator("[data-testid=why]")).to_have_text(
            f"本周期 {draws} 次抽奖全部在本页重算一致：承诺、记录哈希、哈希链、nonce 顺序与抽奖结果。"
        )
    expect(by_testid(console, "progress-text")).to_contain_text(f"{report.draws} 次抽奖")
    expect(by_testid(console, "verify-progress")).to_have_attribute("data-outcome", "good")

    tampered, line, why = prize_altered(lines)
    with pytest.raises(VerificationError) as python:
        verify_lines(read_lines(str(write(tmp_path / "tampered.jsonl", tampered))))
    assert (python.value.line, python.value.message) == (line, why)

    by_testid(console, "export-file").set_input_files(str(tmp_path / "tampered.jsonl"))

    expect(by_testid(console, "verdict-status")).to_have_attribute("data-ok", "false", timeout=VERIFY_TIMEOUT_MS)
    expect(by_testid(console, "verdict-line")).to_have_text(str(line))
    expect(by_testid(console, "verdict-message")).to_have_text(f"line {line}: {why}")
    expect(by_testid(console, "verdict-message")).to_be_hidden()  # the verifier's English words, folded away
    expect(by_testid(console, "verdict-reason")).to_contain_text("记录被篡改")
    console.locator("details.original summary").click()
    expect(by_testid(console, "verdict-message")).to_be_visible()
    period = json.loads(tampered[line - 1])["record"]["period"]
    expect(by_testid(console, "verdict-status")).to_have_text(f"未通过：第 {line} 行（周期 {period}）")
    failed_row = console.locator(f'[data-testid=verdict-period][data-key="{period}"]')
    expect(failed_row).to_have_attribute("data-status", "failed")
    expect(by_testid(console, "verify-progress")).to_have_attribute("data-outcome", "bad")  # the bar turns red
    expect(failed_row.locator("[data-testid=verdict-period-status]")).to_have_text(f"✗ 未通过（第 {line} 行）")
    expect(failed_row.locator("[data-testid=why]")).to_have_text(f"本周期第 {line} 行的记录重算不一致，原因见上。")
    expect(console.locator("[data-testid=verdict-period]")).to_have_count(len(report.periods))
    by_testid(console, "lang-switch").click()
    expect(failed_row.locator("[data-testid=verdict-period-status]")).to_have_text(f"✗ failed at line {line}")
    expect(failed_row.locator("[data-testid=why]")).to_contain_text(f"The record on line {line}")
    expect(by_testid(console, "verdict-status")).to_have_text(f"FAILED at line {line} (period {period})")
    expect(by_testid(console, "verdict-reason")).to_have_text(why)  # the reason once, in English
    expect(by_testid(console, "export-verdict")).not_to_contain_text(f"line {line}: {why}")
    expect(by_testid(console, "verdict-message")).to_have_count(0)
    by_testid(console, "lang-switch").click()

    by_testid(console, "verify-server-export").click()  # the campaign's export streamed from the server
    expect(by_testid(console, "verdict-status")).to_have_attribute("data-ok", "true", timeout=VERIFY_TIMEOUT_MS)
    expect(by_testid(console, "verdict-head")).to_have_text(report.head_hash)


def test_saved_checkpoints_and_lines_are_read_strictly_as_carnival_audit_verify_reads_them(
    console: Page, demo_server: str, revealed: int, tmp_path: Path
) -> None:
    open_campaign(console, demo_server, revealed)
    lines = download_export(console, demo_server, revealed, tmp_path / "draws.jsonl")
    answer = console.request.get(f"{demo_server}/api/campaigns/{revealed}/checkpoints")
    saved = answer.body()
    assert answer.status == 200 and b'"count":' in saved
    (tmp_path / "saved.json").write_bytes(saved)
    (tmp_path / "bad.json").write_bytes(saved.replace(b'"count":', b'"count":"1","count":', 1))
    wrong = [item | {"count": str(item["count"])} for item in json.loads(saved)]
    (tmp_path / "wrong.json").write_text(json.dumps(wrong), "utf-8")
    for name, why in (
        ("bad.json", 'member "count" appears twice in one object'),
        ("wrong.json", "entry 1: count must"),
    ):
        with pytest.raises(CheckpointsError, match=why):
            parse_checkpoints((tmp_path / name).read_bytes())

    by_testid(console, "checkpoints-file").set_input_files(str(tmp_path / "wrong.json"))
    by_testid(console, "export-file").set_input_files(str(tmp_path / "draws.jsonl"))
    expect(by_testid(console, "verdict-status")).to_have_attribute("data-ok", "false", timeout=VERIFY_TIMEOUT_MS)
    expect(by_testid(console, "verdict-line")).to_have_text("–")
    expect(by_testid(console, "verdict-message")).to_have_text(
        re.compile(r'^cannot read checkpoints wrong\.json: entry 1: count must be an integer from 0, not "\d+"$')
    )
    expect(by_testid(console, "verdict-reason")).to_contain_text("无法读取检查点文件 wrong.json：第 1 项：count 必须是")
    by_testid(console, "checkpoints-file").set_input_files(str(tmp_path / "bad.json"))
    by_testid(console, "export-file").set_input_files(str(tmp_path / "draws.jsonl"))
    expect(by_testid(console, "verdict-message")).to_have_text(
        'cannot read checkpoints bad.json: member "count" appears twice in one object', timeout=VERIFY_TIMEOUT_MS
    )
    by_testid(console, "checkpoints-file").set_input_files(str(tmp_path / "saved.json"))
    by_testid(console, "export-file").set_input_files(str(tmp_path / "draws.jsonl"))
    expect(by_testid(console, "verdict-status")).to_have_attribute("data-ok", "true", timeout=VERIFY_TIMEOUT_MS)

    at = next(i for i, line in enumerate(lines) if '"type":"draw"' in line)
    forged = [*lines[:at], lines[at].replace('"prize":', '"prize":"x","prize":', 1), *lines[at + 1 :]]
    by_testid(console, "export-file").set_input_files(str(write(tmp_path / "forged.jsonl", forged)))
    expect(by_testid(console, "verdict-status")).to_have_attribute("data-ok", "false", timeout=VERIFY_TIMEOUT_MS)
    expect(by_testid(console, "verdict-message")).to_have_text(
        f'line {at + 1}: member "prize" appears twice in one object'
    )
    expect(by_testid(console, "verdict-reason")).to_have_text('同一个对象中字段 "prize" 出现了两次')


def test_a_pasted_record_is_verified_and_a_forged_one_fails(
    console: Page, demo_server: str, revealed: int, tmp_path: Path
) -> None:
    open_campaign(console, demo_server, revealed)
    items = [json.loads(line) for line in download_export(console, demo_server, revealed, tmp_path / "d.jsonl")]
    config = next(item for item in items if item["type"] == "config")
    period = next(item for item in items if item["type"] == "period")
    first, second = (item["record"] for item in items if item["type"] == "draw" and item["record"]["seq"] in (1, 2))

    by_testid(console, "tab-by-paste").click()
    by_testid(console, "paste-record").fill(json.dumps({"type": "draw", "record": second}, ensure_ascii=False))
    by_testid(console, "paste-config").fill(json.dumps(config["config"], ensure_ascii=False))
    by_testid(console, "paste-seed").fill(period["server_seed"])
    by_testid(console, "paste-previous").fill(first["hash"])
    by_testid(console, "verify-pasted").click()
    expect(by_testid(console, "draw-summary")).to_have_class(re.compile("notice-ok"), timeout=VERIFY_TIMEOUT_MS)
    expect(console.locator('[data-testid=step]:not([data-ok="true"])')).to_have_count(0)

    forged = {**second, "detail": {**second["detail"], "slot": (second["detail"]["slot"] + 1) % 8}}
    by_testid(console, "paste-record").fill(json.dumps(forged, ensure_ascii=False))
    by_testid(console, "verify-pasted").click()
    expect(by_testid(console, "draw-summary")).to_have_class(re.compile("notice-error"))
    failed = console.locator('[data-testid=step][data-ok="false"]')
    expect(failed).to_have_count(2)
    assert {failed.nth(i).get_attribute("data-step") for i in range(2)} == {"record_hash", "slot"}
    record_why = console.locator("[data-step=record_hash] [data-testid=step-why]")
    expect(record_why).to_be_visible()
    expect(record_why).to_contain_text("记录被改动过")
    expect(record_why).to_contain_text(f"记录的 hash 却是 {second['hash'][:16]}…")
    expect(console.locator("[data-step=slot] [data-testid=step-why]")).to_have_text(
        f"按抽取应停在格位 {second['detail']['slot']}，记录却是 {forged['detail']['slot']}。"
    )

    twice = json.dumps(second, ensure_ascii=False).replace('"slot":', '"slot": 0, "slot":', 1)
    by_testid(console, "paste-record").fill(twice)
    by_testid(console, "verify-pasted").click()
    expect(by_testid(console, "draw-summary")).to_contain_text('同一个对象中字段 "slot" 出现了两次')


def test_ops_are_refused_and_english_is_one_click_away(console: Page, demo_server: str) -> None:
    sign_in(console, demo_server, (OPS[0], "not-the-password"), "/audit")
    expect(by_testid(console, "login-error")).to_have_text("用户名或密码错误")
    by_testid(console, "lang-switch").click()
    expect(by_testid(console, "login-error")).to_have_text("Wrong username or password")  # told again, in English
    by_testid(console, "lang-switch").click()
    by_testid(console, "login-password").fill(OPS[1])
    by_testid(console, "login-submit").click()
    expect(by_testid(console, "forbidden")).to_be_visible()
    expect(console.locator("#app")).to_be_hidden()

    by_testid(console, "lang-switch").click()

    expect(console.locator("html")).to_have_attribute("lang", "en")
    expect(by_testid(console, "forbidden").locator("h1")).to_have_text("Not allowed")


def forge_periods(route: Route) -> None:
    """The periods answer with the revealed seed replaced and its commitment made after the first draw."""
    periods = route.fetch().json()
    for period in periods:
        if period["server_seed"]:
            period["server_seed"] = "ab" * 32
            period["committed_at"] = period["ends_at"]
            period["committed_before_draws"] = False
    route.fulfill(json=periods)


def mismatched_reconciliation(route: Route) -> None:
    """The reconciliation answer with a draw's grant missing and the budget off by one yuan."""
    result = route.fetch().json()
    missing = {"problem": "the log grants 'points_10' but the ledger has no grant", "seq": 2, "grant_key": None}
    budget = {"problem": "the budget says 1 fen were spent but the grants cost 0 fen", "seq": None, "grant_key": None}
    result.update(ok=False, budget_spent_fen=result["granted_cost_fen"] + 100, mismatches=[missing, budget])
    route.fulfill(json=result)


def test_failed_checks_and_errors_are_explained_once_in_the_chosen_language(
    console: Page, demo_server: str, revealed: int
) -> None:
    base = f"**/api/audit/campaigns/{revealed}"
    console.route(f"{base}/periods", forge_periods)
    console.route(f"{base}/reconciliation", mismatched_reconciliation)
    missing = {"error": "campaign_not_found", "message": "campaign not found"}
    console.route(f"{base}/stats", lambda route: route.fulfill(status=404, json=missing))
    open_campaign(console, demo_server, revealed)
    periods = console.request.get(f"{demo_server}/api/audit/campaigns/{revealed}/periods").json()
    ended = next(p for p in periods if p["server_seed"])
    row = console.locator(f'[data-testid=period-row][data-key="{ended["key"]}"]')
    points = next(
        p
        for p in console.request.get(f"{demo_server}/api/campaigns/{revealed}/rules").json()["prizes"]
        if p["key"] == "points_10"
    )

    check = row.locator("[data-testid=commitment-check]")
    expect(check).to_have_attribute("data-ok", "false")
    computed = hashlib.sha256(bytes.fromhex("ab" * 32)).hexdigest()
    expect(check.locator("[data-testid=why]")).to_be_visible()
    expect(check.locator("[data-testid=why]")).to_have_text(
        f"本页计算的 SHA-256(种子) 为 {computed[:12]}…，不等于公布的承诺：揭示的不是事先承诺的种子。"
    )
    before = row.locator("[data-testid=period-before-draws]")
    expect(before).to_have_attribute("data-ok", "false")
    first_draw = " / ".join(zoned(ended["first_draw_at"]))
    expect(before.locator("[data-testid=why]")).to_have_text(
        f"承诺晚于本周期首次抽奖（{first_draw}）才公布：种子可能是看到抽奖后才定的。"
    )

    expect(by_testid(console, "reconcile-status")).to_have_attribute("data-ok", "false")
    log = by_testid(console, "reconcile-log")
    expect(log).to_have_attribute("data-ok", "false")
    expect(log.locator("[data-testid=why]")).to_have_text(
        f"{DRAWS} 条抽奖记录与发放流水核对时有 1 处对不上，见下方明细。"
    )
    expect(by_testid(console, "reconcile-budget")).to_have_attribute("data-ok", "false")
    expect(by_testid(console, "reconcile-budget").locator("[data-testid=why]")).to_contain_text("两者不等")
    listed = by_testid(console, "mismatch")
    expect(listed).to_have_count(2)
    expect(listed.first).to_have_text(f"seq 2 日志发放 'points_10' ({points['name']})，流水中却没有对应的发放")
    expect(by_testid(console, "page-message")).to_have_text("活动不存在")

    by_testid(console, "lang-switch").click()
    expect(check.locator("[data-testid=why]")).to_have_text(
        f"SHA-256 of the seed, computed here, is {computed[:12]}…, not the published commitment: "
        "this is not the seed committed to."
    )
    expect(listed).to_have_count(2)
    expect(listed.first).to_have_text(
        f"seq 2 the log grants 'points_10' ({points['name_en']}) but the ledger has no grant"
    )
    expect(log.locator("[data-testid=why]")).to_contain_text("found 1 mismatches")
    expect(by_testid(console, "page-message")).to_have_text("No such campaign")
    expect(console.locator("[role=alert]:visible")).to_have_count(1)


def test_a_campaign_with_no_revealed_seed_says_when_the_next_one_is_revealed(
    console: Page, browser: Browser, demo_server: str
) -> None:
    campaign = publish_template(browser, demo_server)
    sign_in(console, demo_server, AUDITOR, "/audit")
    console.locator(f'[data-testid=campaign-row][data-id="{campaign}"] [data-testid=campaign-open]').click()
    periods = console.request.get(f"{demo_server}/api/audit/campaigns/{campaign}/periods").json()
    assert periods and not any(p["server_seed"] for p in periods)
    current = next(p for p in periods if p["status"] == "current")

    empty = by_testid(console, "periods-empty")
    expect(empty).to_be_visible()
    local, utc = zoned(current["ends_at"])
    expect(empty).to_have_text(
        "本活动还没有已揭示的种子：种子在其周期结束后公开。"
        f"下一个种子将于 {local} / {utc} 揭示（当前周期 {current['key']} 结束时）。"
    )
    expect(by_testid(console, "period-row")).to_have_count(len(periods))
    expect(by_testid(console, "stats-empty")).to_be_visible()

    by_testid(console, "lang-switch").click()
    local, utc = zoned(current["ends_at"], "en")
    expect(empty).to_contain_text(f"The next seed will be revealed at {local} / {utc}")
    expect(console.locator("[data-testid=periods-empty]:visible")).to_have_count(1)
