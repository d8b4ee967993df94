"""What a new version of a running check-in campaign may not make worse for shoppers, beyond the simple terms the
game declares: a tier's daily points, the milestones and their prizes, the make-up rules and price."""

from __future__ import annotations

from games.checkin.config import CheckinConfig, MakeUp

Change = tuple[str, str]  # (field path under the game's config, the reason in plain words)


def worse_changes(before: CheckinConfig, after: CheckinConfig) -> list[Change]:
    """Why ``after`` is worse than ``before`` (empty: it is not). Adding tiers or milestones, raising points,
    widening make-ups or lowering their price are fine; the rest of a change is named."""
    return _tiers(before, after) + _milestones(before, after) + _makeup(before.makeup, after.makeup)


def _tiers(before: CheckinConfig, after: CheckinConfig) -> list[Change]:
    found: list[Change] = []
    if before.tiers[0].code != after.tiers[0].code:
        found.append(("tiers", f"the default tier would change from {before.tiers[0].code} to {after.tiers[0].code}"))
    now, first = {tier.code: tier for tier in after.tiers}, before.tiers[0]
    listed = {tier.code for tier in before.tiers}
    for tier in after.tiers:  # a shopper of a code not listed before was counted as the first tier
        if tier.code not in listed and (tier.points_min < first.points_min or tier.points_max < first.points_max):
            was, will = f"{first.points_min}–{first.points_max}", f"{tier.points_min}–{tier.points_max}"
            found.append(
                ("tiers", f"shoppers of tier {tier.code} would get {will} points a day, not the {was} of {first.code}")
            )
    for tier in before.tiers:
        new = now.get(tier.code)
        if new is None:
            found.append(("tiers", f"the tier {tier.code} would be removed"))
        elif new.points_min < tier.points_min or new.points_max < tier.points_max:
            was, will = f"{tier.points_min}–{tier.points_max}", f"{new.points_min}–{new.points_max}"
            found.append(("tiers", f"the daily points of tier {tier.code} would fall from {was} to {will}"))
    return found


def _milestones(before: CheckinConfig, after: CheckinConfig) -> list[Change]:
    found: list[Change] = []
    now = {(m.kind, m.days): m.prize for m in after.milestones}
    for milestone in before.milestones:
        named = f"the {milestone.kind} milestone of {milestone.days} days"
        prize = now.get((milestone.kind, milestone.days))
        if prize is None:
            found.append(("milestones", f"{named} would be removed"))
        elif prize != milestone.prize:
            found.append(("milestones", f"{named} would grant {prize} instead of {milestone.prize}"))
    if before.restart_after_last and not after.restart_after_last and before.streak_milestones():
        found.append(("restart_after_last", "the streak milestones would no longer start over"))
    cycle_before, cycle_after = _cycle(before), _cycle(after)
    if before.restart_after_last and after.restart_after_last and cycle_before and cycle_after not in (0, cycle_before):
        found.append(
            ("milestones", f"the streak milestones would start over every {cycle_after} days, not {cycle_before}")
        )
    if before.daily_prize is not None and after.daily_prize != before.daily_prize:
        found.append(("daily_prize", f"the prize of every check-in would change from {before.daily_prize}"))
    return found


def _cycle(config: CheckinConfig) -> int:
    """The days after which the streak milestones start over (the longest one's), 0 without any."""
    streak = config.streak_milestones()
    return streak[-1].days if streak else 0


def _makeup(before: MakeUp, after: MakeUp) -> list[Change]:
    found: list[Change] = []
    if after.window_days < before.window_days:
        found.append(
            ("makeup.window_days", f"make-ups would reach back {after.window_days} days, not {before.window_days}")
        )
    if after.monthly_max < before.monthly_max:
        found.append(
            ("makeup.monthly_max", f"make-ups a month would fall from {before.monthly_max} to {after.monthly_max}")
        )
    if before.price_points is not None and (after.price_points is None or after.price_points > before.price_points):
        will = "withdrawn" if after.price_points is None else f"{after.price_points} points"
        found.append(("makeup.price_points", f"a make-up's price would go from {before.price_points} points to {will}"))
    if before.card_item is not None and after.card_item != before.card_item:
        found.append(("makeup.card_item", f"a make-up would no longer take a {before.card_item}"))
    return found
