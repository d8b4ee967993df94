"""The demo: a campaign with a wheel, demo shoppers with welcome points, demo staff accounts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from economy.rewards import Reward, RewardKind
from economy.service import GrantRequest, grant
from games.campaigns.admin import create_campaign
from games.engine.contract import Action
from games.engine.play import play, record_draw
from games.engine.registry import Registry
from games.fairness.periods import local_day, rotate
from games.models import Campaign, SeedPeriod
from server.accounts import create_staff
from server.models import User

DEMO_SLUG = "baitiao-carnival"
DEMO_SHOPPERS: list[dict[str, str]] = [
    {"sub": "demo-1001", "name": "小明", "tier": "normal"},
    {"sub": "demo-1002", "name": "李华", "tier": "silver"},
    {"sub": "demo-1003", "name": "王芳", "tier": "gold"},
    {"sub": "demo-1004", "name": "Alex", "tier": "diamond"},
]
DEMO_STAFF = [("ops", "carnival-ops-demo", "ops"), ("auditor", "carnival-audit-demo", "auditor")]
#: Shoppers whose spins fill the demo's first, already ended, seed period (not offered on the login page).
HISTORY_SHOPPERS: list[dict[str, str]] = [
    {"sub": f"demo-history-{n}", "name": name, "tier": "normal"} for n, name in enumerate(["赵敏", "周杰", "陈晨"], 1)
]
HISTORY_SPINS_EACH = 3
WELCOME_POINTS = 200


PRIZE_ART = {
    "nothing": "thanks",
    "points": "points",
    "coupon": "coupon",
    "red_packet": "red-packet",
    "item": "ticket",
    "gift_card": "coupon",
}


def _prize(
    key: str, name: str, name_en: str, weight: int, reward: dict[str, Any], value: int, **extra: Any
) -> dict[str, Any]:
    return {
        "key": key,
        "name": name,
        "name_en": name_en,
        "weight": weight,
        "reward": reward,
        "display_value_fen": value,
        "image": f"/static/play/prizes/{PRIZE_ART[reward['kind']]}.svg",  # art shipped with the shopper pages
        **extra,
    }


def demo_config() -> dict[str, Any]:
    """The demo campaign's config: an 8-slot wheel over a pool with points, coupons and red packets."""
    interest_free = {
        "type": "interest_free",
        "title": "白条3期免息券",
        "periods": 3,
        "min_order_fen": 10000,
        "category": "数码",
        "valid_days": 30,
    }
    prizes = [
        _prize("thanks", "谢谢参与", "Better luck next time", 4000, {"kind": "nothing"}, 0),
        _prize("points_10", "10积分", "10 points", 2500, {"kind": "points", "points": 10}, 10, stock=2_000_000),
        _prize("points_100", "100积分", "100 points", 1200, {"kind": "points", "points": 100}, 100, stock=500_000),
        _prize(
            "coupon_if3",
            "3期免息券",
            "3-month interest-free",
            1000,
            {"kind": "coupon", "cost_fen": 300, "coupon": interest_free},
            300,
            stock=5000,
        ),
        _prize(
            "coupon_fr",
            "满100减10",
            "¥10 off ¥100",
            800,
            {
                "kind": "coupon",
                "cost_fen": 1000,
                "coupon": {
                    "type": "full_reduction",
                    "title": "满100减10",
                    "threshold_fen": 10000,
                    "amount_fen": 1000,
                    "valid_days": 14,
                },
            },
            1000,
            stock=3000,
        ),
        _prize(
            "red_188", "1.88元红包", "¥1.88 red packet", 400, {"kind": "red_packet", "amount_fen": 188}, 188, stock=2000
        ),
        _prize(
            "coupon_if12",
            "12期免息券",
            "12-month interest-free",
            90,
            {"kind": "coupon", "cost_fen": 2000, "coupon": {**interest_free, "title": "白条12期免息券", "periods": 12}},
            2000,
            stock=200,
            broadcast=True,
        ),
        _prize(
            "red_8888",
            "88.88元红包",
            "¥88.88 red packet",
            10,
            {"kind": "red_packet", "amount_fen": 8888},
            8888,
            stock=20,
            broadcast=True,
        ),
    ]
    return {
        "pool": {"prizes": prizes, "fallback": "thanks"},
        "caps": [
            {"key": "daily_value", "per": "day", "max_value_fen": 10000},
            {"key": "one_big_red", "per": "campaign", "max_count": 1, "prize": "red_8888"},
        ],
        "games": {
            "wheel": {
                "slots": [p["key"] for p in prizes],
                "free_spins_per_day": 3,
                "extra_spin_points": 50,
                "max_extra_spins_per_day": 5,
            }
        },
    }


