"""Limits enforced by conditional updates: per-user caps, prize stock, campaign budgets (stock and budgets
are counters split into buckets, :mod:`economy.buckets`).

Each ``take_*`` either consumes its limit inside the caller's transaction or raises a typed
refusal and changes nothing; the caller wraps a group of them in a savepoint.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Literal

from sqlalchemy import BigInteger, Integer, Select, Update, bindparam, select, update
from sqlalchemy.orm import Session

from economy import buckets
from economy.db import insert_ignoring_conflicts, is_postgresql
from economy.errors import BudgetExhausted, CapReached, OutOfStock
from economy.models import Budget, CapUsage

CAMPAIGN_WINDOW = "campaign"
MAX_BUDGET_FEN = 10**12  # ¥10,000,000,000: the most a budget or a value cap may hold


@dataclass(frozen=True)
class Cap:
    """A per-user cap: at most ``max_count`` grants and/or ``max_value_fen`` of cost per window.

    ``prize_key`` limits the cap to one prize; ``None`` covers every prize that costs something.
    """

    key: str
    per: Literal["day", "campaign"]
    max_count: int | None = None
    max_value_fen: int | None = None
    prize_key: str | None = None

    def covers(self, prize_key: str) -> bool:
        """True when this cap counts grants of ``prize_key``."""
        return self.prize_key is None or self.prize_key == prize_key

    def window(self, day: str) -> str:
        """The window a grant on ``day`` (campaign time zone) falls in."""
        return day if self.per == "day" else CAMPAIGN_WINDOW


def take_cap(session: Session, campaign_id: int, user_id: int, cap: Cap, day: str, value_fen: int) -> None:
    """Count one grant of ``value_fen`` against ``cap``.

    :raises CapReached: when the count or the value would exceed the cap.
    """
    where = {"campaign_id": campaign_id, "user_id": user_id, "cap_key": cap.key, "window": cap.window(day)}
    if _count_against(session, cap, where, value_fen):
        return
    insert_ignoring_conflicts(session, CapUsage.__table__, {**where, "count": 0, "value_fen": 0})
    if not _count_against(session, cap, where, value_fen):  # the window existed (now or already): it is full
        raise CapReached(f"cap '{cap.key}' reached for this {'day' if cap.per == 'day' else 'campaign'}")


def _count_against(session: Session, cap: Cap, where: dict[str, object], value_fen: int) -> bool:
    """One conditional update of the cap's window row; False when it is missing or the cap would be passed."""
    statement = _cap_update(cap.max_count is not None, cap.max_value_fen is not None)
    values = {f"w_{k}": v for k, v in where.items()} | {"adding_fen": value_fen}
    values |= {"max_count": cap.max_count, "max_value_fen": cap.max_value_fen}
    return session.execute(statement, values).rowcount == 1  # type: ignore[attr-defined]


@cache
def _cap_update(counted: bool, valued: bool) -> Update:
    """Built once per kind of cap (every grant runs it): one more grant of ``adding_fen`` in the window's row,
    only while it stays within ``max_count`` (when ``counted``) and ``max_value_fen`` (when ``valued``)."""
    value_fen = bindparam("adding_fen", type_=BigInteger)
    statement = update(CapUsage).where(  # an UPDATE's parameters may not have its columns' names: w_ prefixes
        *(getattr(CapUsage, k) == bindparam(f"w_{k}") for k in ("campaign_id", "user_id", "cap_key", "window"))
    )
    if counted:
        statement = statement.where(CapUsage.count + 1 <= bindparam("max_count", type_=Integer))
    if valued:
        statement = statement.where(CapUsage.value_fen + value_fen <= bindparam("max_value_fen", type_=BigInteger))
    statement = statement.values(count=CapUsage.count + 1, value_fen=CapUsage.value_fen + value_fen)
    return statement.execution_options(synchronize_session=False)


def stock_counter(prize_key: str) -> str:
    """The counter holding a prize's stock."""
    return f"stock:{prize_key}"


BUDGET_COUNTER = "budget"


def day_counter(day: str) -> str:
    """The counter holding a day's spend against the daily budget."""
    return f"day:{day}"


def take_stock(
    session: Session, campaign_id: int, prize_key: str, hint: int, attempts: Mapping[str, int] | None = None
) -> None:
    """Take one unit of a stocked prize (from bucket ``hint`` first); prizes without a stock are unlimited.
    ``attempts``: the attempt to take from each counter with (:func:`economy.buckets.take`; the first when
    absent).

    :raises OutOfStock: when every unit has been granted.
    :raises Contended: roll back to the savepoint before the take and take again with rebalancing.
    """
    counter = stock_counter(prize_key)
    if not buckets.exists(session, campaign_id, counter):
        return
    if not buckets.take(session, campaign_id, counter, hint, 1, (attempts or {}).get(counter, 0)):
        raise OutOfStock(f"prize '{prize_key}' is out of stock")


