"""What was disclosed may not get worse; what must be disclosed must be there (games/campaigns/disclosure.py, no
I/O)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from games.campaigns.config import CampaignConfig, validate_config
from games.campaigns.disclosure import compliance_problems, worsening
from games.engine.registry import Registry
from games.wheel.game import game as wheel

COUPON = {"type": "interest_free", "title": "白条3期免息券", "periods": 3, "valid_days": 30}
REDEMPTION = {"deadline": "2027-01-31", "conditions": "奖品即时发放至钱包；优惠券在有效期内使用。"}


def _registry() -> Registry:
    registry = Registry()
    registry.register(wheel)
    return registry


def raw_config() -> dict[str, Any]:
    """A compliant config: every prize that gives something has a quantity; redemption is stated."""
    prizes = [
        {"key": "thanks", "name": "谢谢参与", "weight": 600, "reward": {"kind": "nothing"}},
        {"key": "pts", "name": "20积分", "weight": 300, "stock": 10000, "reward": {"kind": "points", "points": 20}},
        {
            "key": "coupon",
            "name": "3期免息券",
            "weight": 90,
            "stock": 500,
            "reward": {"kind": "coupon", "cost_fen": 300, "coupon": COUPON},
            "display_value_fen": 300,
        },
        {
            "key": "red",
            "name": "6.66元红包",
            "weight": 10,
            "stock": 50,
            "reward": {"kind": "red_packet", "amount_fen": 666},
            "display_value_fen": 666,
        },
    ]
    return {
        "pool": {"prizes": prizes, "fallback": "thanks"},
        "games": {"wheel": {"slots": [], "free_spins_per_day": 3}},  # slots: see config()
        "caps": [{"key": "daily", "per": "day", "max_count": 5}],
        "redemption": dict(REDEMPTION),
    }


def config(raw: dict[str, Any]) -> CampaignConfig:
    """Validate ``raw``; the wheel's slots follow the pool's prizes (padded with thanks to 6 slots)."""
    keys = [p["key"] for p in raw["pool"]["prizes"]]
    raw["games"]["wheel"]["slots"] = keys + ["thanks"] * max(0, 6 - len(keys))
    return validate_config(_registry(), raw)


def worse(old: CampaignConfig, new: CampaignConfig) -> list[str]:
    """Why ``new`` is worse than ``old``, the wheel's declared terms included."""
    return worsening(old, new, _registry())


def changed(change: Callable[[dict[str, Any]], None]) -> CampaignConfig:
    """The base config after ``change`` (applied to a copy of its raw form)."""
    raw = copy.deepcopy(raw_config())
    change(raw)
    return config(raw)


def prize(raw: dict[str, Any], key: str) -> dict[str, Any]:
    return next(p for p in raw["pool"]["prizes"] if p["key"] == key)


def remove_red(raw: dict[str, Any]) -> None:
    raw["pool"]["prizes"] = [p for p in raw["pool"]["prizes"] if p["key"] != "red"]


def thanks_more_likely(raw: dict[str, Any]) -> None:
    prize(raw, "thanks")["weight"] = 700  # every other prize's odds fall


def fewer_coupons(raw: dict[str, Any]) -> None:
    prize(raw, "coupon")["stock"] = 499


def smaller_red_packet(raw: dict[str, Any]) -> None:
    prize(raw, "red")["reward"]["amount_fen"] = 600


def lower_displayed_value(raw: dict[str, Any]) -> None:
    prize(raw, "coupon")["display_value_fen"] = 200


def red_becomes_points(raw: dict[str, Any]) -> None:
    prize(raw, "red")["reward"] = {"kind": "points", "points": 666}


def later_deadline(raw: dict[str, Any]) -> None:
    raw["redemption"]["deadline"] = "2027-02-01"


def no_redemption(raw: dict[str, Any]) -> None:
    raw["redemption"] = None


def earlier_deadline(raw: dict[str, Any]) -> None:
    raw["redemption"]["deadline"] = "2027-01-15"


def harsher_conditions(raw: dict[str, Any]) -> None:
    raw["redemption"]["conditions"] = "奖品需在7日内到门店领取。"


def tighter_cap(raw: dict[str, Any]) -> None:
    raw["caps"][0]["max_count"] = 2


