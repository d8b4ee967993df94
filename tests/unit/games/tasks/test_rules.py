"""The pure rules of tasks and points: order points with multipliers and rounding, the order lifecycle, task
progress and completions, refunds withdrawing what an order earned, interactions capped by day."""

from __future__ import annotations

from typing import Any

import pytest

from games.tasks.config import TasksConfig, TasksConfigSchema
from games.tasks.rules import Effect, TasksState, observe, order_points

RULES = {
    "per_yuan": 1,
    "multipliers": [{"category": "digital", "percent": 120}, {"category": "books", "percent": 150}],
    "big_order": {"min_fen": 100_000, "bonus_points": 200},
    "review": {"points": 10, "photo_bonus": 20, "daily_max": 2},
    "share": {"points": 5, "daily_max": 1},
}
DAY = "2026-12-06"


def config(tasks: list[dict[str, Any]] | None = None, points: dict[str, Any] | None = RULES) -> TasksConfig:
    loaded: TasksConfig = TasksConfigSchema().load({"points": points, "tasks": tasks or []})
    return loaded


def paid(amount_fen: int, category: str = "food", payment: str = "baitiao") -> dict[str, Any]:
    return {"amount_fen": amount_fen, "category": category, "payment": payment}


@pytest.mark.parametrize(
    ("amount_fen", "category", "points"),
    [
        (100, "food", 1),  # ¥1.00 → 1
        (199, "food", 1),  # ¥1.99 → 1.99, floor 1
        (99, "food", 0),  # under a yuan: nothing
        (1000, "digital", 12),  # ¥10 × 1.2
        (999, "digital", 11),  # 11.988 → 11
        (1000, "books", 15),  # ¥10 × 1.5
        (133, "books", 1),  # 1.995 → 1
        (134, "books", 2),  # 2.01 → 2
        (99_999, "food", 999),  # just under the big-order threshold
        (100_000, "food", 1200),  # ¥1,000: 1,000 + the 200 bonus
        (100_000, "books", 1700),  # 1,500 + 200
        (123_456, "digital", 1681),  # 1,481.472 → 1,481, + 200
    ],
)
def test_order_points_multiply_by_category_and_round_down_per_order(
    amount_fen: int, category: str, points: int
) -> None:
    rules = config().points
    assert rules is not None
    assert order_points(rules, amount_fen, category) == points


def test_points_are_earned_on_delivery_not_on_payment() -> None:
    step = observe(config(), TasksState(), "order_paid", "o1", DAY, paid(5000))
    assert step.effects == []
    step = observe(config(), step.state, "order_confirmed", "o1", DAY, {})
    assert step.effects == [Effect("grant_points", "order:o1", points=50)]
    again = observe(config(), step.state, "order_confirmed", "o1", DAY, {})
    assert again.effects == []  # a delivery reported twice earns once


def test_a_delivery_reported_before_the_payment_earns_once_the_payment_arrives() -> None:
    step = observe(config(), TasksState(), "order_confirmed", "o1", DAY, {})
    assert step.effects == []
    step = observe(config(), step.state, "order_paid", "o1", DAY, paid(5000))
    assert step.effects == [Effect("grant_points", "order:o1", points=50)]


def test_a_refund_claws_back_what_the_order_earned_and_only_once() -> None:
    state = observe(config(), TasksState(), "order_paid", "o1", DAY, paid(5000)).state
    state = observe(config(), state, "order_confirmed", "o1", DAY, {}).state
    step = observe(config(), state, "order_refunded", "o1", DAY, {})
    assert step.effects == [Effect("claw_back", "order:o1", points=50)]
    assert observe(config(), step.state, "order_refunded", "o1", DAY, {}).effects == []
    assert observe(config(), step.state, "order_confirmed", "o1", DAY, {}).effects == []


def test_a_refund_before_delivery_earns_nothing_ever() -> None:
    state = observe(config(), TasksState(), "order_paid", "o1", DAY, paid(5000)).state
    step = observe(config(), state, "order_refunded", "o1", DAY, {})
    assert step.effects == []
    assert observe(config(), step.state, "order_confirmed", "o1", DAY, {}).effects == []


def test_the_state_given_is_never_changed() -> None:
    state = TasksState()
    observe(config(), state, "order_paid", "o1", DAY, paid(5000))
    assert state == TasksState()


PAY_TASK = {"key": "pay99", "title": "白条支付满99元", "on": "order_paid", "min_amount_fen": 9900, "baitiao_only": True,
            "prize": "dice"}  # fmt: skip


def test_a_task_on_payments_counts_only_the_orders_that_match() -> None:
    tasks = config([PAY_TASK])
    small = observe(tasks, TasksState(), "order_paid", "o1", DAY, paid(9899))
    other = observe(tasks, small.state, "order_paid", "o2", DAY, paid(20000, payment="other"))
    assert small.effects == other.effects == []
    step = observe(tasks, other.state, "order_paid", "o3", DAY, paid(9900))
    assert step.effects == [Effect("grant_prize", "task:pay99:all:1", prize="dice")]
    assert observe(tasks, step.state, "order_paid", "o4", DAY, paid(9900)).effects == []  # once


