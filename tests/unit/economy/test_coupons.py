"""Coupon redemption rules: ownership, state, validity window, minimum order, category. No database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from economy.coupons import (
    CategoryNotCovered,
    CouponExpired,
    CouponNotFound,
    CouponNotYetValid,
    CouponUsed,
    Order,
    OrderBelowMinimum,
    OrderRefReused,
    check_redeemable,
    fits,
    is_replay,
    minimum_fen,
)
from economy.errors import Refusal
from economy.models import Coupon

NOW = datetime(2026, 11, 23, 4, 0, tzinfo=UTC)
ORDER = Order(ref="order-1", amount_fen=20000, category="phones")


def coupon(**changes: Any) -> Coupon:
    """An issued 12期免息 coupon of user 7, minimum 100 yuan, any category, valid a day either side of NOW."""
    fields: dict[str, Any] = {
        "id": 1,
        "user_id": 7,
        "kind": "interest_free",
        "title": "12期免息",
        "periods": 12,
        "min_order_fen": 10000,
        "category": None,
        "threshold_fen": None,
        "amount_fen": None,
        "valid_from": NOW - timedelta(days=1),
        "valid_until": NOW + timedelta(days=1),
        "state": "issued",
    }
    return Coupon(**{**fields, **changes})


def refusal(found: Coupon | None, user_id: int | None = 7, order: Order = ORDER, now: datetime = NOW) -> str | None:
    """The refusal code of redeeming ``found`` for ``order``, or None when it may be redeemed."""
    try:
        check_redeemable(found, user_id, order, now)
    except Refusal as error:
        return error.code
    return None


def test_an_issued_coupon_within_its_window_redeems() -> None:
    assert refusal(coupon()) is None


@pytest.mark.parametrize(
    ("found", "user_id", "code"),
    [(None, 7, "coupon_not_found"), (coupon(), 8, "coupon_not_found"), (coupon(), None, "coupon_not_found")],
)
def test_a_missing_coupon_and_another_users_coupon_look_the_same(
    found: Coupon | None, user_id: int | None, code: str
) -> None:
    assert refusal(found, user_id) == code


def test_a_used_coupon_is_refused_even_before_its_end() -> None:
    assert refusal(coupon(state="used", order_ref="order-0")) == "coupon_used"


def test_a_coupon_expires_at_valid_until_swept_or_not() -> None:
    assert refusal(coupon(state="expired")) == "coupon_expired"
    assert refusal(coupon(), now=NOW + timedelta(days=1)) == "coupon_expired"
    assert refusal(coupon(), now=NOW + timedelta(days=1) - timedelta(microseconds=1)) is None


def test_a_coupon_is_not_valid_before_valid_from() -> None:
    assert refusal(coupon(valid_from=NOW + timedelta(seconds=1))) == "coupon_not_yet_valid"
    assert refusal(coupon(valid_from=NOW)) is None


def test_the_minimum_is_the_larger_of_min_order_and_threshold() -> None:
    full_reduction = coupon(kind="full_reduction", min_order_fen=0, threshold_fen=30000, amount_fen=3000)
    assert minimum_fen(coupon()) == 10000 and minimum_fen(full_reduction) == 30000
    assert refusal(coupon(), order=Order("o", 9999, None)) == "order_below_minimum"
    assert refusal(coupon(), order=Order("o", 10000, None)) is None
    assert refusal(full_reduction, order=Order("o", 29999, None)) == "order_below_minimum"
    assert refusal(full_reduction, order=Order("o", 30000, None)) is None


def test_a_scoped_coupon_covers_only_its_category() -> None:
    scoped = coupon(category="phones")
    assert refusal(scoped) is None
    assert refusal(scoped, order=Order("o", 20000, "groceries")) == "category_not_covered"
    assert refusal(scoped, order=Order("o", 20000, None)) == "category_not_covered"
    assert refusal(coupon(), order=Order("o", 20000, None)) is None


def test_refusals_are_reported_in_order_ownership_state_window_amount_category() -> None:
    everything_wrong = coupon(state="used", category="food", valid_from=NOW + timedelta(days=2))
    assert refusal(everything_wrong, user_id=8, order=Order("o", 1, "phones")) == "coupon_not_found"
    assert refusal(everything_wrong, order=Order("o", 1, "phones")) == "coupon_used"
    assert refusal(coupon(valid_from=NOW + timedelta(hours=1)), order=Order("o", 1, "x")) == "coupon_not_yet_valid"
    assert refusal(coupon(category="food"), order=Order("o", 1, "phones")) == "order_below_minimum"


def test_refusals_are_typed() -> None:
    for error, code in [
        (CouponNotFound, "coupon_not_found"),
        (CouponUsed, "coupon_used"),
        (CouponExpired, "coupon_expired"),
        (CouponNotYetValid, "coupon_not_yet_valid"),
        (OrderBelowMinimum, "order_below_minimum"),
        (CategoryNotCovered, "category_not_covered"),
    ]:
        assert issubclass(error, Refusal) and error.code == code


def test_a_replay_is_the_same_user_and_order_on_a_used_coupon() -> None:
    used = coupon(state="used", order_ref="order-1", order_fen=20000, order_category="phones")
    assert is_replay(used, 7, ORDER)
    assert not is_replay(used, 8, ORDER)
    assert not is_replay(used, 7, Order("order-2", 20000, "phones"))
    assert not is_replay(coupon(order_ref="order-1"), 7, ORDER)


@pytest.mark.parametrize("order", [Order("order-1", 20001, "phones"), Order("order-1", 20000, None)])
def test_the_same_order_reference_with_another_amount_or_category_is_refused(order: Order) -> None:
    used = coupon(state="used", order_ref="order-1", order_fen=20000, order_category="phones")
    with pytest.raises(OrderRefReused, match="another amount or category"):
        is_replay(used, 7, order)


def test_listing_filters_on_what_the_order_gives() -> None:
    scoped = coupon(category="phones")
    assert fits(scoped, None, None) and fits(scoped, 10000, "phones")
    assert not fits(scoped, 9999, None) and not fits(scoped, None, "food")
    assert fits(coupon(), 10000, "anything")
