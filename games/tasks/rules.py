"""The pure rules of tasks and points: what one thing a shopper did earns, as effects the game then carries out
through the economy. No I/O: a state and an activity in, a new state and effects out.

Orders: ``order_paid`` records an order, ``order_confirmed`` (delivery) earns its points, rounded down per order:
``floor(amount_fen × per_yuan × percent / 10,000)`` plus the big-order bonus; ``order_refunded`` claws back what the
order earned and withdraws it from tasks. A refund before delivery earns nothing. A withdrawn task completion keeps
its place: it cannot be earned again in its window (a pay-and-refund loop earns a task once at most).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from games.tasks.config import PointsRules, Task, TasksConfig

ALL = "all"  # the window of a task done once or repeatable (a daily task's window is its day)


@dataclass(frozen=True)
class Effect:
    """What the game asks the economy to do: ``grant_points``, ``grant_prize``, ``claw_back`` (points) or
    ``take_back`` (a prize granted before), under ``reference`` (unique for what it rewards)."""

    kind: str
    reference: str
    points: int = 0
    prize: str = ""


@dataclass
class Order:
    """An order as the host reported it, and what it earned."""

    amount_fen: int = 0
    category: str = ""
    baitiao: bool = False
    paid: bool = False
    confirmed: bool = False
    refunded: bool = False
    points: int = 0
    counted: list[list[Any]] = field(default_factory=list)  # [task, window, completion number it counts toward]
    paid_on: str = ""  # the campaign day it was paid (double-points days count it)


@dataclass
class TasksState:
    """A shopper's orders, task progress and completions, interactions counted by day, and browsing started."""

    orders: dict[str, Order] = field(default_factory=dict)
    progress: dict[str, dict[str, int]] = field(default_factory=dict)  # task -> window -> toward the next completion
    done: dict[str, dict[str, int]] = field(default_factory=dict)  # task -> window -> completions (withdrawn too)
    withdrawn: list[str] = field(default_factory=list)  # completion references taken back
    daily: dict[str, int] = field(default_factory=dict)  # "review:YYYY-MM-DD" -> interactions rewarded that day
    browsing: dict[str, str] = field(default_factory=dict)  # task -> when the page said browsing started (ISO)


def order_points(rules: PointsRules, amount_fen: int, category: str, paid_on: str = "") -> int:
    """An order's points: the base per yuan times its category's percent and its payment day's (a double-points
    day), rounded down once, plus the big-order bonus."""
    base = amount_fen * rules.per_yuan * rules.percent(category) * rules.day_percent(paid_on) // 1_000_000
    big = rules.big_order
    return base + (big.bonus_points if big is not None and amount_fen >= big.min_fen else 0)


def observe(config: TasksConfig, state: TasksState, kind: str, ref: str, day: str, facts: dict[str, Any]) -> Step:
    """What ``kind`` (an event type, ``played`` or ``browse``) earns; ``ref`` names it (the host event id, a
    play's reference, or for orders the order's reference), ``day`` is its day in the campaign's time zone."""
    step = Step(copy.deepcopy(state), [])
    if kind == "order_paid":
        step.order_paid(config, ref, day, facts)
    elif kind == "order_confirmed":
        step.order_confirmed(config, ref, day)
    elif kind == "order_refunded":
        step.order_refunded(ref)
    else:
        step.interaction(config.points, kind, ref, day, facts)
        for task in config.tasks:
            if task.on == kind and matches(task, facts):
                step.count(task, day, None)
    return step


def matches(task: Task, facts: dict[str, Any]) -> bool:
    """Whether something with ``facts`` counts toward ``task`` (its conditions on amount, payment, category,
    photos, game and action)."""
    if facts.get("amount_fen", 0) < task.min_amount_fen or (task.baitiao_only and not facts.get("baitiao")):
        return False
    if task.category is not None and facts.get("category") != task.category:
        return False
    if task.photos_only and not facts.get("photos"):
        return False
    return (task.game is None or facts.get("game") == task.game) and (
        task.action is None or facts.get("action") == task.action
    )


def window(task: Task, day: str) -> str:
    """The window a task's completions are counted in: its day for a daily task, else the whole campaign."""
    return day if task.repeat == "daily" else ALL


def completion_reference(task: Task, window_key: str, number: int) -> str:
    """The grant reference of a task's ``number``-th completion in a window (``task:invite3:all:1``)."""
    return f"task:{task.key}:{window_key}:{number}"


