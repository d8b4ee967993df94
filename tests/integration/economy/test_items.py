"""Play items through the economy's one door, on SQLite and PostgreSQL: grants, spends, limits, expiry, races."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from economy import ledger
from economy.db import Base, make_engine, make_sessionmaker
from economy.errors import GrantKeyTaken, InsufficientBalance, Refusal
from economy.items import (
    EXPIRED_ROLE,
    HoldingLimitReached,
    ItemSpendConflict,
    expire_items,
    item_asset,
    item_balance,
    items_held,
)
from economy.limits import Cap, budget_level, set_budget, set_stock, stock_levels
from economy.models import Account, CapUsage, Grant, LedgerEntry, Posting
from economy.rewards import POINTS, Reward, RewardKind
from economy.service import GrantRequest, SpendRequest, grant, spend, spend_items
from tests.integration.invariants import assert_economy_invariants

NOW = datetime(2026, 11, 23, 4, tzinfo=UTC)
DAY = "2026-11-23"
SPIN = item_asset(1, "wheel_spin")


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    Base.metadata.create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with make_sessionmaker(engine)() as session:
        with session.begin():
            set_budget(session, 1, 10_000)
            set_budget(session, 2, 10_000)
        yield session
        assert_economy_invariants(session)


def items(
    count: int, key: str, user: int = 7, campaign: int = 1, item: str = "wheel_spin", **kw: object
) -> GrantRequest:
    reward = Reward(RewardKind.ITEM, count, item=item)
    return GrantRequest(key, campaign, user, f"{item}_prize", reward, 0, DAY, **kw)  # type: ignore[arg-type]


def entries(session: Session, kind: str) -> int:
    return session.execute(select(func.count()).select_from(LedgerEntry).where(LedgerEntry.kind == kind)).scalar_one()


def postings_by_asset(session: Session) -> dict[str, int]:
    rows = session.execute(
        select(Account.asset, func.sum(Posting.amount)).join(Posting).group_by(Account.asset).order_by(Account.asset)
    )
    return {asset: int(total) for asset, total in rows}


def test_a_grant_moves_items_from_the_campaign_issue_account_to_the_shopper(session: Session) -> None:
    with session.begin():
        record = grant(session, items(3, "g1"), NOW)
        assert (record.reward_kind, record.amount, record.cost_fen) == ("item", 3, 0)
        assert item_balance(session, 1, 7, "wheel_spin") == 3
        assert ledger.campaign_balance(session, 1, "issue", SPIN) == -3
        assert items_held(session, 1, 7) == {"wheel_spin": 3}
        assert entries(session, "item_grant") == 1
        assert budget_level(session, 1).spent_fen == 0  # type: ignore[union-attr]
        assert postings_by_asset(session) == {SPIN: 0}


def test_a_spend_takes_items_and_an_overspend_is_refused_changing_nothing(session: Session) -> None:
    with session.begin():
        grant(session, items(3, "g1"), NOW)
        spend_items(session, 1, 7, "wheel_spin", 2, "s1", NOW)
        assert item_balance(session, 1, 7, "wheel_spin") == 1
        with pytest.raises(InsufficientBalance):
            spend_items(session, 1, 7, "wheel_spin", 2, "s2", NOW)
        with pytest.raises(InsufficientBalance):
            spend_items(session, 1, 7, "dice", 1, "s3", NOW)
        assert item_balance(session, 1, 7, "wheel_spin") == 1
        assert entries(session, "item_spend") == 1
        assert ledger.campaign_balance(session, 1, "sink", SPIN) == 2
    with session.begin():
        assert item_balance(session, 1, 7, "wheel_spin") == 1  # the refusals left the committed spend alone


def test_items_are_scoped_by_campaign(session: Session) -> None:
    with session.begin():
        grant(session, items(3, "c1"), NOW)
        grant(session, items(1, "c2", campaign=2), NOW)
        grant(session, items(2, "c2-dice", campaign=2, item="dice"), NOW)
        assert items_held(session, 1, 7) == {"wheel_spin": 3}
        assert items_held(session, 2, 7) == {"dice": 2, "wheel_spin": 1}
        with pytest.raises(InsufficientBalance):
            spend_items(session, 2, 7, "wheel_spin", 2, "s", NOW)
        with pytest.raises(ValueError, match="not an item of campaign 2"):
            spend(session, SpendRequest("s", 2, 7, SPIN, 1), NOW)
        spend(session, SpendRequest("s", 1, 7, SPIN, 2), NOW)
        assert (item_balance(session, 1, 7, "wheel_spin"), item_balance(session, 2, 7, "wheel_spin")) == (1, 1)
        assert items_held(session, 1, 8) == {}


def test_a_grant_key_grants_items_once(session: Session) -> None:
    with session.begin():
        grant(session, items(3, "same"), NOW)
        with pytest.raises(GrantKeyTaken):
            grant(session, items(3, "same"), NOW)
        with pytest.raises(GrantKeyTaken):
            grant(session, items(5, "same", item="dice"), NOW)
        assert items_held(session, 1, 7) == {"wheel_spin": 3}
        assert session.execute(select(func.count()).select_from(Grant)).scalar_one() == 1
        assert entries(session, "item_grant") == 1


def test_a_spend_reference_spends_once_per_item_account(session: Session) -> None:
    with session.begin():
        grant(session, items(3, "g"), NOW)
        grant(session, items(3, "g-dice", item="dice"), NOW)
        first = spend_items(session, 1, 7, "wheel_spin", 1, "order-1", NOW)
        assert spend_items(session, 1, 7, "wheel_spin", 1, "order-1", NOW) == first
        with pytest.raises(ItemSpendConflict, match="took 1 items before, not 2"):
            spend_items(session, 1, 7, "wheel_spin", 2, "order-1", NOW)
        assert spend_items(session, 1, 7, "dice", 1, "order-1", NOW) != first  # another item: another spend
        assert items_held(session, 1, 7) == {"dice": 2, "wheel_spin": 2}
    with session.begin():
        assert spend_items(session, 1, 7, "wheel_spin", 1, "order-1", NOW) == first  # after a commit too
        assert item_balance(session, 1, 7, "wheel_spin") == 2
        assert entries(session, "item_spend") == 2


def test_a_holding_limit_refuses_a_grant_and_rolls_back_its_limits(session: Session) -> None:
    cap = Cap("spins", "day", max_count=10)
    with session.begin():
        set_stock(session, 1, "wheel_spin_prize", 10)
        grant(session, items(3, "h1", max_held=5, caps=(cap,)), NOW)
        with pytest.raises(HoldingLimitReached) as refused:
            grant(session, items(3, "h2", max_held=5, caps=(cap,)), NOW)
        assert refused.value.code == "holding_limit_reached" and isinstance(refused.value, Refusal)
        assert item_balance(session, 1, 7, "wheel_spin") == 3
        assert stock_levels(session, 1)["wheel_spin_prize"].used == 1
        assert session.execute(select(CapUsage.count)).scalar_one() == 1
        assert session.execute(select(Grant.key)).scalars().all() == ["h1"]
        grant(session, items(2, "h3", max_held=5), NOW)
        assert item_balance(session, 1, 7, "wheel_spin") == 5


def test_expiry_at_the_campaign_end_sweeps_every_shopper_once(session: Session) -> None:
    with session.begin():
        grant(session, items(3, "a"), NOW)
        grant(session, items(4, "b", user=8), NOW)
        grant(session, items(2, "c", user=8, item="dice"), NOW)
        grant(session, items(6, "other", campaign=2), NOW)
        grant(session, GrantRequest("pts", 1, 7, "pts", Reward(RewardKind.POINTS, 50), 50, DAY), NOW)
        spend_items(session, 1, 8, "wheel_spin", 1, "s", NOW)
    with session.begin():
        assert expire_items(session, 1, NOW) == 3 + 3 + 2
    with session.begin():
        assert items_held(session, 1, 7) == items_held(session, 1, 8) == {}
        assert ledger.campaign_balance(session, 1, EXPIRED_ROLE, SPIN) == 6
        assert ledger.campaign_balance(session, 1, EXPIRED_ROLE, item_asset(1, "dice")) == 2
        assert entries(session, "item_expiry") == 3
        assert item_balance(session, 2, 7, "wheel_spin") == 6  # another campaign keeps its items
        assert ledger.balance(session, "user:7", POINTS) == 50
        assert set(postings_by_asset(session).values()) == {0}
        assert expire_items(session, 1, NOW) == 0
        assert entries(session, "item_expiry") == 3
        with pytest.raises(InsufficientBalance):
            spend_items(session, 1, 7, "wheel_spin", 1, "late", NOW)


def race(engine: Engine, threads: int, work: Callable[[Session, int], object]) -> list[object]:
    """Run ``work`` once per thread, each in its own session and transaction, all released together by a
    barrier; a refusal is returned, not raised."""
    barrier = threading.Barrier(threads)
    sessions = make_sessionmaker(engine)

    def run(index: int) -> object:
        with sessions() as session:
            barrier.wait(timeout=60)
            try:
                with session.begin():
                    return work(session, index)
            except Refusal as refusal:
                return refusal

    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(run, range(threads)))


def hold_ten_with_a_sink(session: Session) -> None:
    """The shopper holds 10 spins and has spent one before, so the race does not meet at the sink account's
    creation (a conflicting insert waits for the first one's commit, which would serialise the spends)."""
    with session.begin():
        grant(session, items(11, "eleven"), NOW)
        spend_items(session, 1, 7, "wheel_spin", 1, "warm-up", NOW)
        assert item_balance(session, 1, 7, "wheel_spin") == 10


def test_twenty_concurrent_spends_of_ten_items_take_exactly_ten(engine: Engine, session: Session) -> None:
    hold_ten_with_a_sink(session)
    answers = race(engine, 20, lambda s, i: spend_items(s, 1, 7, "wheel_spin", 1, f"race-{i}", NOW))
    assert sum(isinstance(a, int) for a in answers) == 10
    assert sum(isinstance(a, InsufficientBalance) for a in answers) == 10
    with session.begin():
        assert item_balance(session, 1, 7, "wheel_spin") == 0
        assert ledger.campaign_balance(session, 1, "sink", SPIN) == 11
        assert entries(session, "item_spend") == 11
        assert postings_by_asset(session) == {SPIN: 0}


def test_concurrent_spends_under_one_reference_take_once(engine: Engine, session: Session) -> None:
    hold_ten_with_a_sink(session)
    answers = race(engine, 10, lambda s, _: spend_items(s, 1, 7, "wheel_spin", 1, "double-tap", NOW))
    assert len(set(answers)) == 1 and isinstance(answers[0], int)
    with session.begin():
        assert item_balance(session, 1, 7, "wheel_spin") == 9
        assert entries(session, "item_spend") == 2


def test_concurrent_grants_never_pass_the_holding_limit(engine: Engine, session: Session) -> None:
    answers = race(engine, 10, lambda s, i: grant(s, items(1, f"hold-{i}", max_held=3), NOW).id)
    assert sum(isinstance(a, int) for a in answers) == 3
    assert sum(isinstance(a, HoldingLimitReached) for a in answers) == 7
    with session.begin():
        assert item_balance(session, 1, 7, "wheel_spin") == 3
        assert session.execute(select(func.count()).select_from(Grant)).scalar_one() == 3
