"""Tasks and points (任务与积分): points for delivered orders, reviews and shares, and tasks whose completions grant
pool prizes (dice, props, wheel spins), fed by the host's events and the campaign's other games (``observe``).
The shopper's page reports browsing tasks itself (``browse_start``, then ``browse_done`` after the task's seconds):
low trust, so those tasks are daily and capped (:data:`games.tasks.config.CLIENT_DAILY_MAX`)."""

from __future__ import annotations

from dataclasses import asdict, replace
from datetime import datetime
from typing import Any, ClassVar

from games.engine.contract import (
    Action,
    Activity,
    GameEvent,
    Outcome,
    PlayContext,
    PrizeOutcome,
    Rejection,
    RuleLine,
    Viewer,
)
from games.engine.disclosed_terms import DisclosedTerm
from games.fairness.pools import Pool, points_prize
from games.tasks.config import Task, TasksConfig, TasksConfigSchema
from games.tasks.disclosure import rules_lines, worse_changes
from games.tasks.replay import replay as tasks_replay
from games.tasks.rules import Effect, Order, Step, TasksState, observe, window

POINTS_PRIZE = "tasks.points"  # what the ledger calls points a rule earned (a pool key has no dot)
RECENT_ORDERS = 10


class Tasks:
    """The tasks-and-points game. Actions: ``browse_start`` and ``browse_done`` (payload ``{"task": key}``)."""

    key = "tasks"
    config_schema = TasksConfigSchema
    replay = tasks_replay
    actions = frozenset({"browse_start", "browse_done"})
    grant_names: ClassVar[dict[str, tuple[str, str]]] = {POINTS_PRIZE: ("购物积分", "Shopping points")}
    disclosed_terms: tuple[DisclosedTerm, ...] = ()  # lists and rules: see worse_changes

    def worse_changes(self, before: TasksConfig, after: TasksConfig) -> list[tuple[str, str]]:
        """What a new version makes worse for shoppers (:func:`games.tasks.disclosure.worse_changes`)."""
        return worse_changes(before, after)

    def check_config(self, config: TasksConfig, pool: Pool) -> dict[str, list[str]]:
        """Every task's prize is a prize of the pool."""
        keys = {p.key for p in pool.prizes}
        return {
            f"tasks.{index}.prize": [f"'{task.prize}' is not a prize of the pool"]
            for index, task in enumerate(config.tasks)
            if task.prize not in keys
        }

    def initial_state(self) -> TasksState:
        """A shopper who has done nothing yet."""
        return TasksState()

    def load_state(self, data: dict[str, Any]) -> TasksState:
        """Rebuild from JSON."""
        orders = {ref: Order(**order) for ref, order in data.get("orders", {}).items()}
        return TasksState(
            orders,
            data.get("progress", {}),
            data.get("done", {}),
            list(data.get("withdrawn", [])),
            data.get("daily", {}),
            data.get("browsing", {}),
        )

    def dump_state(self, state: TasksState) -> dict[str, Any]:
        """JSON form."""
        return asdict(state)

    def apply(self, ctx: PlayContext, state: TasksState, action: Action) -> Outcome:
        """Start or finish browsing for a browsing task.

        :raises Rejection: ``unknown_task`` (no such browsing task), ``browse_not_started``, ``browse_too_short``.
        """
        task = _browsing_task(ctx.config, action.payload.get("task"))
        if action.name == "browse_start":
            started = replace(state, browsing={**state.browsing, task.key: ctx.now.isoformat()})
            return Outcome(started, [GameEvent("tasks.browsing", {"task": task.key, "seconds": task.seconds})], [])
        started_at = state.browsing.get(task.key)
        if started_at is None:
            raise Rejection("browse_not_started", "start browsing first")
        if (ctx.now - datetime.fromisoformat(started_at)).total_seconds() < task.seconds:
            raise Rejection("browse_too_short", f"browse for {task.seconds} seconds to complete this task")
        step = observe(ctx.config, state, "browse", task.key, ctx.today, {})
        step.state.browsing.pop(task.key, None)
        return _carry_out(ctx, step, GameEvent("tasks.progress", {"task": task.key}))

    def observe(self, ctx: PlayContext, state: TasksState, activity: Activity) -> Outcome:
        """What the shopper did elsewhere earns points and task progress (:func:`games.tasks.rules.observe`); after the
        campaign's last day (an order delivered or refunded later) it earns points only, no task progress."""
        ended = bool(ctx.ends_on) and activity.day > ctx.ends_on
        config = replace(ctx.config, tasks=()) if ended else ctx.config
        step = observe(config, state, activity.kind, activity.ref, activity.day, activity.facts)
        return _carry_out(ctx, step, GameEvent("tasks.progress", {"kind": activity.kind}))

    def view(self, config: TasksConfig, state: TasksState, viewer: Viewer) -> dict[str, Any]:
        """The task list with today's progress, the points rules and the shopper's recent orders."""
        return {
            "tasks": [_task_view(task, state, viewer.today) for task in config.tasks],
            "orders": [
                {"ref": ref, "amount_fen": o.amount_fen, "points": o.points, "status": _order_status(o)}
                for ref, o in list(state.orders.items())[-RECENT_ORDERS:][::-1]
            ],
            "points_rules": None if config.points is None else asdict(config.points),
        }

    def rules_lines(self, config: TasksConfig, pool: Pool) -> list[RuleLine]:
        """The points rules (rounding and refunds stated) and each task with its prize."""
        return rules_lines(config, pool)

    def daily_draws(self, config: TasksConfig) -> int | None:
        """Tasks draw nothing."""
        return 0


