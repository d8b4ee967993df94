"""The demo's 白条大富翁 campaign: a 20-tile board beside a wheel its spins tile feeds, tasks that earn dice from the
host's events (pay with 白条, open 白条, invite a friend who opens 白条, share, browse a venue) and points rules for
delivered orders; 小明 has paid an order with 白条 (its task gave him dice) and holds a remote-control die."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from economy.rewards import Reward, RewardKind
from economy.service import GrantRequest, grant
from games.campaigns.admin import create_campaign
from games.commerce.apply import apply_pending
from games.commerce.events import take_events
from games.engine.play import commit_seeds
from games.engine.registry import Registry
from games.fairness.periods import local_day
from games.models import Campaign
from server.demo import DEMO_SHOPPERS, _prize, demo_redemption
from server.host_events import shopper_id

MONOPOLY_SLUG = "baitiao-monopoly"
DICE_SHOPPER = DEMO_SHOPPERS[0]  # 小明

TILES: list[dict[str, Any]] = [
    {"kind": "start", "name": "起点", "name_en": "Start"},
    {"kind": "points", "name": "10积分", "name_en": "10 points", "points": 10},
    {"kind": "prize", "name": "3期免息券", "name_en": "3-month interest-free", "prize": "coupon_if3"},
    {"kind": "chance", "name": "机会", "name_en": "Chance"},
    {"kind": "points", "name": "20积分", "name_en": "20 points", "points": 20},
    {"kind": "draw", "name": "红包抽奖", "name_en": "Red packet draw",
     "draws": [{"prize": "red_188", "weight": 1}, {"prize": "thanks", "weight": 3}]},
    {"kind": "rest", "name": "休息站", "name_en": "Rest"},
    {"kind": "prize", "name": "转盘机会", "name_en": "Wheel spin", "prize": "spin_1"},
    {"kind": "points", "name": "30积分", "name_en": "30 points", "points": 30},
    {"kind": "chance", "name": "机会", "name_en": "Chance"},
    {"kind": "points", "name": "10积分", "name_en": "10 points", "points": 10},
    {"kind": "draw", "name": "免息抽奖", "name_en": "Coupon draw",
     "draws": [{"prize": "coupon_if12", "weight": 1}, {"prize": "points_50", "weight": 4}]},
    {"kind": "rest", "name": "休息站", "name_en": "Rest"},
    {"kind": "prize", "name": "5.88元红包", "name_en": "¥5.88 red packet", "prize": "red_588"},
    {"kind": "points", "name": "50积分", "name_en": "50 points", "points": 50},
    {"kind": "chance", "name": "机会", "name_en": "Chance"},
    {"kind": "points", "name": "20积分", "name_en": "20 points", "points": 20},
    {"kind": "prize", "name": "再来一次", "name_en": "Dice ×1", "prize": "dice_1"},
    {"kind": "rest", "name": "休息站", "name_en": "Rest"},
    {"kind": "points", "name": "100积分", "name_en": "100 points", "points": 100},
]  # fmt: skip
CARDS = [
    {"kind": "move", "name": "前进3步", "name_en": "Forward 3", "weight": 3, "steps": 3},
    {"kind": "move", "name": "后退2步", "name_en": "Back 2", "weight": 2, "steps": -2},
    {"kind": "double", "name": "双倍卡", "name_en": "Double", "weight": 2},
    {"kind": "free_roll", "name": "再掷一次", "name_en": "Free roll", "weight": 2},
    {"kind": "prize", "name": "1.88元红包", "name_en": "¥1.88 red packet", "weight": 1, "prize": "red_188"},
]
TASKS = [
    {"key": "pay_baitiao", "title": "白条支付满99元", "title_en": "Pay ¥99+ with 白条", "on": "order_paid",
     "min_amount_fen": 9900, "baitiao_only": True, "repeat": "daily", "max_times": 1, "prize": "dice_3"},
    {"key": "open_baitiao", "title": "开通白条", "title_en": "Open 白条", "on": "baitiao_opened", "prize": "dice_5"},
    {"key": "invite", "title": "邀请好友开通白条", "title_en": "Invite a friend who opens 白条",
     "on": "friend_opened_baitiao", "repeat": "repeatable", "max_times": 5, "prize": "dice_5"},
    {"key": "share", "title": "分享活动", "title_en": "Share the campaign", "on": "shared", "repeat": "daily",
     "prize": "dice_1"},
    {"key": "browse", "title": "逛白条会场15秒", "title_en": "Browse the 白条 venue for 15 s", "on": "browse",
     "seconds": 15, "repeat": "daily", "max_times": 2, "prize": "dice_1"},
]  # fmt: skip
POINTS_RULES = {
    "per_yuan": 1,
    "multipliers": [{"category": "数字商品", "percent": 120}, {"category": "图书音像", "percent": 150}],
    "big_order": {"min_fen": 100_000, "bonus_points": 200},
    "review": {"points": 10, "photo_bonus": 20, "daily_max": 3},
    "share": {"points": 5, "daily_max": 3},
}


def monopoly_demo_config() -> dict[str, Any]:
    """The board, its tasks and points rules, and a wheel the board's spins tile feeds."""
    coupon = {"type": "interest_free", "title": "白条{n}期免息券", "valid_days": 30}
    dice = {"kind": "item", "item": "dice"}
    prizes = [
        _prize("thanks", "谢谢参与", "Better luck next time", 6000, {"kind": "nothing"}, 0),
        _prize("points_50", "50积分", "50 points", 3000, {"kind": "points", "points": 50}, 50, stock=1_000_000),
        _prize("red_188", "1.88元红包", "¥1.88 red packet", 1000, {"kind": "red_packet", "amount_fen": 188}, 188,
               stock=20_000),
        _prize("red_588", "5.88元红包", "¥5.88 red packet", 0, {"kind": "red_packet", "amount_fen": 588}, 588,
               stock=10_000),
        _prize("coupon_if3", "3期免息券", "3-month interest-free", 0,
               {"kind": "coupon", "cost_fen": 300, "coupon": {**coupon, "title": "白条3期免息券", "periods": 3}}, 300,
               stock=20_000),
        _prize("coupon_if12", "12期免息券", "12-month interest-free", 0,
               {"kind": "coupon", "cost_fen": 2000, "coupon": {**coupon, "title": "白条12期免息券", "periods": 12}},
               2000, stock=2000),
        _prize("spin_1", "转盘机会×1", "1 wheel spin", 0, {"kind": "item", "item": "wheel_spin", "count": 1}, 0),
        _prize("dice_1", "骰子×1", "1 die", 0, {**dice, "count": 1}, 0),
        _prize("dice_3", "骰子×3", "3 dice", 0, {**dice, "count": 3}, 0),
        _prize("dice_5", "骰子×5", "5 dice", 0, {**dice, "count": 5}, 0),
        _prize("lap_100", "一圈奖励100积分", "100 points a lap", 0, {"kind": "points", "points": 100}, 100,
               stock=1_000_000),
        _prize("remote_1", "遥控骰子", "Remote-control die", 0, {"kind": "item", "item": "remote_dice", "count": 1}, 0),
    ]  # fmt: skip
    board = {
        "tiles": TILES, "dice": 1, "dice_item": "dice", "remote_item": "remote_dice", "double_item": "double_card",
        "cards": CARDS, "lap_prize": "lap_100", "lap_milestones": [{"laps": 3, "prize": "coupon_if12"}],
    }  # fmt: skip
    return {
        "pool": {"prizes": prizes, "fallback": "thanks"},
        "caps": [{"key": "daily_value", "per": "day", "max_value_fen": 20_000}],
        "games": {
            "monopoly": board,
            "tasks": {"points": POINTS_RULES, "tasks": TASKS},
            "wheel": {
                "slots": ["thanks", "points_50", "red_188", "thanks", "points_50", "thanks"],
                "free_spins_per_day": 0,
                "spin_item": "wheel_spin",
            },
        },
    }


