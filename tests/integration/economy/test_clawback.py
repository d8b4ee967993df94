"""Clawing back points (a refunded order's), on SQLite and PostgreSQL: taken from what is held, the rest owed, points
on hold until repaid by later credits, never a negative points balance."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from economy import ledger
from economy.clawback import OWED, PointsOnHold, claw_back_points, owed_points
from economy.db import Base, make_engine, make_sessionmaker
from economy.errors import InsufficientBalance
from economy.limits import set_budget
from economy.rewards import POINTS, Reward, RewardKind
from economy.service import GrantRequest, SpendRequest, grant, spend
from tests.integration.invariants import assert_economy_invariants

NOW = datetime(2026, 11, 23, 4, tzinfo=UTC)
USER = 7


@pytest.fixture
def session(database_url: str) -> Iterator[Session]:
    engine: Engine = make_engine(database_url)
    Base.metadata.create_all(engine)
    with make_sessionmaker(engine)() as session:
        with session.begin():
            set_budget(session, 1, 1_000_000)
        yield session
        assert_economy_invariants(session)
    engine.dispose()


def give(session: Session, points: int, key: str, now: datetime = NOW) -> None:
    with session.begin():
        reward = Reward(RewardKind.POINTS, points)
        grant(session, GrantRequest(key, 1, USER, "order", reward, points, "2026-11-23"), now)


def take(session: Session, points: int, reference: str) -> None:
    with session.begin():
        spend(session, SpendRequest(reference, 1, USER, POINTS, points), NOW)


def held(session: Session) -> int:
    with session.begin():
        return ledger.spendable_points(session, USER, NOW + timedelta(seconds=1))


def owed(session: Session) -> int:
    with session.begin():
        return owed_points(session, USER)


def test_a_claw_back_of_points_still_held_takes_them(session: Session) -> None:
    give(session, 300, "order:a")
    with session.begin():
        done = claw_back_points(session, 1, USER, 200, "refund:a", NOW)
    assert (done.taken, done.owed) == (200, 0)
    assert (held(session), owed(session)) == (100, 0)


def test_points_already_spent_become_owed_and_hold_the_points(session: Session) -> None:
    give(session, 300, "order:a")
    take(session, 250, "mall:1")
    with session.begin():
        done = claw_back_points(session, 1, USER, 300, "refund:a", NOW)
    assert (done.taken, done.owed) == (50, 250)
    assert (held(session), owed(session)) == (0, 250)
    with pytest.raises(PointsOnHold) as refused:
        take(session, 1, "mall:2")
    assert refused.value.code == "points_on_hold"


def test_later_credits_repay_what_is_owed_first(session: Session) -> None:
    give(session, 100, "order:a")
    take(session, 100, "mall:1")
    with session.begin():
        claw_back_points(session, 1, USER, 100, "refund:a", NOW)
    give(session, 60, "order:b")
    assert (held(session), owed(session)) == (0, 40)
    give(session, 70, "order:c")
    assert (held(session), owed(session)) == (30, 0)
    take(session, 30, "mall:2")  # no longer on hold
    assert held(session) == 0


def test_the_debt_is_a_ledger_balance_that_never_goes_below_zero(session: Session) -> None:
    give(session, 10, "order:a")
    take(session, 10, "mall:1")
    with session.begin():
        claw_back_points(session, 1, USER, 10, "refund:a", NOW)
    give(session, 500, "order:b")
    with session.begin():
        assert ledger.balance(session, ledger.user_owner(USER), OWED) == 0
        assert ledger.balance(session, ledger.user_owner(USER), POINTS) == 490


def test_a_claw_back_takes_a_positive_number(session: Session) -> None:
    with session.begin(), pytest.raises(ValueError):
        claw_back_points(session, 1, USER, 0, "refund:a", NOW)


def _race_claw_back_against_spend(sessions: sessionmaker, user: int, round_: int) -> tuple[list, list]:
    """Start a claw-back and a 1,000-point spend of the same shopper at once; return (spent, errors)."""
    import threading

    gate, spent, errors = threading.Barrier(2), [], []

    def claw() -> None:
        gate.wait(10)
        try:
            with sessions() as mine, mine.begin():
                claw_back_points(mine, 1, user, 1200, f"refund:r{round_}", NOW)
        except Exception as error:  # the claw-back must never fail
            errors.append(error)

    def buy() -> None:
        gate.wait(10)
        try:
            with sessions() as mine, mine.begin():
                spend(mine, SpendRequest(f"mall:r{round_}", 1, user, POINTS, 1000), NOW)
            spent.append(1000)
        except InsufficientBalance:
            pass

    threads = [threading.Thread(target=claw), threading.Thread(target=buy)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return spent, errors


def test_a_claw_back_racing_a_spend_never_fails_and_never_loses_points(session: Session) -> None:
    engine = session.get_bind()
    sessions = make_sessionmaker(engine)  # type: ignore[arg-type]
    for round_ in range(5):
        user = 100 + round_
        with session.begin():
            reward = Reward(RewardKind.POINTS, 1200)
            grant(session, GrantRequest(f"order:r{round_}", 1, user, "order", reward, 1200, "2026-11-23"), NOW)
        spent, errors = _race_claw_back_against_spend(sessions, user, round_)
        assert errors == []
        with session.begin():
            held_now = ledger.spendable_points(session, user, NOW + timedelta(seconds=1))
            owed_now = owed_points(session, user)
        assert (held_now, owed_now) == (0, sum(spent))  # what was spent before the claw-back is owed