def _browsing_task(config: TasksConfig, key: object) -> Task:
    task = config.task(key) if isinstance(key, str) else None
    if task is None or not task.client_reported:
        raise Rejection("unknown_task", "this campaign has no such browsing task")
    return task


def _carry_out(ctx: PlayContext, step: Step, event: GameEvent) -> Outcome:
    """Carry out the step's effects through the economy; the event lists what each did."""
    done = [_effect(ctx, effect) for effect in step.effects]
    payload = {**event.payload, "effects": [{"kind": e.kind, "reference": e.reference} for e in step.effects]}
    return Outcome(step.state, [GameEvent(event.name, payload)], [o for o in done if o is not None])


def _effect(ctx: PlayContext, effect: Effect) -> PrizeOutcome | None:
    if effect.kind == "grant_points":
        name, name_en = Tasks.grant_names[POINTS_PRIZE]
        prize = points_prize(POINTS_PRIZE, name, name_en, effect.points, ctx.pool.points_per_yuan)
        return _granted_once(ctx, prize, effect.reference, fallback=False)
    if effect.kind == "grant_prize":
        return _granted_once(ctx, ctx.pool.prize(effect.prize), effect.reference, fallback=True)
    if effect.kind == "claw_back":
        ctx.economy.claw_back_points(effect.points, effect.reference)
    elif effect.kind == "take_back":
        ctx.economy.take_back(effect.reference)
    return None


def _granted_once(ctx: PlayContext, prize: Any, reference: str, fallback: bool) -> PrizeOutcome | None:
    """Grant under ``reference``; one granted before (an event applied again after a crash) is left as it is."""
    try:
        return ctx.economy.grant_reward(prize, reference, fallback=fallback)
    except Rejection as rejection:
        if rejection.code == "already_granted":
            return None
        raise


def _task_view(task: Task, state: TasksState, today: str) -> dict[str, Any]:
    """A task as the list shows it: progress toward the next completion, completions in today's window (all of
    them, ``completed``, when none is left), and since when the page has been browsing for it."""
    key = window(task, today)
    done = state.done.get(task.key, {}).get(key, 0)
    return {
        "key": task.key,
        "title": task.title,
        "title_en": task.title_en,
        "on": task.on,
        "count": task.count,
        "progress": state.progress.get(task.key, {}).get(key, 0),
        "done": done,
        "max_times": task.max_times,
        "repeat": task.repeat,
        "prize": task.prize,
        "link": task.link,
        "seconds": task.seconds,
        "client_reported": task.client_reported,
        "browsing": task.key in state.browsing,
        "browsing_since": state.browsing.get(task.key),
        "completed": done >= task.max_times,
    }


def _order_status(order: Order) -> str:
    if order.refunded:
        return "refunded"
    if order.confirmed and order.paid:
        return "earned"
    return "waiting_delivery" if order.paid else "waiting_payment"


game = Tasks()