def demo_redemption(now: datetime) -> dict[str, str]:
    """Redemption terms of the demo: prizes land in the wallet at once; coupons until 90 days on."""
    return {
        "deadline": (now + timedelta(days=90)).date().isoformat(),
        "conditions": "奖品即时发放至「我的奖品」；优惠券在有效期内下单使用，逾期作废。",
    }


def seed_demo(session: Session, registry: Registry, now: datetime) -> Campaign:
    """Create the demo campaign, shoppers (with welcome points) and staff, once; returns the campaign."""
    existing = session.scalars(select(Campaign).where(Campaign.slug == DEMO_SLUG)).one_or_none()
    if existing is not None:
        return existing
    body = {
        "slug": DEMO_SLUG,
        "name": "白条狂欢季 · 幸运转盘",
        "name_en": "Baitiao Carnival · Lucky Wheel",
        "theme": "baitiao",
        "timezone": "Asia/Shanghai",
        "starts_at": (now - timedelta(days=1)).isoformat(),
        "ends_at": (now + timedelta(days=60)).isoformat(),
        "budget_fen": 10_000_000,
        "config": {**demo_config(), "redemption": demo_redemption(now)},
    }
    campaign = create_campaign(session, registry, body, "demo", now)
    for shopper in DEMO_SHOPPERS:
        user = User(
            role="shopper",
            external_id=shopper["sub"],
            display_name=shopper["name"],
            tier=shopper["tier"],
            created_at=now,
        )
        session.add(user)
        session.flush()
        welcome = Reward(RewardKind.POINTS, WELCOME_POINTS)
        grant(
            session,
            GrantRequest(
                key=f"welcome:{campaign.id}:{user.id}",
                campaign_id=campaign.id,
                user_id=user.id,
                prize_key="welcome",
                reward=welcome,
                cost_fen=WELCOME_POINTS,
                day=local_day(now, campaign.timezone),
            ),
            now,
        )
    for username, password, role in DEMO_STAFF:
        if session.scalars(select(User).where(User.username == username)).first() is None:
            create_staff(session, username, password, role, now)
    return campaign


def seed_history(
    sessions: Callable[[], Session], registry: Registry, campaign_id: int, clock: Callable[[], datetime]
) -> int:
    """Give the demo campaign one ended seed period an auditor can verify in the browser: a few shoppers'
    spins (each in a transaction of its own, as the API makes them, at ``clock``'s time), then the period
    ended (its seed revealed, its checkpoint published). Does nothing when the campaign already has an ended
    period; returns how many spins it made."""
    with sessions() as session, session.begin():
        if (
            session.scalars(
                select(SeedPeriod.id)
                .where(SeedPeriod.campaign_id == campaign_id)
                .where(SeedPeriod.closed_at.is_not(None))
            ).first()
            is not None
        ):
            return 0
        shoppers = [_history_shopper(session, shopper, clock()) for shopper in HISTORY_SHOPPERS]
    for user_id in shoppers:
        for _ in range(HISTORY_SPINS_EACH):
            with sessions() as session, session.begin():
                record_draw(session, play(session, registry, campaign_id, user_id, "wheel", Action("spin"), clock))
    with sessions() as session, session.begin():
        rotate(session, session.get_one(Campaign, campaign_id), clock())
    return len(shoppers) * HISTORY_SPINS_EACH


def _history_shopper(session: Session, shopper: dict[str, str], now: datetime) -> int:
    """The id of a history shopper's account, created once."""
    found = session.scalars(select(User.id).where(User.external_id == shopper["sub"])).first()
    if found is not None:
        return found
    user = User(role="shopper", external_id=shopper["sub"], display_name=shopper["name"], tier=shopper["tier"])
    user.created_at = now
    session.add(user)
    session.flush()
    return user.id
