"""The demo's campaign messages (活动推送): a segment of every shopper, an in-app message about the wheel sent to
them at once (each demo shopper finds it unread in their inbox, their name filled in), and a draft push message to
lapsed buyers for ops to look at and start. Seeded once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from games.messages.admin import create_message, create_segment, move
from games.messages.batches import make_batch
from games.messages.models import Message, Segment
from games.messages.rules import SendPolicy
from server.segments import members_after

EVERYONE = "所有顾客"
LAPSED = "沉睡老客（下过 2 单以上，30 天未来）"
SENT = {
    "title": {"zh": "{name}，转盘加开啦", "en": "{name}, the wheel has extra spins"},
    "body": {"zh": "今晚 8 点前抽奖，白条免息券等你拿", "en": "Spin before 8 pm for interest-free coupons"},
    "channels": ["in_app"],
    "link": "?tab=wheel",
}
DRAFT = {
    "title": {"zh": "好久不见，{name}", "en": "Long time no see, {name}"},
    "body": {
        "zh": "你还有 {points} 积分，{expiring_points} 积分即将过期",
        "en": "{points} points, {expiring_points} expiring",
    },
    "channels": ["app_push", "in_app"],
    "variants": [{"key": "A", "share": 1}, {"key": "B", "share": 1, "title": {"zh": "{name}，积分快过期了"}}],
    "window": "19:00-21:00",
    "batch_size": 500,
    "batch_minutes": 30,
}
DEMO_POLICY = SendPolicy(daily_cap=2, quiet_hours=None)  # the demo's message goes out whenever the demo starts


def seed_messages_demo(
    sessions: sessionmaker[Session], campaign_id: int, timezone: str, clock: Callable[[], datetime]
) -> None:
    """Seed the demo messages of the wheel campaign, once."""
    with sessions() as session, session.begin():
        if session.scalars(select(Segment.id).where(Segment.name == EVERYONE)).first() is not None:
            return
        now = clock()
        everyone = create_segment(session, EVERYONE, {}, now)
        lapsed = create_segment(session, LAPSED, {"min_orders": 2, "inactive_days": 30}, now)
        sent = create_message(session, campaign_id, "转盘加开提醒", everyone.id, SENT, now)
        move(session, sent.id, "schedule", now)

        def members(_message: Message, after: str, limit: int) -> list[tuple[str, int | None]]:
            return [(m.external_id, m.user_id, m.timezone) for m in members_after(session, everyone, now, after, limit)]

        make_batch(session, sent.id, now, DEMO_POLICY, timezone, members)
        create_message(session, campaign_id, "沉睡老客召回", lapsed.id, DRAFT, now)
