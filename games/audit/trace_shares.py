"""Every share unlock grant traced to the share that unlocked it: ``game:{campaign}:{sharer}:share:share:{n}:unlock:
{assists}`` must be a threshold the sharer's share ``n`` records as unlocked (its valid assists reached it)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from economy.models import Grant
from games.models import GameState


def check_share_grants(
    session: Session, campaign_id: int, grants: Iterable[Grant], report: Callable[[str, str], None]
) -> int:
    """Report each share unlock grant its share does not explain; returns how many were traced."""
    prefix = f"game:{campaign_id}:"
    unlocked = _unlocked(session, campaign_id)
    traced = 0
    for grant in grants:
        parts = grant.key.removeprefix(prefix).split(":")
        if not grant.key.startswith(prefix) or len(parts) < 3 or parts[1] != "share":
            continue
        share, assists = _reference(parts[2:])
        if share is None or assists not in unlocked.get((grant.user_id, share), set()):
            report(f"a share grant ({':'.join(parts[2:])}) that no share unlocked", grant.key)
        else:
            traced += 1
    return traced


def _reference(parts: list[str]) -> tuple[int | None, int | None]:
    """(share number, assists) of ``share:{n}:unlock:{assists}`` (a fallback's ``:fallback`` aside)."""
    if parts and parts[-1] == "fallback":
        parts = parts[:-1]
    if len(parts) != 4 or parts[0] != "share" or parts[2] != "unlock" or not (parts[1] + parts[3]).isdigit():
        return None, None
    return int(parts[1]), int(parts[3])


def _unlocked(session: Session, campaign_id: int) -> dict[tuple[int, int], set[int]]:
    rows = session.execute(
        select(GameState.user_id, GameState.state_json).where(
            GameState.campaign_id == campaign_id, GameState.game == "share"
        )
    )
    found: dict[tuple[int, int], set[int]] = {}
    for user_id, state in rows:
        for share in json.loads(state).get("shares", []):
            found[(user_id, share["number"])] = set(share.get("unlocked", []))
    return found
