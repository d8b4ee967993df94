"""How a check-in's points follow from its integer (docs/fairness.md, "The check-in calendar"), for the verifiers.

Standard library only: it reads the record and the config's ``games.checkin.tiers``, nothing of the engine.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

EPOCH = date(1970, 1, 1)
DAILY = re.compile(r"\d{4}-\d{2}-\d{2}:daily")


class CheckinReplay:
    """The check-in's step. A check-in draws no pool pick (``picks_prize`` is false: the record's ``prize`` is
    ``""``, ``granted`` and ``fallback_reason`` null): its one integer ``draws[0]`` is ``[max - min + 1, v]`` over
    the daily points of the tier ``detail.tier`` (an index into ``games.checkin.tiers``), and ``detail.points``
    is ``min + v``. ``detail.day`` (days since 1970-01-01) and ``detail.makeup`` (1 for a make-up) say which day
    it rewarded; ``detail.paid`` is 1 when the points reached the ledger (0 when there were none, or the budget
    refused them)."""

    game = "checkin"
    picks_prize = False
    detail_members = ("day", "makeup", "paid", "points", "tier")
    missing_config = "has no check-in tiers (a list of objects with integer points_min and points_max)"

    def config_view(self, config: dict[str, Any]) -> tuple[tuple[int, int], ...] | None:
        """Each tier's ``(points_min, points_max)``, in order, when ``games.checkin.tiers`` holds them."""
        games = config.get("games")
        checkin = games.get("checkin") if type(games) is dict else None
        tiers = checkin.get("tiers") if type(checkin) is dict else None
        if type(tiers) is not list or not tiers:
            return None
        ranges = []
        for tier in tiers:
            low = tier.get("points_min") if type(tier) is dict else None
            high = tier.get("points_max") if type(tier) is dict else None
            if type(low) is not int or type(high) is not int or not 0 <= low <= high:
                return None
            ranges.append((low, high))
        return tuple(ranges)

    def check(
        self, view: tuple[tuple[int, int], ...], landed: str, draws: list[list[int]], at: int, detail: dict[str, Any]
    ) -> str | None:
        """Why the points do not follow from ``draws[at]`` for the recorded tier, or ``None``."""
        if len(draws) != at + 1:
            return f"a check-in has {at + 1} draw, not {len(draws)}"
        if detail["tier"] >= len(view):
            return f"check-in tier {detail['tier']} is not one of the config's {len(view)} tiers"
        if detail["makeup"] > 1:
            return "check-in makeup is neither 0 nor 1"
        if detail["paid"] > 1 or (detail["paid"] and detail["points"] == 0):
            return "check-in paid is neither 0 nor 1, or pays 0 points"
        low, high = view[detail["tier"]]
        n, value = draws[at][0], draws[at][1]
        if n != high - low + 1:
            return f"check-in draw range {n} is not the {high - low + 1} daily points of tier {detail['tier']}"
        if detail["points"] != low + value:
            return f"check-in points {detail['points']} but the draw gives {low + value}"
        return None

    def ledger_rewards(self, detail: dict[str, Any]) -> list[tuple[str, str, str, int]]:
        """The grants the record calls for, as ``(reference, prize key, reward kind, amount)``, each keyed
        ``game:{campaign}:{user}:checkin:{reference}`` in the ledger: the day's points when they were paid.

        :raises ValueError: for a day no calendar has (reconciliation reports it)."""
        if not detail.get("paid"):
            return []
        try:
            day = (EPOCH + timedelta(days=detail["day"])).isoformat()
        except OverflowError as error:
            raise ValueError(f"day {detail['day']} is beyond any calendar") from error
        return [(f"{day}:daily", "checkin.points", "points", detail["points"])]

    def once_per(self, detail: dict[str, Any]) -> str:
        """What a shopper has at most one record of: a check-in per day (a check-in or a make-up of it)."""
        return f"day {detail['day']}"

    def owns_reference(self, reference: str) -> bool:
        """Whether a ``game:`` grant's reference is one a check-in record calls for (a day's points)."""
        return DAILY.fullmatch(reference) is not None


replay = CheckinReplay()
