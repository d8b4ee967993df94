"""Applying the host's stored events: what each earns (points, task progress) is applied once, after the event
was stored, outside the host's request, by the campaign's observing games (:mod:`games.engine.observe`).

Each event is applied in a savepoint of its own, under its shopper's player lock, and marked applied in the same
transaction: applied once, whatever the number of appliers. Several appliers share the work on PostgreSQL
(``FOR UPDATE SKIP LOCKED``); SQLite writers are serial. A run applies its events shopper by shopper, in the order
of their ids, having locked every player the batch touches (its shoppers and their inviters) up front in id order,
so that concurrent runs lock players in one order. The order of a shopper's events does not change
what they earn (a refund before the delivery, or a delivery before the payment, ends the same way).

An invitee's ``baitiao_opened`` and ``order_paid`` are told with their first inviter as partner (the earliest of an
invite link they arrived through and the host's ``friend_invited`` of them, before the event), and the opening is
also the inviter's ``friend_opened_baitiao``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from economy.db import is_postgresql
from games.campaigns.config import CampaignConfig
from games.commerce.models import HostEvent
from games.engine.contract import Activity, GameEvent, Rejection
from games.engine.observe import notify, observers
from games.engine.play import campaign_config, campaign_viewer, lock_player
from games.engine.registry import Registry
from games.fairness.periods import local_day
from games.invite.models import Invitation
from games.models import Campaign

LOGGER = logging.getLogger("carnival.events")
ORDER_EVENTS = ("order_paid", "order_confirmed", "order_refunded")
BATCH = 200

ShopperId = Callable[[Session, str], int]
"""The Carnival user id of a host user id, created on first sight."""
Flagged = Callable[[Session, int], bool]
"""Whether the host's risk system flags a shopper (their last launch said so)."""
INVITEE_EVENTS = ("baitiao_opened", "order_paid")  # an invitee's events their inviter is rewarded for


def _never_flagged(session: Session, user_id: int) -> bool:
    return False


@dataclass
class Applied:
    """What one run applied: how many events, and the notices to send shoppers once it commits."""

    events: int = 0
    notices: list[tuple[int, GameEvent]] = field(default_factory=list)


def apply_pending(
    session: Session,
    registry: Registry,
    campaign_id: int,
    shopper_id: ShopperId,
    now: datetime,
    limit: int = BATCH,
    flagged: Flagged = _never_flagged,
) -> Applied:
    """Apply up to ``limit`` of the campaign's pending events, oldest first, in the caller's transaction."""
    campaign = session.get(Campaign, campaign_id)
    if campaign is None or campaign.version_id is None:
        return Applied()
    config = campaign_config(session, registry, campaign)
    run = _Run(session, registry, campaign, config, shopper_id, now, flagged)
    events = _pending(session, campaign_id, limit)
    users = {external: shopper_id(session, external) for external in sorted({event.user for event in events})}
    ordered = sorted(events, key=lambda e: (users[e.user], e.id))
    invitations = {e.id: run.invitation(e, users[e.user]) for e in ordered if e.type in INVITEE_EVENTS}
    if observers(registry, config):
        run.lock_players({users[e.user] for e in ordered} | {found[0] for found in invitations.values() if found})
    applied = Applied()
    for event in ordered:
        applied.notices += run.apply(event, users[event.user], invitations.get(event.id))
        applied.events += 1
    return applied


def _pending(session: Session, campaign_id: int, limit: int) -> list[HostEvent]:
    query = (
        select(HostEvent)
        .where(HostEvent.campaign_id == campaign_id, HostEvent.applied_at.is_(None))
        .order_by(HostEvent.id)
        .limit(limit)
    )
    if is_postgresql(session):
        query = query.with_for_update(skip_locked=True)
    return list(session.scalars(query))


