"""Reconciliation pairs each check-in's recorded points with its ledger grant: a grant changed, missing or made
without a check-in record is named."""

from __future__ import annotations

import json

from flask import Flask
from sqlalchemy import delete, select, update

from economy.models import Grant
from economy.rewards import Reward, RewardKind
from economy.service import GrantRequest, grant
from games.models import GameState
from tests.conftest import add_campaign
from tests.e2e.audit_exports import run
from tests.e2e.checkin_support import act, checkin_config, login_tier

OK = "OK: the draw log, the grants and the budget agree"


def checked_in(app: Flask) -> tuple[int, int]:
    """A campaign where one 金牌 shopper checked in (30-40 points); its id and the shopper's."""
    campaign = add_campaign(app, checkin_config())
    shopper = app.test_client()
    user = login_tier(shopper, "reconciled", tier="gold")
    assert act(shopper, campaign, "check_in").status_code == 200
    return campaign, user


def reconcile(app: Flask, campaign: int) -> str:
    return run(app, "audit", "reconcile", "--campaign", str(campaign)).output


def daily_grant(app: Flask, campaign: int) -> Grant:
    with app.extensions["carnival.sessions"]() as session:
        return session.scalars(select(Grant).where(Grant.campaign_id == campaign, Grant.key.endswith(":daily"))).one()


def test_a_check_in_and_its_points_reconcile(app: Flask) -> None:
    campaign, _ = checked_in(app)
    assert OK in reconcile(app, campaign)


def test_points_changed_in_the_ledger_are_named(app: Flask) -> None:
    campaign, _ = checked_in(app)
    paid = daily_grant(app, campaign)
    with app.extensions["carnival.sessions"]() as session, session.begin():
        session.execute(update(Grant).where(Grant.id == paid.id).values(amount=paid.amount + 1))
    output = reconcile(app, campaign)
    assert OK not in output and f"'checkin.points' (points, amount {paid.amount + 1}" in output, output


def test_a_missing_grant_and_a_grant_without_its_record_are_named(app: Flask) -> None:
    campaign, user = checked_in(app)
    paid = daily_grant(app, campaign)
    with app.extensions["carnival.sessions"]() as session, session.begin():
        session.execute(delete(Grant).where(Grant.id == paid.id))
    assert "calls for" in reconcile(app, campaign) and "but the ledger has no grant" in reconcile(app, campaign)
    now = app.extensions["carnival.clock"]()
    with app.extensions["carnival.sessions"]() as session, session.begin():
        forged = GrantRequest(
            key=f"game:{campaign}:{user}:checkin:2026-01-01:daily", campaign_id=campaign, user_id=user,
            prize_key="checkin.points", reward=Reward(RewardKind.POINTS, 99), cost_fen=99, day="2026-01-01",
        )  # fmt: skip
        grant(session, forged, now)
    assert "a checkin grant whose record is not in the log" in reconcile(app, campaign)


def test_a_second_record_of_one_shoppers_day_is_named(app: Flask) -> None:
    """A re-roll: the day's record kept, the shopper's state and grant rewound, the day checked in again."""
    campaign, user = checked_in(app)
    with app.extensions["carnival.sessions"]() as session, session.begin():
        session.execute(delete(Grant).where(Grant.campaign_id == campaign, Grant.key.endswith(":daily")))
        state = session.scalars(
            select(GameState).where(GameState.campaign_id == campaign, GameState.user_id == user)
        ).one()
        state.state_json = json.dumps({"days": {}, "reached": [], "tier": "", "remind": False})
    shopper = app.test_client()
    login_tier(shopper, "reconciled", tier="gold")
    assert act(shopper, campaign, "check_in").status_code == 200
    assert f"a second checkin record of shopper {user} for day" in reconcile(app, campaign)
