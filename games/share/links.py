"""Share links and the assist log: the code a friend opens (to find the share and its sharer), every assist attempt
logged, the held-assist queue ops review, and the fraud report (refusals by code, top devices, rings found).
Every function runs inside the caller's transaction."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, aliased

from games.fairness.periods import local_day
from games.share.models import ShareCode, ShareLog

DECISIONS = ("approved", "rejected")


@dataclass(frozen=True)
class Found:
    """What a share code names."""

    campaign_id: int
    sharer_id: int
    number: int
    expires_at: datetime


@dataclass(frozen=True)
class Attempt:
    """One assist attempt to log: who helped whom (which share), from which device, and what came of it."""

    campaign_id: int
    sharer_id: int
    number: int
    helper_id: int
    device_hash: str | None
    result: str
    code: str | None = None
    actor: str | None = None


@dataclass(frozen=True)
class FraudReport:
    """Refusals by code, the devices behind the most attempts (refused or held), and the pairs of shoppers who
    helped each other the same day (rings)."""

    refusals: dict[str, int]
    top_devices: list[tuple[str, int]]
    rings: list[tuple[int, int, str]]


def record_code(session: Session, code: str, found: Found) -> None:
    """Store a new share's link code."""
    session.add(ShareCode(code=code, campaign_id=found.campaign_id, sharer_id=found.sharer_id, number=found.number,
                          expires_at=found.expires_at))  # fmt: skip
    session.flush()


def resolve(session: Session, code: str) -> Found | None:
    """The share a link code names, if any."""
    row = session.get(ShareCode, code)
    return None if row is None else Found(row.campaign_id, row.sharer_id, row.number, row.expires_at)


def log(session: Session, attempt: Attempt, now: datetime) -> None:
    """Log an assist attempt or an ops decision."""
    session.add(ShareLog(**attempt.__dict__, created_at=now))
    session.flush()


def held(session: Session, campaign_id: int) -> list[ShareLog]:
    """The held assists of a campaign no decision has been logged for, oldest first."""
    decided = aliased(ShareLog)
    later = select(decided.id).where(
        and_(
            decided.campaign_id == ShareLog.campaign_id,
            decided.sharer_id == ShareLog.sharer_id,
            decided.number == ShareLog.number,
            decided.helper_id == ShareLog.helper_id,
            decided.result.in_(DECISIONS),
        )
    )
    query = (
        select(ShareLog)
        .where(ShareLog.campaign_id == campaign_id, ShareLog.result == "held", ~later.exists())
        .order_by(ShareLog.id)
    )
    return list(session.scalars(query))


def fraud_report(session: Session, campaign_id: int, timezone: str, top: int = 10) -> FraudReport:
    """The campaign's fraud report; rings are counted by day in the campaign's ``timezone``; the top devices count
    refused attempts and held ones not approved since."""
    by_code = session.execute(
        select(ShareLog.code, func.count())
        .where(ShareLog.campaign_id == campaign_id, ShareLog.result == "refused")
        .group_by(ShareLog.code)
    )
    approved = {(r.sharer_id, r.number, r.helper_id) for r in _logged(session, campaign_id, ["approved"])}
    suspicious = Counter(
        row.device_hash
        for row in _logged(session, campaign_id, ["refused", "held"])
        if row.device_hash and (row.result == "refused" or (row.sharer_id, row.number, row.helper_id) not in approved)
    )
    devices = sorted(suspicious.items(), key=lambda pair: (-pair[1], pair[0]))[:top]
    return FraudReport({str(code): count for code, count in by_code}, devices, _rings(session, campaign_id, timezone))


def _logged(session: Session, campaign_id: int, results: list[str]) -> list[ShareLog]:
    query = select(ShareLog).where(ShareLog.campaign_id == campaign_id, ShareLog.result.in_(results))
    return list(session.scalars(query))


def _rings(session: Session, campaign_id: int, timezone: str) -> list[tuple[int, int, str]]:
    """Pairs of shoppers who helped each other on the same day of the campaign's zone: (lower id, higher id, day)."""
    rows = session.execute(
        select(ShareLog.helper_id, ShareLog.sharer_id, ShareLog.created_at).where(
            ShareLog.campaign_id == campaign_id, ShareLog.result.in_(["accepted", "held"])
        )
    )
    given = Counter((helper, sharer, local_day(at, timezone)) for helper, sharer, at in rows)
    return sorted({(min(a, b), max(a, b), day) for a, b, day in given if (b, a, day) in given})
