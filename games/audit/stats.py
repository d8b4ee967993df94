"""Do the draws follow the disclosed odds? A chi-square goodness-of-fit test per config version.

The test counts *picks* (the prize ``draws[0]`` chose), not grants: a prize that ran out of stock, hit a
cap or the budget is still picked at its disclosed odds and then replaced by the fallback, so stock-outs
and fallbacks are counted separately and never read as unfairness. Prizes expected fewer than
:data:`MIN_EXPECTED` times are pooled into one bin (the chi-square approximation needs about five
expected per bin); with fewer than two bins there is nothing to test and no p-value.

It reads the audit export (docs/fairness.md, section 10), so an auditor can run it on a file alone.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from scipy.stats import chi2

MIN_EXPECTED = 5.0
ALARM_P_VALUE = 0.001


@dataclass(frozen=True)
class PrizeStats:
    """One prize of a pool: disclosed probability, draws under that pool, picks observed and expected."""

    key: str
    probability: Fraction
    draws: int
    observed: int
    expected: float


@dataclass(frozen=True)
class FitTest:
    """The goodness-of-fit test of one config version's picks."""

    config_hash: str
    draws: int
    prizes: list[PrizeStats]
    statistic: float | None
    degrees_of_freedom: int
    p_value: float | None
    fallbacks: dict[str, int]
    stockouts: dict[str, int]

    @property
    def flagged(self) -> bool:
        """True when the picks are very unlikely under the disclosed odds (p < 0.001)."""
        return self.p_value is not None and self.p_value < ALARM_P_VALUE


@dataclass
class PickTally:
    """Draws under one config version: picks per prize, fallbacks per reason, stock-outs per prize."""

    draws: int = 0
    picks: Counter[str] = field(default_factory=Counter)
    fallbacks: Counter[str] = field(default_factory=Counter)
    stockouts: Counter[str] = field(default_factory=Counter)


def fit_test(config_hash: str, weights: list[tuple[str, int]], tally: PickTally) -> FitTest:
    """The chi-square test of ``tally``'s picks against the pool ``weights`` (key, weight) in draw order."""
    total = sum(weight for _, weight in weights)
    prizes = [
        PrizeStats(key, Fraction(weight, total), tally.draws, tally.picks[key], tally.draws * weight / total)
        for key, weight in weights
    ]
    observed, expected = _bins(prizes)
    statistic, dof = _chi_square(observed, expected)
    p_value = None if statistic is None else float(chi2.sf(statistic, dof))
    return FitTest(
        config_hash, tally.draws, prizes, statistic, dof, p_value, dict(tally.fallbacks), dict(tally.stockouts)
    )


def _bins(prizes: list[PrizeStats]) -> tuple[list[int], list[float]]:
    """Observed and expected per bin; prizes expected fewer than MIN_EXPECTED times share one bin."""
    big = [p for p in prizes if p.expected >= MIN_EXPECTED]
    small = [p for p in prizes if p.expected < MIN_EXPECTED]
    observed, expected = [p.observed for p in big], [p.expected for p in big]
    if small:
        observed.append(sum(p.observed for p in small))
        expected.append(sum(p.expected for p in small))
    return observed, expected


def _chi_square(observed: list[int], expected: list[float]) -> tuple[float | None, int]:
    bins = [(o, e) for o, e in zip(observed, expected, strict=True) if e > 0]
    if len(bins) < 2:
        return None, 0
    return sum((o - e) ** 2 / e for o, e in bins), len(bins) - 1


def stats_from_export(lines: Iterable[str]) -> list[FitTest]:
    """One test per config version that has pool draws in an export (JSON lines), in publication order.

    Draws that name no prize (a game that picks none, such as a check-in) or whose first range is not the pool's
    total weight (a game drawing something else) are skipped.
    :raises ValueError: naming the line of a line that is not JSON or a draw of an unknown config.
    """
    pools: dict[str, list[tuple[str, int]]] = {}
    tallies: dict[str, PickTally] = {}
    for number, line in enumerate(lines, start=1):
        item = _parse(number, line)
        if item.get("type") == "config":
            prizes = item["config"]["pool"]["prizes"]
            pools[item["hash"]] = [(p["key"], p["weight"]) for p in prizes]
        elif item.get("type") == "draw":
            _count(number, item["record"], pools, tallies)
    return [fit_test(h, pools[h], tallies[h]) for h in pools if h in tallies]


def _parse(number: int, line: str) -> dict[str, Any]:
    try:
        item = json.loads(line)
    except ValueError as error:
        raise ValueError(f"line {number}: not valid JSON") from error
    if not isinstance(item, dict):
        raise ValueError(f"line {number}: not a JSON object")
    return item


def _count(
    number: int, record: dict[str, Any], pools: dict[str, list[tuple[str, int]]], tallies: dict[str, PickTally]
) -> None:
    weights = pools.get(record["config_hash"])
    if weights is None:
        raise ValueError(f"line {number}: draw {record['seq']} names config {record['config_hash']}, not exported")
    if record["prize"] == "" or not record["draws"] or record["draws"][0][0] != sum(w for _, w in weights):
        return  # a game that picks no prize (a check-in), or one drawing something else first
    tally = tallies.setdefault(record["config_hash"], PickTally())
    tally.draws += 1
    tally.picks[record["prize"]] += 1
    reason = record.get("fallback_reason")
    if reason:
        tally.fallbacks[reason] += 1
        if reason == "out_of_stock":
            tally.stockouts[record["prize"]] += 1