@dataclass(frozen=True)
class _Run:
    """One run of the applier over a campaign: what applying each of its events needs."""

    session: Session
    registry: Registry
    campaign: Campaign
    config: CampaignConfig
    shopper_id: ShopperId
    now: datetime
    flagged: Flagged

    def lock_players(self, players: set[int]) -> None:
        """Lock every player a batch touches (its shoppers and their inviters) up front, in id order: two runs
        never hold one player each while waiting for the other's."""
        for player in sorted(players):
            lock_player(self.session, self.campaign.id, player)

    def apply(self, event: HostEvent, user_id: int, invited: tuple[int, str] | None) -> list[tuple[int, GameEvent]]:
        """Apply one event of shopper ``user_id`` (``invited``: their first inviter and its day, for an invitee's
        event) in a savepoint, its players locked already; a game's refusal or a bug marks it with why, a database
        error propagates (the run rolls back and the next one tries again)."""
        notices: list[tuple[int, GameEvent]] = []
        outcome = "applied" if observers(self.registry, self.config) else "no_rules"
        try:
            with self.session.begin_nested():
                if outcome == "applied":
                    notices = self._earn(event, user_id, invited)
        except Rejection as rejection:
            outcome = f"refused: {rejection.code}"
        except SQLAlchemyError:
            raise
        except Exception as error:  # a game's bug: the event is marked, not retried forever
            LOGGER.exception("applying host event %s failed", event.event_id)
            outcome = f"failed: {type(error).__name__}"[:200]
        event.applied_at, event.outcome, event.user_id = self.now, outcome, user_id
        return notices

    def _earn(self, event: HostEvent, user_id: int, invited: tuple[int, str] | None) -> list[tuple[int, GameEvent]]:
        """Tell the observing games: the invitee's activity with their inviter as partner, and the inviter of an
        opening their own."""
        day = local_day(event.occurred_at, self.campaign.timezone)
        inviter_id = invited[0] if invited else None
        activity = _activity(event, json.loads(event.body_json), day)
        if invited is not None:
            facts = {"invited_on": invited[1], "risk": self.flagged(self.session, user_id),
                     "inviter_risk": self.flagged(self.session, invited[0])}  # fmt: skip
            activity = Activity(activity.kind, activity.ref, activity.day, {**activity.facts, **facts})
        notices = self._tell(user_id, activity, inviter_id)
        if inviter_id is not None and event.type == "baitiao_opened":
            opened = Activity("friend_opened_baitiao", event.event_id, day, {"invitee": event.user})
            notices += self._tell(inviter_id, opened)
        return notices

    def invitation(self, event: HostEvent, user_id: int) -> tuple[int, str] | None:
        """The first inviter of the shopper before the event (an invite link they arrived through, or the host's
        ``friend_invited``), and the day of that invitation."""
        found = [*_linked(self.session, event, user_id), *_invited_by_host(self.session, event)]
        if not found:
            return None
        at, inviter = min(found, key=lambda pair: pair[0])
        inviter_id = inviter if isinstance(inviter, int) else self.shopper_id(self.session, inviter)
        if inviter_id == user_id:
            return None
        return inviter_id, local_day(at, self.campaign.timezone)

    def _tell(self, user_id: int, activity: Activity, partner: int | None = None) -> list[tuple[int, GameEvent]]:
        viewer = campaign_viewer(self.campaign, self.now, "")
        found = notify(
            self.session, self.registry, self.config, self.campaign.id, user_id, activity, self.now, viewer,
            partner=partner,
        )  # fmt: skip
        return [(user_id, event) for event in found]


def _activity(event: HostEvent, body: dict[str, Any], day: str) -> Activity:
    """The event as games observe it: an order event names its order, any other its event id."""
    facts = {k: v for k, v in body.items() if k not in ("id", "type", "user", "at")}
    ref = body["order_ref"] if event.type in ORDER_EVENTS else event.event_id
    return Activity(event.type, ref, day, facts)


def _invited_by_host(session: Session, event: HostEvent) -> list[tuple[datetime, str]]:
    """The first ``friend_invited`` of the event's shopper by another, before the event: (when, inviter's host id)."""
    query = (
        select(HostEvent.occurred_at, HostEvent.user)
        .where(HostEvent.campaign_id == event.campaign_id, HostEvent.type == "friend_invited")
        .where(HostEvent.subject == event.user, HostEvent.occurred_at <= event.occurred_at)
        .where(HostEvent.user != event.user)
        .order_by(HostEvent.occurred_at, HostEvent.id)
        .limit(1)
    )
    return [(at, user) for at, user in session.execute(query)]


def _linked(session: Session, event: HostEvent, user_id: int) -> list[tuple[datetime, int]]:
    """The invite link the event's shopper arrived through, before the event: (when, inviter's id)."""
    query = select(Invitation.created_at, Invitation.inviter_id).where(
        Invitation.campaign_id == event.campaign_id, Invitation.invitee_id == user_id
    )
    return [(at, inviter) for at, inviter in session.execute(query) if at <= event.occurred_at]


def pending_campaigns(session: Session) -> list[int]:
    """The campaigns with events waiting to be applied."""
    query = select(HostEvent.campaign_id).where(HostEvent.applied_at.is_(None)).distinct()
    return sorted(session.scalars(query))
