"""Limits enforced by conditional updates: per-user caps, prize stock, campaign budgets.

Each ``take_*`` either consumes its limit inside the caller's transaction or raises a typed
refusal and changes nothing; the caller wraps a group of them in a savepoint.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from economy.db import insert_ignoring_conflicts
from economy.errors import BudgetExhausted, CapReached, OutOfStock
from economy.models import Budget, BudgetDay, CapUsage, Stock

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
    insert_ignoring_conflicts(session, CapUsage.__table__, {**where, "count": 0, "value_fen": 0})
    statement = update(CapUsage).where(*(getattr(CapUsage, k) == v for k, v in where.items()))
    if cap.max_count is not None:
        statement = statement.where(CapUsage.count + 1 <= cap.max_count)
    if cap.max_value_fen is not None:
        statement = statement.where(CapUsage.value_fen + value_fen <= cap.max_value_fen)
    statement = statement.values(count=CapUsage.count + 1, value_fen=CapUsage.value_fen + value_fen)
    if session.execute(statement).rowcount != 1:
        raise CapReached(f"cap '{cap.key}' reached for this {'day' if cap.per == 'day' else 'campaign'}")


def take_stock(session: Session, campaign_id: int, prize_key: str) -> None:
    """Take one unit of a stocked prize; prizes without a stock row are unlimited.

    :raises OutOfStock: when every unit has been granted.
    """
    exists = session.execute(
        select(Stock.total).where(Stock.campaign_id == campaign_id, Stock.prize_key == prize_key)
    ).scalar_one_or_none()
    if exists is None:
        return
    statement = (
        update(Stock)
        .where(Stock.campaign_id == campaign_id, Stock.prize_key == prize_key, Stock.granted < Stock.total)
        .values(granted=Stock.granted + 1)
    )
    if session.execute(statement).rowcount != 1:
        raise OutOfStock(f"prize '{prize_key}' is out of stock")


def charge_budget(session: Session, campaign_id: int, cost_fen: int, day: str) -> None:
    """Charge ``cost_fen`` to a campaign budget and, when it has one, to ``day``'s daily budget.

    Campaigns without a budget row are refused.

    :raises BudgetExhausted: when the total or the daily budget cannot cover the cost.
    """
    statement = (
        update(Budget)
        .where(Budget.campaign_id == campaign_id, Budget.spent_fen + cost_fen <= Budget.total_fen)
        .values(spent_fen=Budget.spent_fen + cost_fen)
        .returning(Budget.daily_total_fen)
    )
    charged = session.execute(statement).one_or_none()
    if charged is None:
        raise BudgetExhausted(f"campaign budget cannot cover {cost_fen} fen")
    if charged.daily_total_fen is not None:
        _charge_day(session, campaign_id, cost_fen, day, charged.daily_total_fen)


def _charge_day(session: Session, campaign_id: int, cost_fen: int, day: str, daily_total_fen: int) -> None:
    insert_ignoring_conflicts(session, BudgetDay.__table__, {"campaign_id": campaign_id, "day": day, "spent_fen": 0})
    statement = (
        update(BudgetDay)
        .where(BudgetDay.campaign_id == campaign_id, BudgetDay.day == day)
        .where(BudgetDay.spent_fen + cost_fen <= daily_total_fen)
        .values(spent_fen=BudgetDay.spent_fen + cost_fen)
    )
    if session.execute(statement).rowcount != 1:
        raise BudgetExhausted(f"today's budget cannot cover {cost_fen} fen")


def set_budget(session: Session, campaign_id: int, total_fen: int, daily_total_fen: int | None = None) -> None:
    """Create or resize a campaign budget (never below what is already spent); ``daily_total_fen`` optional."""
    insert_ignoring_conflicts(session, Budget.__table__, {"campaign_id": campaign_id, "total_fen": 0, "spent_fen": 0})
    budget = session.get(Budget, campaign_id)
    assert budget is not None
    if total_fen < budget.spent_fen:
        raise ValueError(f"budget {total_fen} fen is below the {budget.spent_fen} fen already spent")
    budget.total_fen = total_fen
    budget.daily_total_fen = daily_total_fen
    session.flush()


def set_stock(session: Session, campaign_id: int, prize_key: str, total: int | None) -> None:
    """Create or resize a prize's stock; ``None`` removes the limit. Never below what is granted."""
    stock = session.get(Stock, (campaign_id, prize_key))
    if total is None:
        if stock is not None:
            session.delete(stock)
        return
    if stock is None:
        session.add(Stock(campaign_id=campaign_id, prize_key=prize_key, total=total, granted=0))
    elif total < stock.granted:
        raise ValueError(f"stock {total} of '{prize_key}' is below the {stock.granted} already granted")
    else:
        stock.total = total
    session.flush()
