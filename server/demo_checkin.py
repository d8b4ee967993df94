"""The demo's check-in campaign (签到有礼): a check-in calendar beside a wheel that its milestones feed with spins,
and a demo shopper with a 5-day streak and one missed day that a make-up can repair."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from games.campaigns.admin import create_campaign
from games.checkin.config import DEFAULT_TIERS
from games.engine.contract import Action
from games.engine.play import commit_seeds, play, record_draw
from games.engine.registry import Registry
from games.models import Campaign
from server.demo import DEMO_SHOPPERS, _prize, demo_redemption
from server.models import User

CHECKIN_SLUG = "daily-checkin"
STREAK_SHOPPER = DEMO_SHOPPERS[0]  # 小明, a 普通 member
CHECKED_DAYS_AGO = (7, 5, 4, 3, 2, 1)  # 6 days ago missed: a 5-day streak up to yesterday


def checkin_demo_config() -> dict[str, Any]:
    """Check-in by tier with streak milestones (3 days: 3 wheel spins; 7: 50 points; 30: a 12-month interest-free
    coupon) and make-ups of the last 7 days; a 6-slot wheel whose spins a milestone's items pay for."""
    coupon = {"type": "interest_free", "title": "白条12期免息券", "periods": 12, "valid_days": 30}
    prizes = [
        _prize("thanks", "谢谢参与", "Better luck next time", 5000, {"kind": "nothing"}, 0),
        _prize("points_20", "20积分", "20 points", 4000, {"kind": "points", "points": 20}, 20, stock=1_000_000),
        _prize("red_188", "1.88元红包", "¥1.88 red packet", 1000, {"kind": "red_packet", "amount_fen": 188}, 188,
               stock=2000),
        _prize("spins_3", "3次抽奖机会", "3 wheel spins", 0, {"kind": "item", "item": "wheel_spin", "count": 3}, 0),
        _prize("streak_50", "连签奖励50积分", "50 bonus points", 0, {"kind": "points", "points": 50}, 50,
               stock=100_000),
        _prize(
            "coupon_if12", "12期免息券", "12-month interest-free", 0,
            {"kind": "coupon", "cost_fen": 2000, "coupon": coupon}, 2000, stock=500,
        ),
    ]  # fmt: skip
    return {
        "pool": {"prizes": prizes, "fallback": "thanks"},
        "caps": [{"key": "daily_value", "per": "day", "max_value_fen": 10000}],
        "games": {
            "checkin": {
                "tiers": [dict(tier) for tier in DEFAULT_TIERS],
                "milestones": [
                    {"kind": "streak", "days": 3, "prize": "spins_3"},
                    {"kind": "streak", "days": 7, "prize": "streak_50"},
                    {"kind": "streak", "days": 30, "prize": "coupon_if12"},
                ],
                "makeup": {"window_days": 7, "monthly_max": 2, "price_points": 50, "card_item": "makeup_card"},
            },
            "wheel": {
                "slots": ["thanks", "points_20", "red_188", "thanks", "points_20", "thanks"],
                "free_spins_per_day": 1,
                "spin_item": "wheel_spin",
            },
        },
    }


def seed_checkin_demo(
    sessions: Callable[[], Session], registry: Registry, clock: Callable[[], datetime]
) -> Campaign | None:
    """Create the check-in campaign (started 8 days ago) and play the streak shopper's past check-ins, each at
    noon of its day in a transaction of its own after that day's seed was committed; then close the past
    periods, revealing their seeds. Once only: ``None`` when the campaign exists (or the shopper does not)."""
    now = clock()
    with sessions() as session, session.begin():
        if session.scalars(select(Campaign.id).where(Campaign.slug == CHECKIN_SLUG)).first() is not None:
            return None
        user = session.scalars(select(User).where(User.external_id == STREAK_SHOPPER["sub"])).one_or_none()
        if user is None:
            return None
        user_id, tier = user.id, user.tier
        campaign = create_campaign(session, registry, _campaign_body(now), "demo", now)
        campaign_id = campaign.id
    for days_ago in CHECKED_DAYS_AGO:
        moment = now - timedelta(days=days_ago)
        with sessions() as session, session.begin():
            commit_seeds(session, campaign_id, moment)
        with sessions() as session, session.begin():
            at = partial(_at, moment)
            checked = play(session, registry, campaign_id, user_id, "checkin", Action("check_in"), at, tier)
            record_draw(session, checked)
    with sessions() as session, session.begin():
        commit_seeds(session, campaign_id, now)
        return session.get_one(Campaign, campaign_id)


def _at(moment: datetime) -> datetime:
    return moment


def _campaign_body(now: datetime) -> dict[str, Any]:
    return {
        "slug": CHECKIN_SLUG,
        "name": "签到有礼 · 天天领积分",
        "name_en": "Daily Check-in Rewards",
        "theme": "baitiao",
        "timezone": "Asia/Shanghai",
        "starts_at": (now - timedelta(days=8)).isoformat(),
        "ends_at": (now + timedelta(days=52)).isoformat(),
        "budget_fen": 5_000_000,
        "config": {**checkin_demo_config(), "redemption": demo_redemption(now)},
    }
