"""The funnel counted by the database, on SQLite and PostgreSQL: per variant and batch, a delivery counts from
sent on once sent; its orders are its member's orders paid in [sent_at, sent_at + 7 days), an order the host
sent to two campaigns once, and their sales."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Flask
from sqlalchemy.orm import Session

from games.commerce.models import HostEvent
from games.messages.admin import create_segment
from games.messages.funnel import funnel
from games.messages.models import Delivery, Message
from games.messages.rules import ATTRIBUTION
from tests.conftest import Clock, add_campaign, wheel_config


def _delivery(message: int, batch: int, member: str, variant: str, sent: datetime | None, **more: object) -> Delivery:
    state = "sent" if sent else more.pop("state", "queued")
    return Delivery(message_id=message, batch=batch, external_id=member, variant=variant, state=state, attempts=1,
                    created_at=sent or datetime.now().astimezone(), sent_at=sent,
                    attributed_until=sent + ATTRIBUTION if sent else None, **more)  # fmt: skip


def _order(campaign: int, member: str, order: str, at: datetime, fen: int, copy: int = 0) -> HostEvent:
    return HostEvent(event_id=f"{order}-{copy}", campaign_id=campaign, type="order_paid", user=member, occurred_at=at,
                     received_at=at, body_json="{}", body_hash="h", subject=order, amount_fen=fen)  # fmt: skip


def test_the_funnel_counts_per_variant_and_batch_and_attributes_orders_within_seven_days(
    app: Flask, clock: Clock
) -> None:
    campaign, other = add_campaign(app, wheel_config()), add_campaign(app, wheel_config(), slug="other")
    first, second = clock.now, clock.now + timedelta(hours=2)
    with app.extensions["carnival.sessions"]() as session, session.begin():
        message = _message(session, campaign, first)
        session.add_all([
            _delivery(message, 1, "u1", "A", first),
            _delivery(message, 1, "u2", "B", first, delivered_at=first, opened_at=first, visited_at=first),
            _delivery(message, 2, "u3", "A", None),
            _delivery(message, 2, "u4", "A", None, state="capped"),
            _delivery(message, 2, "u5", "A", second, delivered_at=second),
        ])  # fmt: skip
        session.add_all([
            _order(campaign, "u1", "o1", first + timedelta(hours=1), 10_000),
            _order(other, "u1", "o1", first + timedelta(hours=1), 10_000, copy=1),  # the same order, twice sent
            _order(campaign, "u1", "o2", first + ATTRIBUTION, 7_000),  # the span's end: not this delivery's
            _order(campaign, "u1", "o3", first - timedelta(seconds=1), 5_000),  # before the send
            _order(campaign, "u1", "o4", first + ATTRIBUTION - timedelta(seconds=1), 5_000),
            _order(campaign, "u3", "o5", first + timedelta(hours=1), 9_000),  # never sent to: not counted
            _order(campaign, "u5", "o6", second + timedelta(days=1), 3_000),
        ])  # fmt: skip
    with app.extensions["carnival.sessions"]() as session:
        counted = funnel(session, message)
    rows = {(row["variant"], row["batch"]): row for row in counted["rows"]}
    assert list(rows) == [("A", 1), ("B", 1), ("A", 2)]
    stages = ("batched", "sent", "delivered", "opened", "visited", "played", "ordered", "orders", "sales_fen")
    assert [rows["A", 1][s] for s in stages] == [1, 1, 0, 0, 0, 0, 1, 2, 15_000]
    assert [rows["B", 1][s] for s in stages] == [1, 1, 1, 1, 1, 0, 0, 0, 0]
    assert [rows["A", 2][s] for s in stages] == [3, 1, 1, 0, 0, 0, 1, 1, 3_000]
    assert [counted["total"][s] for s in stages] == [5, 3, 2, 1, 1, 0, 2, 3, 18_000]
    assert {v["variant"]: v["batched"] for v in counted["variants"]} == {"A": 4, "B": 1}


def _message(session: Session, campaign: int, now: datetime) -> int:
    segment = create_segment(session, "所有人", {}, now)
    message = Message(campaign_id=campaign, name="m", segment_id=segment.id, config_json="{}", state="sending",
                      batches=2, created_at=now, updated_at=now)  # fmt: skip
    session.add(message)
    session.flush()
    return message.id
