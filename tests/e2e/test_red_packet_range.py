"""Red packets with an amount range end to end, on SQLite and PostgreSQL: amounts drawn within the
range, the budget, value caps and wallet charged the amounts granted, and the audit export verifying
the amount draw (and refusing an amount forged and re-hashed)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from economy.limits import budget_level
from economy.models import CapUsage, Grant
from games.models import DrawRecord
from tests.conftest import Clock, add_campaign, login, single_prize_config
from tests.e2e.audit_exports import draw_line, failed, index_of, rechained, record, run, verify, write
from tests.e2e.test_ops_api import staff
from tests.e2e.test_play_api import spin

LOW, HIGH = 100, 999
RANGE: dict[str, Any] = {"kind": "red_packet", "min_fen": LOW, "max_fen": HIGH}
IMAGE = "https://img.example.com/prizes/lucky.png"
LUCKY: dict[str, Any] = {
    "key": "lucky",
    "name": "随机红包",
    "name_en": "Lucky red packet",
    "reward": RANGE,
    "image": IMAGE,
}


def spins(client: FlaskClient, campaign: int, count: int, prefix: str) -> list[dict[str, Any]]:
    """``count`` spins; every answer is a 200 whose picked prize is the range red packet."""
    answers = []
    for number in range(count):
        answer = spin(client, campaign, f"{prefix}-{number:04d}")
        assert answer.status_code == 200, answer.json
        assert answer.json["picked"] == "lucky", "weight 10^9 against 1"
        answers.append(answer.json)
    return answers


def granted_amounts(answers: list[dict[str, Any]]) -> list[int]:
    """The amounts of the spins that granted the red packet as picked."""
    return [a["amount_fen"] for a in answers if a["fallback_reason"] is None]


def stored(app: Flask, campaign: int) -> tuple[int, list[int], list[dict[str, Any]]]:
    """The budget spent, the grants' costs and the draw records of ``campaign``."""
    with app.extensions["carnival.sessions"]() as session:
        spent = budget_level(session, campaign).spent_fen  # type: ignore[union-attr]
        costs = list(session.scalars(select(Grant.cost_fen).where(Grant.campaign_id == campaign).order_by(Grant.id)))
        rows = session.scalars(select(DrawRecord).where(DrawRecord.campaign_id == campaign).order_by(DrawRecord.seq))
        return spent, costs, [json.loads(row.record_json) for row in rows]


def test_amounts_are_drawn_within_the_range_and_charged_to_budget_and_wallet(app: Flask, client: FlaskClient) -> None:
    campaign = add_campaign(app, single_prize_config(LUCKY))
    login(client, "range-1")
    answers = spins(client, campaign, 25, "range-spin")
    amounts = granted_amounts(answers)
    assert len(amounts) == 25 and all(LOW <= amount <= HIGH for amount in amounts)
    assert len(set(amounts)) > 1, "amounts are drawn, not fixed"
    assert all(a["prize"]["reward"] == RANGE and a["prize"]["image"] == IMAGE for a in answers)
    spent, costs, records = stored(app, campaign)
    assert spent == sum(amounts) and costs == amounts
    assert [r["detail"]["amount_fen"] for r in records] == amounts
    assert all(r["draws"][1] == [HIGH - LOW + 1, r["detail"]["amount_fen"] - LOW] for r in records)
    wallet = client.get("/api/play/wallet").json
    assert wallet["cash_fen"] == sum(amounts)
    assert sorted(h["amount"] for h in wallet["history"]) == sorted(amounts)


@pytest.mark.parametrize(
    ("budget", "caps", "reason"),
    [
        (2_000, [], "budget_exhausted"),
        (10_000_000, [{"key": "value", "per": "campaign", "max_value_fen": 2_000}], "cap_reached"),
    ],
    ids=["budget", "value-cap"],
)
def test_the_budget_and_value_caps_count_the_amount_actually_drawn(
    app: Flask, client: FlaskClient, budget: int, caps: list[dict[str, Any]], reason: str
) -> None:
    campaign = add_campaign(app, single_prize_config(LUCKY, caps), budget_fen=budget)
    user = login(client, "range-2")
    answers = spins(client, campaign, 12, "limit-spin")
    spent, costs, records = stored(app, campaign)
    left = 2_000
    for answer, rec in zip(answers, records, strict=True):
        drawn = rec["detail"]["amount_fen"]
        assert (answer["fallback_reason"] is None) == (drawn <= left), (drawn, left)
        if answer["fallback_reason"] is None:
            assert answer["amount_fen"] == drawn and answer["prize"]["key"] == "lucky"
            left -= drawn
        else:
            assert answer["fallback_reason"] == reason and answer["amount_fen"] is None
            assert answer["prize"]["key"] == "thanks" and rec["granted"] == "thanks"
    granted = granted_amounts(answers)
    assert any(a["fallback_reason"] for a in answers), "12 draws of ¥1–¥9.99 outgrow ¥20"
    assert sum(costs) == sum(granted) == 2_000 - left and client.get("/api/play/wallet").json["cash_fen"] == sum(
        granted
    )
    with app.extensions["carnival.sessions"]() as session:
        usage = session.scalars(select(CapUsage).where(CapUsage.user_id == user)).all()
    assert spent == sum(granted) and [u.value_fen for u in usage] == ([sum(granted)] if caps else [])


