"""Every grant of tasks and points rules traced to what caused it: an order's points to its delivery event, a
review's or share's points to that event, a task's completion to the shopper's task record (the completions it
counts in that window)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from economy.models import Grant
from games.commerce.models import HostEvent
from games.models import GameState

INTERACTIONS = ("review_posted", "shared")


def check_task_grants(
    session: Session, campaign_id: int, grants: Iterable[Grant], report: Callable[[str, str], None]
) -> int:
    """Report (``report(problem, grant key)``) each ``game:…:tasks:`` grant that nothing explains; returns how
    many were traced."""
    prefix = f"game:{campaign_id}:"
    events = _applied_events(session, campaign_id)
    done = _completions(session, campaign_id)
    traced = 0
    for grant in grants:
        parts = grant.key.removeprefix(prefix).split(":", 2)
        if len(parts) < 3 or parts[1] != "tasks" or not grant.key.startswith(prefix):
            continue
        reference = parts[2].removesuffix(":fallback")
        cause = _cause(grant.user_id, reference, events, done)
        if cause is None:
            report(f"a tasks grant ({reference}) that no event or task completion explains", grant.key)
        else:
            traced += 1
    return traced


def _cause(
    user_id: int, reference: str, events: set[tuple[int | None, str, str]], done: dict[int, dict[str, dict[str, int]]]
) -> str | None:
    kind, _, rest = reference.partition(":")
    if kind == "order" and (user_id, "order_confirmed", rest) in events:
        return "delivery"
    if kind in INTERACTIONS and (user_id, kind, rest) in events:
        return kind
    if kind == "task":
        task, window, number = [*rest.rsplit(":", 2), "", "", ""][:3]
        if number.isdigit() and done.get(user_id, {}).get(task, {}).get(window, 0) >= int(number):
            return "completion"
    return None


def _applied_events(session: Session, campaign_id: int) -> set[tuple[int | None, str, str]]:
    """(shopper, type, subject or event id) of every applied event of the campaign."""
    rows = session.execute(
        select(HostEvent.user_id, HostEvent.type, HostEvent.subject, HostEvent.event_id).where(
            HostEvent.campaign_id == campaign_id, HostEvent.applied_at.is_not(None)
        )
    )
    found: set[tuple[int | None, str, str]] = set()
    for user_id, kind, subject, event_id in rows:
        found.add((user_id, kind, event_id))
        if subject is not None:
            found.add((user_id, kind, subject))
    return found


def _completions(session: Session, campaign_id: int) -> dict[int, dict[str, dict[str, int]]]:
    """Each shopper's task completions by task and window, as their tasks record says."""
    rows = session.execute(
        select(GameState.user_id, GameState.state_json).where(
            GameState.campaign_id == campaign_id, GameState.game == "tasks"
        )
    )
    return {user_id: json.loads(state).get("done", {}) for user_id, state in rows}
