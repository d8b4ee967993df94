"""Check-in reminders as the host app sees them: its own user ids, for the CLI and the host API."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from games.checkin.reminders import due_reminders
from server.models import User


def reminders_page(session: Session, day: date, after: tuple[int, int] = (0, 0), limit: int = 1000) -> dict[str, Any]:
    """One page of ``day``'s reminders with the host's user ids, and the ``next`` cursor (``None``: last page)."""
    found = due_reminders(session, day, after, limit)
    users = dict(
        session.execute(select(User.id, User.external_id).where(User.id.in_({r.user_id for r in found}))).all()
    )
    rows = [
        {"campaign_id": r.campaign_id, "campaign_name": r.campaign_name, "user": users.get(r.user_id, "")}
        for r in found
    ]
    last = found[-1] if len(found) == limit else None
    return {
        "day": day.isoformat(),
        "reminders": rows,
        "next": None if last is None else f"{last.campaign_id}:{last.user_id}",
    }


def parse_cursor(text: str | None) -> tuple[int, int]:
    """``campaign:user`` from a previous page's ``next``. :raises ValueError: for anything else."""
    if not text:
        return (0, 0)
    campaign, user = text.split(":")
    return int(campaign), int(user)
