"""Closing periods and their chain checkpoints.

When a seed period has ended it is *closed*: once no draw of it can still commit, the chain head (record
count and last hash) is published on the public rules page as the period's checkpoint and kept, and from
then on the period's seed is public (:func:`games.fairness.periods.public_view`). Anyone who saved a checkpoint can
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
from typing import Any

from sqlalchemy import Integer, Select, Update, bindparam, func, literal, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from economy.db import UTCDateTime, insert_ignoring_conflicts, is_postgresql
from games.fairness import records
from games.fairness.rng import GENESIS_HASH
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
    """Seal the campaign's unsealed records (:func:`games.fairness.records.seal`) once no draw is in flight; returns
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
    Each statement is built once: the clock runs this every second for every campaign.
    """
    due = session.execute(_open_ended_query(), {"campaign_id": campaign_id, "now": now}).all()
    if not due:
        return 0
    wait_for_draws(session, campaign_id)
    records.seal(session, campaign_id)
    return sum(_close(session, campaign_id, period_id, key, now) for period_id, key in due)


def _close(session: Session, campaign_id: int, period_id: int, key: str, now: datetime) -> int:
    """Publish period ``key``'s checkpoint and mark it closed; 0 when another closer was first."""
    count, head = _head_at_end_of(session, campaign_id, key)
    if session.execute(_close_update(), {"period_id": period_id, "closing_at": now}).rowcount == 0:  # type: ignore[attr-defined]
        return 0
    values = {"campaign_id": campaign_id, "period_key": key, "count": count, "head_hash": head, "published_at": now}
    insert_ignoring_conflicts(session, ChainCheckpoint.__table__, values)
    loaded = session.identity_map.get(identity_key(SeedPeriod, period_id))
    if loaded is not None:
        session.expire(loaded, ["closed_at"])  # a period this session holds reads its closing afresh
    return 1


@cache
def _open_ended_query() -> Select[tuple[int, str]]:
    """The campaign's periods that ended by ``now`` and are not closed yet, oldest first."""
    table = SeedPeriod.__table__
    return (
        select(table.c.id, table.c.key)
        .where(table.c.campaign_id == bindparam("campaign_id"), table.c.ends_at <= bindparam("now", type_=UTCDateTime))
        .where(table.c.closed_at.is_(None))
        .order_by(table.c.ends_at)
    )


@cache
def _close_update() -> Update:
    """Mark a period closed unless it is already."""
    table = SeedPeriod.__table__
    return (
        update(table)
        .where(table.c.id == bindparam("period_id"), table.c.closed_at.is_(None))
        .values(closed_at=bindparam("closing_at", type_=UTCDateTime))
    )


def _head_at_end_of(session: Session, campaign_id: int, period_key: str) -> tuple[int, str]:
    """Records of period ``period_key`` and of every period that ended before it: their count and last hash.

    Periods close in the order they end, so the latest checkpoint already published counts every record of
    the periods before this one; this period's last sealed record is one index lookup away.
    """
    own_seq, own_hash, earlier_count, earlier_hash = session.execute(
        _heads_query(), {"campaign_id": campaign_id, "period_key": period_key}
    ).one()
    if own_seq is not None and own_seq > (earlier_count or 0):
        return int(own_seq), str(own_hash)
    if earlier_count:
        return int(earlier_count), str(earlier_hash)
    return 0, GENESIS_HASH


@cache
def _heads_query() -> Select[tuple[int | None, str | None, int | None, str | None]]:
    """The period's last sealed record and the latest published checkpoint, in one round trip."""
    drawn, published = DrawRecord.__table__, ChainCheckpoint.__table__
    campaign_id = bindparam("campaign_id", type_=Integer)
    own = (
        drawn.c.campaign_id == campaign_id,
        drawn.c.period_key == bindparam("period_key"),
        drawn.c.seq.is_not(None),
    )

    def last_own(column: Any) -> Any:
        return select(column).where(*own).order_by(drawn.c.seq.desc()).limit(1).scalar_subquery()

    def latest(column: Any) -> Any:
        query = select(column).where(published.c.campaign_id == campaign_id)
        return query.order_by(published.c.count.desc()).limit(1).scalar_subquery()

    return select(
        last_own(drawn.c.seq), last_own(drawn.c.hash), latest(published.c.count), latest(published.c.head_hash)
    )


def campaign_checkpoints(session: Session, campaign_id: int) -> list[ChainCheckpoint]:
    """A campaign's checkpoints, oldest first."""
    return list(
        session.scalars(
            select(ChainCheckpoint)
            .where(ChainCheckpoint.campaign_id == campaign_id)
            .order_by(ChainCheckpoint.count, ChainCheckpoint.published_at)
        )
    )
