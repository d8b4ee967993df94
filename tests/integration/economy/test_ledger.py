"""The economy's one door on SQLite and PostgreSQL: grants, spends, limits, lots and expiry."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from economy import ledger
from economy.db import Base, make_engine, make_sessionmaker
from economy.errors import BudgetExhausted, CapReached, GrantKeyTaken, InsufficientBalance, OutOfStock
from economy.limits import Cap, budget_level, set_budget, set_stock
from economy.rewards import CASH, POINTS, CouponTemplate, Reward, RewardKind
from economy.service import GrantRequest, SpendRequest, grant, spend
from economy.wallet import wallet
from tests.integration.invariants import assert_economy_invariants

NOW = datetime(2026, 11, 23, 4, tzinfo=UTC)
DAY = "2026-11-23"


@pytest.fixture
def session(database_url: str) -> Iterator[Session]:
    engine = make_engine(database_url)
    Base.metadata.create_all(engine)
    with make_sessionmaker(engine)() as session:
        with session.begin():
            set_budget(session, 1, 10_000)
        yield session
        assert_economy_invariants(session)
    engine.dispose()


def points(n: int, key: str, user: int = 7, **kwargs: object) -> GrantRequest:
    return GrantRequest(
        key=key,
        campaign_id=1,
        user_id=user,
        prize_key="pts",
        reward=Reward(RewardKind.POINTS, n),
        cost_fen=n,
        day=DAY,
        **kwargs,
    )  # type: ignore[arg-type]


def test_grant_credits_points_as_a_lot_and_charges_the_budget(session: Session) -> None:
    with session.begin():
        grant(session, points(100, "g1"), NOW)
        assert ledger.balance(session, "user:7", POINTS) == 100
        assert budget_level(session, 1).spent_fen == 100  # type: ignore[union-attr]


def test_a_key_grants_once_and_a_second_grant_under_it_is_refused_not_reported(session: Session) -> None:
    with session.begin():
        grant(session, points(100, "same"), NOW)
        with pytest.raises(GrantKeyTaken):
            grant(session, points(50, "same"), NOW)
        assert ledger.balance(session, "user:7", POINTS) == 100


def test_red_packet_and_coupon(session: Session) -> None:
    coupon = CouponTemplate(type="interest_free", title="12期免息", valid_days=30, periods=12, min_order_fen=10000)
    with session.begin():
        grant(session, GrantRequest("r", 1, 7, "red", Reward(RewardKind.RED_PACKET, 188), 188, DAY), NOW)
        grant(
            session,
            GrantRequest("c", 1, 7, "cp", Reward(RewardKind.COUPON, coupon=coupon, coupon_cost_fen=300), 300, DAY),
            NOW,
        )
        found = wallet(session, 7, NOW)
        assert found.cash_fen == 188
        assert [(c.kind, c.periods, c.state) for c in found.coupons] == [("interest_free", 12, "issued")]
        assert found.coupons[0].valid_until == NOW + timedelta(days=30)


@pytest.mark.parametrize(
    ("setup", "refusal"),
    [
        (lambda s: set_stock(s, 1, "pts", 0), OutOfStock),
        (lambda s: set_budget(s, 1, 50), BudgetExhausted),
    ],
)
def test_refusals_change_nothing(session: Session, setup, refusal) -> None:  # type: ignore[no-untyped-def]
    with session.begin():
        setup(session)
    with session.begin():
        with pytest.raises(refusal):
            grant(session, points(100, "x", caps=(Cap("d", "day", max_count=5),)), NOW)
        assert ledger.balance(session, "user:7", POINTS) == 0


def test_caps_count_and_value_per_window(session: Session) -> None:
    caps = (Cap("count", "day", max_count=2), Cap("value", "campaign", max_value_fen=250))
    with session.begin():
        grant(session, points(100, "a", caps=caps), NOW)
        grant(session, points(100, "b", caps=caps), NOW)
        with pytest.raises(CapReached, match="count"):
            grant(session, points(10, "c", caps=caps), NOW)
        tomorrow = GrantRequest("d", 1, 7, "pts", Reward(RewardKind.POINTS, 100), 100, "2026-11-24", caps)
        with pytest.raises(CapReached, match="value"):
            grant(session, tomorrow, NOW)
        grant(session, GrantRequest("e", 1, 7, "pts", Reward(RewardKind.POINTS, 50), 50, "2026-11-24", caps), NOW)
        assert ledger.balance(session, "user:7", POINTS) == 250


def test_spend_takes_soonest_expiring_lots_and_never_goes_negative(session: Session) -> None:
    with session.begin():
        grant(session, points(100, "late", points_lifetime=timedelta(days=300)), NOW)
        grant(session, points(30, "soon", points_lifetime=timedelta(days=10)), NOW)
        spend(session, SpendRequest("s1", 1, 7, POINTS, 50), NOW)
        remaining = sorted((r, e - NOW) for r, e in ledger.points_expiring(session, 7, NOW, NOW + timedelta(days=400)))
        assert remaining == [(80, timedelta(days=300))]
        with pytest.raises(InsufficientBalance):
            spend(session, SpendRequest("s2", 1, 7, POINTS, 81), NOW)
        with pytest.raises(InsufficientBalance):
            spend(session, SpendRequest("s3", 1, 7, CASH, 1), NOW)
        assert ledger.balance(session, "user:7", POINTS) == 80


def test_expired_points_cannot_be_spent_and_move_out_through_the_ledger(session: Session) -> None:
    with session.begin():
        grant(session, points(40, "short", points_lifetime=timedelta(days=1)), NOW)
        grant(session, points(60, "long"), NOW)
    later = NOW + timedelta(days=2)
    with session.begin():
        with pytest.raises(InsufficientBalance):
            spend(session, SpendRequest("s", 1, 7, POINTS, 70), later)
        assert ledger.expire_points(session, later) == 40
        assert ledger.expire_points(session, later) == 0
        assert ledger.balance(session, "user:7", POINTS) == 60
        assert ledger.balance(session, ledger.EXPIRED_OWNER, POINTS) == 40


def test_resizing_limits_below_use_is_refused(session: Session) -> None:
    with session.begin():
        set_stock(session, 1, "pts", 1)
        grant(session, points(10, "one"), NOW)
        with pytest.raises(ValueError, match="below"):
            set_stock(session, 1, "pts", 0)
        with pytest.raises(ValueError, match="below"):
            set_budget(session, 1, 5)


def test_daily_budget_resets_with_the_day(session: Session) -> None:
    with session.begin():
        set_budget(session, 1, 10_000, daily_total_fen=150)
        grant(session, points(100, "d1"), NOW)
        with pytest.raises(BudgetExhausted, match="today"):
            grant(session, points(100, "d2"), NOW)
        next_day = GrantRequest("d3", 1, 7, "pts", Reward(RewardKind.POINTS, 100), 100, "2026-11-24")
        grant(session, next_day, NOW)
        assert budget_level(session, 1).spent_fen == 200  # type: ignore[union-attr]
