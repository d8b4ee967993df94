"""Audiences of campaign messages: a segment's rules (what Carnival knows of a shopper and what the host sent)
turned into one SQL query over the shoppers, by host user id; or the host user ids uploaded into a segment.
The rules are checked by :class:`games.messages.config.SegmentRulesSchema`.

Rules, all optional and all to hold (an empty rule set: every shopper):

- ``tiers``: the shopper's tier (from the launch token) is one of these;
- ``joined_within_days`` / ``joined_before_days``: the host account was opened at most / more than N days ago
  (the launch token's claim);
- ``active_within_days`` / ``inactive_days``: the shopper last opened Carnival within / more than N days ago;
- ``orders``: ``none`` (never paid an order, by the host's events) or ``some``; ``min_orders``: at least N;
- ``categories``: paid an order in one of these categories (within ``categories_within_days`` days, if set);
- ``played_campaign`` / ``not_played_campaign``: drew in that campaign (a spin, a roll, a check-in draw...) or not;
- ``checkin_campaign`` with ``checkin_streak_at_least``: checked in that many days in a row up to today (or
  yesterday, today not checked yet) in that check-in campaign (its time zone's days). The streaks are read from the
  campaign's check-in states when the segment is evaluated.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ARRAY, Integer, Select, and_, any_, bindparam, distinct, exists, false, func, insert, or_, select
from sqlalchemy.orm import Session

from games.checkin.calendar import current_streak
from games.commerce.models import HostEvent
from games.messages.models import Segment, SegmentUpload
from games.models import Campaign, GameState, Player
from server.models import User

ORDER_TYPE = "order_paid"


@dataclass(frozen=True)
class Member:
    """A segment's member: the host's user id, and Carnival's id and time zone (the host's ``tz`` claim) once they
    opened Carnival."""

    external_id: str
    user_id: int | None
    timezone: str | None = None


def members_query(session: Session, segment: Segment, now: datetime) -> Select[tuple[str, int | None, str | None]]:
    """The segment's members (host user id, Carnival id or ``None``, time zone or ``None``), ordered by host user
    id."""
    if segment.uploaded:
        return (
            select(SegmentUpload.external_id, User.id, User.timezone)
            .outerjoin(User, User.external_id == SegmentUpload.external_id)
            .where(SegmentUpload.segment_id == segment.id)
            .order_by(SegmentUpload.external_id)
        )
    rules = json.loads(segment.rules_json)
    query = select(User.external_id, User.id, User.timezone).where(
        User.role == "shopper", User.external_id.is_not(None), User.disabled_at.is_(None)
    )
    return query.where(*_conditions(rules, now), *_streak_condition(session, rules, now)).order_by(User.external_id)


def members_after(session: Session, segment: Segment, now: datetime, after: str, limit: int) -> list[Member]:
    """The next ``limit`` members after host user id ``after`` (``""``: from the first)."""
    query = members_query(session, segment, now)
    column = SegmentUpload.external_id if segment.uploaded else User.external_id
    rows = session.execute(query.where(column > after).limit(limit))
    return [Member(external_id, user_id, timezone) for external_id, user_id, timezone in rows]


def count_members(session: Session, segment: Segment, now: datetime) -> int:
    """How many members the segment has now (its preview)."""
    inner = members_query(session, segment, now).order_by(None).subquery()
    return int(session.execute(select(func.count()).select_from(inner)).scalar_one())


def upload_members(session: Session, segment_id: int, external_ids: Iterable[str]) -> int:
    """Add host user ids to an uploaded segment (ids it has already are kept once); the ids added."""
    have = set(session.scalars(select(SegmentUpload.external_id).where(SegmentUpload.segment_id == segment_id)))
    new = sorted({external_id for external_id in external_ids} - have)
    for start in range(0, len(new), 5000):
        rows = [{"segment_id": segment_id, "external_id": external_id} for external_id in new[start : start + 5000]]
        session.execute(insert(SegmentUpload), rows)
    return len(new)


def _conditions(rules: dict[str, Any], now: datetime) -> list[Any]:
    conditions: list[Any] = []
    if rules.get("tiers"):
        conditions.append(User.tier.in_(rules["tiers"]))
    conditions += _account_conditions(rules, now)
    conditions += _order_conditions(rules, now)
    for key, wanted in (("played_campaign", True), ("not_played_campaign", False)):
        if key in rules:
            played = exists().where(Player.user_id == User.id, Player.campaign_id == rules[key], Player.drew.is_(True))
            conditions.append(played if wanted else ~played)
    return conditions


def _account_conditions(rules: dict[str, Any], now: datetime) -> list[Any]:
    conditions: list[Any] = []
    today = now.date()
    if "joined_within_days" in rules:
        conditions.append(User.host_joined_on >= today - timedelta(days=rules["joined_within_days"]))
    if "joined_before_days" in rules:
        conditions.append(User.host_joined_on < today - timedelta(days=rules["joined_before_days"]))
    if "active_within_days" in rules:
        conditions.append(User.last_launch_at >= now - timedelta(days=rules["active_within_days"]))
    if "inactive_days" in rules:
        since = now - timedelta(days=rules["inactive_days"])
        conditions.append(or_(User.last_launch_at < since, User.last_launch_at.is_(None)))
    return conditions


def _order_conditions(rules: dict[str, Any], now: datetime) -> list[Any]:
    conditions: list[Any] = []
    paid = and_(HostEvent.user == User.external_id, HostEvent.type == ORDER_TYPE)
    if rules.get("orders") == "none":
        conditions.append(~exists().where(paid))
    if rules.get("orders") == "some":
        conditions.append(exists().where(paid))
    if "min_orders" in rules:  # per shopper by the (user, type) index: a page of members reads only its own
        orders = select(func.count(distinct(HostEvent.subject))).where(paid).scalar_subquery()  # an order sent to
        conditions.append(orders >= rules["min_orders"])  # several campaigns counts once
    if rules.get("categories"):
        in_category = and_(paid, HostEvent.category.in_(rules["categories"]))
        if "categories_within_days" in rules:
            since = now - timedelta(days=rules["categories_within_days"])
            in_category = and_(in_category, HostEvent.occurred_at >= since)
        conditions.append(exists().where(in_category))
    return conditions


def _streak_condition(session: Session, rules: dict[str, Any], now: datetime) -> list[Any]:
    """The shoppers whose check-in streak in ``checkin_campaign`` is at least ``checkin_streak_at_least`` days."""
    if "checkin_campaign" not in rules:
        return []
    campaign = session.get(Campaign, rules["checkin_campaign"])
    if campaign is None:
        return [false()]
    today = now.astimezone(ZoneInfo(campaign.timezone)).date()
    states = session.execute(
        select(GameState.user_id, GameState.state_json).where(
            GameState.campaign_id == campaign.id, GameState.game == "checkin"
        )
    )
    wanted = rules["checkin_streak_at_least"]
    users = [user_id for user_id, text in states if _streak(text, today) >= wanted]
    if session.get_bind().dialect.name == "postgresql":  # one array parameter, however many shoppers
        return [User.id == any_(bindparam("streak_users", users, type_=ARRAY(Integer)))]
    listed = func.json_each(json.dumps(users)).table_valued("value")
    return [User.id.in_(select(listed.c.value))]


def _streak(state_json: str, today: date) -> int:
    days = {date.fromisoformat(day) for day in json.loads(state_json).get("days", {})}
    return current_streak(days, today)
