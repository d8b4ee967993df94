"""Taking back points a reward gave (a refunded order's), and the hold that covers what was spent already.

The rule, as docs/integration.md states it to the host:

1. A claw-back takes the points from what the shopper holds now (unexpired lots, soonest-expiring first) into the
   campaign's ``clawback`` account.
2. What it cannot take, because the shopper spent (or let expire) those points, becomes *owed*: the shopper's
   ``POINTS_OWED`` account holds it (a balance of at least 0, never a negative points balance).
3. While anything is owed, the shopper's points are on hold: spending refuses with ``points_on_hold``
   (:class:`PointsOnHold`), and every later credit of points repays the debt first
   (:func:`repay_owed`, called by the grant itself), so the shopper sees points again only once it is repaid.

Every function runs inside the caller's transaction; none commits. Balances change through
:func:`economy.ledger.post` only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from economy import ledger
from economy.db import is_postgresql
from economy.errors import Refusal
from economy.models import Account
from economy.rewards import POINTS

OWED = "POINTS_OWED"
TAKEN = "clawback:"  # the reference prefix of a claw-back's spend of what the shopper held
CLAWBACK_ROLE = "clawback"  # the campaign's account clawed-back points go to, and owed points come from


class PointsOnHold(Refusal):
    """The shopper owes points (a refund clawed back points already spent): spending waits until repaid."""

    code = "points_on_hold"


@dataclass(frozen=True)
class Clawback:
    """What a claw-back did: ``taken`` from the shopper's points, ``owed`` added to their debt."""

    taken: int
    owed: int


def claw_back_points(
    session: Session, campaign_id: int, user_id: int, points: int, reference: str, now: datetime
) -> Clawback:
    """Take back ``points`` (> 0) from the shopper for ``campaign_id``: what they hold, then the rest owed.

    :raises ValueError: on a non-positive ``points``.
    """
    if points <= 0:
        raise ValueError("a claw-back takes a positive number of points")
    ledger.lock_points(session, user_id)  # first, as a grant locks it (then the owed row): no deadlock, no race
    _lock_owed(session, user_id)
    held = ledger.spendable_points(session, user_id, now)
    taken = min(held, points)
    if taken:
        sink = _campaign_account(session, campaign_id, user_id, POINTS)
        ledger.spend_points(session, user_id, sink, taken, f"{TAKEN}{reference}", now)
    owed = points - taken
    if owed:
        debt, shopper = _campaign_account(session, campaign_id, user_id, OWED), _owed_account(session, user_id)
        ledger.post(session, "points_owed", reference, ledger.Transfer(debt, shopper, owed), now)
    return Clawback(taken, owed)


def owed_points(session: Session, user_id: int) -> int:
    """How many points the shopper owes (0: their points are not on hold)."""
    return ledger.balance(session, ledger.user_owner(user_id), OWED)


def refuse_if_on_hold(session: Session, user_id: int) -> None:
    """:raises PointsOnHold: when the shopper owes points."""
    refuse_if_owed(owed_points(session, user_id))


def refuse_if_owed(owed: int | None) -> None:
    """:raises PointsOnHold: when ``owed`` (the shopper's :func:`owed_points`) is more than 0."""
    if owed:
        raise PointsOnHold(f"{owed} points of a refunded order are owed; points can be used once they are repaid")


def repay_owed(session: Session, campaign_id: int, user_id: int, reference: str, now: datetime) -> int:
    """Repay what the shopper owes from the points they hold now (just credited), as far as they go; returns the
    points repaid. The owed account is locked first, so concurrent credits repay in turn, never twice."""
    owed_id = _lock_owed(session, user_id)
    if owed_id is None:
        return 0
    owed = session.execute(select(Account.balance).where(Account.id == owed_id)).scalar_one()
    repaid = min(owed, ledger.spendable_points(session, user_id, now))
    if repaid <= 0:
        return 0
    sink = _campaign_account(session, campaign_id, user_id, POINTS)
    ledger.spend_points(session, user_id, sink, repaid, f"repay:{reference}", now)
    debt = _campaign_account(session, campaign_id, user_id, OWED)
    ledger.post(session, "points_repaid", reference, ledger.Transfer(owed_id, debt, repaid), now)
    return repaid


def _lock_owed(session: Session, user_id: int) -> int | None:
    """Lock the shopper's owed account row (PostgreSQL; SQLite writers are serial); its id, or None before any."""
    query = select(Account.id).where(Account.owner == ledger.user_owner(user_id), Account.asset == OWED)
    return session.execute(query.with_for_update() if is_postgresql(session) else query).scalar_one_or_none()


def _owed_account(session: Session, user_id: int) -> int:
    return ledger.account_id(session, ledger.user_owner(user_id), OWED)


def _campaign_account(session: Session, campaign_id: int, user_id: int, asset: str) -> int:
    """The campaign's claw-back account shard for this shopper (owed points come from it: it may go negative)."""
    owner = ledger.campaign_owner(campaign_id, CLAWBACK_ROLE, shard=user_id)
    return ledger.account_id(session, owner, asset, allow_negative=asset == OWED)
