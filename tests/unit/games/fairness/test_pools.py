"""Prize pools (games/fairness/pools.py): the weighted pick, exact odds, the expected table, and pool validation.

Pure rules: no database, no clock. The pick follows docs/fairness.md section 7: the prize at
position ``i`` owns the values ``[w_1 + ... + w_(i-1), w_1 + ... + w_i)``.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest
from marshmallow import ValidationError

from economy.rewards import CouponTemplate, RewardKind
from games.fairness.pools import LEGAL_TOP_PRIZE_FEN, Pool, expected_table, load_pool

RANGE_1_TO_TOP = f"Must be greater than or equal to 1 and less than or equal to {LEGAL_TOP_PRIZE_FEN}."
KEY_RULE = "use 1-32 lowercase letters, digits or _"
REQUIRED = "Missing data for required field."
NOTHING: dict[str, Any] = {"kind": "nothing"}
POINTS_10: dict[str, Any] = {"kind": "points", "points": 10}


def prize(key: str, weight: int = 1, reward: dict[str, Any] | None = None, **fields: Any) -> dict[str, Any]:
    """A prize config giving ``reward`` (nothing by default)."""
    return {"key": key, "name": key, "weight": weight, "reward": reward or NOTHING, **fields}


def pool_config(*prizes: dict[str, Any], fallback: str = "thanks", **fields: Any) -> dict[str, Any]:
    """A pool config of ``prizes`` followed by an unlimited 'thanks' fallback of weight 1."""
    return {"prizes": [*prizes, prize("thanks")], "fallback": fallback, **fields}


def weights(*pairs: tuple[str, int]) -> Pool:
    """A pool of 'nothing' prizes with these keys and weights (the last one is the fallback)."""
    return load_pool({"prizes": [prize(k, w) for k, w in pairs], "fallback": pairs[-1][0]})


def flat(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """marshmallow's nested messages as ``{"prizes.0.weight": [...]}``."""
    if isinstance(messages, list):
        return {prefix: messages}
    out: dict[str, list[str]] = {}
    for key, value in messages.items():
        out.update(flat(value, f"{prefix}.{key}" if prefix else str(key)))
    return out


def refusal(config: dict[str, Any]) -> dict[str, list[str]]:
    """The field paths and messages ``load_pool`` refuses ``config`` with."""
    with pytest.raises(ValidationError) as refused:
        load_pool(config)
    return flat(refused.value.messages)


# --- the pick -------------------------------------------------------------------------------------


def test_pick_follows_the_spec_example_big_1_pts_5_thanks_4() -> None:
    pool = weights(("big", 1), ("pts", 5), ("thanks", 4))
    picked = [pool.pick(v).key for v in range(pool.total_weight)]
    assert picked == ["big"] + ["pts"] * 5 + ["thanks"] * 4


@pytest.mark.parametrize(
    ("value", "key"),
    [(0, "a"), (2, "a"), (3, "b"), (7, "b"), (8, "c"), (9, "c")],
    ids=["a-first", "a-last", "b-first", "b-last", "c-first", "c-last"],
)
def test_pick_bucket_boundaries(value: int, key: str) -> None:
    pool = weights(("a", 3), ("b", 5), ("c", 2))  # a: [0, 3), b: [3, 8), c: [8, 10)
    assert pool.pick(value).key == key


def test_each_prize_owns_exactly_its_weight_of_values_in_listed_order() -> None:
    pool = weights(("x", 7), ("y", 1), ("z", 13), ("w", 4))
    picked = [pool.pick(v).key for v in range(pool.total_weight)]
    assert picked == ["x"] * 7 + ["y"] + ["z"] * 13 + ["w"] * 4


def test_pick_boundaries_at_the_largest_allowed_total() -> None:
    billion = 1_000_000_000
    pool = weights(("a", billion), ("b", billion), ("c", billion), ("d", billion), ("e", 2**32 - 4 * billion))
    assert pool.total_weight == 2**32
    assert [pool.pick(v).key for v in (billion - 1, billion, 4 * billion - 1, 4 * billion, 2**32 - 1)] == [
        "a",
        "b",
        "d",
        "e",
        "e",
    ]