def play_and_export(app: Flask, clock: Clock, path: Path) -> list[str]:
    """Two shoppers spin a range red packet 5 times each; the period is then revealed. The budget of ¥10
    covers the first amount (at most ¥9.99) but not all ten (at least ¥1 each): some are refused."""
    campaign = add_campaign(app, single_prize_config(LUCKY), budget_fen=1_000)
    clients = [app.test_client() for _ in range(2)]
    for number, client in enumerate(clients):
        login(client, f"range-audit-{number}")
        spins(client, campaign, 5, f"audit-{number}")
    rotated = run(app, "seeds", "rotate", "--campaign", str(campaign))
    assert rotated.exit_code == 0, rotated.output
    clock.advance(seconds=1)
    exported = run(app, "audit", "export", "--campaign", str(campaign), "--out", str(path))
    assert exported.exit_code == 0 and "wrote 10 draws" in exported.output, exported.output
    return path.read_text("utf-8").splitlines()


def test_an_export_of_range_red_packets_verifies(app: Flask, clock: Clock, tmp_path: Path) -> None:
    lines = play_and_export(app, clock, tmp_path / "draws.jsonl")
    records = [record(line) for line in lines if '"type":"draw"' in line]
    assert {r["fallback_reason"] for r in records} == {None, "budget_exhausted"}, "granted and refused amounts"
    assert all(LOW <= r["detail"]["amount_fen"] <= HIGH and len(r["draws"]) == 3 for r in records)
    result = verify(tmp_path / "draws.jsonl")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("OK: 10 draws verified")


@pytest.mark.parametrize("refused", [False, True], ids=["granted", "refused"])
def test_an_amount_altered_and_rehashed_fails_verification(
    app: Flask, clock: Clock, tmp_path: Path, refused: bool
) -> None:
    lines = play_and_export(app, clock, tmp_path / "draws.jsonl")
    draws = [record(line) for line in lines if '"type":"draw"' in line]
    seq = next(r["seq"] for r in draws if (r["fallback_reason"] is not None) == refused)
    at = index_of(lines, seq)
    rec = record(lines[at])
    drawn = rec["detail"]["amount_fen"]
    rec["detail"]["amount_fen"] = drawn + 1 if drawn < HIGH else drawn - 1
    tampered = rechained([*lines[:at], draw_line(rec), *lines[at + 1 :]])
    result = verify(write(tmp_path / "tampered.jsonl", tampered))
    assert failed(result), result.output
    why = f"record seq {seq}: amount_fen {rec['detail']['amount_fen']} but the draw gives {drawn}"
    assert result.stderr == f"FAILED tampered.jsonl: line {at + 1}: {why}\n"


def test_odds_and_simulation_cost_a_range_at_its_mean_and_rules_show_it(app: Flask, client: FlaskClient) -> None:
    ops = staff(app, "ops", "olga")
    thanks = {"key": "thanks", "name": "谢谢参与", "weight": 1, "reward": {"kind": "nothing"}}
    pool = {"prizes": [{**LUCKY, "weight": 1, "stock": 100}, thanks], "fallback": "thanks"}
    odds = ops.post("/api/ops/odds", json={"pool": pool, "expected_draws": 100}).json
    assert odds["rows"][0]["expected_cost_per_draw_fen"] == (LOW + HIGH) / 2 / 2  # mean 549.5, odds 1/2
    simulation = ops.post(
        "/api/ops/simulate",
        json={"pool": pool, "players_per_day": 10, "draws_per_player": 1, "days": 2, "budget_fen": None, "runs": 50},
    )
    assert simulation.status_code == 200, simulation.json
    assert simulation.json["cost_mean_fen"] == pytest.approx(20 * 0.5 * (LOW + HIGH) / 2, rel=0.25)
    campaign = add_campaign(app, single_prize_config(LUCKY))
    rules = client.get(f"/api/campaigns/{campaign}/rules").json
    lucky = next(p for p in rules["prizes"] if p["key"] == "lucky")
    assert lucky["reward"] == RANGE and lucky["image"] == IMAGE and lucky["kind"] == "red_packet"
    assert next(p for p in rules["prizes"] if p["key"] == "thanks")["image"] is None
