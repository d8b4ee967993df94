"""Reconciling a draw that grants several prizes (a Monopoly roll): its game's replay says which grants the record
calls for (``draw_grants``), in order; the ledger's ``draw:`` grants of the record, by number, must be those (or
the pool's fallback where one was refused; none where the fallback was refused too), each of the right kind,
amount and cost, delivered; and no other."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from economy.models import Grant
from economy.rewards import Reward, RewardKind, reward_cost_fen
from games.fairness.pools import Pool
from games.models import DrawRecord

Called = tuple[str, str | None, int | None, str | None]


def expected_reward(pool: Pool, called: Called) -> Reward | None:
    """The reward a called-for grant gives: the pool prize's, or the game's own ``(kind, amount, item)``; ``None``
    for a prize that gives nothing (never granted) or one the pool does not have."""
    key, kind, amount, item = called
    if kind is None:
        prize = next((p for p in pool.prizes if p.key == key), None)
        if prize is None or prize.reward.kind is RewardKind.NOTHING or prize.reward.is_range:
            return None
        return prize.reward
    return Reward(RewardKind(kind), amount or 0, item=item)


def check_draw_grants(
    record: DrawRecord,
    body: dict[str, Any],
    made: list[Grant],
    pool: Pool,
    called: list[Called],
    check_grant: Callable[[Grant, str, Reward, int], None],
    report: Callable[[str, str | None], None],
) -> None:
    """Pair the record's grants (``made``) with what it calls for, in order; ``check_grant(grant, key, reward,
    cost)`` checks one pair, ``report(problem, grant key)`` names what does not add up."""
    made = sorted(made, key=lambda grant: int(grant.key.rsplit(":", 1)[1]))
    fallback, at = pool.fallback, 0
    for item in called:
        reward = expected_reward(pool, item)
        if reward is None:
            if item[2] is None and all(p.key != item[0] for p in pool.prizes):
                report(f"the {body['game']} record calls for '{item[0]}', which is not a prize of its config", None)
            continue
        if at < len(made) and made[at].prize_key == item[0]:
            check_grant(made[at], item[0], reward, reward_cost_fen(reward, pool.points_per_yuan))
            at += 1
        elif at < len(made) and made[at].prize_key == fallback.key:  # the called-for prize was refused
            check_grant(made[at], fallback.key, fallback.reward, reward_cost_fen(fallback.reward, pool.points_per_yuan))
            at += 1
    for grant in made[at:]:
        report(f"a grant ({grant.prize_key}) the {body['game']} record does not call for", grant.key)
