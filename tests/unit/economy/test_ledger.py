"""The ledger's rules with no database: balanced postings and which point lots a spend takes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from economy.errors import InsufficientBalance
from economy.ledger import Lot, Transfer, plan_spend, postings

NOW = datetime(2026, 11, 23, 4, 0, tzinfo=UTC)


def days(n: float) -> datetime:
    return NOW + timedelta(days=n)


def test_a_transfer_posts_two_rows_that_sum_to_zero_in_lock_order() -> None:
    assert postings(Transfer(source_id=7, target_id=3, amount=50)) == [(3, 50), (7, -50)]
    assert postings(Transfer(source_id=3, target_id=7, amount=1)) == [(3, -1), (7, 1)]
    assert sum(amount for _, amount in postings(Transfer(9, 2, 12345))) == 0


@pytest.mark.parametrize("transfer", [Transfer(1, 2, 0), Transfer(1, 2, -5), Transfer(4, 4, 10)])
def test_empty_negative_and_self_transfers_are_refused(transfer: Transfer) -> None:
    with pytest.raises(ValueError, match="positive amount between two different accounts"):
        postings(transfer)


def test_a_spend_takes_the_soonest_expiring_lots_first() -> None:
    lots = [Lot(1, 100, days(300)), Lot(2, 30, days(10)), Lot(3, 50, days(40))]
    assert plan_spend(lots, 60, NOW) == [(2, 30), (3, 30)]
    assert plan_spend(lots, 30, NOW) == [(2, 30)]
    assert plan_spend(lots, 180, NOW) == [(2, 30), (3, 50), (1, 100)]


def test_lots_expiring_together_go_by_id() -> None:
    lots = [Lot(9, 10, days(5)), Lot(4, 10, days(5))]
    assert plan_spend(lots, 15, NOW) == [(4, 10), (9, 5)]


def test_expired_and_empty_lots_are_never_spent() -> None:
    lots = [Lot(1, 500, NOW), Lot(2, 500, days(-1)), Lot(3, 0, days(1)), Lot(4, 20, days(2))]
    assert plan_spend(lots, 20, NOW) == [(4, 20)]
    with pytest.raises(InsufficientBalance, match="only 20 unexpired points to spend 21"):
        plan_spend(lots, 21, NOW)


def test_a_spend_is_positive() -> None:
    with pytest.raises(ValueError):
        plan_spend([Lot(1, 10, days(1))], 0, NOW)


def test_a_plan_never_takes_more_than_a_lot_holds_nor_more_than_asked() -> None:
    lots = [Lot(i, (i * 37) % 11 + 1, days(i % 5 + 1)) for i in range(1, 30)]
    held = sum(lot.remaining for lot in lots)
    for points in range(1, held + 1):
        plan = plan_spend(lots, points, NOW)
        remaining = {lot.id: lot.remaining for lot in lots}
        assert sum(taken for _, taken in plan) == points
        assert all(0 < taken <= remaining[lot_id] for lot_id, taken in plan)
        assert all(taken == remaining[lot_id] for lot_id, taken in plan[:-1])  # whole lots before the last