@pytest.mark.parametrize("value", [-1, 10, 11])
def test_pick_refuses_values_outside_the_total(value: int) -> None:
    pool = weights(("a", 3), ("b", 5), ("c", 2))
    with pytest.raises(ValueError, match=rf"value {value} outside \[0, 10\)"):
        pool.pick(value)


def test_prize_lookup_and_fallback() -> None:
    pool = weights(("a", 3), ("thanks", 7))
    assert pool.fallback.key == "thanks" and pool.prize("a").weight == 3
    with pytest.raises(KeyError):
        pool.prize("nope")


# --- odds and the expected table --------------------------------------------------------------------

RED_188: dict[str, Any] = {"kind": "red_packet", "amount_fen": 188}


def odds_pool() -> Pool:
    """big: red packet ¥1.88 (stock 2); pts: 10 points = 10 fen; thanks: nothing. Weights 1, 6, 3."""
    return load_pool(
        {
            "prizes": [prize("big", 1, RED_188, stock=2), prize("pts", 6, POINTS_10), prize("thanks", 3)],
            "fallback": "thanks",
        }
    )


def test_odds_are_exact_fractions_that_sum_to_one() -> None:
    rows = odds_pool().odds()
    assert [(r.prize.key, r.probability) for r in rows] == [
        ("big", Fraction(1, 10)),
        ("pts", Fraction(3, 5)),
        ("thanks", Fraction(3, 10)),
    ]
    assert all(isinstance(r.probability, Fraction) for r in rows)
    assert sum(r.probability for r in rows) == 1


def test_odds_of_awkward_weights_stay_exact() -> None:
    rows = weights(("a", 1), ("b", 1), ("c", 1)).odds()
    assert [r.probability for r in rows] == [Fraction(1, 3)] * 3 and sum(r.probability for r in rows) == 1


def test_expected_cost_per_draw_is_probability_times_cost() -> None:
    rows = odds_pool().odds()
    assert [r.prize.cost_fen for r in rows] == [188, 10, 0]
    assert [r.expected_cost_fen for r in rows] == [Fraction(188, 10), Fraction(60, 10), Fraction(0)]


def test_points_cost_follows_the_pools_exchange_rate_rounding_up() -> None:
    pool = load_pool(pool_config(prize("pts", 1, {"kind": "points", "points": 1}), points_per_yuan=3))
    assert pool.prize("pts").cost_fen == 34  # 100/3 fen, rounded up


def test_expected_table_picks_are_p_times_draws_and_grants_are_capped_by_stock() -> None:
    table = {row.key: row for row in expected_table(odds_pool(), 1000)}
    assert table["big"].expected_picked == 100 and table["big"].expected_granted == 2
    assert table["big"].disclosed_quantity == 2
    assert table["pts"].expected_picked == 600 == table["pts"].expected_granted
    assert table["thanks"].expected_picked == 300
    assert table["thanks"].expected_granted == 398  # its own 300 and the 98 picks of "big" beyond its stock
    assert table["thanks"].disclosed_quantity is None


def test_expected_table_keeps_fractions_and_does_not_cap_below_the_stock() -> None:
    table = {row.key: row for row in expected_table(odds_pool(), 7)}
    assert table["big"].expected_picked == Fraction(7, 10) == table["big"].expected_granted  # below stock 2
    assert table["pts"].expected_picked == Fraction(21, 5)
    assert table["pts"].probability == Fraction(3, 5) and table["pts"].expected_cost_per_draw_fen == 6


def test_expected_table_with_zero_stock_grants_nothing() -> None:
    pool = load_pool(pool_config(prize("gone", 1, RED_188, stock=0)))
    gone = expected_table(pool, 1000)[0]
    assert (gone.expected_picked, gone.expected_granted) == (500, 0)


# --- loading: what a valid pool builds --------------------------------------------------------------