def seed_monopoly_demo(
    sessions: Callable[[], Session], registry: Registry, clock: Callable[[], datetime]
) -> Campaign | None:
    """Create the board campaign (started yesterday); the host reports 小明's 白条 order (its task grants 3 dice)
    and a share (1 die and 5 points); he also holds a remote-control die. Once only: ``None`` when it exists."""
    now = clock()
    with sessions() as session, session.begin():
        if session.scalars(select(Campaign.id).where(Campaign.slug == MONOPOLY_SLUG)).first() is not None:
            return None
        campaign = create_campaign(session, registry, _campaign_body(now), "demo", now)
        campaign_id = campaign.id
    with sessions() as session, session.begin():
        commit_seeds(session, campaign_id, now)
    with sessions() as session, session.begin():
        campaign = session.get_one(Campaign, campaign_id)
        take_events(session, campaign, _events(now), now)
    with sessions() as session, session.begin():
        apply_pending(session, registry, campaign_id, shopper_id, now)
    with sessions() as session, session.begin():
        _give_remote(session, campaign_id, now)
        return session.get_one(Campaign, campaign_id)


def _events(now: datetime) -> list[dict[str, Any]]:
    at, user = (now - timedelta(hours=1)).isoformat(), DICE_SHOPPER["sub"]
    order = {"order_ref": "JD-DEMO-0001", "amount_fen": 19_900, "payment": "baitiao", "category": "数字商品"}
    return [
        {"id": "demo-order-paid-0001", "type": "order_paid", "user": user, "at": at, **order},
        {"id": "demo-shared-0001", "type": "shared", "user": user, "at": at},
    ]


def _give_remote(session: Session, campaign_id: int, now: datetime) -> None:
    user_id = shopper_id(session, DICE_SHOPPER["sub"])
    remote = Reward(RewardKind.ITEM, 1, item="remote_dice")
    request = GrantRequest(
        f"demo:remote:{campaign_id}:{user_id}",
        campaign_id,
        user_id,
        "remote_1",
        remote,
        0,
        local_day(now, "Asia/Shanghai"),
    )
    grant(session, request, now)


def _campaign_body(now: datetime) -> dict[str, Any]:
    return {
        "slug": MONOPOLY_SLUG,
        "name": "白条大富翁",
        "name_en": "Baitiao Monopoly",
        "theme": "baitiao",
        "timezone": "Asia/Shanghai",
        "starts_at": (now - timedelta(days=1)).isoformat(),
        "ends_at": (now + timedelta(days=30)).isoformat(),
        "budget_fen": 5_000_000,
        "config": {**monopoly_demo_config(), "redemption": demo_redemption(now)},
    }
