"""CSV reports of a campaign: every grant, and totals per day (campaign time zone)."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from economy.models import Grant
from games.models import Campaign, DrawRecord
from games.periods import local_day

GRANT_COLUMNS = ["grant_id", "created_at_utc", "day", "user_id", "prize", "reward_kind", "amount", "cost_fen"]
DAILY_COLUMNS = ["day", "draws", "players", "fallbacks", "grants", "cost_fen"]


def _rows_as_csv(header: list[str], rows: Iterator[list[object]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    yield buffer.getvalue()
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(row)
        yield buffer.getvalue()


def grants_csv(session: Session, campaign: Campaign) -> Iterator[str]:
    """Every grant of the campaign, oldest first, as CSV text chunks."""
    query = select(Grant).where(Grant.campaign_id == campaign.id).order_by(Grant.id).execution_options(yield_per=1000)
    rows = (
        [g.id, g.created_at.isoformat(), g.day, g.user_id, g.prize_key, g.reward_kind, g.amount, g.cost_fen]
        for g in session.scalars(query)
    )
    return _rows_as_csv(GRANT_COLUMNS, rows)


@dataclass
class _Day:
    draws: int = 0
    players: set[int] = field(default_factory=set)
    fallbacks: int = 0
    grants: int = 0
    cost_fen: int = 0


def daily_csv(session: Session, campaign: Campaign) -> Iterator[str]:
    """Per day: draws, distinct players, fallbacks, grants and their cost."""
    days: dict[str, _Day] = defaultdict(_Day)
    draws = select(DrawRecord.created_at, DrawRecord.user_id, DrawRecord.fallback_reason).where(
        DrawRecord.campaign_id == campaign.id
    )
    for created_at, user_id, reason in session.execute(draws):
        day = days[local_day(created_at, campaign.timezone)]
        day.draws += 1
        day.players.add(user_id)
        day.fallbacks += reason is not None
    for grant_day, cost in session.execute(select(Grant.day, Grant.cost_fen).where(Grant.campaign_id == campaign.id)):
        days[grant_day].grants += 1
        days[grant_day].cost_fen += cost
    rows = ([d, v.draws, len(v.players), v.fallbacks, v.grants, v.cost_fen] for d, v in sorted(days.items()))
    return _rows_as_csv(DAILY_COLUMNS, rows)