def test_load_builds_rewards_of_every_kind() -> None:
    coupon = {
        "type": "full_reduction",
        "title": "满100减10",
        "valid_days": 7,
        "threshold_fen": 10000,
        "amount_fen": 1000,
    }
    pool = load_pool(
        pool_config(
            prize("pts", 1, POINTS_10),
            prize("red", 1, RED_188, name_en="Red packet", broadcast=True, display_value_fen=188),
            prize("mj", 1, {"kind": "coupon", "cost_fen": 300, "coupon": coupon}, stock=50),
        )
    )
    pts, red, mj, thanks = pool.prizes
    assert (pts.reward.kind, pts.reward.amount, pts.stock, pts.name_en, pts.broadcast) == (
        RewardKind.POINTS,
        10,
        None,
        None,
        False,
    )
    assert (red.reward.amount, red.cost_fen, red.broadcast, red.display_value_fen) == (188, 188, True, 188)
    assert mj.reward.coupon == CouponTemplate("full_reduction", "满100减10", 7, threshold_fen=10000, amount_fen=1000)
    assert (mj.reward.amount, mj.cost_fen, mj.stock) == (0, 300, 50)
    assert (thanks.reward.kind, thanks.cost_fen) == (RewardKind.NOTHING, 0)


def test_a_top_prize_of_exactly_50000_yuan_and_weights_of_exactly_2_pow_32_are_accepted() -> None:
    top = {"kind": "red_packet", "amount_fen": LEGAL_TOP_PRIZE_FEN}
    heavy = [prize(f"p{i}", 1_000_000_000) for i in range(3)]
    config = pool_config(
        prize("top", 1_000_000_000, top, stock=1, display_value_fen=LEGAL_TOP_PRIZE_FEN),
        *heavy,
        prize("rest", 2**32 - 4 * 10**9 - 1),
    )
    pool = load_pool(config)
    assert pool.total_weight == 2**32 and pool.prize("top").cost_fen == LEGAL_TOP_PRIZE_FEN


# --- loading: refusals of the pool as a whole --------------------------------------------------------


def test_prize_keys_must_be_unique() -> None:
    assert refusal(pool_config(prize("a"), prize("a"))) == {"prizes": ["prize keys must be unique"]}


def test_the_fallback_is_required() -> None:
    assert refusal({"prizes": [prize("thanks")]}) == {"fallback": [REQUIRED]}


def test_the_fallback_must_be_one_of_the_prizes() -> None:
    assert refusal(pool_config(prize("a"), fallback="nope")) == {
        "fallback": ["the fallback must be one of the pool's prizes"]
    }


@pytest.mark.parametrize("stock", [0, 5])
def test_the_fallback_may_not_have_a_limited_stock(stock: int) -> None:
    config = {"prizes": [prize("a"), prize("thanks", stock=stock)], "fallback": "thanks"}
    assert refusal(config) == {"fallback": ["the fallback prize may not have a limited stock"]}


@pytest.mark.parametrize(
    ("stock", "message"),
    [
        (-1, "stock is a whole number from 0 to 1,000,000,000"),
        (1_000_000_001, "stock is a whole number from 0 to 1,000,000,000"),
        (10**20, "stock is a whole number from 0 to 1,000,000,000"),
        (2.0, "Not a valid integer."),
        ("5", "Not a valid integer."),
    ],
)
def test_stock_is_a_whole_number_up_to_a_billion(stock: object, message: str) -> None:
    assert refusal(pool_config(prize("a", stock=stock))) == {"prizes.0.stock": [message]}


