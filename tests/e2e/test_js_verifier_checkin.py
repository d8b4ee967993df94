"""Check-in draws, which pick no pool prize, verified alike by games.fairness.verify and the auditors' JavaScript
verifier (web/static/audit/, run under Node): a campaign of check-ins played through the app and exported passes
both; a forged points, tier or prize (the record hashed again, the chain and its checkpoints relinked, so that
only the check-in's step can see it) fails both on the same line with the same message; the step-by-step
explanation shows the integer, the tier and the points, and the page says it in Chinese and English."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from games.fairness.rng import content_hash
from server import clock as period_clock
from tests.conftest import Clock, add_campaign, build_app, seal_logs
from tests.e2e.audit_exports import run, verify
from tests.e2e.checkin_support import act, checkin_config, login_tier, view
from tests.e2e.js_verifier import (
    GENESIS,
    Verdict,
    assert_agree,
    js_verdict,
    js_verdicts,
    python_verdict,
    resealed,
    run_node,
    text_of,
)
from tests.e2e.test_js_verifier_mutations import mutations
from tests.services import node_path
from tests.unit.games.fairness.test_rng import EXPORT

TIERS = [
    {"code": "normal", "name": "普通会员", "name_en": "Member", "points_min": 10, "points_max": 20},
    {"code": "gold", "name": "金牌会员", "name_en": "Gold", "points_min": 30, "points_max": 40},
]
SHOPPERS = ("normal", "gold", "normal", "gold")  # the first misses the second day and makes it up on the third
DAYS = 3
DRAWS = len(SHOPPERS) * DAYS
AUDIT = Path(__file__).resolve().parents[2] / "web" / "static" / "audit"
STEPS = ["commitment", "config_hash", "record_hash", "chain", "hmac", "words", "integers", "no_pick", "checkin"]
CJK = re.compile("[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
NO_PICK = "a checkin record picks no prize, but it names prize, granted or a reason"


@dataclass(frozen=True)
class Played:
    """The export of a played check-in campaign: its lines (without line ends) and its file."""

    lines: list[str]
    path: Path

    def items(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.lines]

    def records(self) -> list[dict[str, Any]]:
        return [item["record"] for item in self.items() if item["type"] == "draw"]

    def config(self) -> dict[str, Any]:
        return next(item["config"] for item in self.items() if item["type"] == "config")

    def period(self, key: str) -> dict[str, Any]:
        return next(item for item in self.items() if item["type"] == "period" and item["key"] == key)


@pytest.fixture(scope="module")
def played(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Played]:
    """Four shoppers of two tiers check in for three days (one misses a day and makes it up), the campaign ends
    and its draws are exported (on SQLite: what is checked here is the export, not the database)."""
    folder = tmp_path_factory.mktemp("checkin-export")
    clock = Clock()
    app = build_app(f"sqlite:///{folder / 'carnival.db'}", clock)
    try:
        campaign = play(app, clock)
        seal_logs(app)
        clock.advance(days=31)  # past the campaign's end: every period closed, every seed revealed
        period_clock.tick(app)
        path = folder / "checkin.jsonl"
        exported = run(app, "audit", "export", "--campaign", str(campaign), "--out", str(path))
        assert exported.exit_code == 0 and f"wrote {DRAWS} draws" in exported.output, exported.output
        yield Played(path.read_text("utf-8").splitlines(), path)
    finally:
        app.extensions["carnival.engine"].dispose()


def play(app: Flask, clock: Clock) -> int:
    campaign = add_campaign(app, checkin_config(tiers=TIERS))
    shoppers = []
    for number, tier in enumerate(SHOPPERS):
        shoppers.append(app.test_client())
        login_tier(shoppers[-1], f"checkin-audit-{number}", tier=tier)
    for day in range(DAYS):
        for number, shopper in enumerate(shoppers):
            if (number, day) != (0, 1):
                assert act(shopper, campaign, "check_in").status_code == 200
        clock.advance(days=1)
    clock.advance(days=-1)
    missed = date.fromisoformat(view(shoppers[0], campaign)["today"]) - timedelta(days=1)
    made_up = act(shoppers[0], campaign, "make_up", {"day": missed.isoformat()})
    assert made_up.status_code == 200, made_up.json
    return campaign


def forged(lines: list[str], seq: int, change: dict[str, Any]) -> list[str]:
    """What a forger holding the export would do: record ``seq`` changed by ``change`` (``detail`` members merged),
    every config and record hashed and chained again, and the export's checkpoints and end line moved to the new
    chain."""
    items = [json.loads(line) for line in lines]
    for item in items:
        if item["type"] == "draw" and item["record"]["seq"] == seq:
            item["record"] |= change | {"detail": item["record"]["detail"] | change.get("detail", {})}
    relinked = [json.loads(line) for line in resealed([json.dumps(item, ensure_ascii=False) for item in items])]
    heads = [GENESIS] + [item["record"]["hash"] for item in relinked if item["type"] == "draw"]
    for item in relinked:
        if item["type"] == "checkpoint":
            item["head_hash"] = heads[item["count"]]
    return [json.dumps(item, ensure_ascii=False) for item in relinked]


def line_of(lines: list[str], seq: int) -> int:
    """The line number of the draw line holding record ``seq``."""
    items = enumerate((json.loads(line) for line in lines), start=1)
    return next(n for n, item in items if item["type"] == "draw" and item["record"]["seq"] == seq)


def last_of(records: list[dict[str, Any]], tier: int) -> dict[str, Any]:
    """The last record of a shopper of ``tier`` (in the last period: behind every checkpoint but the last)."""
    return [r for r in records if r["detail"]["tier"] == tier][-1]


# --- a clean export -------------------------------------------------------------------------------------------


def test_a_check_in_export_passes_both_verifiers(played: Played) -> None:
    checked = verify(played.path)
    assert checked.exit_code == 0 and checked.stdout.startswith(f"OK: {DRAWS} draws verified"), checked.output
    js = js_verdict(run_node("file", None, str(played.path)))
    assert js.ok and js.draws == DRAWS and js == python_verdict(played.path.read_bytes())


def test_each_check_in_record_names_no_prize_and_draws_its_points_from_its_tier(played: Played) -> None:
    records = played.records()
    assert len(records) == DRAWS and {r["game"] for r in records} == {"checkin"}
    for record in records:
        assert (record["prize"], record["granted"], record["fallback_reason"]) == ("", None, None)
        assert set(record["detail"]) == {"day", "makeup", "paid", "points", "tier"}
        assert record["detail"]["paid"] == 1  # the points reached the ledger
        tier = TIERS[record["detail"]["tier"]]
        low, high = tier["points_min"], tier["points_max"]
        assert record["draws"] == [[high - low + 1, record["detail"]["points"] - low]]
    assert {r["detail"]["tier"] for r in records} == {0, 1}
    assert [r["detail"]["makeup"] for r in records].count(1) == 1
    assert len({r["detail"]["points"] for r in records}) > 2  # drawn, not fixed


# --- forgeries only the check-in's step can see ----------------------------------------------------------------


def forgeries(played: Played) -> dict[str, tuple[list[str], int, str]]:
    """Name -> (forged export lines, failing line, message)."""
    records = played.records()
    gold, normal = last_of(records, 1), last_of(records, 0)
    made_up = next(r for r in records if r["detail"]["makeup"] == 1)
    points, normal_points = gold["detail"]["points"], normal["detail"]["points"]
    other = points + 1 if points < 40 else points - 1
    cases = {
        "points": (gold, {"detail": {"points": other}}, f"check-in points {other} but the draw gives {points}"),
        # gold's range has as many points as the normal one: the draw's range still fits, its points do not
        "tier": (
            normal,
            {"detail": {"tier": 1}},
            f"check-in points {normal_points} but the draw gives {normal_points + 20}",
        ),
        "prize": (normal, {"prize": "thanks"}, NO_PICK),
        "granted": (gold, {"granted": "streak7"}, NO_PICK),
        "reason": (made_up, {"fallback_reason": "out_of_stock"}, NO_PICK),
        "amount": (gold, {"detail": {"amount_fen": 88}}, "an amount_fen in a checkin record, which draws none"),
        "unknown_tier": (normal, {"detail": {"tier": 2}}, "check-in tier 2 is not one of the config's 2 tiers"),
        "makeup": (made_up, {"detail": {"makeup": 2}}, "check-in makeup is neither 0 nor 1"),
        "paid": (gold, {"detail": {"paid": 2}}, "check-in paid is neither 0 nor 1, or pays 0 points"),
        "second_draw": (gold, {"draws": [*gold["draws"], [1, 0]]}, "a check-in has 1 draw, not 2"),  # 0 below 1
    }
    return {
        name: (forged(played.lines, r["seq"], change), line_of(played.lines, r["seq"]), f"record seq {r['seq']}: {why}")
        for name, (r, change, why) in cases.items()
    }


def test_the_forgers_tool_alone_keeps_the_export_valid(played: Played) -> None:
    """An export relinked without a change is the same export: it still passes both."""
    relinked = forged(played.lines, 1, {})
    assert [json.loads(line) for line in relinked] == played.items()
    assert_agree({"relinked": text_of(relinked)})


def test_forged_points_tier_or_prize_fail_both_verifiers_with_the_same_message(played: Played) -> None:
    cases = forgeries(played)
    verdicts = js_verdicts([text_of(lines) for lines, _, _ in cases.values()])
    for (name, (lines, line, why)), js in zip(cases.items(), verdicts, strict=True):
        assert python_verdict(text_of(lines)) == js == Verdict(False, line, why), name


def test_a_config_whose_tiers_changed_fails_both_verifiers_alike(played: Played) -> None:
    """The config rewritten and hashed again (its records renamed and relinked): a gold check-in's range no
    longer fits, and without tiers no check-in can be checked."""
    config_at = next(i for i, item in enumerate(played.items()) if item["type"] == "config")

    def with_tiers(tiers: list[dict[str, Any]] | None) -> list[str]:
        item = played.items()[config_at]
        checkin = item["config"]["games"]["checkin"]
        del checkin["tiers"]
        checkin |= {} if tiers is None else {"tiers": tiers}
        return forged([*played.lines[:config_at], json.dumps(item), *played.lines[config_at + 1 :]], 1, {})

    wider, without = with_tiers([TIERS[0], TIERS[1] | {"points_max": 41}]), with_tiers(None)
    gold = min(r["seq"] for r in played.records() if r["detail"]["tier"] == 1)
    renamed = json.loads(without[config_at])["hash"][:12]
    wider_why = "check-in draw range 11 is not the 12 daily points of tier 1"
    missing = "has no check-in tiers (a list of objects with integer points_min and points_max)"
    cases = {
        "wider": (wider, line_of(played.lines, gold), f"record seq {gold}: {wider_why}"),
        "without": (without, line_of(played.lines, 1), f"record seq 1: config {renamed} {missing}"),
    }
    verdicts = js_verdicts([text_of(lines) for lines, _, _ in cases.values()])
    for (name, (lines, line, why)), js in zip(cases.items(), verdicts, strict=True):
        assert python_verdict(text_of(lines)) == js == Verdict(False, line, why), name


def test_thousands_of_mutations_of_a_check_in_export_get_the_same_verdict_line_and_message(played: Played) -> None:
    """Every field of a short check-in export (its first period's first three records) deleted or set to odd
    values, raw and resealed, and each line cut, followed by junk or repeated (test_js_verifier_mutations.py)."""
    first = played.records()[0]["period"]
    kept = [
        line
        for line, item in zip(played.lines, played.items(), strict=True)
        if item["type"] in ("header", "config", "end")
        or (item["type"] == "period" and item["key"] == first)
        or (item["type"] == "draw" and item["record"]["seq"] <= 3)
    ]
    short = resealed(kept)
    assert python_verdict(text_of(short)).draws == 3
    cases = dict(mutations("checkin", short))
    assert len(cases) > 2000, len(cases)
    assert_agree(cases)


# --- the step-by-step explanation -------------------------------------------------------------------------------


def explain(played: Played, record: dict[str, Any], previous: str | None = None) -> Any:
    payload = {
        "record": json.dumps(record),
        "config": json.dumps(played.config()),
        "period": json.dumps(played.period(record["period"])),
        "previous_hash": previous,
    }
    return run_node("explain", payload)


def test_the_explanation_shows_the_integer_the_tier_and_the_points(played: Played) -> None:
    records = played.records()
    for previous, record in zip([GENESIS] + [r["hash"] for r in records], records, strict=False):
        answer = explain(played, record, previous)
        assert answer["ok"] and [step["id"] for step in answer["steps"]] == STEPS, answer
        step = answer["steps"][-1]
        tier = TIERS[record["detail"]["tier"]]
        assert step["tierName"] == {"code": tier["code"], "name": tier["name"], "name_en": tier["name_en"]}
        assert (step["min"], step["max"], step["expectedN"]) == (tier["points_min"], tier["points_max"], 11)
        assert [step["n"], step["value"]] == record["draws"][0]
        assert step["points"] == step["recorded"] == record["detail"]["points"]
        assert step["date"] == (date(1970, 1, 1) + timedelta(days=record["detail"]["day"])).isoformat()


def test_the_explanation_fails_the_step_a_forgery_breaks(played: Played) -> None:
    normal = last_of(played.records(), 0)
    for change, failing, fault in (
        ({"detail": normal["detail"] | {"tier": 1}}, {"checkin"}, "points"),
        ({"detail": normal["detail"] | {"tier": 5}}, {"checkin"}, "tier"),
        ({"detail": normal["detail"] | {"makeup": 3}}, {"checkin"}, "makeup"),
        ({"detail": normal["detail"] | {"paid": 2}}, {"checkin"}, "paid"),
        ({"prize": "thanks", "granted": "thanks"}, {"no_pick"}, None),
        ({"detail": normal["detail"] | {"amount_fen": 88}}, {"no_pick"}, None),
        ({"draws": [[21, normal["draws"][0][1]]]}, {"checkin"}, "range"),  # its integer may follow the seeds, or not
    ):
        body = {k: v for k, v in normal.items() if k != "hash"} | change
        answer = explain(played, body | {"hash": content_hash(body)})
        failed = {step["id"] for step in answer["steps"] if step["ok"] is False}
        assert failed - {"integers"} == failing and answer["steps"][-1]["fault"] == fault, (change, answer)
        assert "integers" not in failed or "draws" in change


# --- the page's words ----------------------------------------------------------------------------------------

PAGE = """
import {{ text }} from "node:stream/consumers";
globalThis.localStorage = {{ getItem: () => {lang}, setItem() {{}} }};
class FakeNode {{}}
class FakeElement extends FakeNode {{
  constructor(tag) {{
    super();
    Object.assign(this, {{ tag, children: [], attributes: {{}}, style: {{}} }});
  }}
  setAttribute(name, value) {{ this.attributes[name] = value; }}
  addEventListener() {{}}
  append(...children) {{ this.children.push(...children); }}
  replaceChildren(...children) {{ this.children = children; }}
  get textContent() {{ return this.children.map((c) => (typeof c === "string" ? c : c.textContent)).join(" "); }}
}}
globalThis.Node = FakeNode;
globalThis.document = {{ createElement: (tag) => new FakeElement(tag) }};
const page = (name) => import({audit} + "/" + name);
const input = JSON.parse(await text(process.stdin));
"""


def run_page(script: str, payload: Any, lang: str) -> Any:
    """``script`` (an ES module body) under Node as the auditors' page in ``lang``: a stored language choice and a
    tiny DOM for web/static/audit's modules, which it imports with ``await page("steps.js")``; it reads ``input``
    and prints JSON."""
    prelude = PAGE.format(lang=json.dumps(lang), audit=json.dumps(AUDIT.as_uri()))
    result = subprocess.run(
        [node_path(), "--input-type=module", "-e", prelude + script],
        input=json.dumps(payload, ensure_ascii=False),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0 and not result.stderr, result.stderr
    return json.loads(result.stdout)


RENDER = """
const { explainDraw } = await page("verifier.js");
const { renderSteps } = await page("steps.js");
const { loads } = await page("pyjson.js");
const shown = [];
for (const { record, config, period, previous } of input) {
  const result = await explainDraw(loads(record), loads(config), loads(period), { previousHash: previous });
  const [list, summary] = [document.createElement("ol"), document.createElement("p")];
  renderSteps(list, summary, result);
  const steps = list.children.map((li) => [li.attributes["data-step"], li.attributes["data-ok"], li.textContent]);
  shown.push({ steps, summary: summary.textContent });
}
process.stdout.write(JSON.stringify(shown));
"""


def rendered(played: Played, records: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    """What the page shows for each record: each step's id, mark and text, and the summary."""
    hashes = {r["seq"]: r["hash"] for r in played.records()} | {0: GENESIS}
    payload = [
        {
            "record": json.dumps(record),
            "config": json.dumps(played.config()),
            "period": json.dumps(played.period(record["period"])),
            "previous": hashes[record["seq"] - 1],
        }
        for record in records
    ]
    return run_page(RENDER, payload, lang)


def test_the_page_shows_a_check_in_step_by_step_in_chinese_and_english(played: Played) -> None:
    gold = last_of(played.records(), 1)
    value, points = gold["draws"][0][1], gold["detail"]["points"]
    body = {k: v for k, v in gold.items() if k != "hash"} | {"detail": gold["detail"] | {"points": points + 100}}
    wrong = body | {"hash": content_hash(body)}
    for lang, words in {
        "zh": ("金牌会员（gold）", "签到积分", f"= 30 + draws[0] {value} = {points}，与记录相同", "不从奖池抽奖"),
        "en": ("Gold (gold)", "Check-in points", f"= 30 + draws[0] {value} = {points}, as recorded", "picks no pool"),
    }.items():
        clean, altered = rendered(played, [gold, wrong], lang)
        steps = {step: (ok, text) for step, ok, text in clean["steps"]}
        assert list(steps) == STEPS and all(ok == "true" for ok, _ in steps.values()), clean
        assert all(word in steps["checkin"][1] for word in words[:3]), steps["checkin"]
        assert f"draws[0] = [11, {value}]" in steps["checkin"][1] and words[3] in steps["no_pick"][1]
        assert not any(bad in text for _, text in steps.values() for bad in ("undefined", "NaN", "step."))
        assert lang == "zh" or not CJK.search(steps["checkin"][1] + steps["no_pick"][1]), steps
        failed = {step: text for step, ok, text in altered["steps"] if ok == "false"}
        assert list(failed) == ["checkin"] and str(points + 100) in failed["checkin"], altered


def test_a_wheel_spin_still_shows_its_pick_grant_amount_and_slot() -> None:
    items = [json.loads(line) for line in EXPORT]
    config = next(i["config"] for i in items if i["type"] == "config")
    period = next(i for i in items if i["type"] == "period")
    spins = [i["record"] for i in items if i["type"] == "draw"]
    previous = [GENESIS] + [spin["hash"] for spin in spins]
    payload = [
        {"record": json.dumps(spin), "config": json.dumps(config), "period": json.dumps(period), "previous": before}
        for spin, before in zip(spins, previous, strict=False)
    ]
    wheel = [*STEPS[:7], "pick", "grant", "amount", "slot"]
    for shown, spin in zip(run_page(RENDER, payload, "en"), spins, strict=True):
        steps = {step: (ok, text) for step, ok, text in shown["steps"]}
        assert list(steps) == wheel and all(ok == "true" for ok, _ in steps.values()), shown
        assert f"picks slot {spin['detail']['slot']}" in steps["slot"][1]


IN_CHINESE = {
    "record seq 7: check-in points 35 but the draw gives 34": "记录 seq 7：记录的签到积分是 35，但抽取结果为 34",
    f"record seq 2: {NO_PICK}": "记录 seq 2：checkin 记录不从奖池抽奖，却记有奖品、发放或兜底原因",
    "record seq 2: an amount_fen in a checkin record, which draws none": (
        "记录 seq 2：checkin 记录没有金额抽取，却记有 amount_fen"
    ),
    "record seq 4: check-in tier 2 is not one of the config's 2 tiers": (
        "记录 seq 4：签到记录的会员等级 2 不在配置的 2 个等级之中"
    ),
    "record seq 4: check-in makeup is neither 0 nor 1": "记录 seq 4：签到记录的 makeup 既不是 0 也不是 1",
    "record seq 5: a check-in has 1 draw, not 2": "记录 seq 5：一次签到应有 1 次抽取，而不是 2 次",
    "record seq 3: check-in draw range 11 is not the 12 daily points of tier 1": (
        "记录 seq 3：签到积分抽取的范围 11 不是等级 1 的 12 种每日积分"
    ),
    "record seq 1: config 0123456789ab has no check-in tiers (a list of objects with integer points_min and"
    " points_max)": "记录 seq 1：配置 0123456789ab 没有签到会员等级（带整数 points_min 与 points_max 的对象列表）",
}
VERDICT_TEXT = """
const { verdictText } = await page("verdict-text.js");
process.stdout.write(JSON.stringify(input.map(verdictText)));
"""


def test_the_check_in_refusals_read_in_chinese(played: Played) -> None:
    """The page says the verifier's refusals in Chinese (and, in English, in the verifier's own words)."""
    messages = [*IN_CHINESE, *(why for _, _, why in forgeries(played).values())]
    chinese = dict(zip(messages, run_page(VERDICT_TEXT, messages, "zh"), strict=True))
    assert run_page(VERDICT_TEXT, messages, "en") == messages
    assert {message: chinese[message] for message in IN_CHINESE} == IN_CHINESE
    english = ("check-in", "record", "draw", "prize", "tier", "config", "points ")
    assert all(not any(word in chinese[m] for word in english) for m in messages), chinese
