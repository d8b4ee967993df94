"""The bucket spreading rule of :mod:`economy.buckets`, without a database."""

from __future__ import annotations

import pytest

from economy.buckets import BUCKETS, bucket_of, spread


def test_what_remains_is_spread_evenly_on_top_of_what_each_bucket_used() -> None:
    assert spread(10, [0, 0, 0, 0]) == [3, 3, 2, 2]
    assert spread(6, [5, 0, 1]) == [7, 2, 3]


def test_the_totals_always_sum_to_what_was_used_plus_what_remains() -> None:
    for remaining in (0, 1, 15, 16, 17, 999):
        for used in ([0] * 16, list(range(16)), [7] * 3):
            for first in range(len(used)):
                for need in (0, 1, remaining, remaining + 1):
                    totals = spread(remaining, used, first, need)
                    assert sum(totals) == sum(used) + remaining
                    assert all(t >= u for t, u in zip(totals, used, strict=True))


def test_the_first_bucket_gets_what_it_needs_when_the_counter_has_it() -> None:
    totals = spread(20, [0] * 8, first=5, need=12)
    assert totals[5] == 12 and sum(totals) == 20
    assert spread(20, [0] * 8, first=5, need=21) == spread(20, [0] * 8)  # more than remains: an even spread


def test_nothing_to_give_out_keeps_every_bucket_full() -> None:
    assert spread(0, [4, 0, 9]) == [4, 0, 9]
    with pytest.raises(ValueError):
        spread(-1, [0, 0])


def test_hints_land_in_every_bucket() -> None:
    assert {bucket_of(user) for user in range(100)} == set(range(BUCKETS))