def test_weights_may_add_up_to_at_most_2_pow_32() -> None:
    config = pool_config(*(prize(f"p{i}", 1_000_000_000) for i in range(4)), prize("rest", 2**32 - 4 * 10**9))
    assert refusal(config) == {"prizes": ["the weights may add up to at most 2^32"]}  # 2^32 + the fallback's 1


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ({"fallback": "thanks"}, {"prizes": [REQUIRED]}),
        ({"prizes": [], "fallback": "thanks"}, {"prizes": ["Length must be between 1 and 100."]}),
        (
            {"prizes": [prize(f"p{i}") for i in range(101)], "fallback": "p0"},
            {"prizes": ["Length must be between 1 and 100."]},
        ),
        (
            pool_config(points_per_yuan=0),
            {"points_per_yuan": ["Must be greater than or equal to 1 and less than or equal to 10000."]},
        ),
        (
            pool_config(points_per_yuan=10_001),
            {"points_per_yuan": ["Must be greater than or equal to 1 and less than or equal to 10000."]},
        ),
        (pool_config(odds="fixed"), {"odds": ["Unknown field."]}),
    ],
    ids=["no-prizes", "empty", "101-prizes", "rate-0", "rate-too-high", "unknown-field"],
)
def test_pool_field_refusals(config: dict[str, Any], expected: dict[str, list[str]]) -> None:
    assert refusal(config) == expected


# --- loading: refusals of one prize --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "path", "message"),
    [
        ({"key": "Big"}, "key", KEY_RULE),
        ({"key": ""}, "key", KEY_RULE),
        ({"key": "a" * 33}, "key", KEY_RULE),
        ({"key": "a-b"}, "key", KEY_RULE),
        ({"name": ""}, "name", "Length must be between 1 and 40."),
        ({"name": "奖" * 41}, "name", "Length must be between 1 and 40."),
        ({"name_en": ""}, "name_en", "Length must be between 1 and 60."),
        ({"weight": -3}, "weight", "weight is a whole number from 0 to 1,000,000,000"),
        ({"weight": 1_000_000_001}, "weight", "weight is a whole number from 0 to 1,000,000,000"),
        ({"weight": True}, "weight", "Not a valid integer."),
        ({"weight": "heavy"}, "weight", "Not a valid integer."),
        ({"stock": -1}, "stock", "stock is a whole number from 0 to 1,000,000,000"),
        ({"display_value_fen": LEGAL_TOP_PRIZE_FEN + 1}, "display_value_fen", "a prize may be worth at most ¥50,000"),
        ({"display_value_fen": -1}, "display_value_fen", "a prize may be worth at most ¥50,000"),
        ({"broadcast": "maybe"}, "broadcast", "Not a valid boolean."),
        ({"colour": "red"}, "colour", "Unknown field."),
    ],
)
def test_prize_field_refusals(fields: dict[str, Any], path: str, message: str) -> None:
    assert refusal(pool_config(prize("p", 5) | fields)) == {f"prizes.0.{path}": [message]}


@pytest.mark.parametrize("missing", ["key", "name", "weight", "reward"])
def test_prize_required_fields(missing: str) -> None:
    incomplete = {k: v for k, v in prize("p").items() if k != missing}
    assert refusal(pool_config(incomplete)) == {f"prizes.0.{missing}": [REQUIRED]}


@pytest.mark.parametrize("weight", [1.5, "5"], ids=["fraction", "string"])
def test_a_weight_that_is_not_a_json_integer_is_refused(weight: object) -> None:
    assert refusal(pool_config(prize("p", weight))) == {"prizes.0.weight": ["Not a valid integer."]}  # type: ignore[arg-type]


# --- loading: refusals of a reward ----------------------------------------------------------------------

FULL_REDUCTION: dict[str, Any] = {
    "type": "full_reduction",
    "title": "满100减10",
    "valid_days": 7,
    "threshold_fen": 10000,
    "amount_fen": 1000,
}
INTEREST_FREE: dict[str, Any] = {"type": "interest_free", "title": "12期免息", "valid_days": 30, "periods": 12}


def coupon_reward(**changes: Any) -> dict[str, Any]:
    """A full-reduction coupon reward costing 300 fen, with coupon fields replaced (``None`` drops one)."""
    coupon = {k: v for k, v in (FULL_REDUCTION | changes).items() if v is not None}
    return {"kind": "coupon", "cost_fen": 300, "coupon": coupon}


