"""Closing periods and their chain checkpoints.

When a seed period has ended it is *closed*: once no draw of it can still commit, the chain head (record
count and last hash) is published on the public rules page as the period's checkpoint and kept, and from
then on the period's seed is public (:func:`games.periods.public_view`). Anyone who saved a checkpoint can
later hold an export to it: a log edited, cut or rewritten after the checkpoint was published no longer
extends it, and no record of a closed period can follow its checkpoint.

Draws and closing exclude each other per campaign: a draw holds a shared lock from the moment it picks its
period until it commits (:func:`hold_off_closing`), and closing takes the exclusive lock, so it waits for
the draws in flight and the draws that come after it see the period closed (PostgreSQL advisory
transaction locks; on SQLite every writing transaction is serial already).

Periods are closed by the server's period clock about a second after they end (:mod:`server.clock`), by
anything that looks at them after that (the rules page, an export) and by ``carnival audit checkpoint``
(run it from cron, e.g. every 10 minutes, for what a stopped clock left open). A shopper's spin does not
close periods.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache

from sqlalchemy import Integer, Select, bindparam, func, literal, select
from sqlalchemy.orm import Session

from economy.db import insert_ignoring_conflicts, is_postgresql
from games import records
from games.fairness import GENESIS_HASH
from games.models import ChainCheckpoint, DrawRecord, SeedPeriod

DRAW_LOCK_CLASS = 0x43_52_4E_56  # first key of the per-campaign advisory lock between draws and closing


def hold_off_closing(session: Session, campaign_id: int) -> None:
    """Keep the campaign's periods from closing until the caller's transaction ends (a draw calls this
    before it reads its period). Shared: draws never wait for each other here."""
    if is_postgresql(session):
        session.execute(_shared_draw_lock(), {"campaign_id": campaign_id})


@cache
def _shared_draw_lock() -> Select[tuple[None]]:
    """Built once (every draw runs it)."""
    campaign_id = bindparam("campaign_id", type_=Integer)
    return select(func.pg_advisory_xact_lock_shared(literal(DRAW_LOCK_CLASS, Integer), campaign_id))


def wait_for_draws(session: Session, campaign_id: int) -> None:
    """Wait until no draw of the campaign is in flight, and hold new ones off until the caller commits."""
    if is_postgresql(session):
        session.execute(select(func.pg_advisory_xact_lock(DRAW_LOCK_CLASS, campaign_id)))


def seal_log(session: Session, campaign_id: int) -> int:
    """Seal the campaign's unsealed records (:func:`games.records.seal`) once no draw is in flight; returns
    how many. Waits for nothing when there is nothing to seal."""
    if not records.unsealed(session, campaign_id):
        return 0
    wait_for_draws(session, campaign_id)
    return records.seal(session, campaign_id)


def publish_checkpoints(session: Session, campaign_id: int, now: datetime) -> int:
    """Close every ended period of a campaign that is still open: wait for the draws in flight, publish the
    period's checkpoint and mark it closed (its seed public from then on). Returns how many were closed.

    A period's checkpoint counts the campaign's records up to its last one (periods follow each other, so
    these are the records of it and of every period that ended before it) and names the last one's hash.
    """
    due = _open_ended(session, campaign_id, now)
    if not due:
        return 0
    wait_for_draws(session, campaign_id)
    records.seal(session, campaign_id)
    closed = 0
    for period in _open_ended(session, campaign_id, now):
        count, head = _head_at_end_of(session, period)
        values = {"campaign_id": campaign_id, "period_key": period.key, "count": count, "head_hash": head}
        insert_ignoring_conflicts(session, ChainCheckpoint.__table__, {**values, "published_at": now})
        period.closed_at = now
        closed += 1
    session.flush()
    return closed


def _open_ended(session: Session, campaign_id: int, now: datetime) -> list[SeedPeriod]:
    """The campaign's periods that ended by ``now`` and are not closed yet, oldest first (read afresh)."""
    return list(
        session.scalars(
            select(SeedPeriod)
            .where(SeedPeriod.campaign_id == campaign_id, SeedPeriod.ends_at <= now, SeedPeriod.closed_at.is_(None))
            .order_by(SeedPeriod.ends_at)
            .execution_options(populate_existing=True)
        )
    )


def _head_at_end_of(session: Session, period: SeedPeriod) -> tuple[int, str]:
    """Records of ``period`` and of every period that ended before it: their count and last hash.

    Periods close in the order they end, so the latest checkpoint already published counts every record of
    the periods before this one; this period's last record is one index lookup away.
    """
    earlier = session.scalar(
        select(func.max(ChainCheckpoint.count)).where(ChainCheckpoint.campaign_id == period.campaign_id)
    )
    own = session.scalar(
        select(func.max(DrawRecord.seq)).where(
            DrawRecord.campaign_id == period.campaign_id, DrawRecord.period_key == period.key
        )
    )
    last = max(earlier or 0, own or 0)
    if last == 0:
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
