"""The check-in calendar's pure rules: a tier's points drawn uniformly within its range, streaks, the milestones a
day completes (once per run, over again per cycle), and which make-ups are allowed."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest

from games.checkin.calendar import (
    CHECKED,
    MADE_UP,
    Reached,
    current_streak,
    daily_points,
    due_milestones,
    makeup_refusal,
    month_calendar,
    next_milestone,
)
from games.checkin.config import DEFAULT_TIERS, CheckinConfigSchema, MakeUp, Tier
from games.fairness.rng import FairRng

SEED = "ab" * 32
CHI_SQUARE_10_DF_AT_0_999 = 29.588  # the chi-square quantile: a uniform draw exceeds it once in 1,000 runs
D0 = date(2026, 12, 1)


def config(**changes: object):  # type: ignore[no-untyped-def]
    milestones = [{"days": d, "prize": f"m{d}"} for d in (3, 7)] + [{"kind": "total", "days": 10, "prize": "t10"}]
    milestones = changes.pop("milestones", milestones)
    tiers = [dict(tier) for tier in DEFAULT_TIERS]
    return CheckinConfigSchema().load({"tiers": tiers, "milestones": milestones, **changes})


def days(*offsets: int) -> set[date]:
    return {D0 + timedelta(days=n) for n in offsets}


def test_tier_points_over_100k_draws_stay_in_range_and_are_uniform() -> None:
    tier = Tier("normal", "普通会员", None, 10, 20)
    counts = Counter(daily_points(tier, FairRng(SEED, "client", nonce)) for nonce in range(100_000))
    assert set(counts) == set(range(10, 21))
    expected = 100_000 / 11
    chi_square = sum((counts[points] - expected) ** 2 / expected for points in range(10, 21))
    assert chi_square < CHI_SQUARE_10_DF_AT_0_999, counts


def test_a_fixed_amount_still_draws_once_below_one() -> None:
    rng = FairRng(SEED, "client", 0)
    assert daily_points(Tier("normal", "普通会员", None, 10, 10), rng) == 10
    assert rng.calls == [(1, 0)]


def test_the_streak_counts_through_yesterday_until_today_is_checked() -> None:
    checked = days(0, 1, 2)
    assert current_streak(checked, D0 + timedelta(days=3)) == 3  # today not yet checked: the streak lives
    assert current_streak(checked, D0 + timedelta(days=2)) == 3
    assert current_streak(checked, D0 + timedelta(days=4)) == 0  # a day missed


def test_milestones_are_due_once_per_run_and_a_make_up_joining_runs_grants_only_the_new_one() -> None:
    rules = config()
    reached: list[Reached] = []
    checked: set[date] = set()
    for n in (0, 1, 2, 4, 5, 6):  # day 3 missed: two runs of 3
        checked.add(D0 + timedelta(days=n))
        reached += due_milestones(rules, checked, D0 + timedelta(days=n), reached)
    assert [(r.kind, r.days) for r in reached] == [("streak", 3), ("streak", 3)]
    checked.add(D0 + timedelta(days=3))  # the make-up joins the runs: 7 in a row
    due = due_milestones(rules, checked, D0 + timedelta(days=3), reached)
    assert [(r.kind, r.days, r.day) for r in due] == [("streak", 7, D0 + timedelta(days=6))]


def test_extending_a_run_backwards_does_not_grant_its_milestone_again() -> None:
    rules = config()
    checked = days(5, 6, 7)
    reached = due_milestones(rules, checked, D0 + timedelta(days=7), [])
    assert [r.days for r in reached] == [3]
    checked |= days(4)
    assert due_milestones(rules, checked, D0 + timedelta(days=4), reached) == []


def test_streak_milestones_start_over_after_the_longest_unless_configured_not_to() -> None:
    checked = days(*range(10))
    again = due_milestones(config(), checked, D0 + timedelta(days=9), [])
    assert [(r.cycle, r.days) for r in again if r.kind == "streak"] == [(0, 3), (0, 7), (1, 3)]
    once = due_milestones(config(restart_after_last=False), checked, D0 + timedelta(days=9), [])
    assert [(r.cycle, r.days) for r in once if r.kind == "streak"] == [(0, 3), (0, 7)]
    assert [r.days for r in again if r.kind == "total"] == [10]


def test_the_next_milestone_and_what_is_left_to_go() -> None:
    rules = config()
    assert next_milestone(rules, 0)[1] == 3  # type: ignore[index]
    milestone, to_go = next_milestone(rules, 5)  # type: ignore[misc]
    assert (milestone.days, to_go) == (7, 2)
    assert next_milestone(rules, 7)[0].days == 3  # type: ignore[index]  # the cycle starts over
    assert next_milestone(config(restart_after_last=False), 7) is None


RULES = MakeUp(window_days=3, monthly_max=1, price_points=10)
TODAY = D0 + timedelta(days=10)
STARTS, JOINED = D0, D0 + timedelta(days=2)


@pytest.mark.parametrize(
    ("day", "reason"),
    [
        (TODAY, "makeup_today"),
        (TODAY + timedelta(days=1), "makeup_future"),
        (D0 - timedelta(days=1), "makeup_before_start"),
        (D0 + timedelta(days=1), "makeup_before_joined"),
        (TODAY - timedelta(days=4), "makeup_out_of_window"),
        (TODAY - timedelta(days=3), None),
        (TODAY - timedelta(days=1), None),
    ],
)
def test_which_days_may_be_made_up(day: date, reason: str | None) -> None:
    refusal = makeup_refusal(RULES, {JOINED: CHECKED}, day, TODAY, STARTS, JOINED)
    assert (refusal.code if refusal else None) == reason


def test_the_monthly_limit_counts_make_ups_of_the_days_month() -> None:
    made = {JOINED: CHECKED, TODAY - timedelta(days=2): MADE_UP}
    refusal = makeup_refusal(RULES, made, TODAY - timedelta(days=1), TODAY, STARTS, JOINED)
    assert refusal is not None and refusal.code == "makeup_monthly_limit"
    assert makeup_refusal(MakeUp(3, 0, 10), {}, TODAY - timedelta(days=1), TODAY, STARTS, JOINED).code == (  # type: ignore[union-attr]
        "makeup_unavailable"
    )


def test_the_month_marks_each_day() -> None:
    marked = {D0: CHECKED, D0 + timedelta(days=2): MADE_UP}
    month = month_calendar(marked, D0, D0 + timedelta(days=4), D0, D0 + timedelta(days=20))
    marks = [d["mark"] for d in month[:6]]
    assert marks == ["checked", "missed", "made_up", "missed", "today", "future"]
    assert month[25]["mark"] == "outside" and len(month) == 31


def test_early_in_a_month_the_calendar_starts_with_the_days_still_to_make_up() -> None:
    today = date(2026, 12, 2)
    month = month_calendar(
        {date(2026, 11, 28): CHECKED}, today, today, D0 - timedelta(days=30), today, today - timedelta(days=3)
    )
    assert [d["day"] for d in month[:4]] == ["2026-11-29", "2026-11-30", "2026-12-01", "2026-12-02"]
    assert [d["mark"] for d in month[:3]] == ["missed", "missed", "missed"] and len(month) == 2 + 31


@pytest.mark.parametrize("milestones", [(3,), (3, 7)])
def test_skipping_a_day_and_making_it_up_never_pays_more_than_the_join_owes(milestones: tuple[int, ...]) -> None:
    rules = config(milestones=[{"days": d, "prize": f"m{d}"} for d in milestones])
    every_day: list[Reached] = []
    made_up: list[Reached] = []
    checked: set[date] = set()
    for n in range(7):
        checked.add(D0 + timedelta(days=n))
        every_day += due_milestones(rules, checked, D0 + timedelta(days=n), every_day)
    checked = set()
    for n in (0, 1, 2, 4, 5, 6):
        checked.add(D0 + timedelta(days=n))
        made_up += due_milestones(rules, checked, D0 + timedelta(days=n), made_up)
    checked.add(D0 + timedelta(days=3))
    made_up += due_milestones(rules, checked, D0 + timedelta(days=3), made_up)
    streaks = sorted(r.days for r in made_up if r.kind == "streak")
    # two 3-day runs earned 3 days twice before the make-up; the joined 7 days owe nothing more of it
    assert streaks.count(3) == 2 and streaks.count(7) == sorted(r.days for r in every_day).count(7)
    assert len({r.reference for r in made_up}) == len(made_up)
