"""Reconciliation of a board's rolls (several grants a roll, numbered in order) and of tasks and points grants
(each traced to the event or task completion that caused it): clean runs reconcile, forgeries are named."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select, update

from economy.models import Grant
from economy.rewards import Reward, RewardKind
from economy.service import GrantRequest, grant
from tests.conftest import add_campaign, login
from tests.e2e.audit_exports import run
from tests.e2e.monopoly_support import give, roll
from tests.e2e.tasks_support import event, order, send_and_apply, tasks_config
from tests.monopoly_boards import monopoly_config

OK = "OK: the draw log, the grants and the budget agree"
ROLLS = 40


def reconcile(app: Flask, campaign: int) -> str:
    return run(app, "audit", "reconcile", "--campaign", str(campaign)).output


def rolled(app: Flask) -> int:
    """A campaign where one shopper rolled 40 times, some rolls with a double card."""
    campaign = add_campaign(app, monopoly_config())
    shopper = app.test_client()
    user = login(shopper, "board-reconciled")
    give(app, campaign, user, "dice", ROLLS)
    give(app, campaign, user, "double_card", 5)
    for number in range(ROLLS):
        answer = roll(shopper, campaign, {"double": True} if number % 8 == 0 else {})
        assert answer.status_code == 200, answer.json
    return campaign


def test_a_board_of_rolls_reconciles(app: Flask) -> None:
    campaign = rolled(app)
    assert OK in reconcile(app, campaign)


def test_a_roll_grant_changed_or_added_is_named(app: Flask) -> None:
    campaign = rolled(app)
    with app.extensions["carnival.sessions"]() as session, session.begin():
        points = session.scalars(select(Grant).where(Grant.prize_key == "monopoly.points")).first()
        assert points is not None
        amount, key, user, day = points.amount, points.key, points.user_id, points.day
        session.execute(update(Grant).where(Grant.id == points.id).values(amount=amount + 10))
    output = reconcile(app, campaign)
    assert OK not in output and f"'monopoly.points' (points, amount {amount + 10}" in output, output
    with app.extensions["carnival.sessions"]() as session, session.begin():
        session.execute(update(Grant).where(Grant.key == key).values(amount=amount))
        extra = GrantRequest(
            key=key.rsplit(":", 1)[0] + ":99", campaign_id=campaign, user_id=user,
            prize_key="coupon", reward=Reward(RewardKind.NOTHING), cost_fen=0, day=day,
        )  # fmt: skip
        grant(session, extra, app.extensions["carnival.clock"]())
    assert "a grant (coupon) the monopoly record does not call for" in reconcile(app, campaign)


def test_task_and_points_grants_are_traced_to_their_causes(app: Flask) -> None:
    campaign = add_campaign(app, tasks_config())
    send_and_apply(app, campaign, [order(app, "traced", "JD-1", 12_000), event(app, "review_posted", "traced",
                                   photos=True)])  # fmt: skip
    send_and_apply(app, campaign, [event(app, "order_confirmed", "traced", order_ref="JD-1")])
    assert OK in reconcile(app, campaign)
    with app.extensions["carnival.sessions"]() as session, session.begin():
        user = session.scalars(select(Grant.user_id).where(Grant.key.like("%:tasks:order:JD-1"))).one()
        forged = GrantRequest(
            key=f"game:{campaign}:{user}:tasks:order:JD-404", campaign_id=campaign, user_id=user,
            prize_key="tasks.points", reward=Reward(RewardKind.POINTS, 500), cost_fen=500, day="2026-11-23",
        )  # fmt: skip
        grant(session, forged, app.extensions["carnival.clock"]())
        task = GrantRequest(
            key=f"game:{campaign}:{user}:tasks:task:pay99:all:2", campaign_id=campaign, user_id=user,
            prize_key="dice", reward=Reward(RewardKind.ITEM, 2, item="dice"), cost_fen=0, day="2026-11-23",
        )  # fmt: skip
        grant(session, task, app.extensions["carnival.clock"]())
    output = reconcile(app, campaign)
    assert "a tasks grant (order:JD-404) that no event or task completion explains" in output, output
    assert "a tasks grant (task:pay99:all:2)" in output and "(task:pay99:all:1)" not in output
