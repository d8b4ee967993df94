"""The check-in calendar's rules, pure: a day's points, streaks, the milestones a day completes, which make-ups
are allowed, and the month a shopper's page shows. Days are ``datetime.date`` in the campaign's time zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from games.checkin.config import CheckinConfig, MakeUp, Milestone, Tier
from games.fairness.rng import FairRng

CHECKED = "checked"
MADE_UP = "made_up"


@dataclass(frozen=True)
class Reached:
    """A milestone a shopper has been granted: its ``kind``, the streak ``cycle`` (0 for totals), its ``days``
    and the ``day`` it was reached (a streak milestone is granted once per run of days holding that day)."""

    kind: str
    cycle: int
    days: int
    day: date

    @property
    def reference(self) -> str:
        """What the grant is keyed by: unique per milestone reached."""
        return f"{self.kind}:{self.cycle}:{self.days}:{self.day.isoformat()}"


def daily_points(tier: Tier, rng: FairRng) -> int:
    """A check-in's points for ``tier``: a uniform integer in ``[points_min, points_max]``, one fair draw below
    ``points_max - points_min + 1`` (rejection-sampled, recorded; a fixed amount still draws below 1, so every
    check-in is in the draw log)."""
    return tier.points_min + rng.below(tier.points_max - tier.points_min + 1)


def run_through(days: set[date], day: date) -> tuple[date, date] | None:
    """The first and last day of the run of consecutive checked ``days`` that holds ``day``; ``None`` when
    ``day`` is not checked."""
    if day not in days:
        return None
    first, last = day, day
    while first - timedelta(days=1) in days:
        first -= timedelta(days=1)
    while last + timedelta(days=1) in days:
        last += timedelta(days=1)
    return first, last


def current_streak(days: set[date], today: date) -> int:
    """Days in a row up to today, or up to yesterday while today is not checked yet (the streak still lives)."""
    end = today if today in days else today - timedelta(days=1)
    run = run_through(days, end)
    return 0 if run is None else (end - run[0]).days + 1


def due_milestones(config: CheckinConfig, days: set[date], day: date, reached: list[Reached]) -> list[Reached]:
    """The milestones ``day`` (just checked) completes that were not granted before: streak milestones of the run
    holding it (over again each cycle of the longest one when ``restart_after_last``), and totals."""
    due = _due_streak(config, days, day, reached)
    granted_totals = {r.days for r in reached if r.kind == "total"}
    due += [
        Reached("total", 0, m.days, day)
        for m in config.total_milestones()
        if len(days) >= m.days and m.days not in granted_totals
    ]
    return due


def _due_streak(config: CheckinConfig, days: set[date], day: date, reached: list[Reached]) -> list[Reached]:
    """Each streak milestone is due as often as its places in the run holding ``day`` (its days, and again each
    cycle of the longest milestone when ``restart_after_last``), less the grants of it already dated in that run.

    Counting, not matching places: a make-up joining two runs that were each rewarded (a 3-day milestone twice)
    owes only what the joined run's places exceed them by; rewards granted before are never taken back."""
    streak = config.streak_milestones()
    run = run_through(days, day)
    if not streak or run is None:
        return []
    first, last = run
    length, cycle_days = (last - first).days + 1, streak[-1].days
    cycles = length // cycle_days + 1 if config.restart_after_last else 1
    due = []
    for milestone in streak:
        places = [c * cycle_days + milestone.days for c in range(cycles) if c * cycle_days + milestone.days <= length]
        granted = sum(1 for r in reached if r.kind == "streak" and r.days == milestone.days and first <= r.day <= last)
        for cycle, place in list(enumerate(places))[granted:]:
            due.append(Reached("streak", cycle, milestone.days, first + timedelta(days=place - 1)))
    return sorted(due, key=lambda r: (r.day, r.days))


def milestone_of(config: CheckinConfig, reached: Reached) -> Milestone:
    """The configured milestone ``reached`` stands for."""
    return next(m for m in config.milestones if m.kind == reached.kind and m.days == reached.days)


def next_milestone(config: CheckinConfig, streak: int) -> tuple[Milestone, int] | None:
    """The next streak milestone and the check-ins still needed for it (``None``: none left this run)."""
    milestones = config.streak_milestones()
    if not milestones:
        return None
    cycle_days = milestones[-1].days
    position = streak % cycle_days if config.restart_after_last else streak
    for milestone in milestones:
        if milestone.days > position:
            return milestone, milestone.days - position
    return None


@dataclass(frozen=True)
class MakeUpRefusal:
    """Why a make-up is not allowed: a stable ``code`` and the shopper's message."""

    code: str
    message: str


def makeup_refusal(
    rules: MakeUp, days: dict[date, str], day: date, today: date, starts_on: date, joined: date | None
) -> MakeUpRefusal | None:
    """Why ``day`` may not be made up today, or ``None`` when it may (the price is the caller's)."""
    if rules.monthly_max == 0:
        return MakeUpRefusal("makeup_unavailable", "this campaign has no make-up check-ins")
    if day == today:
        return MakeUpRefusal("makeup_today", "today needs a check-in, not a make-up")
    if day > today:
        return MakeUpRefusal("makeup_future", "a day that has not come yet cannot be made up")
    if day < starts_on:
        return MakeUpRefusal("makeup_before_start", "that day is before the campaign started")
    if joined is None or day < joined:
        return MakeUpRefusal("makeup_before_joined", "that day is before your first check-in")
    if (today - day).days > rules.window_days:
        return MakeUpRefusal("makeup_out_of_window", f"only the last {rules.window_days} days can be made up")
    if made_up_in_month(days, day) >= rules.monthly_max:
        return MakeUpRefusal("makeup_monthly_limit", f"at most {rules.monthly_max} make-ups a month")
    return None


def made_up_in_month(days: dict[date, str], day: date) -> int:
    """How many days of ``day``'s month were made up."""
    return sum(1 for d, how in days.items() if how == MADE_UP and (d.year, d.month) == (day.year, day.month))


def month_calendar(
    days: dict[date, str], month: date, today: date, starts_on: date, ends_on: date, since: date | None = None
) -> list[dict[str, str]]:
    """Each day of ``month``'s month, from ``since`` when that is earlier (the last days of the month before
    that can still be made up), with its mark: ``checked``, ``made_up``, ``today``, ``missed``, ``future`` or
    ``outside`` (before ``starts_on`` — the campaign's start, or the shopper's first check-in — or after
    ``ends_on``)."""
    first = min(month.replace(day=1), since or month)
    following = (month.replace(day=1) + timedelta(days=32)).replace(day=1)
    shown = []
    for offset in range((following - first).days):
        day = first + timedelta(days=offset)
        shown.append({"day": day.isoformat(), "mark": _mark(days, day, today, starts_on, ends_on)})
    return shown


def _mark(days: dict[date, str], day: date, today: date, starts_on: date, ends_on: date) -> str:
    if day in days:
        return days[day]
    if day < starts_on or day > ends_on:
        return "outside"
    if day == today:
        return "today"
    return "missed" if day < today else "future"
