"""Draw records and the per-campaign hash chain (format in docs/fairness.md).

A draw appends its record *unsealed*: its facts only, with no place in the chain, so concurrent draws of a
campaign never wait for each other here. :func:`seal` then gives the unsealed records their places, oldest
first: a sequence number, the previous record's hash and their own hash. It runs while no draw of the
campaign is in flight (under the campaign's exclusive draw lock, :func:`games.fairness.checkpoints.seal_log`): by the
period clock every second, before a period's checkpoint, before an export. A sealed record never changes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Select, Update, bindparam, insert, select, update
from sqlalchemy.orm import Session

from economy.db import insert_ignoring_conflicts
from games.fairness import tallies
from games.fairness.rng import GENESIS_HASH, canonical_json, record_hash
from games.models import ChainHead, DrawRecord

RECORD_VERSION = 1


@dataclass(frozen=True)
class DrawFacts:
    """What one draw was: inputs, integers drawn and what became of the prize."""

    campaign_id: int
    game: str
    user_id: int
    config_hash: str
    period_key: str
    commitment: str
    client_seed: str
    nonce: int
    draws: list[tuple[int, int]]
    prize: str
    granted: str | None
    fallback_reason: str | None
    detail: dict[str, Any]
    created_at: datetime


def append(session: Session, facts: DrawFacts) -> None:
    """Add the draw's record, unsealed (no lock: its place in the chain comes with :func:`seal`)."""
    row = {
        "campaign_id": facts.campaign_id,
        "seq": None,
        "user_id": facts.user_id,
        "period_key": facts.period_key,
        "nonce": facts.nonce,
        "prize_key": facts.prize,
        "granted_key": facts.granted,
        "fallback_reason": facts.fallback_reason,
        "record_json": canonical_json(_record_body(facts)).decode(),
        "hash": None,
        "created_at": facts.created_at,
    }
    session.execute(insert(DrawRecord.__table__), row)


def place_of(session: Session, campaign_id: int, user_id: int, period_key: str, nonce: int) -> DrawRecord | None:
    """The shopper's record of (period, nonce), sealed or not; ``None`` when they made no such draw."""
    return session.scalars(
        select(DrawRecord).where(
            DrawRecord.campaign_id == campaign_id,
            DrawRecord.period_key == period_key,
            DrawRecord.user_id == user_id,
            DrawRecord.nonce == nonce,
        )
    ).one_or_none()


def unsealed(session: Session, campaign_id: int) -> bool:
    """True when the campaign has records waiting for :func:`seal` (a read that waits for no one)."""
    query = select(DrawRecord.id).where(DrawRecord.campaign_id == campaign_id, DrawRecord.seq.is_(None)).limit(1)
    return session.scalar(query) is not None


def seal(session: Session, campaign_id: int) -> int:
    """Give the campaign's unsealed records their places in its chain, in the order they were added; returns
    how many. The caller holds the campaign's exclusive draw lock, so no draw is in flight and every record
    added before is visible (:func:`games.fairness.checkpoints.seal_log`)."""
    rows = session.execute(_unsealed_query(), {"campaign_id": campaign_id}).all()
    if not rows:
        return 0
    count, previous = _locked_head(session, campaign_id)
    sealed, bodies = [], []
    for record_id, body_json in rows:
        count += 1
        record = {**json.loads(body_json), "seq": count, "prev_hash": previous}
        previous = record["hash"] = record_hash(record)
        sealed.append(
            {"r_id": record_id, "r_seq": count, "r_hash": previous, "r_json": canonical_json(record).decode()}
        )
        bodies.append(record)
    session.execute(_seal_update(), sealed)
    tallies.add_sealed(session, campaign_id, bodies)
    session.execute(_head_update(), {"h_campaign_id": campaign_id, "h_count": count, "h_hash": previous})
    return len(sealed)


def _locked_head(session: Session, campaign_id: int) -> tuple[int, str]:
    """The campaign's chain head (record count, last hash), locked until commit; created with the campaign's
    first record."""
    head = session.execute(_head_query(), {"campaign_id": campaign_id}).one_or_none()
    if head is None:
        insert_ignoring_conflicts(
            session, ChainHead.__table__, {"campaign_id": campaign_id, "count": 0, "head_hash": GENESIS_HASH}
        )
        head = session.execute(_head_query(), {"campaign_id": campaign_id}).one()
    return int(head.count), str(head.head_hash)


@cache
def _unsealed_query() -> Select[tuple[int, str]]:
    """The campaign's unsealed records, oldest first (built once, like every statement of the sealer)."""
    table = DrawRecord.__table__
    return (
        select(table.c.id, table.c.record_json)
        .where(table.c.campaign_id == bindparam("campaign_id"), table.c.seq.is_(None))
        .order_by(table.c.id)
    )


@cache
def _head_query() -> Select[tuple[int, str]]:
    """The chain head, ``FOR UPDATE`` (rendered on PostgreSQL only)."""
    table = ChainHead.__table__
    return (
        select(table.c.count, table.c.head_hash)
        .where(table.c.campaign_id == bindparam("campaign_id"))
        .with_for_update()
    )


@cache
def _seal_update() -> Update:
    """A record's place in the chain, run once per sealed record in one round of the driver."""
    table = DrawRecord.__table__
    return (
        update(table)
        .where(table.c.id == bindparam("r_id"))
        .values(seq=bindparam("r_seq"), hash=bindparam("r_hash"), record_json=bindparam("r_json"))
    )


@cache
def _head_update() -> Update:
    """The chain head moved to the last sealed record."""
    table = ChainHead.__table__
    return (
        update(table)
        .where(table.c.campaign_id == bindparam("h_campaign_id"))
        .values(count=bindparam("h_count"), head_hash=bindparam("h_hash"))
    )


def _record_body(facts: DrawFacts) -> dict[str, Any]:
    """The record's facts: everything but its place in the chain (``seq``, ``prev_hash``, ``hash``)."""
    return {
        "v": RECORD_VERSION,
        "campaign": facts.campaign_id,
        "game": facts.game,
        "user": facts.user_id,
        "config_hash": facts.config_hash,
        "period": facts.period_key,
        "commitment": facts.commitment,
        "client_seed": facts.client_seed,
        "nonce": facts.nonce,
        "draws": [[n, value] for n, value in facts.draws],
        "prize": facts.prize,
        "granted": facts.granted,
        "fallback_reason": facts.fallback_reason,
        "detail": facts.detail,
        "created_at": facts.created_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
    }
