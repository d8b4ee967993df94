"""Who to remind to check in on a day: the shoppers who asked ("提醒我明天签到") in a check-in campaign that runs
that day, and have not checked in on it yet. The host app's push service sends the reminders; Carnival only
lists them (``carnival checkin reminders --day D`` and the host API)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Select, select, tuple_
from sqlalchemy.orm import Session

from games.fairness.periods import local_day
from games.models import Campaign, GameState

GAME = "checkin"
BATCH = 1000
ASKED = '%"remind": true%'  # how a state that asked reads (states are stored with sorted keys, json.dumps)


@dataclass(frozen=True)
class Reminder:
    """Remind shopper ``user_id`` to check in to campaign ``campaign_id`` (named ``campaign_name``)."""

    campaign_id: int
    campaign_name: str
    user_id: int


def due_reminders(session: Session, day: date, after: tuple[int, int] = (0, 0), limit: int = 1000) -> list[Reminder]:
    """At most ``limit`` reminders for ``day`` (in each campaign's time zone), ordered by campaign and shopper,
    after the ``(campaign_id, user_id)`` given (for the next page). A campaign counts when it is not paused and
    ``day`` lies between its first and last day. States are read in batches of :data:`BATCH`."""
    found: list[Reminder] = []
    while len(found) < limit:
        batch = session.execute(_asked_after(after)).all()
        for campaign, user_id, state_json in batch:
            state = json.loads(state_json)
            if _runs_on(campaign, day) and state.get("remind") is True and day.isoformat() not in state.get("days", {}):
                found.append(Reminder(campaign.id, campaign.name, user_id))
                if len(found) == limit:
                    break
        if len(batch) < BATCH:
            break
        after = (batch[-1][0].id, batch[-1][1])
    return found


def _asked_after(after: tuple[int, int]) -> Select[tuple[Campaign, int, str]]:
    """The next :data:`BATCH` check-in states that asked for reminders, after ``(campaign_id, user_id)``."""
    return (
        select(Campaign, GameState.user_id, GameState.state_json)
        .join(GameState, GameState.campaign_id == Campaign.id)
        .where(GameState.game == GAME, GameState.state_json.like(ASKED), Campaign.status != "paused")
        .where(tuple_(Campaign.id, GameState.user_id) > tuple_(*after))
        .order_by(Campaign.id, GameState.user_id)
        .limit(BATCH)
    )


def _runs_on(campaign: Campaign, day: date) -> bool:
    first = local_day(campaign.starts_at, campaign.timezone)
    last = local_day(campaign.ends_at - timedelta(microseconds=1), campaign.timezone)
    return campaign.version_id is not None and first <= day.isoformat() <= last


def tomorrow(now: datetime, zone: str) -> date:
    """The day after ``now`` in ``zone``: the day a reminder asked for today is about."""
    return date.fromisoformat(local_day(now, zone)) + timedelta(days=1)
