"""Member tiers from the points a shopper earned in a month: a rule the host may use (or override with its own):
普通 below 1,000 points a month, 银牌 from 1,000, 金牌 from 5,000, 钻石 from 20,000 (re-evaluated monthly)."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from economy import ledger
from economy.clawback import OWED, TAKEN
from economy.models import Account, LedgerEntry, PointLot, Posting
from economy.rewards import POINTS

THRESHOLDS = (("diamond", 20_000), ("gold", 5_000), ("silver", 1_000))


def tier_for(earned: int) -> str:
    """The tier of a shopper who earned ``earned`` points in a month."""
    return next((tier for tier, least in THRESHOLDS if earned >= least), "normal")


def earned_in_month(session: Session, user_id: int, month: date, timezone: str) -> int:
    """The points credited to the shopper in the calendar ``month`` (its first day given) of ``timezone``, less
    those taken back that month for refunded orders (held or owed): a refunded order earns no tier."""
    zone = ZoneInfo(timezone)
    start = datetime.combine(month.replace(day=1), time(), zone)
    following = month.replace(day=1, year=month.year + month.month // 12, month=month.month % 12 + 1)
    end = datetime.combine(following, time(), zone)
    owner = ledger.user_owner(user_id)
    granted = (
        select(func.coalesce(func.sum(PointLot.amount), 0))
        .join(Account, Account.id == PointLot.account_id)
        .join(LedgerEntry, LedgerEntry.id == PointLot.entry_id)
        .where(Account.owner == owner, PointLot.created_at >= start, PointLot.created_at < end)
        .where(LedgerEntry.kind == "points_grant", ~LedgerEntry.reference.startswith("mall-refund:"))
    )
    clawed_back = (
        select(func.coalesce(func.sum(func.abs(Posting.amount)), 0))
        .join(Account, Account.id == Posting.account_id)
        .join(LedgerEntry, LedgerEntry.id == Posting.entry_id)
        .where(Account.owner == owner, LedgerEntry.created_at >= start, LedgerEntry.created_at < end)
        .where(
            ((Account.asset == POINTS) & (LedgerEntry.kind == "points_spend") & LedgerEntry.reference.startswith(TAKEN))
            | ((Account.asset == OWED) & (LedgerEntry.kind == "points_owed"))
        )
    )
    return max(0, int(session.scalar(granted) or 0) - int(session.scalar(clawed_back) or 0))
