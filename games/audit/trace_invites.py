"""Every invitation grant traced to the invitee's event that caused it: ``{invitee}:opened`` and an invitee's
``welcome`` to their applied ``baitiao_opened``, ``{invitee}:first_purchase`` and ``{invitee}:first_baitiao`` to
their applied ``order_paid``."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from economy.models import Grant
from games.commerce.models import HostEvent

CAUSES = {"opened": "baitiao_opened", "welcome": "baitiao_opened", "first_purchase": "order_paid",
          "first_baitiao": "order_paid"}  # fmt: skip


def check_invite_grants(
    session: Session, campaign_id: int, grants: Iterable[Grant], report: Callable[[str, str], None]
) -> int:
    """Report each invitation grant no applied event of its invitee explains; returns how many were traced."""
    prefix = f"game:{campaign_id}:"
    rows = session.execute(
        select(HostEvent.user_id, HostEvent.type).where(
            HostEvent.campaign_id == campaign_id, HostEvent.applied_at.is_not(None)
        )
    )
    applied = {(user_id, kind) for user_id, kind in rows}
    traced = 0
    for grant in grants:
        parts = grant.key.removeprefix(prefix).split(":")
        if not grant.key.startswith(prefix) or len(parts) < 3 or parts[1] != "invite":
            continue
        reference = [p for p in parts[2:] if p != "fallback"]
        invitee = grant.user_id if reference == ["welcome"] else _int(reference[0])
        cause = CAUSES.get(reference[-1])
        if invitee is None or cause is None or (invitee, cause) not in applied:
            report(f"an invitation grant ({':'.join(reference)}) that no event of its invitee explains", grant.key)
        else:
            traced += 1
    return traced


def _int(text: str) -> int | None:
    return int(text) if text.isdigit() else None
