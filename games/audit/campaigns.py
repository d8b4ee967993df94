"""The campaigns an auditor can open: every published campaign with how many periods and draws it has."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from games.models import Campaign, DrawRecord, SeedPeriod


@dataclass(frozen=True)
class AuditedCampaign:
    """A published campaign as the auditors' workspace lists it."""

    id: int
    slug: str
    name: str
    name_en: str | None
    status: str
    lifecycle: str  # Campaign.lifecycle
    periods: int
    revealed_periods: int
    draws: int


def audited_campaigns(session: Session, now: datetime) -> list[AuditedCampaign]:
    """Every published campaign by id: its committed periods (and how many are closed, their seeds
    revealed) and its draw records."""
    periods = _per_campaign(session, select(SeedPeriod.campaign_id, func.count()).group_by(SeedPeriod.campaign_id))
    revealed = _per_campaign(
        session,
        select(SeedPeriod.campaign_id, func.count())
        .where(SeedPeriod.closed_at.is_not(None), SeedPeriod.closed_at <= now)
        .group_by(SeedPeriod.campaign_id),
    )
    draws = _per_campaign(session, select(DrawRecord.campaign_id, func.count()).group_by(DrawRecord.campaign_id))
    campaigns = session.scalars(select(Campaign).where(Campaign.version_id.is_not(None)).order_by(Campaign.id))
    return [
        AuditedCampaign(
            c.id,
            c.slug,
            c.name,
            c.name_en,
            c.status,
            c.lifecycle(now),
            periods.get(c.id, 0),
            revealed.get(c.id, 0),
            draws.get(c.id, 0),
        )
        for c in campaigns
    ]


def _per_campaign(session: Session, query: Select[tuple[int, int]]) -> dict[int, int]:
    return {campaign_id: count for campaign_id, count in session.execute(query)}