def test_a_daily_task_completes_again_the_next_day_up_to_its_limit() -> None:
    share = {"key": "share", "title": "分享", "on": "shared", "repeat": "daily", "max_times": 2, "prize": "dice"}
    tasks = config([share], points=None)
    state, granted = TasksState(), []
    for index, day in enumerate(["2026-12-06"] * 3 + ["2026-12-07"]):
        step = observe(tasks, state, "shared", f"e{index}", day, {})
        state, granted = step.state, granted + [e.reference for e in step.effects]
    assert granted == ["task:share:2026-12-06:1", "task:share:2026-12-06:2", "task:share:2026-12-07:1"]


def test_a_task_needing_several_counts_completes_at_the_last() -> None:
    invite = {"key": "invite3", "title": "邀请3位好友", "on": "friend_invited", "count": 3, "repeat": "repeatable",
              "max_times": 2, "prize": "dice"}  # fmt: skip
    tasks, state, effects = config([invite]), TasksState(), []
    for index in range(7):
        step = observe(tasks, state, "friend_invited", f"e{index}", DAY, {"invitee": f"u{index}"})
        state, effects = step.state, effects + step.effects
    assert [e.reference for e in effects] == ["task:invite3:all:1", "task:invite3:all:2"]
    assert state.progress["invite3"]["all"] == 0  # the seventh invite counts toward nothing: both done


def test_a_refunded_order_is_withdrawn_from_tasks() -> None:
    two = {**PAY_TASK, "count": 2}
    tasks = config([two])
    state = observe(tasks, TasksState(), "order_paid", "o1", DAY, paid(9900)).state
    step = observe(tasks, state, "order_refunded", "o1", DAY, {})
    assert step.state.progress["pay99"]["all"] == 0  # in progress: one less toward it
    state = observe(tasks, step.state, "order_paid", "o2", DAY, paid(9900)).state
    completed = observe(tasks, state, "order_paid", "o3", DAY, paid(9900))
    assert [e.reference for e in completed.effects] == ["task:pay99:all:1"]
    withdrawn = observe(tasks, completed.state, "order_refunded", "o3", DAY, {})
    assert withdrawn.effects == [Effect("take_back", "task:pay99:all:1")]
    again = observe(tasks, withdrawn.state, "order_paid", "o4", DAY, paid(9900))
    assert again.effects == []  # a withdrawn completion keeps its place: pay-and-refund earns a task once at most


def test_reviews_earn_a_photo_bonus_up_to_the_daily_limit() -> None:
    state, effects = TasksState(), []
    for index, photos in enumerate([True, False, True]):
        step = observe(config(), state, "review_posted", f"r{index}", DAY, {"photos": photos})
        state, effects = step.state, effects + step.effects
    assert [(e.reference, e.points) for e in effects] == [("review_posted:r0", 30), ("review_posted:r1", 10)]


def test_a_task_on_plays_names_its_game_and_counts_its_actions() -> None:
    spin = {"key": "spin", "title": "转一次转盘", "on": "played", "game": "wheel", "action": "spin", "repeat": "daily",
            "prize": "dice"}  # fmt: skip
    tasks = config([spin])
    assert observe(tasks, TasksState(), "played", "p1", DAY, {"game": "checkin", "action": "check_in"}).effects == []
    step = observe(tasks, TasksState(), "played", "p1", DAY, {"game": "wheel", "action": "spin"})
    assert [e.reference for e in step.effects] == ["task:spin:2026-12-06:1"]


@pytest.mark.parametrize(
    ("task", "field"),
    [
        ({"on": "played"}, "game"),
        ({"on": "browse", "repeat": "once"}, "repeat"),
        ({"on": "browse", "repeat": "daily", "max_times": 4}, "repeat"),
        ({"on": "shared", "repeat": "once", "max_times": 2}, "max_times"),
        ({"on": "teleport"}, "on"),
    ],
)
def test_inconsistent_tasks_are_refused_by_field(task: dict[str, Any], field: str) -> None:
    from marshmallow import ValidationError

    with pytest.raises(ValidationError) as refused:
        config([{"key": "t", "title": "t", "prize": "dice", **task}])
    assert field in refused.value.messages["tasks"][0]


def test_a_double_points_day_doubles_the_orders_paid_that_day_rounded_down_once() -> None:
    rules = config(points={**RULES, "bonus_days": [{"day": "2026-12-12", "percent": 200}]}).points
    assert rules is not None
    assert order_points(rules, 999, "digital", "2026-12-12") == 23  # 9.99 × 1.2 × 2 = 23.976
    assert order_points(rules, 999, "digital", "2026-12-11") == 11
    state = observe(config(points={**RULES, "bonus_days": [{"day": DAY}]}), TasksState(), "order_paid", "o1", DAY,
                    paid(5000)).state  # fmt: skip
    step = observe(
        config(points={**RULES, "bonus_days": [{"day": DAY}]}), state, "order_confirmed", "o1", "2026-12-20", {}
    )
    assert step.effects == [Effect("grant_points", "order:o1", points=100)]  # paid on the bonus day: doubled
