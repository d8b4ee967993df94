"""Chain checkpoints: when a seed period ends, the chain head (record count and last hash) is published
on the public rules page and kept. Anyone who saved a checkpoint can later hold an export to it: a log
edited, cut or rewritten after the checkpoint was published no longer extends it.

Checkpoints are written the first time anything looks after a period has ended (a play, the rules page,
an export) and by ``carnival audit checkpoint`` (run it from cron, e.g. every 10 minutes, so a checkpoint
appears even when nobody plays).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from economy.db import insert_ignoring_conflicts
from games.fairness import GENESIS_HASH
from games.models import ChainCheckpoint, DrawRecord, SeedPeriod


def publish_checkpoints(session: Session, campaign_id: int, now: datetime) -> int:
    """Checkpoint every ended period of a campaign that has none yet; returns how many were written.

    A period's checkpoint counts the campaign's records up to its last one (periods follow each other, so
    these are the records of it and of every period that ended before it) and names the last one's hash.
    """
    due = session.scalars(
        select(SeedPeriod)
        .outerjoin(
            ChainCheckpoint,
            (ChainCheckpoint.campaign_id == SeedPeriod.campaign_id) & (ChainCheckpoint.period_key == SeedPeriod.key),
        )
        .where(SeedPeriod.campaign_id == campaign_id, SeedPeriod.ends_at <= now, ChainCheckpoint.id.is_(None))
        .order_by(SeedPeriod.ends_at)
    ).all()
    for period in due:
        count, head = _head_at_end_of(session, period)
        values = {"campaign_id": campaign_id, "period_key": period.key, "count": count, "head_hash": head}
        insert_ignoring_conflicts(session, ChainCheckpoint.__table__, {**values, "published_at": now})
    return len(due)


def _head_at_end_of(session: Session, period: SeedPeriod) -> tuple[int, str]:
    """Records of ``period`` and of every period that ended before it: their count and last hash."""
    ended_by_then = select(SeedPeriod.key).where(
        SeedPeriod.campaign_id == period.campaign_id, SeedPeriod.ends_at <= period.ends_at
    )
    last = session.scalar(
        select(func.max(DrawRecord.seq)).where(
            DrawRecord.campaign_id == period.campaign_id, DrawRecord.period_key.in_(ended_by_then)
        )
    )
    if last is None:
        return 0, GENESIS_HASH
    head = session.scalars(
        select(DrawRecord.hash).where(DrawRecord.campaign_id == period.campaign_id, DrawRecord.seq == last)
    ).one()
    return last, head


def campaign_checkpoints(session: Session, campaign_id: int) -> list[ChainCheckpoint]:
    """A campaign's checkpoints, oldest first."""
    return list(
        session.scalars(
            select(ChainCheckpoint)
            .where(ChainCheckpoint.campaign_id == campaign_id)
            .order_by(ChainCheckpoint.count, ChainCheckpoint.published_at)
        )
    )
