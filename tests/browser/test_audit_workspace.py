"""The auditors' workspace (/audit) in headless Chromium against a real demo server: shoppers spin, ops rotate
the seed period, and an auditor checks the periods, verifies one draw step by step in the browser, and
verifies the downloaded export (then a tampered copy) with the same verdict as ``carnival audit verify``."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from games.verify import CheckpointsError, VerificationError, parse_checkpoints, read_lines, verify_lines
from tests.browser.conftest import carnival
from tests.browser.test_ops_console import AUDITOR, OPS, by_testid, sign_in
from tests.e2e.audit_exports import prize_altered, write

pytestmark = pytest.mark.browser

SHOPPERS = 4
SPINS_EACH = 2
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

    ended = console.locator("[data-testid=period-row]:has([data-testid=period-seed]) [data-testid=commitment-check]")
    expect(ended).to_have_count(1)
    expect(ended).to_have_attribute("data-ok", "true")
    expect(console.locator('[data-testid=commitment-check][data-ok="false"]')).to_have_count(0)
    expect(by_testid(console, "reconcile-status")).to_have_attribute("data-ok", "true")
    expect(by_testid(console, "stats-version")).to_have_count(1)
    observed = by_testid(console, "stats-observed").all_inner_texts()
    assert sum(int(n) for n in observed) == SHOPPERS * SPINS_EACH
    link = by_testid(console, "checkpoints-link")
    expect(link).to_have_attribute("href", f"/api/campaigns/{revealed}/checkpoints")
    saved = console.request.get(f"{demo_server}{link.get_attribute('href')}").json()
    assert saved and all({"period", "count", "head_hash"} <= set(c) for c in saved)
    console.evaluate("window.location.hash = '#campaign=999999'")  # the address names another campaign
    expect(by_testid(console, "campaign")).to_be_hidden()
    console.evaluate(f"window.location.hash = '#campaign={revealed}'")
    expect(by_testid(console, "campaign-title")).to_have_text("白条狂欢季 · 幸运转盘")

    by_testid(console, "draw-seq").fill("3")
    by_testid(console, "verify-draw").click()

    expect(by_testid(console, "draw-summary")).to_have_class(re.compile("notice-ok"), timeout=VERIFY_TIMEOUT_MS)
    steps = by_testid(console, "step")
    expect(steps).to_have_count(len(STEPS))
    assert [steps.nth(i).get_attribute("data-step") for i in range(len(STEPS))] == STEPS
    expect(console.locator('[data-testid=step]:not([data-ok="true"])')).to_have_count(0)
    expect(console.locator("[data-step=hmac]")).to_contain_text(":0:0")  # the HMAC message client_seed:nonce:0

    by_testid(console, "lang-switch").click()
    expect(by_testid(console, "draw-summary")).to_have_text(f"All {len(STEPS)} steps pass.")


def test_the_export_verifies_in_the_browser_as_it_does_with_carnival_audit_verify(
    console: Page, demo_server: str, demo_workdir: Path, revealed: int, tmp_path: Path
) -> None:
    open_campaign(console, demo_server, revealed)
    path = tmp_path / "draws.jsonl"
    lines = download_export(console, demo_server, revealed, path)
    printed = carnival(demo_workdir, "audit", "verify", str(path))
    report = verify_lines(read_lines(str(path)))
    assert printed.startswith(f"OK: {report.draws} draws verified, chain head {report.head_hash} (")
    assert report.draws == SHOPPERS * SPINS_EACH

    by_testid(console, "export-file").set_input_files(str(path))

    expect(by_testid(console, "verdict-status")).to_have_attribute("data-ok", "true", timeout=VERIFY_TIMEOUT_MS)
    expect(by_testid(console, "verdict-draws")).to_have_text(str(report.draws))
    expect(by_testid(console, "verdict-head")).to_have_text(report.head_hash)
    for period, draws in report.periods.items():
        row = console.locator(f'[data-testid=verdict-period][data-key="{period}"]')
        expect(row.locator("td.num")).to_have_text(str(draws))
        expect(row).to_have_attribute("data-status", "verified")
        expect(row.locator("[data-testid=verdict-period-status]")).to_have_text("✓ 已验证")
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
    expect(by_testid(console, "verdict-reason")).to_contain_text("记录被篡改")
    period = json.loads(tampered[line - 1])["record"]["period"]
    expect(by_testid(console, "verdict-status")).to_have_text(f"未通过：第 {line} 行（周期 {period}）")
    failed_row = console.locator(f'[data-testid=verdict-period][data-key="{period}"]')
    expect(failed_row).to_have_attribute("data-status", "failed")
    expect(by_testid(console, "verify-progress")).to_have_attribute("data-outcome", "bad")  # the bar turns red
    expect(failed_row.locator("[data-testid=verdict-period-status]")).to_have_text(f"✗ 未通过（第 {line} 行）")
    expect(console.locator("[data-testid=verdict-period]")).to_have_count(len(report.periods))
    by_testid(console, "lang-switch").click()
    expect(failed_row.locator("[data-testid=verdict-period-status]")).to_have_text(f"✗ failed at line {line}")
    expect(by_testid(console, "verdict-status")).to_have_text(f"FAILED at line {line} (period {period})")
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

    twice = json.dumps(second, ensure_ascii=False).replace('"slot":', '"slot": 0, "slot":', 1)
    by_testid(console, "paste-record").fill(twice)
    by_testid(console, "verify-pasted").click()
    expect(by_testid(console, "draw-summary")).to_contain_text('同一个对象中字段 "slot" 出现了两次')


def test_ops_are_refused_and_english_is_one_click_away(console: Page, demo_server: str) -> None:
    sign_in(console, demo_server, OPS, "/audit")
    expect(by_testid(console, "forbidden")).to_be_visible()
    expect(console.locator("#app")).to_be_hidden()

    by_testid(console, "lang-switch").click()

    expect(console.locator("html")).to_have_attribute("lang", "en")
    expect(by_testid(console, "forbidden").locator("h1")).to_have_text("Not allowed")