@dataclass
class Step:
    """The new state and the effects of one activity."""

    state: TasksState
    effects: list[Effect]

    def count(self, task: Task, day: str, order_ref: str | None) -> None:
        """One more toward ``task`` in its window; a completion grants its prize (none once the window's
        completions are all done)."""
        key = window(task, day)
        done = self.state.done.setdefault(task.key, {}).get(key, 0)
        if done >= task.max_times:
            return
        progress = self.state.progress.setdefault(task.key, {}).get(key, 0) + 1
        if order_ref is not None:
            self.state.orders[order_ref].counted.append([task.key, key, done + 1])
        if progress < task.count:
            self.state.progress[task.key][key] = progress
            return
        self.state.progress[task.key][key] = 0
        self.state.done[task.key][key] = done + 1
        self.effects.append(Effect("grant_prize", completion_reference(task, key, done + 1), prize=task.prize))

    def order_paid(self, config: TasksConfig, ref: str, day: str, facts: dict[str, Any]) -> None:
        """Record the order; tasks on paid orders count it; its points wait for delivery (or are earned now when
        delivery was reported first)."""
        order = self.state.orders.setdefault(ref, Order())
        if order.paid:
            return
        order.paid, order.amount_fen, order.paid_on = True, facts["amount_fen"], day
        order.category, order.baitiao = facts["category"], facts["payment"] == "baitiao"
        if order.refunded:
            return
        self._count_order(config, "order_paid", ref, day)
        if order.confirmed:
            self._earn(config, ref, day)

    def order_confirmed(self, config: TasksConfig, ref: str, day: str) -> None:
        """Delivery confirmed: the order's points and tasks on delivered orders (once both payment and delivery
        are known)."""
        order = self.state.orders.setdefault(ref, Order())
        if order.confirmed or order.refunded:
            return
        order.confirmed = True
        if order.paid:
            self._earn(config, ref, day)

    def order_refunded(self, ref: str) -> None:
        """Claw back the order's points, withdraw it from tasks (a completion it made is taken back)."""
        order = self.state.orders.setdefault(ref, Order())
        if order.refunded:
            return
        order.refunded = True
        if order.points:
            self.effects.append(Effect("claw_back", f"order:{ref}", points=order.points))
        for task_key, key, number in order.counted:
            self._withdraw(task_key, key, number)

    def interaction(self, rules: PointsRules | None, kind: str, ref: str, day: str, facts: dict[str, Any]) -> None:
        """Points for a review or a share, up to the day's limit."""
        rule = None if rules is None else {"review_posted": rules.review, "shared": rules.share}.get(kind)
        if rule is None:
            return
        counted = f"{kind}:{day}"
        if self.state.daily.get(counted, 0) >= rule.daily_max:
            return
        self.state.daily[counted] = self.state.daily.get(counted, 0) + 1
        points = rule.points + (rule.photo_bonus if facts.get("photos") else 0)
        if points:
            self.effects.append(Effect("grant_points", f"{kind}:{ref}", points=points))

    def _earn(self, config: TasksConfig, ref: str, day: str) -> None:
        order = self.state.orders[ref]
        if config.points is not None:
            order.points = order_points(config.points, order.amount_fen, order.category, order.paid_on)
            if order.points:
                self.effects.append(Effect("grant_points", f"order:{ref}", points=order.points))
        self._count_order(config, "order_confirmed", ref, day)

    def _count_order(self, config: TasksConfig, kind: str, ref: str, day: str) -> None:
        order = self.state.orders[ref]
        facts = {"amount_fen": order.amount_fen, "category": order.category, "baitiao": order.baitiao}
        for task in config.tasks:
            if task.on == kind and matches(task, facts):
                self.count(task, day, ref)

    def _withdraw(self, task_key: str, key: str, number: int) -> None:
        done = self.state.done.get(task_key, {}).get(key, 0)
        if number > done:  # still in progress: one less toward it
            progress = self.state.progress.get(task_key, {})
            progress[key] = max(progress.get(key, 0) - 1, 0)
            return
        reference = f"task:{task_key}:{key}:{number}"
        if reference not in self.state.withdrawn:
            self.state.withdrawn.append(reference)
            self.effects.append(Effect("take_back", reference))
