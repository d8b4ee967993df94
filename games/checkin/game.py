"""The check-in calendar (签到日历): one check-in a day for points drawn from the shopper's member tier range,
streak and cumulative milestones granting pool prizes, make-ups (补签) of missed days, and a reminder."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any, ClassVar

from games.checkin.calendar import (
    CHECKED,
    MADE_UP,
    Reached,
    current_streak,
    daily_points,
    due_milestones,
    made_up_in_month,
    makeup_refusal,
    milestone_of,
    month_calendar,
    next_milestone,
)
from games.checkin.config import CheckinConfig, CheckinConfigSchema, Milestone, Tier
from games.checkin.replay import replay as checkin_replay
from games.checkin.simulation import CheckinAudienceSchema, simulate_checkin
from games.checkin.terms import worse_changes
from games.engine.contract import Action, GameEvent, Outcome, PlayContext, PrizeOutcome, Rejection, RuleLine, Viewer
from games.engine.disclosed_terms import DisclosedTerm
from games.fairness.pools import Pool, points_prize

DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
POINTS_PRIZE = "checkin.points"  # what the ledger calls a check-in's points (never a pool key: those have no dot)
EPOCH = date(1970, 1, 1)
ITEM_NAMES = {
    "makeup_card": ("补签卡", "make-up card")
}  # the make-up card's name on the rules page, when it is this one


@dataclass(frozen=True)
class CheckinState:
    """The days checked (``YYYY-MM-DD`` -> ``checked`` or ``made_up``), the milestones granted, the tier of the last
    check-in and whether the shopper asked to be reminded."""

    days: dict[str, str] = field(default_factory=dict)
    reached: tuple[Reached, ...] = ()
    tier: str = ""
    remind: bool = False

    def dates(self) -> dict[date, str]:
        """The days checked, as dates."""
        return {date.fromisoformat(day): how for day, how in self.days.items()}

    def joined(self) -> date | None:
        """The shopper's first day checked (``None``: none yet)."""
        return date.fromisoformat(min(self.days)) if self.days else None


