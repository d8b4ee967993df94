"""Sending rules: windows and quiet hours in local time, the A/B split, retries, templates."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, time, timedelta

import pytest

from games.messages.rules import (
    DailyHours,
    SendPolicy,
    check_template,
    gives_up,
    may_send,
    next_send_time,
    render,
    retry_delay,
    variant_for,
    window_opens,
)
from games.messages.sending import link

SHANGHAI = "Asia/Shanghai"
POLICY = SendPolicy(daily_cap=2, quiet_hours=DailyHours(time(22), time(8)))


def at_shanghai(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, 23, hour, minute, tzinfo=UTC) - timedelta(hours=8)


@pytest.mark.parametrize(
    ("span", "moment", "holds"),
    [
        ("19:00-21:00", time(19), True),
        ("19:00-21:00", time(21), False),
        ("19:00-21:00", time(18, 59), False),
        ("22:00-08:00", time(23, 30), True),
        ("22:00-08:00", time(7, 59), True),
        ("22:00-08:00", time(8), False),
        ("00:00-00:00", time(3), True),
    ],
)
def test_daily_hours_include_the_start_exclude_the_end_and_may_cross_midnight(
    span: str, moment: time, holds: bool
) -> None:
    assert DailyHours.parse(span).holds(moment) is holds


@pytest.mark.parametrize("text", ["19:00", "19-21", "25:00-26:00", ""])
def test_a_malformed_span_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        DailyHours.parse(text)


def test_a_batch_goes_out_in_its_window_outside_quiet_hours_in_the_campaigns_clock() -> None:
    evening = DailyHours(time(19), time(21))
    assert may_send(at_shanghai(20), evening, POLICY, SHANGHAI)
    assert not may_send(at_shanghai(18), evening, POLICY, SHANGHAI)
    late = DailyHours(time(21), time(23))
    assert may_send(at_shanghai(21, 30), late, POLICY, SHANGHAI)
    assert not may_send(at_shanghai(22), late, POLICY, SHANGHAI)


def test_the_next_send_time_is_the_windows_next_opening() -> None:
    evening = DailyHours(time(19), time(21))
    assert next_send_time(at_shanghai(12), evening, POLICY, SHANGHAI) == at_shanghai(19)
    tomorrow = next_send_time(at_shanghai(21, 5), evening, POLICY, SHANGHAI)
    assert tomorrow == at_shanghai(19) + timedelta(days=1)


def test_a_window_inside_quiet_hours_never_opens() -> None:
    assert next_send_time(at_shanghai(12), DailyHours(time(23), time(23, 30)), POLICY, SHANGHAI) is None
    quiet = POLICY.quiet_hours
    assert not window_opens(DailyHours(time(23), time(23, 30)), quiet)
    assert not window_opens(DailyHours(time(22), time(8)), quiet)
    assert window_opens(DailyHours(time(7, 59), time(8, 1)), quiet)  # 08:00 is past the quiet hours' end
    assert window_opens(DailyHours(time(21, 59), time(22, 0)), quiet)
    assert window_opens(DailyHours(time(23), time(23, 30)), None)


def test_the_split_is_stable_per_member_and_follows_the_shares() -> None:
    shares = [("A", 3), ("B", 1)]
    counts = Counter(variant_for(7, f"h-{i}", shares) for i in range(20_000))
    assert abs(counts["A"] / 20_000 - 0.75) < 0.015
    assert variant_for(7, "h-1", shares) == variant_for(7, "h-1", shares)
    assert {variant_for(m, "h-1", [("only", 1)]) for m in range(5)} == {"only"}


def test_retries_wait_30_seconds_doubling_to_10_minutes_and_give_up_after_6_hours() -> None:
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 4, 5, 6, 7)] == [30, 60, 120, 240, 480, 600, 600]
    start = at_shanghai(12)
    assert not gives_up(start, start + timedelta(hours=5, minutes=59)) and gives_up(start, start + timedelta(hours=6))


def test_templates_name_known_variables_only() -> None:
    check_template("{name}，你有 {points} 积分，{expiring_points} 即将过期")
    assert render("{name}，{points} 积分", {"name": "小明", "points": 120}) == "小明，120 积分"
    assert render("{{不是变量}} {name}", {}) == "{不是变量} "
    for bad in ("{nme}", "{name.__class__}", "{0}", "{name:>99999}", "{name!r}", "{", "}"):
        with pytest.raises(ValueError):
            check_template(bad)


@pytest.mark.parametrize(
    ("suffix", "expected"),
    [
        ("", "/play/5?msg=9"),
        ("?tab=wheel", "/play/5?tab=wheel&msg=9"),
        ("#prizes", "/play/5?msg=9#prizes"),
        ("/mall", "/play/5/mall?msg=9"),
        ("/mall?sort=new#top", "/play/5/mall?sort=new&msg=9#top"),
    ],
)
def test_a_messages_link_stays_in_its_campaign_and_carries_the_delivery(suffix: str, expected: str) -> None:
    assert link(5, suffix, 9) == expected