@pytest.mark.parametrize(
    ("reward", "path", "message"),
    [
        ({"kind": "cash"}, "kind", "Must be one of: points, coupon, red_packet, nothing, item, gift_card."),
        ({"points": 5}, "kind", REQUIRED),
        ({"kind": "points"}, "points", "a points reward needs points"),
        (
            {"kind": "points", "points": 0},
            "points",
            "Must be greater than or equal to 1 and less than or equal to 10000000.",
        ),
        (
            {"kind": "points", "points": 10_000_001},
            "points",
            "Must be greater than or equal to 1 and less than or equal to 10000000.",
        ),
        ({"kind": "red_packet"}, "amount_fen", "a red_packet reward needs amount_fen"),
        ({"kind": "red_packet", "amount_fen": 0}, "amount_fen", RANGE_1_TO_TOP),
        ({"kind": "red_packet", "amount_fen": LEGAL_TOP_PRIZE_FEN + 1}, "amount_fen", RANGE_1_TO_TOP),
        ({"kind": "coupon", "cost_fen": 300}, "coupon", "a coupon reward needs coupon"),
        ({"kind": "coupon", "coupon": FULL_REDUCTION}, "cost_fen", "a coupon reward needs its cost_fen to the budget"),
        (
            coupon_reward() | {"cost_fen": LEGAL_TOP_PRIZE_FEN + 1},
            "cost_fen",
            f"Must be greater than or equal to 0 and less than or equal to {LEGAL_TOP_PRIZE_FEN}.",
        ),
    ],
)
def test_reward_refusals(reward: dict[str, Any], path: str, message: str) -> None:
    assert refusal(pool_config(prize("p", 5, reward))) == {f"prizes.0.reward.{path}": [message]}


@pytest.mark.parametrize(
    ("changes", "path", "message"),
    [
        ({"type": "cashback"}, "type", "Must be one of: interest_free, full_reduction."),
        ({"title": ""}, "title", "Length must be between 1 and 120."),
        ({"title": None}, "title", REQUIRED),
        ({"valid_days": 0}, "valid_days", "Must be greater than or equal to 1 and less than or equal to 366."),
        ({"valid_days": 367}, "valid_days", "Must be greater than or equal to 1 and less than or equal to 366."),
        ({"valid_days": None}, "valid_days", REQUIRED),
        ({"periods": 5}, "periods", "Must be one of: 3, 6, 12, 24."),
        (
            {"min_order_fen": -1},
            "min_order_fen",
            "Must be greater than or equal to 0 and less than or equal to 10000000000.",
        ),
        ({"category": ""}, "category", "Length must be between 1 and 64."),
        (
            {"threshold_fen": 0},
            "threshold_fen",
            "Must be greater than or equal to 1 and less than or equal to 10000000000.",
        ),
        ({"amount_fen": 0}, "amount_fen", "Must be greater than or equal to 1 and less than or equal to 10000000000."),
        ({"threshold_fen": None}, "amount_fen", "a full-reduction coupon needs threshold_fen and amount_fen"),
        ({"amount_fen": None}, "amount_fen", "a full-reduction coupon needs threshold_fen and amount_fen"),
        ({"amount_fen": 10000}, "amount_fen", "the reduction must be below its threshold"),
        ({"amount_fen": 10001}, "amount_fen", "the reduction must be below its threshold"),
    ],
)
def test_coupon_refusals(changes: dict[str, Any], path: str, message: str) -> None:
    config = pool_config(prize("p", 5, coupon_reward(**changes)))
    assert refusal(config) == {f"prizes.0.reward.coupon.{path}": [message]}


def test_an_interest_free_coupon_needs_periods() -> None:
    reward = {"kind": "coupon", "cost_fen": 300, "coupon": {**INTEREST_FREE, "periods": None}}
    assert refusal(pool_config(prize("p", 5, reward))) == {
        "prizes.0.reward.coupon.periods": ["an interest-free coupon needs periods"]
    }


def test_an_interest_free_coupon_with_periods_is_accepted() -> None:
    pool = load_pool(pool_config(prize("p", 5, {"kind": "coupon", "cost_fen": 300, "coupon": INTEREST_FREE})))
    assert pool.prize("p").reward.coupon == CouponTemplate("interest_free", "12期免息", 30, periods=12)