def charge_budget(
    session: Session, campaign_id: int, cost_fen: int, day: str, hint: int, attempts: Mapping[str, int] | None = None
) -> None:
    """Charge ``cost_fen`` to a campaign budget and, when it has one, to ``day``'s daily budget (both from
    bucket ``hint`` first). Campaigns without a budget are refused, even for a grant that costs nothing.

    :raises BudgetExhausted: when the total or the daily budget cannot cover the cost.
    :raises Contended: as :func:`take_stock`.
    """
    budget = session.execute(_daily_total_query(), {"campaign_id": campaign_id}).one_or_none()
    if budget is None:
        raise BudgetExhausted(f"campaign budget cannot cover {cost_fen} fen")
    if cost_fen == 0:
        return
    attempts = attempts or {}
    if not buckets.take(session, campaign_id, BUDGET_COUNTER, hint, cost_fen, attempts.get(BUDGET_COUNTER, 0)):
        raise BudgetExhausted(f"campaign budget cannot cover {cost_fen} fen")
    if budget.daily_total_fen is not None:
        _charge_day(session, campaign_id, cost_fen, day, hint, attempts.get(day_counter(day), 0))


@cache
def _daily_total_query() -> Select[tuple[int | None]]:
    """Built once (every grant runs it)."""
    return select(Budget.daily_total_fen).where(Budget.campaign_id == bindparam("campaign_id"))


def _charge_day(session: Session, campaign_id: int, cost_fen: int, day: str, hint: int, attempt: int) -> None:
    """Charge the day's counter, creating it (at the daily budget read under a share lock, so a change of
    the daily budget either sees the new day or is seen by it) on the day's first charge."""
    counter = day_counter(day)
    if buckets.take(session, campaign_id, counter, hint, cost_fen, attempt):
        return
    if not buckets.exists(session, campaign_id, counter):
        daily_total_fen = _daily_total_locked(session, campaign_id)
        if daily_total_fen is None:
            return
        buckets.create(session, campaign_id, counter, daily_total_fen)
        if buckets.take(session, campaign_id, counter, hint, cost_fen, buckets.REBALANCE):
            return
    raise BudgetExhausted(f"today's budget cannot cover {cost_fen} fen")


def _daily_total_locked(session: Session, campaign_id: int) -> int | None:
    query = select(Budget.daily_total_fen).where(Budget.campaign_id == campaign_id)
    if is_postgresql(session):
        query = query.with_for_update(read=True)
    return session.scalar(query)


@dataclass(frozen=True)
class BudgetLevel:
    """A campaign's budget as ops set it and what it spent."""

    total_fen: int
    spent_fen: int
    daily_total_fen: int | None


def budget_level(session: Session, campaign_id: int) -> BudgetLevel | None:
    """The campaign's budget and spend, ``None`` when it has no budget."""
    budget = session.scalars(select(Budget).where(Budget.campaign_id == campaign_id)).one_or_none()
    if budget is None:
        return None
    spent = buckets.levels(session, campaign_id, BUDGET_COUNTER).get(BUDGET_COUNTER)
    return BudgetLevel(budget.total_fen, spent.used if spent else 0, budget.daily_total_fen)


def stock_levels(session: Session, campaign_id: int) -> dict[str, buckets.Level]:
    """Each stocked prize's stock and what was granted of it, by prize key."""
    prefix = stock_counter("")
    return {k.removeprefix(prefix): v for k, v in buckets.levels(session, campaign_id, prefix).items()}


def set_budget(session: Session, campaign_id: int, total_fen: int, daily_total_fen: int | None = None) -> None:
    """Create or resize a campaign budget (never below what is already spent); ``daily_total_fen`` optional.
    Days already charged move to the new daily budget (a day that spent more just stops granting).

    :raises ValueError: when ``total_fen`` is below what was spent.
    """
    insert_ignoring_conflicts(session, Budget.__table__, {"campaign_id": campaign_id, "total_fen": 0})
    budget = session.scalars(_locked_budget(session, campaign_id)).one()
    try:
        buckets.define(session, campaign_id, BUDGET_COUNTER, total_fen)
    except ValueError:
        spent = buckets.levels(session, campaign_id, BUDGET_COUNTER)[BUDGET_COUNTER].used
        raise ValueError(f"budget {total_fen} fen is below the {spent} fen already spent") from None
    budget.total_fen = total_fen
    budget.daily_total_fen = daily_total_fen
    if daily_total_fen is not None:
        for counter, level in buckets.levels(session, campaign_id, day_counter("")).items():
            buckets.define(session, campaign_id, counter, max(daily_total_fen, level.used))
    session.flush()


def _locked_budget(session: Session, campaign_id: int) -> Select[tuple[Budget]]:
    query = select(Budget).where(Budget.campaign_id == campaign_id).execution_options(populate_existing=True)
    return query.with_for_update() if is_postgresql(session) else query


def set_stock(session: Session, campaign_id: int, prize_key: str, total: int | None) -> None:
    """Create or resize a prize's stock; ``None`` removes the limit. Never below what is granted.

    :raises ValueError: when ``total`` is below what was granted.
    """
    counter = stock_counter(prize_key)
    if total is None:
        buckets.remove(session, campaign_id, counter)
        return
    try:
        buckets.define(session, campaign_id, counter, total)
    except ValueError:
        granted = buckets.levels(session, campaign_id, counter)[counter].used
        raise ValueError(f"stock {total} of '{prize_key}' is below the {granted} already granted") from None
    session.flush()
