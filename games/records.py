"""Draw records and the per-campaign hash chain (format in docs/fairness.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from economy.db import insert_ignoring_conflicts, is_postgresql
from games.fairness import GENESIS_HASH, canonical_json, record_hash
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


def append(session: Session, facts: DrawFacts) -> DrawRecord:
    """Append a record to its campaign's chain; the chain head is locked until commit."""
    head = _locked_head(session, facts.campaign_id)
    record = _record_body(facts, head.count + 1, head.head_hash)
    record["hash"] = record_hash(record)
    row = DrawRecord(
        campaign_id=facts.campaign_id,
        seq=record["seq"],
        user_id=facts.user_id,
        period_key=facts.period_key,
        nonce=facts.nonce,
        prize_key=facts.prize,
        granted_key=facts.granted,
        fallback_reason=facts.fallback_reason,
        record_json=canonical_json(record).decode(),
        hash=record["hash"],
        created_at=facts.created_at,
    )
    session.add(row)
    head.count = record["seq"]
    head.head_hash = record["hash"]
    session.flush()
    return row


def _locked_head(session: Session, campaign_id: int) -> ChainHead:
    insert_ignoring_conflicts(
        session, ChainHead.__table__, {"campaign_id": campaign_id, "count": 0, "head_hash": GENESIS_HASH}
    )
    query = select(ChainHead).where(ChainHead.campaign_id == campaign_id)
    if is_postgresql(session):
        query = query.with_for_update()
    return session.execute(query.execution_options(populate_existing=True)).scalar_one()


def _record_body(facts: DrawFacts, seq: int, prev_hash: str) -> dict[str, Any]:
    return {
        "v": RECORD_VERSION,
        "campaign": facts.campaign_id,
        "seq": seq,
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
        "prev_hash": prev_hash,
    }
