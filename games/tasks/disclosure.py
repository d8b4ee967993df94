"""What the rules page says of tasks and points, and what a new version of a running campaign may not make worse."""

from __future__ import annotations

from games.engine.contract import RuleLine
from games.fairness.pools import Pool
from games.tasks.config import PointsRules, Task, TasksConfig

Change = tuple[str, str]  # (field path under the game's config, the reason in plain words)
TRIGGER_WORDS = {
    "order_paid": ("支付订单", "pay an order"),
    "order_confirmed": ("确认收货", "receive an order"),
    "baitiao_opened": ("开通白条", "open 白条"),
    "friend_invited": ("邀请好友", "invite a friend"),
    "friend_opened_baitiao": ("邀请好友开通白条", "invite a friend who opens 白条"),
    "review_posted": ("发表评价", "post a review"),
    "shared": ("分享活动", "share the campaign"),
    "played": ("参与游戏", "play"),
    "browse": ("浏览会场", "browse a venue"),
}
INTERACTION_TERMS = ("points", "photo_bonus", "daily_max")
REPEAT_WORDS = {"once": ("限1次", "once"), "daily": ("每天", "a day"), "repeatable": ("共", "in all")}


def rules_lines(config: TasksConfig, pool: Pool) -> list[RuleLine]:
    """The points rules (rounding, refunds, value) and every task with what it needs and grants."""
    lines = [] if config.points is None else _points_lines(config.points)
    return lines + [_task_line(task, pool) for task in config.tasks]


def _points_lines(rules: PointsRules) -> list[RuleLine]:
    lines = [
        RuleLine(
            f"确认收货后每消费1元得{rules.per_yuan}积分，每笔订单向下取整；100积分=1元",
            f"{rules.per_yuan} point(s) per yuan once delivery is confirmed, rounded down per order; 100 points = ¥1",
        )
    ]
    lines += [
        RuleLine(f"「{m.category}」类商品积分按{m.percent / 100:g}倍计", f"{m.category}: {m.percent / 100:g}× points")
        for m in rules.multipliers
    ]
    lines += [
        RuleLine(
            f"{b.day} 双倍积分日：当天支付的订单积分按{b.percent / 100:g}倍计",
            f"{b.day}: orders paid that day earn {b.percent / 100:g}× points",
        )
        for b in rules.bonus_days
    ]
    if rules.big_order is not None:
        yuan = f"{rules.big_order.min_fen / 100:g}"
        bonus = rules.big_order.bonus_points
        lines.append(
            RuleLine(f"单笔满{yuan}元另得{bonus}积分", f"{bonus} bonus points for an order of ¥{yuan} or more")
        )
    if rules.review is not None:
        r = rules.review
        photo = f"，带图再加{r.photo_bonus}积分" if r.photo_bonus else ""
        photo_en = f", {r.photo_bonus} more with photos" if r.photo_bonus else ""
        lines.append(
            RuleLine(
                f"发表评价得{r.points}积分{photo}，每天最多{r.daily_max}次",
                f"A review earns {r.points} points{photo_en}, at most {r.daily_max} a day",
            )
        )
    if rules.share is not None:
        s = rules.share
        lines.append(
            RuleLine(
                f"分享得{s.points}积分，每天最多{s.daily_max}次",
                f"A share earns {s.points} points, at most {s.daily_max} a day",
            )
        )
    lines.append(
        RuleLine(
            "订单退款将扣回其积分；积分已使用的，差额计为待扣积分，扣清前积分暂停使用，之后获得的积分优先抵扣",
            "A refund takes back the order's points; points already used are owed, points are on hold until"
            " repaid, and later points repay them first",
        )
    )
    return lines


def _task_line(task: Task, pool: Pool) -> RuleLine:
    prize = pool.prize(task.prize) if task.prize in {p.key for p in pool.prizes} else None
    name, name_en = (prize.name, prize.name_en or prize.name) if prize else (task.prize, task.prize)
    what_zh, what_en = TRIGGER_WORDS[task.on]
    times_zh, times_en = REPEAT_WORDS[task.repeat]
    limit_zh = times_zh if task.repeat == "once" else f"{times_zh}最多{task.max_times}次"
    limit_en = times_en if task.repeat == "once" else f"at most {task.max_times} {times_en}"
    need_zh = f"{what_zh}{task.count}次" if task.count > 1 else what_zh
    need_en = f"{what_en} ({task.count} times)" if task.count > 1 else what_en
    low = "（页面上报，每天有上限）" if task.client_reported else ""
    return RuleLine(
        f"任务「{task.title}」：{need_zh}，得「{name}」，{limit_zh}{low}",
        f"Task “{task.title_en or task.title}”: {need_en} to get {name_en}, {limit_en}",
    )


def worse_changes(before: TasksConfig, after: TasksConfig) -> list[Change]:
    """Why ``after`` is worse than ``before`` for shoppers: points rules lowered or removed, a task removed, made
    harder, rewarding less often or with another prize. Adding tasks or raising points is fine."""
    return _points_worse(before.points, after.points) + _tasks_worse(before, after)


def _points_worse(before: PointsRules | None, after: PointsRules | None) -> list[Change]:
    if before is None:
        return []
    if after is None:
        return [("points", "the points rules would be removed")]
    found: list[Change] = []
    if after.per_yuan < before.per_yuan:
        found.append(("points.per_yuan", f"points per yuan would fall from {before.per_yuan} to {after.per_yuan}"))
    for multiplier in before.multipliers:
        if after.percent(multiplier.category) < multiplier.percent:
            found.append(("points.multipliers", f"the points of {multiplier.category} would fall"))
    for bonus in before.bonus_days:
        if after.day_percent(bonus.day) < bonus.percent:
            found.append(("points.bonus_days", f"the double-points day {bonus.day} would earn less"))
    big_before, big_after = before.big_order, after.big_order
    if big_before is not None and (
        big_after is None or big_after.min_fen > big_before.min_fen or big_after.bonus_points < big_before.bonus_points
    ):
        found.append(("points.big_order", "the big-order bonus would shrink or need a bigger order"))
    for name in ("review", "share"):
        was, will = getattr(before, name), getattr(after, name)
        if was is not None and (
            will is None
            or will.points < was.points
            or will.photo_bonus < was.photo_bonus
            or will.daily_max < was.daily_max
        ):
            found.append((f"points.{name}", f"the {name} points would fall"))
    return found


def _tasks_worse(before: TasksConfig, after: TasksConfig) -> list[Change]:
    found: list[Change] = []
    for task in before.tasks:
        new = after.task(task.key)
        if new is None:
            found.append(("tasks", f"the task {task.key} would be removed"))
            continue
        if (new.on, new.game, new.action, new.repeat) != (task.on, task.game, task.action, task.repeat):
            found.append(("tasks", f"the task {task.key} would ask for something else"))
        if new.count > task.count or new.min_amount_fen > task.min_amount_fen or new.seconds > task.seconds:
            found.append(("tasks", f"the task {task.key} would get harder"))
        if (new.baitiao_only, new.photos_only) > (task.baitiao_only, task.photos_only) or new.category != task.category:
            found.append(("tasks", f"the task {task.key} would count fewer orders or reviews"))
        if new.max_times < task.max_times:
            found.append(("tasks", f"the task {task.key} could be done {new.max_times} times, not {task.max_times}"))
        if new.prize != task.prize:
            found.append(("tasks", f"the task {task.key} would grant {new.prize} instead of {task.prize}"))
    return found
