"""Campaigns with tasks and points rules for the tests, and the host's events that feed them."""

from __future__ import annotations

from itertools import count
from typing import Any

from flask import Flask
from sqlalchemy import select

from economy import ledger
from economy.clawback import owed_points
from economy.items import item_balance
from server.host_events import apply_host_events
from server.models import User
from tests.e2e.checkin_support import checkin_config
from tests.e2e.test_host_api import signed

_ids = count()
POINTS_RULES = {
    "per_yuan": 1,
    "multipliers": [{"category": "数码", "percent": 120}, {"category": "图书", "percent": 150}],
    "big_order": {"min_fen": 100_000, "bonus_points": 200},
    "review": {"points": 10, "photo_bonus": 20, "daily_max": 2},
}
TASKS = [
    {"key": "pay99", "title": "白条支付满99元", "on": "order_paid", "min_amount_fen": 9900, "baitiao_only": True,
     "prize": "dice"},
    {"key": "checkin", "title": "今日签到", "on": "played", "game": "checkin", "action": "check_in",
     "repeat": "daily", "prize": "dice"},
    {"key": "invite_bt", "title": "邀请好友开通白条", "on": "friend_opened_baitiao", "repeat": "repeatable",
     "max_times": 5, "prize": "dice"},
    {"key": "browse", "title": "逛会场15秒", "on": "browse", "seconds": 15, "repeat": "daily", "max_times": 2,
     "prize": "dice"},
]  # fmt: skip


def tasks_config(tasks: list[dict[str, Any]] | None = None, points: dict[str, Any] | None = None) -> dict[str, Any]:
    """The check-in test campaign with tasks and points rules; a ``dice`` prize (2 dice, weight 0) for tasks."""
    config = checkin_config()
    config["pool"]["prizes"].insert(
        0, {"key": "dice", "name": "骰子×2", "weight": 0, "reward": {"kind": "item", "item": "dice", "count": 2}}
    )
    config["games"]["tasks"] = {"points": points or POINTS_RULES, "tasks": TASKS if tasks is None else tasks}
    return config


def event(app: Flask, kind: str, user: str, event_id: str | None = None, **fields: Any) -> dict[str, Any]:
    """A host event of ``kind`` by ``user``, happening now by the app's clock."""
    at = app.extensions["carnival.clock"]().isoformat()
    return {"id": event_id or f"ev-{next(_ids)}", "type": kind, "user": user, "at": at, **fields}


def order(app: Flask, user: str, ref: str, amount_fen: int, category: str = "日用", payment: str = "baitiao") -> Any:
    """An ``order_paid`` event."""
    return event(app, "order_paid", user, order_ref=ref, amount_fen=amount_fen, category=category, payment=payment)


def send(app: Flask, campaign: int, events: list[dict[str, Any]]) -> list[str]:
    """Send a batch as the host's server; the result of each event."""
    answer = signed(app.test_client(), "POST", "/api/host/events", {"campaign": campaign, "events": events})
    assert answer.status_code == 200, answer.json
    return [result["result"] for result in answer.json["results"]]


def send_and_apply(app: Flask, campaign: int, events: list[dict[str, Any]]) -> int:
    """Send a batch and apply what is pending, as the clock does; how many events were applied."""
    assert set(send(app, campaign, events)) <= {"accepted", "duplicate"}
    return apply_host_events(app)


def holdings(app: Flask, campaign: int, user: str) -> tuple[int, int, int]:
    """A host user's (spendable points, owed points, dice) now."""
    with app.extensions["carnival.sessions"]() as session:
        user_id = session.scalars(select(User.id).where(User.external_id == user)).one()
        now = app.extensions["carnival.clock"]()
        points = ledger.spendable_points(session, user_id, now)
        return points, owed_points(session, user_id), item_balance(session, campaign, user_id, "dice")
