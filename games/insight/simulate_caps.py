"""Per-user daily caps in the cost simulation: what share of each prize's picks the caps refuse, and what the
granted picks cost (a range red packet's amounts, as far as the caps let them through).

The engine checks a shopper's caps on every grant, in draw order, before stock and budget; a refused
pick becomes the fallback. Caps act on one shopper's day, so their effect does not depend on how many
shoppers play: it is estimated once per simulation from a sample of simulated shopper-days, each
drawing ``draws_per_player`` times from the pool (range red packets with a drawn amount) and granting
in order under every daily cap, as the economy does. :func:`games.insight.simulate.simulate` then moves that
share of each day's picks to the fallback (a binomial thinning per run and day), and costs the granted
picks of a range red packet by the mean and variance of the amounts granted in the sample: a value cap
lets small amounts through more often than large ones, so they cost less than the range's midpoint.

Caps over the whole campaign depend on how often the same shoppers come back, which an audience of
"players a day" does not say; they are left out (they can only lower the cost). A capped pick's fallback
is not itself held to the caps (the engine would refuse it too when a cap covers it): with a fallback
that costs something, this errs on the side of a higher cost.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from economy.limits import Cap
from economy.rewards import RewardKind
from games.fairness.pools import Pool

SAMPLE_SHOPPER_DAYS = 20_000


@dataclass
class _Usage:
    """One daily cap's use by each sampled shopper so far today."""

    cap: Cap
    covers: NDArray[np.bool_]  # by prize index
    count: NDArray[np.int64]
    value: NDArray[np.int64]

    def allows(self, prizes: NDArray[np.int64], costs: NDArray[np.int64]) -> NDArray[np.bool_]:
        """Which shoppers may be granted their pick (``prizes``, costing ``costs``) under this cap."""
        room = np.ones(len(prizes), dtype=np.bool_)
        if self.cap.max_count is not None:
            room &= self.count + 1 <= self.cap.max_count
        if self.cap.max_value_fen is not None:
            room &= self.value + costs <= self.cap.max_value_fen
        return ~self.covers[prizes] | room

    def take(self, prizes: NDArray[np.int64], costs: NDArray[np.int64], granted: NDArray[np.bool_]) -> None:
        """Count the grants this cap covers."""
        counted = granted & self.covers[prizes]
        self.count += counted
        self.value += np.where(counted, costs, 0)


def daily_caps(caps: Sequence[Cap]) -> list[Cap]:
    """The caps the simulation models: those of a day."""
    return [cap for cap in caps if cap.per == "day"]


@dataclass(frozen=True)
class CapEffect:
    """By prize index: the share of picks the caps refuse, and the mean, variance, least and most of what a
    granted pick costs (fixed rewards: their cost, variance 0)."""

    refused_share: NDArray[np.float64]
    cost_mean: NDArray[np.float64]
    cost_var: NDArray[np.float64]
    cost_low: NDArray[np.float64]
    cost_high: NDArray[np.float64]


def uncapped(pool: Pool) -> CapEffect:
    """No cap refuses anything; a range red packet's amounts are uniform over its range."""
    low, high = _cost_bounds(pool)
    values = high - low + 1
    size = len(pool.prizes)
    return CapEffect(np.zeros(size), (low + high) / 2, (values**2 - 1) / 12, low, high)


def cap_effect(
    pool: Pool,
    caps: Sequence[Cap],
    draws_per_player: int,
    generator: np.random.Generator,
    sample: int = SAMPLE_SHOPPER_DAYS,
) -> CapEffect:
    """What the daily ``caps`` do to ``pool``, estimated from ``sample`` shopper-days of ``draws_per_player``
    draws each (:func:`uncapped` without any daily cap)."""
    modelled = daily_caps(caps)
    if not modelled:
        return uncapped(pool)
    size = len(pool.prizes)
    grantable = np.array([p.reward.kind is not RewardKind.NOTHING for p in pool.prizes])
    usages = [_usage(pool, cap, sample) for cap in modelled]
    picked, refused = np.zeros(size, dtype=np.int64), np.zeros(size, dtype=np.int64)
    paid, paid_squared = np.zeros(size), np.zeros(size)
    probabilities = np.array([p.weight for p in pool.prizes], dtype=np.float64) / pool.total_weight
    for _ in range(draws_per_player):
        prizes = generator.choice(size, size=sample, p=probabilities)
        costs = _grant_costs(pool, prizes, generator)
        allowed = np.logical_and.reduce([usage.allows(prizes, costs) for usage in usages]) | ~grantable[prizes]
        for usage in usages:
            usage.take(prizes, costs, allowed & grantable[prizes])
        picked += np.bincount(prizes, minlength=size)
        refused += np.bincount(prizes[~allowed], minlength=size)
        granted_costs = costs[allowed].astype(np.float64)
        paid += np.bincount(prizes[allowed], weights=granted_costs, minlength=size)
        paid_squared += np.bincount(prizes[allowed], weights=granted_costs**2, minlength=size)
    return _effect(pool, picked, refused, paid, paid_squared)


def _effect(
    pool: Pool,
    picked: NDArray[np.int64],
    refused: NDArray[np.int64],
    paid: NDArray[np.float64],
    paid_squared: NDArray[np.float64],
) -> CapEffect:
    """The sample's counts and sums as a :class:`CapEffect` (a prize never granted in it keeps its uncapped
    cost figures, which then count for nothing)."""
    plain = uncapped(pool)
    granted = picked - refused
    seen = granted > 0
    mean = np.where(seen, paid / np.maximum(granted, 1), plain.cost_mean)
    var = np.where(seen, np.maximum(paid_squared / np.maximum(granted, 1) - mean**2, 0.0), plain.cost_var)
    return CapEffect(refused / np.maximum(picked, 1), mean, var, plain.cost_low, plain.cost_high)


def _usage(pool: Pool, cap: Cap, sample: int) -> _Usage:
    covers = np.array([cap.covers(p.key) for p in pool.prizes])
    return _Usage(cap, covers, np.zeros(sample, dtype=np.int64), np.zeros(sample, dtype=np.int64))


def _cost_bounds(pool: Pool) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """By prize: the least and the most one grant costs (equal but for a range red packet)."""
    low = np.array([float(p.reward.amount if p.reward.is_range else p.cost_fen) for p in pool.prizes])
    high = np.array([float(p.reward.max_amount if p.reward.is_range else p.cost_fen) for p in pool.prizes])
    return low, high


def _grant_costs(pool: Pool, prizes: NDArray[np.int64], generator: np.random.Generator) -> NDArray[np.int64]:
    """What granting each pick would charge: a fixed reward's cost, a range red packet's drawn amount."""
    low, high = _cost_bounds(pool)
    return generator.integers(low[prizes].astype(np.int64), high[prizes].astype(np.int64), endpoint=True)


def refuse_capped(
    counts: NDArray[np.int64], shares: NDArray[np.float64], fallback: int, generator: np.random.Generator
) -> NDArray[np.int64]:
    """A day's picks (runs x prizes) with each prize's capped share, drawn binomially, moved to the fallback."""
    refused = generator.binomial(counts, shares)
    capped = counts - refused
    capped[:, fallback] += refused.sum(axis=1)
    return capped
