"""Reconciliation (games/audit/reconcile.py) through ``carnival audit reconcile`` and the auditors' API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from economy.models import CounterBucket, Grant, LedgerEntry, Posting
from tests.conftest import Clock, add_campaign, login, single_prize_config
from tests.e2e.audit_exports import DRAWS, play_and_reveal, run
from tests.e2e.test_ops_api import staff
from tests.e2e.test_play_api import spin

POINTS_100: dict[str, Any] = {"key": "points_100", "name": "100积分", "reward": {"kind": "points", "points": 100}}
RED_188: dict[str, Any] = {
    "key": "red_188",
    "name": "1.88元红包",
    "weight": 1,
    "reward": {"kind": "red_packet", "amount_fen": 188},
}
LUCKY: dict[str, Any] = {
    "key": "lucky",
    "name": "随机红包",
    "reward": {"kind": "red_packet", "min_fen": 100, "max_fen": 999},
}


def tamper(app: Flask, change: Callable[[Session], str]) -> str:
    with app.extensions["carnival.sessions"]() as session, session.begin():
        return change(session)


def first_draw_grant(session: Session) -> Grant:
    return session.scalars(select(Grant).where(Grant.key.like("draw:%")).order_by(Grant.id)).first()  # type: ignore[return-value]


def drop_a_grant(session: Session) -> str:
    grant = first_draw_grant(session)  # rows are never deleted (coupons point at them): detach it from its draw
    session.execute(update(Grant).where(Grant.id == grant.id).values(key=f"detached:{grant.id}"))
    return "but the ledger has no grant"


def add_a_stray_grant(session: Session) -> str:
    grant = first_draw_grant(session)
    stray = Grant(
        key=f"draw:{grant.campaign_id}:{grant.user_id}:20991231-1:7:1", campaign_id=grant.campaign_id,
        user_id=grant.user_id, prize_key=grant.prize_key, reward_kind=grant.reward_kind, amount=grant.amount,
        cost_fen=0, day=grant.day, created_at=grant.created_at,
    )  # fmt: skip
    session.add(stray)
    return f"grant {stray.key}: a grant made for a draw that is not in the log"


def overstate_the_budget(session: Session) -> str:
    charge_the_budget(session, 1)
    return "the budget says"


def test_an_honest_campaign_reconciles(app: Flask, clock: Clock) -> None:
    campaign = play_and_reveal(app, clock)
    result = run(app, "audit", "reconcile", "--campaign", str(campaign))
    assert result.exit_code == 0, result.output
    assert (
        f"{DRAWS + 1:,} draws" in result.output and "OK: the draw log, the grants and the budget agree" in result.output
    )
    answer = staff(app, "auditor", "rita").get(f"/api/audit/campaigns/{campaign}/reconciliation").json
    assert answer["ok"] and answer["draws"] == DRAWS + 1 and answer["mismatches"] == []
    assert answer["granted_cost_fen"] == answer["budget_spent_fen"]


@pytest.mark.parametrize("change", [drop_a_grant, add_a_stray_grant, overstate_the_budget])
def test_a_mismatch_is_reported_with_what_is_involved(app: Flask, clock: Clock, change) -> None:  # type: ignore[no-untyped-def]
    campaign = play_and_reveal(app, clock)
    expected = tamper(app, change)
    result = run(app, "audit", "reconcile", "--campaign", str(campaign))
    assert result.exit_code == 1 and "FAILED" in result.output
    assert expected in result.output, result.output
    if change is drop_a_grant:
        assert "MISMATCH record seq " in result.output
    answer = staff(app, "auditor", "rita").get(f"/api/audit/campaigns/{campaign}/reconciliation").json
    assert not answer["ok"] and len(answer["mismatches"]) == 1


def play_one_prize(app: Flask, prize: dict[str, Any], spins: int = 3) -> int:
    """A campaign whose draws all grant ``prize`` (the pool also holds RED_188, weight 1), ``spins`` played."""
    config = single_prize_config(prize)
    config["pool"]["prizes"].append(RED_188)
    config["games"]["wheel"]["slots"][0] = "red_188"
    campaign = add_campaign(app, config)
    client = app.test_client()
    login(client, "reconciled")
    for number in range(spins):
        answer = spin(client, campaign, f"reconcile-spin-{number}")
        assert answer.status_code == 200 and answer.json["prize"]["key"] == prize["key"], answer.json
    return campaign


def charge_the_budget(session: Session, change_fen: int) -> None:
    bucket = (CounterBucket.counter == "budget", CounterBucket.bucket == 0)
    session.execute(update(CounterBucket).where(*bucket).values(used=CounterBucket.used + change_fen))


def multiply_an_amount(session: Session) -> str:
    grant = first_draw_grant(session)
    session.execute(update(Grant).where(Grant.id == grant.id).values(amount=grant.amount * 100))
    return (
        "the log and its config grant 'points_100' (points, amount 100, cost 100 fen) "
        "but the grant is 'points_100' (points, amount 10000, cost 100 fen)"
    )


def grant_another_prize(session: Session) -> str:
    """The grant turned into the 1.88 yuan red packet, the budget charged accordingly (so it still adds up)."""
    grant = first_draw_grant(session)
    cost = grant.cost_fen  # read before the update, which refreshes ``grant``
    session.execute(
        update(Grant)
        .where(Grant.id == grant.id)
        .values(prize_key="red_188", reward_kind="red_packet", amount=188, cost_fen=188)
    )
    charge_the_budget(session, 188 - cost)
    return "but the grant is 'red_188' (red_packet, amount 188, cost 188 fen)"


def change_a_drawn_amount(session: Session) -> str:
    """A range red packet granted at another amount of its range than the record drew, budget adjusted."""
    grant = first_draw_grant(session)
    amount = grant.amount  # read before the update, which refreshes ``grant``
    forged = 100 if amount != 100 else 101
    session.execute(update(Grant).where(Grant.id == grant.id).values(amount=forged, cost_fen=forged))
    charge_the_budget(session, forged - amount)
    drawn = f"'lucky' (red_packet, amount {amount}, cost {amount} fen)"
    return f"grant {drawn} but the grant is 'lucky' (red_packet, amount {forged}, cost {forged} fen)"


def credit_more_points(session: Session) -> str:
    """The grant row left alone, the shopper's ledger credit for it multiplied by 100."""
    grant = first_draw_grant(session)
    entry = select(LedgerEntry.id).where(LedgerEntry.reference == f"grant:{grant.id}").scalar_subquery()
    session.execute(
        update(Posting).where(Posting.entry_id == entry, Posting.amount > 0).values(amount=Posting.amount * 100)
    )
    return f"delivered 10000 POINTS to user:{grant.user_id} instead of 100 POINTS to user:{grant.user_id}"


@pytest.mark.parametrize(
    ("prize", "change"),
    [
        (POINTS_100, multiply_an_amount),
        (POINTS_100, grant_another_prize),
        (LUCKY, change_a_drawn_amount),
        (POINTS_100, credit_more_points),
    ],
    ids=["wrong-amount", "another-prize", "range-amount", "ledger-credit"],
)
def test_a_grant_unlike_its_prize_is_reported(app: Flask, prize: dict[str, Any], change) -> None:  # type: ignore[no-untyped-def]
    campaign = play_one_prize(app, prize)
    assert run(app, "audit", "reconcile", "--campaign", str(campaign)).exit_code == 0
    expected = tamper(app, change)
    with app.extensions["carnival.sessions"]() as session:
        key = first_draw_grant(session).key
    result = run(app, "audit", "reconcile", "--campaign", str(campaign))
    assert result.exit_code == 1 and "FAILED" in result.output
    assert f"MISMATCH record seq 1, grant {key}: " in result.output and expected in result.output, result.output
    answer = staff(app, "auditor", "rita").get(f"/api/audit/campaigns/{campaign}/reconciliation").json
    assert not answer["ok"] and [(m["seq"], m["grant_key"]) for m in answer["mismatches"]] == [(1, key)]
