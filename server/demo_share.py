"""The demo's share campaign (分享助力 · 邀请有礼): 小明 has a share one assist in, two short of unlocking its first
prize (3 assists: a 6-month interest-free coupon; 5: a red packet), and an invite link; helpers may draw points."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from games.campaigns.admin import create_campaign
from games.engine.contract import Action, Profile
from games.engine.play import commit_seeds, play, record_draw
from games.engine.registry import Registry
from games.models import Campaign
from games.share.links import Found, record_code
from server.demo import DEMO_SHOPPERS, _prize, demo_redemption
from server.host_events import shopper_id
from server.share_links import new_code

SHARE_SLUG = "share-and-invite"
SHARER, HELPER = DEMO_SHOPPERS[0], DEMO_SHOPPERS[1]  # 小明 shares, 李华 helped once


def share_demo_config() -> dict[str, Any]:
    """Shares of 24 hours (3 assists: a coupon, 5: a red packet), helpers drawing 5 points or nothing, invitations
    rewarding both sides, and a gift card for an invitee's first 白条 payment."""
    coupon = {"type": "interest_free", "title": "白条6期免息券", "periods": 6, "valid_days": 30}
    prizes = [
        _prize("thanks", "谢谢参与", "Better luck next time", 1, {"kind": "nothing"}, 0),
        _prize("coupon_if6", "6期免息券", "6-month interest-free", 0,
               {"kind": "coupon", "cost_fen": 800, "coupon": coupon}, 800, stock=5000),
        _prize("red_888", "8.88元红包", "¥8.88 red packet", 0, {"kind": "red_packet", "amount_fen": 888}, 888,
               stock=2000),
        _prize("points_5", "5积分", "5 points", 0, {"kind": "points", "points": 5}, 5, stock=1_000_000),
        _prize("points_100", "100积分", "100 points", 0, {"kind": "points", "points": 100}, 100, stock=100_000),
        _prize("ecard_50", "50元京东E卡", "¥50 JD E-card", 0, {"kind": "gift_card", "amount_fen": 5000}, 5000,
               stock=500),
    ]  # fmt: skip
    share = {
        "hours": 24,
        "thresholds": [{"assists": 3, "prize": "coupon_if6"}, {"assists": 5, "prize": "red_888"}],
        "helper_prizes": [{"prize": "points_5", "weight": 1}, {"prize": "thanks", "weight": 1}],
        "fraud": {"helper_daily_max": 5, "ring_daily_max": 2, "velocity_per_minute": 10},
    }
    invite = {"inviter_prize": "points_100", "invitee_prize": "coupon_if6", "first_baitiao_prize": "ecard_50",
              "first_purchase_points": 30}  # fmt: skip
    return {"pool": {"prizes": prizes, "fallback": "thanks"}, "caps": [], "games": {"share": share, "invite": invite}}


def seed_share_demo(
    sessions: Callable[[], Session], registry: Registry, clock: Callable[[], datetime]
) -> Campaign | None:
    """Create the share campaign; 小明 starts a share and 李华 helps it once. Once only (``None`` when it exists)."""
    now = clock()
    with sessions() as session, session.begin():
        if session.scalars(select(Campaign.id).where(Campaign.slug == SHARE_SLUG)).first() is not None:
            return None
        campaign_id = create_campaign(session, registry, _campaign_body(now), "demo", now).id
    with sessions() as session, session.begin():
        commit_seeds(session, campaign_id, now)
    with sessions() as session, session.begin():
        sharer, helper = shopper_id(session, SHARER["sub"]), shopper_id(session, HELPER["sub"])
        code = new_code()
        started = play(session, registry, campaign_id, sharer, "share", Action("start", {"code": code}), clock, "",
                       Profile(device=f"demo-device-{SHARER['sub']}"))  # fmt: skip
        share = started.events[0].payload
        record_code(
            session, code, Found(campaign_id, sharer, share["number"], datetime.fromisoformat(share["expires_at"]))
        )
    with sessions() as session, session.begin():
        helped = play(session, registry, campaign_id, helper, "share", Action("assist", {"share": share["number"]}),
                      clock, "", Profile(device=f"demo-device-{HELPER['sub']}"), partner=sharer)  # fmt: skip
        record_draw(session, helped)
        return session.get_one(Campaign, campaign_id)


def _campaign_body(now: datetime) -> dict[str, Any]:
    return {
        "slug": SHARE_SLUG,
        "name": "分享助力 · 邀请有礼",
        "name_en": "Share & Invite",
        "theme": "baitiao",
        "timezone": "Asia/Shanghai",
        "starts_at": (now - timedelta(days=1)).isoformat(),
        "ends_at": (now + timedelta(days=30)).isoformat(),
        "budget_fen": 5_000_000,
        "config": {**share_demo_config(), "redemption": demo_redemption(now)},
    }
