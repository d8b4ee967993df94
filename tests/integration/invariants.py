"""Economy invariants every database test can assert after it ran."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from economy.limits import Cap, budget_level, stock_levels
from economy.models import Account, Budget, CapUsage, CounterBucket, Grant, PointLot, Posting


def assert_economy_invariants(session: Session) -> None:
    """Postings sum to zero per asset; balances equal their rows and are never negative where not allowed;
    spent <= budget (and equals the grants' cost); granted <= stock (and equals the grants); lots match balances."""
    sums = session.execute(
        select(Account.asset, func.sum(Posting.amount))
        .join(Posting, Posting.account_id == Account.id)
        .group_by(Account.asset)
    ).all()
    assert all(total == 0 for _, total in sums), sums
    for account in session.scalars(select(Account)):
        rows = session.execute(
            select(func.coalesce(func.sum(Posting.amount), 0)).where(Posting.account_id == account.id)
        )
        assert account.balance == rows.scalar_one(), account.owner
        assert account.allow_negative or account.balance >= 0, account.owner
        if account.owner.startswith("user:") and account.asset == "POINTS":
            lots = select(func.coalesce(func.sum(PointLot.remaining), 0)).where(PointLot.account_id == account.id)
            assert session.execute(lots).scalar_one() == account.balance
    over = select(func.count()).select_from(CounterBucket).where(CounterBucket.used > CounterBucket.total)
    assert session.execute(over).scalar_one() == 0, "a counter bucket used more than its share"
    for campaign_id in session.scalars(select(Budget.campaign_id)):
        budget = budget_level(session, campaign_id)
        assert budget is not None
        cost = select(func.coalesce(func.sum(Grant.cost_fen), 0)).where(Grant.campaign_id == campaign_id)
        assert budget.spent_fen <= budget.total_fen
        assert budget.spent_fen == session.execute(cost).scalar_one()
    for campaign_id in set(session.scalars(select(CounterBucket.campaign_id))):
        for prize_key, stock in stock_levels(session, campaign_id).items():
            where = (Grant.campaign_id == campaign_id, Grant.prize_key == prize_key)
            assert stock.used <= stock.total
            assert stock.used == session.execute(select(func.count()).where(*where)).scalar_one()
    assert session.execute(select(func.count()).select_from(CapUsage).where(CapUsage.count < 0)).scalar_one() == 0


def assert_caps_held(session: Session, campaign_id: int, caps: Iterable[Cap]) -> None:
    """Recounted from the grants themselves: no user got more than any cap allows in any of its windows, and
    each cap's usage counter says exactly what the grants say."""
    grants = list(session.scalars(select(Grant).where(Grant.campaign_id == campaign_id)))
    for cap in caps:
        used: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0])
        for grant in (g for g in grants if cap.covers(g.prize_key)):
            window = used[grant.user_id, cap.window(grant.day)]
            window[0], window[1] = window[0] + 1, window[1] + grant.cost_fen
        for (user_id, window), (count, value_fen) in used.items():
            assert cap.max_count is None or count <= cap.max_count, (cap.key, user_id, window, count)
            assert cap.max_value_fen is None or value_fen <= cap.max_value_fen, (cap.key, user_id, window, value_fen)
        counters = select(CapUsage).where(CapUsage.campaign_id == campaign_id, CapUsage.cap_key == cap.key)
        recorded = {(u.user_id, u.window): [u.count, u.value_fen] for u in session.scalars(counters) if u.count}
        assert recorded == dict(used), cap.key
