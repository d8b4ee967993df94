"""Reconciliation (games/reconcile.py) through ``carnival audit reconcile`` and the auditors' API."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from economy.models import Budget, Grant
from tests.conftest import Clock
from tests.e2e.test_audit_cli import DRAWS, play_and_reveal, run
from tests.e2e.test_ops_api import staff


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
    session.execute(update(Budget).values(spent_fen=Budget.spent_fen + 1))
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