def new_cap(raw: dict[str, Any]) -> None:
    raw["caps"].append({"key": "red_once", "per": "campaign", "max_count": 1, "prize": "red"})


def shorter_coupon(raw: dict[str, Any]) -> None:
    raw["pool"]["prizes"][2]["reward"]["coupon"]["valid_days"] = 7


def higher_minimum_order(raw: dict[str, Any]) -> None:
    raw["pool"]["prizes"][2]["reward"]["coupon"]["min_order_fen"] = 50000


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (remove_red, "prize 'red' would be removed"),
        (thanks_more_likely, "prize 'red' odds would fall from 1/100 to 1/110"),
        (fewer_coupons, "prize 'coupon' quantity would fall from 500 to 499"),
        (smaller_red_packet, "prize 'red' would be worth less"),
        (lower_displayed_value, "prize 'coupon' would be worth less"),
        (red_becomes_points, "prize 'red' would change its type"),
        (later_deadline, "the redemption deadline would move from 2027-01-31 to 2027-02-01"),
        (no_redemption, "the redemption deadline would move from 2027-01-31 to None"),
        (earlier_deadline, "the redemption deadline would move from 2027-01-31 to 2027-01-15"),
        (harsher_conditions, "the redemption conditions would change"),
        (tighter_cap, "the per-user cap 'daily' would get tighter"),
        (new_cap, "a new per-user cap 'red_once' would limit shoppers"),
        (shorter_coupon, "prize 'coupon': the coupon validity (days) would fall from 30 to 7"),
        (higher_minimum_order, "prize 'coupon': the coupon minimum order (fen) would rise from 0 to 50000"),
    ],
)
def test_a_worse_config_gives_its_reason(change: Callable[[dict[str, Any]], None], reason: str) -> None:
    assert reason in worse(config(raw_config()), changed(change))


def test_lower_odds_name_every_prize_that_gives_something_but_not_the_thanks() -> None:
    reasons = worse(config(raw_config()), changed(thanks_more_likely))
    assert [r.split("'")[1] for r in reasons] == ["pts", "coupon", "red"]


def test_an_unlimited_prize_that_becomes_limited_is_worse() -> None:
    def unlimited(raw: dict[str, Any]) -> None:
        prize(raw, "pts")["stock"] = None

    def limited(raw: dict[str, Any]) -> None:
        prize(raw, "pts")["stock"] = 1_000_000

    assert worse(changed(unlimited), changed(limited)) == ["prize 'pts' would become limited to 1000000"]


def test_nothing_changed_is_not_worse() -> None:
    assert worse(config(raw_config()), config(raw_config())) == []


def more_stock(raw: dict[str, Any]) -> None:
    prize(raw, "coupon")["stock"] = 800
    prize(raw, "red")["stock"] = 51


def unlimited_points(raw: dict[str, Any]) -> None:
    prize(raw, "pts")["stock"] = None


def new_prize_from_the_thanks(raw: dict[str, Any]) -> None:
    prize(raw, "thanks")["weight"] = 590  # the total stays 1000: the other prizes keep their odds
    raw["pool"]["prizes"].append(
        {
            "key": "red_big",
            "name": "88.88元红包",
            "weight": 10,
            "stock": 5,
            "reward": {"kind": "red_packet", "amount_fen": 8888},
            "display_value_fen": 8888,
        }
    )


def better_odds(raw: dict[str, Any]) -> None:
    prize(raw, "thanks")["weight"] = 500
    prize(raw, "red")["weight"] = 110


def looser_cap_and_higher_values(raw: dict[str, Any]) -> None:
    raw["caps"][0]["max_count"] = 10
    prize(raw, "red")["reward"]["amount_fen"] = 888
    prize(raw, "red")["display_value_fen"] = 888


@pytest.mark.parametrize(
    "change", [more_stock, unlimited_points, new_prize_from_the_thanks, better_odds, looser_cap_and_higher_values]
)
def test_a_config_that_is_not_worse_gives_no_reason(change: Callable[[dict[str, Any]], None]) -> None:
    assert worse(config(raw_config()), changed(change)) == []


def test_a_deadline_added_where_none_was_disclosed_is_not_worse() -> None:
    assert worse(changed(no_redemption), config(raw_config())) == []


def test_a_compliant_config_has_no_problems() -> None:
    assert compliance_problems(config(raw_config())) == {}