class Checkin:
    """The check-in game. Actions: ``check_in`` (today), ``make_up`` (payload ``{"day": "YYYY-MM-DD"}``) and
    ``remind`` (payload ``{"on": true|false}``)."""

    key = "checkin"
    config_schema = CheckinConfigSchema
    replay = checkin_replay
    actions = frozenset({"check_in", "make_up", "remind"})
    grant_names: ClassVar[dict[str, tuple[str, str]]] = {POINTS_PRIZE: ("签到积分", "Check-in points")}  # the wallet's
    disclosed_terms: tuple[DisclosedTerm, ...] = ()  # its terms are lists and rules: see worse_changes

    def worse_changes(self, before: CheckinConfig, after: CheckinConfig) -> list[tuple[str, str]]:
        """What a new version would make worse for shoppers (:func:`games.checkin.terms.worse_changes`)."""
        return worse_changes(before, after)

    def check_config(self, config: CheckinConfig, pool: Pool) -> dict[str, list[str]]:
        """Every milestone's prize and the daily prize are prizes of the pool."""
        keys = {p.key for p in pool.prizes}
        errors: dict[str, list[str]] = {}
        for index, milestone in enumerate(config.milestones):
            if milestone.prize not in keys:
                errors[f"milestones.{index}.prize"] = [f"'{milestone.prize}' is not a prize of the pool"]
        if config.daily_prize is not None and config.daily_prize not in keys:
            errors["daily_prize"] = [f"'{config.daily_prize}' is not a prize of the pool"]
        return errors

    def initial_state(self) -> CheckinState:
        """A shopper who never checked in."""
        return CheckinState()

    def load_state(self, data: dict[str, Any]) -> CheckinState:
        """Rebuild from JSON."""
        reached = tuple(
            Reached(kind, cycle, days, date.fromisoformat(day)) for kind, cycle, days, day in data.get("reached", [])
        )
        return CheckinState(dict(data.get("days", {})), reached, data.get("tier", ""), bool(data.get("remind")))

    def dump_state(self, state: CheckinState) -> dict[str, Any]:
        """JSON form."""
        reached = [[r.kind, r.cycle, r.days, r.day.isoformat()] for r in state.reached]
        return {"days": state.days, "reached": reached, "tier": state.tier, "remind": state.remind}

    def view(self, config: CheckinConfig, state: CheckinState, viewer: Viewer) -> dict[str, Any]:
        """This month's calendar (from the first day that can still be made up, when that is in the month before),
        the streak, the next milestone, the make-up rules left, the shopper's tier."""
        today = date.fromisoformat(viewer.today)
        days = state.dates()
        starts_on = date.fromisoformat(viewer.starts_on) if viewer.starts_on else min(days, default=today)
        ends_on = date.fromisoformat(viewer.ends_on) if viewer.ends_on else today
        streak = current_streak(set(days), today)
        upcoming = next_milestone(config, streak)
        index, tier = config.tier(viewer.tier or state.tier)
        since = today - timedelta(days=config.makeup.window_days) if config.makeup.monthly_max else None
        return {
            "today": viewer.today,
            "checked_today": today in days,
            "calendar": _with_makeups(
                month_calendar(days, today, today, max(starts_on, state.joined() or today), ends_on, since),
                config, days, today, starts_on, state.joined(),
            ),
            "streak": streak,
            "total_days": len(days),
            "next_milestone": None
            if upcoming is None
            else {"days": upcoming[0].days, "prize": upcoming[0].prize, "to_go": upcoming[1]},
            "milestones": [{"kind": m.kind, "days": m.days, "prize": m.prize} for m in config.milestones],
            "tier": {"index": index, "code": tier.code, "name": tier.name, "name_en": tier.name_en,
                     "points_min": tier.points_min, "points_max": tier.points_max},
            "makeup": {
                "window_days": config.makeup.window_days,
                "left_this_month": max(config.makeup.monthly_max - made_up_in_month(days, today), 0),
                "monthly_max": config.makeup.monthly_max,
                "price_points": config.makeup.price_points,
                "card_item": config.makeup.card_item,
            },
            "remind": state.remind,
        }  # fmt: skip

    def rules_lines(self, config: CheckinConfig, pool: Pool) -> list[RuleLine]:
        """Daily points by tier, the daily prize, milestones (prize names and quantities) and the make-up rules."""
        lines = [_tier_line(tier) for tier in config.tiers]
        if config.daily_prize:
            zh, en = _prize_names(pool, config.daily_prize)
            lines.append(RuleLine(f"每次签到另得「{zh}」", f"Each check-in also grants {en}"))
        lines += [_milestone_line(m, pool) for m in config.milestones]
        streak = config.streak_milestones()
        if streak and config.restart_after_last:
            longest = streak[-1].days
            lines.append(
                RuleLine(
                    f"连续签到满 {longest} 天后，连签奖励重新计算",
                    f"After {longest} days in a row the streak rewards start over",
                )
            )
        if config.makeup.monthly_max:
            lines.append(_makeup_line(config))
        return lines

    audience_schema = CheckinAudienceSchema

    def simulate_audience(self, config: CheckinConfig, pool: Pool, audience: dict[str, Any]) -> dict[str, Any]:
        """The cost forecast of a check-in campaign for ``audience`` (a tier mix and each tier's daily check-in
        probability): expected, p95 and p99 per shopper-month and for the audience
        (:func:`games.checkin.simulation.simulate_checkin`)."""
        return simulate_checkin(config, pool, audience)

    def daily_draws(self, config: CheckinConfig) -> int | None:
        """One draw for today's check-in and one per make-up possible today (a make-up rewards its day too): the
        window's days, at most the monthly limit of each of the two months a window can reach into."""
        return 1 + min(config.makeup.window_days, 2 * config.makeup.monthly_max)

    def apply(self, ctx: PlayContext, state: CheckinState, action: Action) -> Outcome:
        """Check in today, make up a missed day, or set the reminder.

        A check-in's first event carries the record's ``detail``: ``day`` (days since 1970-01-01), ``makeup``
        (0 or 1), ``paid`` (1 when the points reached the ledger), ``points`` (drawn) and ``tier`` (the index of
        the tier in force).

        :raises Rejection: ``already_checked_in``; a make-up's ``invalid_day`` or the reason it is not allowed
            (``makeup_today``, ``makeup_future``, ``makeup_before_start``, ``makeup_before_joined``,
            ``makeup_out_of_window``, ``makeup_monthly_limit``, ``makeup_unavailable``); ``insufficient_points``
            or ``insufficient_items`` for its price. Nothing is drawn or granted then.
        """
        config: CheckinConfig = ctx.config
        if action.name == "remind":
            on = action.payload.get("on")
            if not isinstance(on, bool):
                raise Rejection("invalid_reminder", 'a reminder needs {"on": true} or {"on": false}')
            return Outcome(replace(state, remind=on), [GameEvent("checkin.reminder", {"on": on})], [])
        if action.name == "check_in":
            return _reward_day(ctx, config, state, date.fromisoformat(ctx.today), makeup=False)
        day = _requested_day(action)
        if day.isoformat() in state.days:
            raise Rejection("already_checked_in", f"{day.isoformat()} is checked in already")
        today, starts_on = date.fromisoformat(ctx.today), date.fromisoformat(ctx.starts_on or ctx.today)
        refusal = makeup_refusal(config.makeup, state.dates(), day, today, starts_on, state.joined())
        if refusal is not None:
            raise Rejection(refusal.code, refusal.message)
        _pay_for_makeup(ctx, config)
        return _reward_day(ctx, config, state, day, makeup=True)