def test_a_prize_of_weight_0_is_never_drawn_but_the_pool_needs_one_above_0() -> None:
    pool = load_pool(pool_config(prize("milestone", 0)))
    assert [(p.key, p.weight) for p in pool.prizes] == [("milestone", 0), ("thanks", 1)]
    assert {pool.pick(v).key for v in range(pool.total_weight)} == {"thanks"}
    assert refusal({"prizes": [prize("a", 0)], "fallback": "a"}) == {
        "prizes": ["at least one prize needs a weight above 0 (the draws pick among those)"]
    }


def test_refusals_name_the_index_of_the_bad_prize() -> None:
    config = pool_config(prize("a"), prize("b", -1), prize("c", reward={"kind": "points"}))
    assert refusal(config) == {
        "prizes.1.weight": ["weight is a whole number from 0 to 1,000,000,000"],
        "prizes.2.reward.points": ["a points reward needs points"],
    }


# --- range red packets ------------------------------------------------------------------------------------

RANGE_88_8888: dict[str, Any] = {"kind": "red_packet", "min_fen": 88, "max_fen": 8888}


def test_a_range_red_packet_loads_with_its_mean_cost_and_its_maximum_as_worth() -> None:
    lucky = load_pool(pool_config(prize("lucky", 1, RANGE_88_8888))).prize("lucky")
    assert (lucky.reward.kind, lucky.reward.amount, lucky.reward.max_amount) == (RewardKind.RED_PACKET, 88, 8888)
    assert lucky.reward.is_range and lucky.amount_choices == 8801
    assert lucky.cost_fen == Fraction(88 + 8888, 2) == 4488 and lucky.max_cost_fen == 8888


def test_an_odd_sum_range_costs_half_a_fen_exactly() -> None:
    pool = load_pool(pool_config(prize("lucky", 1, {"kind": "red_packet", "min_fen": 1, "max_fen": 2})))
    assert pool.prize("lucky").cost_fen == Fraction(3, 2)
    assert pool.odds()[0].expected_cost_fen == Fraction(3, 4)  # weight 1 of 2


def test_with_amount_fixes_the_reward_and_its_cost() -> None:
    lucky = load_pool(pool_config(prize("lucky", 1, RANGE_88_8888))).prize("lucky")
    drawn = lucky.with_amount(5793)
    assert (drawn.key, drawn.reward.amount, drawn.reward.max_amount, drawn.amount_choices) == (
        "lucky",
        5793,
        None,
        None,
    )
    assert drawn.cost_fen == drawn.max_cost_fen == 5793
    for outside in (87, 8889):
        with pytest.raises(ValueError):
            lucky.with_amount(outside)
    with pytest.raises(ValueError):
        drawn.with_amount(5793)  # already fixed


def test_a_fixed_red_packet_has_no_amount_choices() -> None:
    red = load_pool(pool_config(prize("red", 1, RED_188))).prize("red")
    assert red.amount_choices is None and red.max_cost_fen == 188 and not red.reward.is_range


def test_the_widest_range_is_1_fen_to_50000_yuan() -> None:
    widest = {"kind": "red_packet", "min_fen": 1, "max_fen": LEGAL_TOP_PRIZE_FEN}
    lucky = load_pool(pool_config(prize("lucky", 1, widest))).prize("lucky")
    assert lucky.amount_choices == LEGAL_TOP_PRIZE_FEN and lucky.max_cost_fen == LEGAL_TOP_PRIZE_FEN


