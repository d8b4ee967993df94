"""The demo's points mall (积分商城), in the wheel campaign: eight goods of every kind from 500 to 50,000 points (a
¥20-off coupon Carnival issues, a red packet the history shoppers sold out, a phone top-up, a video membership, an
e-card, a power bank, earbuds on a 限时兑换 of 100 units opening at the next whole hour, a toothbrush for 金牌 members
and above); 小明 (普通) has points for shopping, 1,500 of them expiring in 20 days, and a top-up he redeemed, delivered
by the host. The coupon, the red packet and the e-card land in the shopper's wallet as they are redeemed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from economy.mall.models import MallGood
from economy.mall.redeem import RedeemRequest, fulfil, redeem
from economy.rewards import Reward, RewardKind
from economy.service import DEFAULT_POINTS_LIFETIME, GrantRequest, grant
from games.campaigns import admin
from games.fairness.periods import local_day
from games.models import Campaign
from server.api_ops_mall import GoodSchema, good_columns, stored_columns
from server.demo import DEMO_SHOPPERS, HISTORY_SHOPPERS, _history_shopper
from server.models import User

MALL_SHOPPER = DEMO_SHOPPERS[0]  # 小明, a 普通 member
SHOPPING_POINTS = 10_000  # points for shopping, living a year
BONUS_POINTS, BONUS_DAYS = 1_500, 20  # time-limited bonus points: the mall home warns they expire soon
SOLD_OUT_POINTS = 1_000  # what each history shopper got, then spent on the red packet they sold out
FLASH_UNITS, FLASH_HOURS = 100, 2
ART = "/static/play/prizes"
COUPON = {"type": "full_reduction", "title": "白条满200减20券", "threshold_fen": 20_000, "amount_fen": 2_000,
          "valid_days": 30}  # fmt: skip


def _good(name: str, name_en: str, kind: str, category: str, image: str, points: int, value_fen: int, stock: int,
          **extra: Any) -> dict[str, Any]:  # fmt: skip
    return {"name": name, "name_en": name_en, "kind": kind, "category": category, "image": image,
            "points_price": points, "value_fen": value_fen, "stock_left": stock, **extra}  # fmt: skip


def demo_goods(now: datetime, timezone: str) -> dict[str, dict[str, Any]]:
    """The goods by a key of the demo's own, as ops would add them (:class:`~server.api_ops_mall.GoodSchema`), in
    the order shown; the flash sale opens at the next whole hour of ``timezone`` after ``now``, for two hours."""
    opens = now.astimezone(ZoneInfo(timezone)).replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    flash = {"starts_at": opens.isoformat(), "ends_at": (opens + timedelta(hours=FLASH_HOURS)).isoformat()}
    goods = {
        "earbuds": _good("真无线蓝牙耳机", "True wireless earbuds", "physical", "实物", f"{ART}/earbuds.svg", 9_900,
                         19_900, FLASH_UNITS, total_limit=1, **flash),
        "coupon": _good("白条满200减20券", "¥20 off ¥200 with Baitiao", "coupon", "优惠券", f"{ART}/coupon.svg", 500,
                        2_000, 10_000, daily_limit=2, coupon=COUPON),
        "red_packet": _good("8.88元现金红包", "¥8.88 cash red packet", "red_packet", "红包", f"{ART}/red-packet.svg",
                            888, 888, len(HISTORY_SHOPPERS), total_limit=1),
        "top_up": _good("10元话费直充", "¥10 mobile top-up", "virtual", "虚拟", f"{ART}/phone-credit.svg", 1_000,
                        1_000, 5_000, daily_limit=1, total_limit=5),
        "video_vip": _good("视频会员月卡", "Video VIP, 1 month", "virtual", "虚拟", f"{ART}/vip-card.svg", 1_500,
                           2_500, 2_000, total_limit=1),
        "e_card": _good("50元京东E卡", "¥50 JD e-card", "gift_card", "卡券", "/static/play/mall/art/gift-card.svg",
                        5_000, 5_000, 500, daily_limit=1, total_limit=2),
        "power_bank": _good("10000mAh快充充电宝", "10,000 mAh fast-charge power bank", "physical", "实物",
                            f"{ART}/power-bank.svg", 6_900, 9_900, 300, total_limit=1),
        "toothbrush": _good("声波电动牙刷（金牌专享）", "Sonic electric toothbrush (Gold and above)", "physical",
                            "实物", f"{ART}/toothbrush.svg", 50_000, 49_900, 50, total_limit=1, min_tier_rank=2),
    }  # fmt: skip
    return {key: {**body, "sort": 10 * n} for n, (key, body) in enumerate(goods.items(), 1)}


def seed_mall_demo(sessions: Callable[[], Session], campaign_id: int, clock: Callable[[], datetime]) -> int | None:
    """Stock the campaign's mall (each good in the ops audit trail, as ops adding it), give 小明 his points and
    his delivered top-up, and let the history shoppers sell out the red packet: all through the economy, in one
    transaction. Once only: ``None`` when the mall has goods (or 小明 is missing); else how many goods."""
    now = clock()
    with sessions() as session, session.begin():
        taken = session.scalars(select(MallGood.id).where(MallGood.campaign_id == campaign_id)).first()
        shopper = session.scalars(select(User).where(User.external_id == MALL_SHOPPER["sub"])).one_or_none()
        if taken is not None or shopper is None:
            return None
        timezone = session.get_one(Campaign, campaign_id).timezone
        at = _Seeding(campaign_id, local_day(now, timezone), now)
        stocked = {key: _stock(session, at, body) for key, body in demo_goods(now, timezone).items()}
        _give(session, at, shopper.id, "shopping_points", SHOPPING_POINTS)
        fulfil(session, _redeem(session, at, shopper, stocked["top_up"]), now)  # the host delivered it
        _give(session, at, shopper.id, "bonus_points", BONUS_POINTS, timedelta(days=BONUS_DAYS))
        for history in HISTORY_SHOPPERS:
            buyer = session.get_one(User, _history_shopper(session, history, now))
            _give(session, at, buyer.id, "shopping_points", SOLD_OUT_POINTS)
            _redeem(session, at, buyer, stocked["red_packet"])
        return len(stocked)


@dataclass(frozen=True)
class _Seeding:
    """The mall campaign, its day and the moment the demo is seeded."""

    campaign_id: int
    day: str
    now: datetime


def _stock(session: Session, at: _Seeding, body: dict[str, Any]) -> int:
    """Add a good as the ops API does (validated by its schema, recorded in the audit trail); its id."""
    loaded = GoodSchema().load(body)
    good = MallGood(campaign_id=at.campaign_id, stock_total=loaded["stock_left"], **stored_columns(loaded))
    session.add(good)
    session.flush()
    admin.record(session, "demo", at.campaign_id, "mall_good_added", None, good_columns(good), at.now)
    return good.id


def _give(session: Session, at: _Seeding, user_id: int, prize_key: str, points: int,
          lifetime: timedelta = DEFAULT_POINTS_LIFETIME) -> None:  # fmt: skip
    """Grant ``points`` living ``lifetime`` to the shopper through the economy (charged to the campaign's budget)."""
    reward = Reward(RewardKind.POINTS, points)
    request = GrantRequest(f"demo-mall:{prize_key}:{at.campaign_id}:{user_id}", at.campaign_id, user_id, prize_key,
                           reward, points, at.day, points_lifetime=lifetime)  # fmt: skip
    grant(session, request, at.now)


def _redeem(session: Session, at: _Seeding, shopper: User, good_id: int) -> int:
    """One unit of the good for the shopper at their tier, as the shopper API redeems; the order's id."""
    key = f"demo-mall:{shopper.id}:{good_id}"
    return redeem(session, RedeemRequest(key, at.campaign_id, shopper.id, good_id, 1, shopper.tier, at.day), at.now).id