def test_a_prize_that_gives_something_needs_a_quantity() -> None:
    problems = compliance_problems(changed(unlimited_points))
    assert problems == {"config.pool.prizes.1.stock": ["disclose a quantity for every prize but the fallback"]}


def test_redemption_deadline_and_conditions_must_be_stated() -> None:
    assert compliance_problems(changed(no_redemption)) == {
        "config.redemption.deadline": ["state until when prizes can be redeemed"],
        "config.redemption.conditions": ["state the redemption conditions"],
    }


def test_a_fallback_that_gives_something_needs_no_quantity() -> None:
    raw = raw_config()
    raw["pool"]["prizes"][0]["reward"] = {"kind": "points", "points": 1}
    assert compliance_problems(config(raw)) == {}


# --- range red packets: worth is judged by both ends, the ¥50,000 ceiling by the maximum ------------------


def red_range(low: int, high: int) -> Callable[[dict[str, Any]], None]:
    """A change making the prize 'red' a range red packet of ``low`` to ``high`` fen."""

    def change(raw: dict[str, Any]) -> None:
        prize(raw, "red")["reward"] = {"kind": "red_packet", "min_fen": low, "max_fen": high}

    return change


@pytest.mark.parametrize(
    ("before", "after", "is_worse"),
    [
        ((500, 1000), (400, 1000), True),  # the minimum falls
        ((500, 1000), (500, 900), True),  # the maximum falls
        ((500, 1000), (600, 1200), False),
        ((500, 1000), (500, 1000), False),
        (None, (600, 1000), True),  # fixed ¥6.66 becomes a range starting lower
        (None, (666, 1000), False),  # ... or starting at the same amount
        ((666, 1000), None, True),  # a range becomes a fixed amount below its maximum
        ((600, 666), None, False),  # ... or at its maximum
    ],
)
def test_a_range_red_packet_is_worth_less_when_either_end_falls(
    before: tuple[int, int] | None, after: tuple[int, int] | None, is_worse: bool
) -> None:
    old = changed(red_range(*before)) if before else config(raw_config())
    new = changed(red_range(*after)) if after else config(raw_config())
    assert ("prize 'red' would be worth less" in worse(old, new)) is is_worse
    assert all("would change its type" not in reason for reason in worse(old, new))


def test_a_range_up_to_50000_yuan_is_compliant() -> None:
    assert compliance_problems(changed(red_range(1, 5_000_000))) == {}


def test_the_ceiling_counts_the_largest_cost_of_a_prize() -> None:
    def points_worth_too_much(raw: dict[str, Any]) -> None:
        prize(raw, "pts")["reward"] = {"kind": "points", "points": 10_000_000}
        raw["pool"]["points_per_yuan"] = 1  # 10,000,000 points = ¥10,000,000

    assert compliance_problems(changed(points_worth_too_much)) == {
        "config.pool.prizes.1.display_value_fen": ["a prize may be worth at most ¥50,000"]
    }


def test_a_prize_no_shopper_can_receive_under_a_value_cap_is_refused() -> None:
    def value_cap_below_the_red_packet(raw: dict[str, Any]) -> None:
        raw["caps"].append({"key": "daily_value", "per": "day", "max_value_fen": 600})

    problems = compliance_problems(changed(value_cap_below_the_red_packet))
    assert list(problems) == ["config.pool.prizes.3.weight"]
    assert "cap 'daily_value'" in problems["config.pool.prizes.3.weight"][0]
    assert "at least 666 fen, over the 600 fen per day" in problems["config.pool.prizes.3.weight"][0]


def test_a_range_red_packet_is_winnable_when_its_least_amount_fits_the_cap() -> None:
    def capped_range(raw: dict[str, Any]) -> None:
        red_range(100, 2000)(raw)
        raw["caps"].append({"key": "daily_value", "per": "day", "max_value_fen": 600, "prize": "red"})

    assert compliance_problems(changed(capped_range)) == {}

    def over(raw: dict[str, Any]) -> None:
        red_range(700, 2000)(raw)
        raw["caps"].append({"key": "daily_value", "per": "day", "max_value_fen": 600, "prize": "red"})

    assert list(compliance_problems(changed(over))) == ["config.pool.prizes.3.weight"]
