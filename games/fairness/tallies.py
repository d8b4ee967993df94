"""Running tallies of a campaign's draw log, so the ops dashboard never scans the log.

The sealer (:func:`games.fairness.records.seal`) adds every batch it seals: the draw count, the count of each
granted prize and fallback reason, the shoppers drawing for the first time (a player's ``drew`` flag) and
the draws of each minute. It is the only writer and runs while no draw is in flight, so the tally rows are
not contended. A reading adds what is stored but not sealed yet (at most about a second of draws, found by
a partial index), so the numbers are exact and their cost does not grow with the log.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import Update, bindparam, select, update
from sqlalchemy.orm import Session

from economy.db import insert_adding_counts
from games.models import DrawMinute, DrawRecord, DrawTally, Player

DRAWS, PLAYERS = "draws", "players"


def granted(key: str) -> str:
    """The tally of draws that granted prize ``key``."""
    return f"granted:{key}"


def fallback(reason: str) -> str:
    """The tally of draws whose prize was refused for ``reason``."""
    return f"fallback:{reason}"


def add_sealed(session: Session, campaign_id: int, records: Iterable[dict[str, Any]]) -> None:
    """Add sealed ``records`` (their JSON bodies) to the campaign's tallies; called by the sealer."""
    counts: Counter[str] = Counter()
    minutes: Counter[datetime] = Counter()
    users: set[int] = set()
    for record in records:
        _count(counts, record)
        made = datetime.strptime(record["created_at"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
        minutes[_minute(made)] += 1
        users.add(record["user"])
    counts[PLAYERS] += _first_drawers(session, campaign_id, users)
    named = [{"campaign_id": campaign_id, "name": k, "count": n} for k, n in counts.items() if n]
    insert_adding_counts(session, DrawTally.__table__, ["campaign_id", "name"], named)
    timed = [{"campaign_id": campaign_id, "minute": m, "count": n} for m, n in minutes.items()]
    insert_adding_counts(session, DrawMinute.__table__, ["campaign_id", "minute"], timed)


def totals(session: Session, campaign_id: int) -> Counter[str]:
    """Every tally of the campaign, the unsealed records included."""
    found: Counter[str] = Counter(
        dict(session.execute(select(DrawTally.name, DrawTally.count).where(DrawTally.campaign_id == campaign_id)).all())
    )
    for body, user_counted in _unsealed(session, campaign_id):
        _count(found, body)
        found[PLAYERS] += 0 if user_counted else 1
    return found


def per_minute(session: Session, campaign_id: int, start: datetime) -> Counter[datetime]:
    """Draws per minute from ``start`` (a whole minute) on, the unsealed records included."""
    rows = session.execute(
        select(DrawMinute.minute, DrawMinute.count).where(
            DrawMinute.campaign_id == campaign_id, DrawMinute.minute >= start
        )
    )
    found: Counter[datetime] = Counter(dict(rows.all()))
    unsealed = select(DrawRecord.created_at).where(DrawRecord.campaign_id == campaign_id, DrawRecord.seq.is_(None))
    found.update(_minute(moment) for moment in session.scalars(unsealed) if moment >= start)
    return found


def _count(counts: Counter[str], record: dict[str, Any]) -> None:
    """Count one record's draw, granted prize and fallback reason."""
    counts[DRAWS] += 1
    if record["granted"] is not None:
        counts[granted(record["granted"])] += 1
    if record["fallback_reason"] is not None:
        counts[fallback(record["fallback_reason"])] += 1


def _minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def _unsealed(session: Session, campaign_id: int) -> list[tuple[dict[str, Any], bool]]:
    """The unsealed records' bodies, each with whether its shopper is counted already (by then, or by an
    earlier unsealed record of theirs)."""
    rows = session.execute(
        select(DrawRecord.user_id, DrawRecord.record_json, Player.drew)
        .join(Player, (Player.campaign_id == DrawRecord.campaign_id) & (Player.user_id == DrawRecord.user_id))
        .where(DrawRecord.campaign_id == campaign_id, DrawRecord.seq.is_(None))
        .order_by(DrawRecord.id)
    ).all()
    seen: set[int] = set()
    found = []
    for user_id, body_json, drew in rows:
        found.append((json.loads(body_json), drew or user_id in seen))
        seen.add(user_id)
    return found


def _first_drawers(session: Session, campaign_id: int, users: set[int]) -> int:
    """Mark ``users`` as having drawn in the campaign; returns how many had not before."""
    if not users:
        return 0
    marked = session.execute(_mark_drawers(), {"of_campaign": campaign_id, "users": list(users)})
    return int(marked.rowcount)  # type: ignore[attr-defined]


@cache
def _mark_drawers() -> Update:
    """Built once (the sealer runs it every second while a campaign draws)."""
    table = Player.__table__
    return (
        update(table)
        .where(
            table.c.campaign_id == bindparam("of_campaign"),
            table.c.user_id.in_(bindparam("users", expanding=True)),
            table.c.drew.is_(False),
        )
        .values(drew=True)
    )


def window_start(now: datetime, minutes: int) -> datetime:
    """The first whole minute of a window of ``minutes`` ending with the minute of ``now``."""
    return _minute(now) - timedelta(minutes=minutes - 1)
