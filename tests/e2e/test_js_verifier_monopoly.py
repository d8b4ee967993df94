"""Monopoly rolls, which pick no pool prize, verified alike by games.fairness.verify and the auditors' JavaScript
verifier: a campaign of rolls played through the app and exported passes both; a forged end, steps, laps, remote
or an extra integer (the record hashed again and the chain relinked, so that only the board's step can see it)
fails both with the same message; thousands of mutations of a short export get the same verdict; the explanation
shows the dice and the landings."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from server import clock as period_clock
from tests.conftest import Clock, add_campaign, build_app, login, seal_logs
from tests.e2e.audit_exports import run, verify
from tests.e2e.js_verifier import (
    GENESIS,
    Verdict,
    assert_agree,
    js_verdict,
    js_verdicts,
    python_verdict,
    run_node,
    text_of,
)
from tests.e2e.monopoly_support import give, roll
from tests.e2e.test_js_verifier_checkin import forged, line_of
from tests.e2e.test_js_verifier_mutations import mutations
from tests.monopoly_boards import PRIZES

TILES = [
    {"kind": "start", "name": "起点"},
    {"kind": "points", "name": "10积分", "points": 10},
    {"kind": "chance", "name": "机会"},
    {"kind": "draw", "name": "抽奖", "draws": [{"prize": "packet", "weight": 1}, {"prize": "thanks", "weight": 2}]},
    {"kind": "prize", "name": "免息券", "prize": "coupon"},
    {"kind": "chance", "name": "机会"},
    {"kind": "rest", "name": "休息"},
    {"kind": "points", "name": "30积分", "points": 30},
    {"kind": "chance", "name": "机会"},
    {"kind": "draw", "name": "抽奖", "draws": [{"prize": "coupon", "weight": 1}, {"prize": "thanks", "weight": 1}]},
    {"kind": "points", "name": "50积分", "points": 50},
    {"kind": "chance", "name": "机会"},
]
CARDS = [
    {"kind": "move", "name": "前进2步", "weight": 2, "steps": 2},
    {"kind": "move", "name": "后退3步", "weight": 2, "steps": -3},
    {"kind": "double", "name": "双倍卡", "weight": 1},
    {"kind": "prize", "name": "红包", "weight": 1, "prize": "packet"},
]
SHOPPERS, ROLLS = 3, 12
DRAWS = SHOPPERS * ROLLS
STEPS = ["commitment", "config_hash", "record_hash", "chain", "hmac", "words", "integers", "no_pick", "monopoly"]


def board_config() -> dict[str, Any]:
    board = {"tiles": TILES, "dice": 2, "cards": CARDS, "remote_item": "remote_dice", "lap_prize": "lap"}
    return {"pool": {"prizes": PRIZES, "fallback": "thanks"}, "caps": [], "games": {"monopoly": board}}


@dataclass(frozen=True)
class Played:
    """The export of a played board: its lines and its file."""

    lines: list[str]
    path: Path

    def items(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.lines]

    def records(self) -> list[dict[str, Any]]:
        return [item["record"] for item in self.items() if item["type"] == "draw"]


@pytest.fixture(scope="module")
def played(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Played]:
    """Three shoppers roll 12 times each (every fourth roll with a remote-control die), the campaign ends and its
    draws are exported."""
    folder = tmp_path_factory.mktemp("monopoly-export")
    clock = Clock()
    app = build_app(f"sqlite:///{folder / 'carnival.db'}", clock)
    try:
        campaign = play(app)
        seal_logs(app)
        clock.advance(days=31)
        period_clock.tick(app)
        path = folder / "monopoly.jsonl"
        exported = run(app, "audit", "export", "--campaign", str(campaign), "--out", str(path))
        assert exported.exit_code == 0 and f"wrote {DRAWS} draws" in exported.output, exported.output
        yield Played(path.read_text("utf-8").splitlines(), path)
    finally:
        app.extensions["carnival.engine"].dispose()


def play(app: Flask) -> int:
    campaign = add_campaign(app, board_config())
    shoppers = [app.test_client() for _ in range(SHOPPERS)]
    for number, shopper in enumerate(shoppers):
        user = login(shopper, f"board-audit-{number}")
        give(app, campaign, user, "dice", ROLLS)
        give(app, campaign, user, "remote_dice", ROLLS)
    for number in range(ROLLS):
        for shopper in shoppers:
            body = {"remote": 1 + number % 12} if number % 4 == 3 else {}
            assert roll(shopper, campaign, body).status_code == 200
    return campaign


def test_a_monopoly_export_passes_both_verifiers(played: Played) -> None:
    checked = verify(played.path)
    assert checked.exit_code == 0 and checked.stdout.startswith(f"OK: {DRAWS} draws verified"), checked.output
    js = js_verdict(run_node("file", None, str(played.path)))
    assert js.ok and js.draws == DRAWS and js == python_verdict(played.path.read_bytes())


def test_each_roll_names_no_prize_and_records_its_walk(played: Played) -> None:
    records = played.records()
    assert {r["game"] for r in records} == {"monopoly"}
    for record in records:
        assert (record["prize"], record["granted"], record["fallback_reason"]) == ("", None, None)
        detail = record["detail"]
        assert set(detail) == {"doubled", "end", "laps", "laps_before", "pending", "remote", "start", "steps"}
        if not detail["remote"]:
            assert detail["steps"] == sum(value + 1 for _, value in record["draws"][:2])
    assert any(r["detail"]["remote"] for r in records) and any(r["detail"]["laps"] for r in records)
    assert any(n == 6 for r in records for n, _ in r["draws"][2:]) or any(len(r["draws"]) > 2 for r in records)


def forgeries(played: Played) -> dict[str, tuple[list[str], int, str]]:
    records = played.records()
    plain = next(r for r in records if not r["detail"]["remote"])
    remote = next(r for r in records if r["detail"]["remote"])
    d = plain["detail"]
    cases = {
        "end": (plain, {"detail": {"end": d["end"] + 1}},
                f"Monopoly roll ends at distance {d['end'] + 1} but the walk reaches {d['end']}"),
        "steps": (plain, {"detail": {"steps": d["steps"] + 1}},
                  f"Monopoly steps {d['steps'] + 1} but the dice show {d['steps']}"),
        "laps": (plain, {"detail": {"laps": d["laps"] + 1}},
                 f"Monopoly laps {d['laps'] + 1} do not follow from the walk"),
        "remote": (remote, {"detail": {"remote": 2}}, "Monopoly remote is neither 0 nor 1"),
        "remote_steps": (remote, {"detail": {"steps": 13}}, "a remote-control roll is not 1 to 12"),
        "doubled": (plain, {"detail": {"doubled": 2}}, "Monopoly doubled or pending is neither 0 nor 1"),
        "extra": (plain, {"draws": [*plain["draws"], [1, 0]]}, "a Monopoly roll has more integers than its walk uses"),
        "prize": (plain, {"prize": "coupon"},
                  "a monopoly record picks no prize, but it names prize, granted or a reason"),
    }  # fmt: skip
    return {
        name: (forged(played.lines, r["seq"], change), line_of(played.lines, r["seq"]), f"record seq {r['seq']}: {why}")
        for name, (r, change, why) in cases.items()
    }


def test_forged_walks_fail_both_verifiers_with_the_same_message(played: Played) -> None:
    cases = forgeries(played)
    verdicts = js_verdicts([text_of(lines) for lines, _, _ in cases.values()])
    for (name, (lines, line, why)), js in zip(cases.items(), verdicts, strict=True):
        assert python_verdict(text_of(lines)) == js == Verdict(False, line, why), name


def test_thousands_of_mutations_of_a_monopoly_export_get_the_same_verdict(played: Played) -> None:
    first = played.records()[0]["period"]
    kept = [
        line
        for line, item in zip(played.lines, played.items(), strict=True)
        if item["type"] in ("header", "config", "end")
        or (item["type"] == "period" and item["key"] == first)
        or (item["type"] == "draw" and item["record"]["seq"] <= 3)
    ]
    from tests.e2e.js_verifier import resealed

    short = resealed(kept)
    assert python_verdict(text_of(short)).draws == 3
    cases = dict(mutations("monopoly", short))
    assert len(cases) > 2000, len(cases)
    assert_agree(cases)


def test_the_explanation_shows_the_dice_and_the_landings(played: Played) -> None:
    items = played.items()
    config = next(item["config"] for item in items if item["type"] == "config")
    records = played.records()
    for previous, record in zip([GENESIS] + [r["hash"] for r in records], records[:8], strict=False):
        period = next(i for i in items if i["type"] == "period" and i["key"] == record["period"])
        payload = {"record": json.dumps(record), "config": json.dumps(config), "period": json.dumps(period),
                   "previous_hash": previous}  # fmt: skip
        answer = run_node("explain", payload)
        assert answer["ok"] and [step["id"] for step in answer["steps"]] == STEPS, answer
        step, detail = answer["steps"][-1], record["detail"]
        assert step["landings"] and all(int(at["distance"]) % len(TILES) == at["tile"] for at in step["landings"])
        assert step["landings"][0]["distance"] == str(detail["start"] + detail["steps"])
        assert len(step["dice"]) == 2 and (detail["remote"] or sum(step["dice"]) == detail["steps"])
