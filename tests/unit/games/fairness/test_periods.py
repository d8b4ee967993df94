"""Seed period bounds and keys: pure rules on the campaign's wall clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from games.fairness.periods import PERIOD_HOURS, period_bounds, period_key

SHANGHAI = "Asia/Shanghai"
NOON = datetime(2026, 11, 23, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai


def utc(day: int, hour: int) -> datetime:
    return datetime(2026, 11, day, hour, 0, tzinfo=UTC)


def test_a_day_runs_from_local_midnight_to_midnight() -> None:
    assert period_bounds(NOON, SHANGHAI) == (utc(22, 16), utc(23, 16))
    assert period_key(utc(22, 16), SHANGHAI, 24, 1) == "20261123-1"


def test_six_hour_periods_start_at_midnight_and_every_six_hours() -> None:
    assert period_bounds(NOON, SHANGHAI, 6) == (utc(23, 4), utc(23, 10))
    assert period_bounds(utc(23, 3), SHANGHAI, 6) == (utc(22, 22), utc(23, 4))  # 11:00 local: 06:00-12:00
    assert period_key(utc(23, 4), SHANGHAI, 6, 1) == "20261123T12-1"


def test_the_last_period_of_a_day_ends_at_local_midnight() -> None:
    late = datetime(2026, 11, 23, 15, 30, tzinfo=UTC)  # 23:30 local
    assert period_bounds(late, SHANGHAI, 8) == (utc(23, 8), utc(23, 16))
    assert period_bounds(late, SHANGHAI, 1) == (utc(23, 15), utc(23, 16))


@pytest.mark.parametrize("hours", PERIOD_HOURS)
def test_periods_tile_the_day_without_gaps(hours: int) -> None:
    start, _ = period_bounds(NOON, SHANGHAI)
    moment, seen = start, []
    while moment < utc(23, 16):
        bounds = period_bounds(moment, SHANGHAI, hours)
        assert bounds[0] == moment and (bounds[1] - bounds[0]).total_seconds() == hours * 3600
        seen.append(bounds)
        moment = bounds[1]
    assert len(seen) == 24 // hours


@pytest.mark.parametrize("hours", [0, 5, 7, 48])
def test_lengths_that_do_not_divide_a_day_are_refused(hours: int) -> None:
    with pytest.raises(ValueError, match="seed period"):
        period_bounds(NOON, SHANGHAI, hours)


@pytest.mark.parametrize("day", [datetime(2026, 3, 8, 12, tzinfo=UTC), datetime(2026, 11, 1, 12, tzinfo=UTC)])
@pytest.mark.parametrize("hours", PERIOD_HOURS)
def test_periods_tile_a_day_with_a_clock_change(day: datetime, hours: int) -> None:
    """New York's 23- and 25-hour days, walked in UTC instants as the engine stores them: periods follow the
    wall clock, each lasts a positive time, and they tile the day with no gap, no overlap and unique keys."""
    zone = "America/New_York"
    start, end = (bound.astimezone(UTC) for bound in period_bounds(day, zone))
    moment, keys = start, []
    while moment < end:
        first, last = (bound.astimezone(UTC) for bound in period_bounds(moment, zone, hours))
        assert first == moment < last <= end
        assert period_bounds(last - timedelta(seconds=1), zone, hours)[0].astimezone(UTC) == first
        keys.append(period_key(first, zone, hours, 1))
        moment = last
    assert moment == end and len(set(keys)) == len(keys)
    assert len(keys) == (23 if hours == 1 and day.month == 3 else 24 // hours)  # 02:00-03:00 never happens
