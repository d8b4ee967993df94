"""Per-user daily caps in the cost simulation: what share of each prize's picks the caps refuse.

The engine checks a shopper's caps on every grant, in draw order, before stock and budget; a refused
pick becomes the fallback. Caps act on one shopper's day, so their effect does not depend on how many
shoppers play: it is estimated once per simulation from a sample of simulated shopper-days, each
drawing ``draws_per_player`` times from the pool (range red packets with a drawn amount) and granting
in order under every daily cap, as the economy does. :func:`games.simulate.simulate` then moves that
share of each day's picks to the fallback (a binomial thinning per run and day).

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
from games.pools import Pool

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


def cap_refusal_shares(
    pool: Pool,
    caps: Sequence[Cap],
    draws_per_player: int,
    generator: np.random.Generator,
    sample: int = SAMPLE_SHOPPER_DAYS,
) -> NDArray[np.float64]:
    """For each prize of ``pool``, the share of its picks that the daily ``caps`` refuse (0 without any),
    estimated from ``sample`` shopper-days of ``draws_per_player`` draws each."""
    modelled = daily_caps(caps)
    size = len(pool.prizes)
    if not modelled:
        return np.zeros(size)
    grantable = np.array([p.reward.kind is not RewardKind.NOTHING for p in pool.prizes])
    usages = [_usage(pool, cap, sample) for cap in modelled]
    picked, refused = np.zeros(size, dtype=np.int64), np.zeros(size, dtype=np.int64)
    probabilities = np.array([p.weight for p in pool.prizes], dtype=np.float64) / pool.total_weight
    for _ in range(draws_per_player):
        prizes = generator.choice(size, size=sample, p=probabilities)
        costs = _grant_costs(pool, prizes, generator)
        allowed = np.logical_and.reduce([usage.allows(prizes, costs) for usage in usages]) | ~grantable[prizes]
        for usage in usages:
            usage.take(prizes, costs, allowed & grantable[prizes])
        picked += np.bincount(prizes, minlength=size)
        refused += np.bincount(prizes[~allowed], minlength=size)
    return refused / np.maximum(picked, 1)


def _usage(pool: Pool, cap: Cap, sample: int) -> _Usage:
    covers = np.array([cap.covers(p.key) for p in pool.prizes])
    return _Usage(cap, covers, np.zeros(sample, dtype=np.int64), np.zeros(sample, dtype=np.int64))


def _grant_costs(pool: Pool, prizes: NDArray[np.int64], generator: np.random.Generator) -> NDArray[np.int64]:
    """What granting each pick would charge: a fixed reward's cost, a range red packet's drawn amount."""
    low = np.array([int(p.cost_fen) if not p.reward.is_range else p.reward.amount for p in pool.prizes])
    high = np.array([p.reward.max_amount if p.reward.is_range else int(p.cost_fen) for p in pool.prizes])
    return generator.integers(low[prizes], high[prizes], endpoint=True)


def refuse_capped(
    counts: NDArray[np.int64], shares: NDArray[np.float64], fallback: int, generator: np.random.Generator
) -> NDArray[np.int64]:
    """A day's picks (runs x prizes) with each prize's capped share, drawn binomially, moved to the fallback."""
    refused = generator.binomial(counts, shares)
    capped = counts - refused
    capped[:, fallback] += refused.sum(axis=1)
    return capped
