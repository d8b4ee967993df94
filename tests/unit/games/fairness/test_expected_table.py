"""The ops odds table (games/fairness/pools.py ``expected_table``): expected picks, and expected grants where
picks above a prize's stock fall back to the pool's fallback prize.

Pure rules: no database, no clock; every number is an exact :class:`~fractions.Fraction`.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from games.fairness.pools import ExpectedRow, Pool, expected_table, load_pool

GOLD: dict[str, Any] = {"kind": "red_packet", "amount_fen": 1000}
POINTS_10: dict[str, Any] = {"kind": "points", "points": 10}
POINT_1: dict[str, Any] = {"kind": "points", "points": 1}


def prize(key: str, weight: int, reward: dict[str, Any], stock: int | None = None) -> dict[str, Any]:
    """A prize config."""
    return {"key": key, "name": key, "weight": weight, "stock": stock, "reward": reward}


def gold_pool(gold_stock: int = 5) -> Pool:
    """gold: ¥10 red packet (weight 1, limited); pts: 10 points (weight 4); thanks: 1 point, the fallback
    (weight 5). Costs 1000, 10 and 1 fen."""
    return load_pool(
        {
            "prizes": [prize("gold", 1, GOLD, gold_stock), prize("pts", 4, POINTS_10), prize("thanks", 5, POINT_1)],
            "fallback": "thanks",
        }
    )


def by_key(rows: list[ExpectedRow]) -> dict[str, ExpectedRow]:
    """The rows by prize key."""
    return {row.key: row for row in rows}


def granted_cost(pool: Pool, rows: list[ExpectedRow]) -> Fraction:
    """Expected cost of the expected grants (as the ops odds view totals it)."""
    return sum((row.expected_granted * pool.prize(row.key).cost_fen for row in rows), Fraction(0))


def test_picks_above_stock_are_granted_as_the_fallback() -> None:
    table = by_key(expected_table(gold_pool(), 100))
    assert (table["gold"].expected_picked, table["gold"].expected_granted) == (10, 5)
    assert (table["pts"].expected_picked, table["pts"].expected_granted) == (40, 40)
    assert (table["thanks"].expected_picked, table["thanks"].expected_granted) == (50, 55)


def test_granted_adds_up_to_the_expected_draws() -> None:
    for draws in (0, 1, 7, 100, 12_345):
        rows = expected_table(gold_pool(), draws)
        assert sum((row.expected_granted for row in rows), Fraction(0)) == draws
        assert sum((row.expected_picked for row in rows), Fraction(0)) == draws


def test_expected_cost_includes_the_fallbacks_cost_of_sold_out_picks() -> None:
    pool = gold_pool()
    assert [p.cost_fen for p in pool.prizes] == [1000, 10, 1]
    assert granted_cost(pool, expected_table(pool, 100)) == 5 * 1000 + 40 * 10 + 55 * 1


def test_fractions_stay_exact_when_the_overflow_is_fractional() -> None:
    pool = load_pool(
        {
            "prizes": [prize("a", 1, GOLD, 2), prize("b", 1, POINTS_10, 3), prize("thanks", 1, POINT_1)],
            "fallback": "thanks",
        }
    )
    table = by_key(expected_table(pool, 10))
    assert all(row.expected_picked == Fraction(10, 3) for row in table.values())
    assert (table["a"].expected_granted, table["b"].expected_granted) == (2, 3)
    assert table["thanks"].expected_granted == Fraction(10, 3) + Fraction(4, 3) + Fraction(1, 3) == 5
    assert all(isinstance(row.expected_granted, Fraction) for row in table.values())


def test_below_the_stock_nothing_falls_back() -> None:
    table = by_key(expected_table(gold_pool(), 7))
    assert table["gold"].expected_picked == Fraction(7, 10) == table["gold"].expected_granted
    assert table["thanks"].expected_picked == Fraction(7, 2) == table["thanks"].expected_granted


def test_a_sold_out_prize_sends_every_pick_to_the_fallback() -> None:
    table = by_key(expected_table(gold_pool(gold_stock=0), 100))
    assert (table["gold"].expected_granted, table["thanks"].expected_granted) == (0, 60)


def test_rows_keep_odds_and_disclosed_quantities() -> None:
    rows = expected_table(gold_pool(), 100)
    assert [row.key for row in rows] == ["gold", "pts", "thanks"]
    assert [row.probability for row in rows] == [Fraction(1, 10), Fraction(2, 5), Fraction(1, 2)]
    assert [row.expected_cost_per_draw_fen for row in rows] == [100, 4, Fraction(1, 2)]
    assert [row.disclosed_quantity for row in rows] == [5, None, None]