def _with_makeups(
    calendar: list[dict[str, Any]],
    config: CheckinConfig,
    days: dict[date, str],
    today: date,
    starts_on: date,
    joined: date | None,
) -> list[dict[str, Any]]:
    """Each missed day of ``calendar`` with ``makeup``: whether a make-up of it would be allowed now (its window,
    and the limit of its own month); the price is checked when it is asked for."""
    for entry in calendar:
        if entry["mark"] == "missed":
            day = date.fromisoformat(entry["day"])
            entry["makeup"] = makeup_refusal(config.makeup, days, day, today, starts_on, joined) is None
    return calendar


def _requested_day(action: Action) -> date:
    text = action.payload.get("day")
    try:
        if not isinstance(text, str) or not DAY.match(text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise Rejection("invalid_day", 'a make-up needs {"day": "YYYY-MM-DD"}, a calendar day') from None


def _pay_for_makeup(ctx: PlayContext, config: CheckinConfig) -> None:
    """One make-up card when the shopper holds one, else the points price."""
    rules = config.makeup
    if rules.card_item and ctx.economy.item_balance(rules.card_item) > 0:
        ctx.economy.spend_item(rules.card_item, 1, "checkin.makeup")
        return
    if rules.price_points is None:
        raise Rejection("insufficient_items", f"a make-up needs a {rules.card_item}")
    if ctx.economy.points_balance() < rules.price_points:
        raise Rejection("insufficient_points", f"a make-up costs {rules.price_points} points")
    ctx.economy.spend_points(rules.price_points, "checkin.makeup")


def _reward_day(ctx: PlayContext, config: CheckinConfig, state: CheckinState, day: date, makeup: bool) -> Outcome:
    """Mark ``day``, draw and grant its points (and the daily prize), grant the milestones it completes."""
    if day.isoformat() in state.days:
        raise Rejection("already_checked_in", "you have checked in today; come back tomorrow")
    tier_index, tier = config.tier(ctx.tier)
    points = daily_points(tier, ctx.rng)
    granted = _grant_points(ctx, points, f"{day.isoformat()}:daily")
    extras = []
    if config.daily_prize:
        extras.append(ctx.economy.grant_reward(ctx.pool.prize(config.daily_prize), f"{day.isoformat()}:daily_prize"))
    days = {**state.days, day.isoformat(): MADE_UP if makeup else CHECKED}
    dates = {date.fromisoformat(d) for d in days}
    due = due_milestones(config, dates, day, list(state.reached))
    milestones = [(reached, _grant_milestone(ctx, config, reached)) for reached in due]
    payload = {
        "day": (day - EPOCH).days,
        "makeup": int(makeup),
        "paid": int(points > 0 and granted.granted is not None),
        "points": points,
        "tier": tier_index,
        "date": day.isoformat(),
        "tier_code": tier.code,
        "points_granted": granted.granted is not None,
        "points_refused": granted.fallback_reason,
        "daily_prize": _outcome_view(extras[0]) if extras else None,
        "milestones": [{"kind": r.kind, "days": r.days, **_outcome_view(o)} for r, o in milestones],
        "streak": current_streak(dates, date.fromisoformat(ctx.today)),
    }
    new_state = replace(state, days=days, reached=state.reached + tuple(due), tier=tier.code)
    event = GameEvent("checkin.made_up" if makeup else "checkin.checked_in", payload)
    return Outcome(new_state, [event], [])


def _grant_points(ctx: PlayContext, points: int, reference: str) -> PrizeOutcome:
    if points == 0:
        return PrizeOutcome(picked=POINTS_PRIZE, granted=POINTS_PRIZE)
    name, name_en = Checkin.grant_names[POINTS_PRIZE]
    prize = points_prize(POINTS_PRIZE, name, name_en, points, ctx.pool.points_per_yuan)
    return ctx.economy.grant_reward(prize, reference, fallback=False)


def _grant_milestone(ctx: PlayContext, config: CheckinConfig, reached: Reached) -> PrizeOutcome:
    return ctx.economy.grant_reward(ctx.pool.prize(milestone_of(config, reached).prize), reached.reference)


def _outcome_view(outcome: PrizeOutcome) -> dict[str, Any]:
    return {"prize": outcome.picked, "granted": outcome.granted, "fallback_reason": outcome.fallback_reason}


def _tier_line(tier: Tier) -> RuleLine:
    name_en = tier.name_en or tier.code
    if tier.points_min == tier.points_max:
        return RuleLine(
            f"{tier.name}每日签到得 {tier.points_min} 积分", f"{name_en}: {tier.points_min} points a check-in"
        )
    return RuleLine(
        f"{tier.name}每日签到随机得 {tier.points_min}–{tier.points_max} 积分（每个数值机会均等）",
        f"{name_en}: {tier.points_min}–{tier.points_max} points a check-in, each amount equally likely",
    )


def _prize_names(pool: Pool, key: str) -> tuple[str, str]:
    """A prize's Chinese and English names, with its quantity when its stock is limited."""
    prize = pool.prize(key)
    name_en = prize.name_en or prize.name
    if prize.stock is None:
        return prize.name, name_en
    return f"{prize.name}（共 {prize.stock} 份）", f"{name_en} ({prize.stock} in all)"


def _milestone_line(milestone: Milestone, pool: Pool) -> RuleLine:
    zh, en = _prize_names(pool, milestone.prize)
    if milestone.kind == "streak":
        return RuleLine(f"连续签到 {milestone.days} 天：{zh}", f"{milestone.days} days in a row: {en}")
    return RuleLine(f"累计签到 {milestone.days} 天：{zh}", f"{milestone.days} days in all: {en}")


def _makeup_line(config: CheckinConfig) -> RuleLine:
    rules = config.makeup
    card_zh, card_en = ITEM_NAMES.get(rules.card_item or "", (rules.card_item, rules.card_item))
    card, points = rules.card_item is not None, rules.price_points is not None
    price_zh = " 或 ".join(
        p for p, offered in ((f"1 张「{card_zh}」", card), (f"{rules.price_points} 积分", points)) if offered
    )
    price_en = " or ".join(
        p for p, offered in ((f"one {card_en}", card), (f"{rules.price_points} points", points)) if offered
    )
    zh = f"可补签最近 {rules.window_days} 天内漏签的日子，每月最多 {rules.monthly_max} 次，每次消耗 {price_zh}；"
    en = f"Missed days of the last {rules.window_days} days can be made up, at most {rules.monthly_max} a month,"
    return RuleLine(zh + "补签后连签恢复", f"{en} each for {price_en}; a make-up repairs the streak")


game = Checkin()