@pytest.mark.parametrize(
    ("reward", "path", "message"),
    [
        (
            {"kind": "red_packet", "amount_fen": 188, "min_fen": 1, "max_fen": 2},
            "amount_fen",
            "give either amount_fen or min_fen and max_fen, not both",
        ),
        (
            {"kind": "red_packet", "amount_fen": 188, "max_fen": 888},
            "amount_fen",
            "give either amount_fen or min_fen and max_fen, not both",
        ),
        ({"kind": "red_packet", "min_fen": 88}, "max_fen", "a red packet range needs both min_fen and max_fen"),
        ({"kind": "red_packet", "max_fen": 888}, "min_fen", "a red packet range needs both min_fen and max_fen"),
        ({"kind": "red_packet", "min_fen": 888, "max_fen": 888}, "max_fen", "max_fen must be above min_fen"),
        ({"kind": "red_packet", "min_fen": 889, "max_fen": 888}, "max_fen", "max_fen must be above min_fen"),
        ({"kind": "red_packet", "min_fen": 0, "max_fen": 888}, "min_fen", RANGE_1_TO_TOP),
        ({"kind": "red_packet", "min_fen": 1, "max_fen": LEGAL_TOP_PRIZE_FEN + 1}, "max_fen", RANGE_1_TO_TOP),
        ({"kind": "red_packet", "min_fen": 1.5, "max_fen": 888}, "min_fen", "Not a valid integer."),
        ({"kind": "red_packet", "min_fen": None, "max_fen": 888}, "min_fen", "Field may not be null."),
        ({"kind": "points", "points": 10, "max_fen": 888}, "min_fen", "only a red_packet reward has an amount range"),
        ({"kind": "nothing", "min_fen": 1}, "min_fen", "only a red_packet reward has an amount range"),
    ],
)
def test_red_packet_range_refusals(reward: dict[str, Any], path: str, message: str) -> None:
    assert refusal(pool_config(prize("p", 5, reward))) == {f"prizes.0.reward.{path}": [message]}


def test_the_fallback_may_not_be_a_range_red_packet() -> None:
    config = {"prizes": [prize("a"), prize("lucky", 1, RANGE_88_8888)], "fallback": "lucky"}
    assert refusal(config) == {"fallback": ["the fallback prize may not be a red packet with a random amount"]}
    fixed = {"prizes": [prize("a"), prize("red", 1, RED_188)], "fallback": "red"}
    assert load_pool(fixed).fallback.key == "red"


# --- prize images -----------------------------------------------------------------------------------------

IMAGE_RULE = "use an https:// address or a path on this site starting with /"


@pytest.mark.parametrize(
    "image",
    [
        "https://img.example.com/prizes/red.png",
        "https://cdn.example.com:8443/a/b_c-d~e.webp?v=2&size=64#x",
        "/static/prizes/red.png",
        "/static/prizes/%E7%BA%A2%E5%8C%85.png",
        "https://img.example.com/" + "a" * (500 - len("https://img.example.com/")),
    ],
)
def test_a_prize_image_is_an_https_address_or_a_site_path(image: str) -> None:
    assert load_pool(pool_config(prize("p", 1, image=image))).prize("p").image == image


def test_a_prize_has_no_image_unless_given() -> None:
    pool = load_pool(pool_config(prize("p", 1), prize("q", 1, image=None)))
    assert pool.prize("p").image is None and pool.prize("q").image is None


@pytest.mark.parametrize(
    "image",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "data:image/png;base64,iVBORw0KGgo=",
        "http://img.example.com/red.png",
        "HTTPS://img.example.com/red.png",
        "//evil.example.com/red.png",
        "/\\evil.example.com/red.png",
        "https://user:pass@img.example.com/red.png",
        "https://img.example.com",
        "static/red.png",
        "red.png",
        " /static/red.png",
        "/static/red.png\n",
        "/static/red png.png",
        '/static/red.png" onerror="alert(1)',
        "/static/<script>.png",
        "/static/红包.png",
    ],
)
def test_an_unsafe_or_foreign_image_address_is_refused(image: str) -> None:
    assert refusal(pool_config(prize("p", 1, image=image))) == {"prizes.0.image": [IMAGE_RULE]}


def test_an_image_address_may_have_at_most_500_characters() -> None:
    long = "/static/" + "a" * 493
    assert refusal(pool_config(prize("p", 1, image=long))) == {"prizes.0.image": ["Length must be between 1 and 500."]}
    assert refusal(pool_config(prize("p", 1, image=""))) == {
        "prizes.0.image": ["Length must be between 1 and 500.", IMAGE_RULE]
    }
