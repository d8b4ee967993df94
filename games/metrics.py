"""Live metrics of a campaign for the ops dashboard, read from SQL (the only source of truth)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from economy.models import Budget, Grant, Stock
from games.campaigns import CampaignConfig
from games.models import Campaign, DrawRecord

WINDOW_MINUTES = 30
FEED_SIZE = 10


@dataclass(frozen=True)
class Metrics:
    """A dashboard snapshot."""

    campaign_id: int
    at: datetime
    status: str
    draws_total: int
    draws_last_minute: int
    draws_per_minute: list[dict[str, Any]]
    grants_by_kind: dict[str, int]
    budget_total_fen: int
    budget_spent_fen: int
    stock: list[dict[str, Any]]
    players: int
    fallbacks: dict[str, int]
    notable_wins: list[dict[str, Any]]


def metrics(session: Session, campaign: Campaign, config: CampaignConfig | None, now: datetime) -> Metrics:
    """The dashboard numbers of ``campaign`` at ``now``."""
    draws = select(DrawRecord).where(DrawRecord.campaign_id == campaign.id).subquery()
    budget = session.get(Budget, campaign.id)
    return Metrics(
        campaign_id=campaign.id,
        at=now,
        status=campaign.status,
        draws_total=session.scalar(select(func.count()).select_from(draws)) or 0,
        draws_last_minute=_count_since(session, campaign.id, now - timedelta(minutes=1)),
        draws_per_minute=_per_minute(session, campaign.id, now),
        grants_by_kind=_grants_by_kind(session, campaign.id),
        budget_total_fen=budget.total_fen if budget else 0,
        budget_spent_fen=budget.spent_fen if budget else 0,
        stock=_stock(session, campaign.id, config),
        players=session.scalar(select(func.count(func.distinct(draws.c.user_id)))) or 0,
        fallbacks=_fallbacks(session, campaign.id),
        notable_wins=_notable(session, campaign.id, config),
    )


def _count_since(session: Session, campaign_id: int, since: datetime) -> int:
    query = select(func.count()).where(DrawRecord.campaign_id == campaign_id, DrawRecord.created_at >= since)
    return session.scalar(query) or 0


def _per_minute(session: Session, campaign_id: int, now: datetime) -> list[dict[str, Any]]:
    start = now.replace(second=0, microsecond=0) - timedelta(minutes=WINDOW_MINUTES - 1)
    times = session.scalars(
        select(DrawRecord.created_at).where(DrawRecord.campaign_id == campaign_id, DrawRecord.created_at >= start)
    )
    buckets = {start + timedelta(minutes=i): 0 for i in range(WINDOW_MINUTES)}
    for moment in times:
        minute = moment.replace(second=0, microsecond=0)
        if minute in buckets:
            buckets[minute] += 1
    return [{"minute": minute.isoformat(), "draws": count} for minute, count in buckets.items()]


def _grants_by_kind(session: Session, campaign_id: int) -> dict[str, int]:
    rows = session.execute(
        select(Grant.reward_kind, func.count()).where(Grant.campaign_id == campaign_id).group_by(Grant.reward_kind)
    )
    return {kind: count for kind, count in rows}


def _stock(session: Session, campaign_id: int, config: CampaignConfig | None) -> list[dict[str, Any]]:
    rows = {s.prize_key: s for s in session.scalars(select(Stock).where(Stock.campaign_id == campaign_id))}
    prizes = config.pool.prizes if config else ()
    return [
        {
            "prize": p.key,
            "name": p.name,
            "name_en": p.name_en,
            "total": rows[p.key].total,
            "remaining": rows[p.key].total - rows[p.key].granted,
        }
        for p in prizes
        if p.key in rows
    ]


def _fallbacks(session: Session, campaign_id: int) -> dict[str, int]:
    rows = session.execute(
        select(DrawRecord.fallback_reason, func.count())
        .where(DrawRecord.campaign_id == campaign_id, DrawRecord.fallback_reason.is_not(None))
        .group_by(DrawRecord.fallback_reason)
    )
    return {reason: count for reason, count in rows}


def _notable(session: Session, campaign_id: int, config: CampaignConfig | None) -> list[dict[str, Any]]:
    if config is None:
        return []
    notable = [p.key for p in config.pool.prizes if p.broadcast]
    if not notable:
        return []
    rows = session.scalars(
        select(DrawRecord)
        .where(DrawRecord.campaign_id == campaign_id, DrawRecord.granted_key.in_(notable))
        .order_by(DrawRecord.seq.desc())
        .limit(FEED_SIZE)
    )
    names = {p.key: (p.name, p.name_en) for p in config.pool.prizes}
    return [
        {
            "seq": r.seq,
            "user": r.user_id,
            "prize": r.granted_key,
            "name": names.get(r.granted_key or "", ("", None))[0],
            "name_en": names.get(r.granted_key or "", ("", None))[1],
            "at": r.created_at.isoformat(),
        }
        for r in rows
    ]
