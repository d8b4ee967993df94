"""The message worker against a real HTTP receiver on 127.0.0.1 standing in for the host's push gateway, on SQLite
and PostgreSQL: 10,000 members in batches while the gateway is down for a while, each member delivered once,
the daily cap held, the funnel's counts those of the receiver's log; quiet hours, pause and stop, dead letters."""

from __future__ import annotations

import json
import threading
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from sqlalchemy import func, insert, select, update

from games.messages.admin import create_message, create_segment, move
from games.messages.funnel import funnel
from games.messages.inbox import opt_out, receipts
from games.messages.models import ContactDay, Delivery, Message, OptOut
from games.messages.sending import claim_due, hold_back, settle
from server.api_host import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign_request
from server.config import DEV_HOST_SECRET
from server.message_worker import Round, gateway_of, make_due_batches, policy_of, work_once
from server.models import User
from tests.conftest import Clock, add_campaign, build_app, wheel_config

MEMBERS = 10_000


@dataclass
class Receiver:
    """A push gateway on a free port: answers 503 while ``down``, else 200; logs every delivery id it took, and
    how many posts it refused; checks each post's signature."""

    down: bool = False
    taken: list[str] = field(default_factory=list)
    refused_posts: int = 0
    bad_signatures: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    port: int = 0


@contextmanager
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            expected = sign_request(DEV_HOST_SECRET, self.headers[TIMESTAMP_HEADER], "POST", "/push", body)
            with state.lock:
                state.bad_signatures += expected != self.headers[SIGNATURE_HEADER]
                if state.down:
                    state.refused_posts += 1
                else:
                    state.taken += [item["id"] for item in json.loads(body)["deliveries"]]
            self.send_response(503 if state.down else 200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *_: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def gateway() -> Iterator[Receiver]:
    with receiver() as state:
        yield state


@pytest.fixture
def message_app(database_url: str, clock: Clock, gateway: Receiver) -> Iterator[Flask]:
    app = build_app(database_url, clock, CARNIVAL_PUSH_GATEWAY_URL=f"http://127.0.0.1:{gateway.port}/push")
    yield app
    app.extensions["carnival.engine"].dispose()


def add_shoppers(app: Flask, count: int, now: datetime) -> list[str]:
    """``count`` shoppers (host ids ``h-00000``...), as if each had opened Carnival once."""
    ids = [f"h-{i:05d}" for i in range(count)]
    rows = [{"role": "shopper", "external_id": i, "display_name": f"顾客{i[-4:]}", "tier": "normal",
             "created_at": now, "risk_flag": False} for i in ids]  # fmt: skip
    with app.extensions["carnival.sessions"]() as session, session.begin():
        session.execute(insert(User), rows)
    return ids


def new_message(app: Flask, now: datetime, **sending: Any) -> int:
    """A push + in-app message of the test campaign to every shopper, scheduled now."""
    campaign = add_campaign(app, wheel_config(), slug=f"msg-{uuid.uuid4().hex[:8]}")
    config = {"title": {"zh": "{name}，转盘开奖啦", "en": "{name}, spin now"},
              "body": {"zh": "今晚 8 点", "en": "8 pm"}, "channels": ["app_push", "in_app"], "link": "?tab=wheel",
              "batch_size": 2000, "batch_minutes": 10,
              "variants": [{"key": "A", "share": 1}, {"key": "B", "share": 1, "title": {"zh": "B 标题"}}],
              **sending}  # fmt: skip
    with app.extensions["carnival.sessions"]() as session, session.begin():
        segment = create_segment(session, "所有人", {}, now)
        message = create_message(session, campaign, "开奖提醒", segment.id, config, now)
        move(session, message.id, "schedule", now)
        return message.id


def work(app: Flask, clock: Clock, minutes: int) -> list[Round]:
    """A worker round a minute for ``minutes`` minutes of the app's clock."""
    gateway = gateway_of(app)
    assert gateway is not None
    rounds = []
    try:
        for _ in range(minutes):
            rounds.append(work_once(app, clock.now, gateway))
            clock.advance(minutes=1)
    finally:
        gateway.close()
    return rounds


def states(app: Flask, message_id: int) -> Counter[str]:
    with app.extensions["carnival.sessions"]() as session:
        rows = session.execute(
            select(Delivery.state, func.count()).where(Delivery.message_id == message_id).group_by(Delivery.state)
        )
        return Counter(dict(rows.all()))


def test_ten_thousand_members_in_batches_through_an_outage_each_get_one_delivery(
    message_app: Flask, clock: Clock, gateway: Receiver
) -> None:
    members = add_shoppers(message_app, MEMBERS, clock.now)
    opted_out, at_cap = members[:30], members[30:130]
    with message_app.extensions["carnival.sessions"]() as session, session.begin():
        session.execute(insert(OptOut), [{"external_id": i, "created_at": clock.now} for i in opted_out])
        session.execute(insert(ContactDay), [{"external_id": i, "day": "2026-11-23", "count": 2} for i in at_cap])
    message_id = new_message(message_app, clock.now)

    gateway.down = True  # the gateway is down for the first 10 minutes: the first batch's posts all fail
    rounds = work(message_app, clock, 10)
    assert gateway.refused_posts > 0 and not gateway.taken
    gateway.down = False
    rounds += work(message_app, clock, 50)  # 5 batches of 2,000, 10 minutes apart, and the retries

    expected = set(members) - set(opted_out) - set(at_cap)
    taken = Counter(gateway.taken)
    assert len(taken) == len(expected) and max(taken.values()) == 1  # each member's delivery taken once
    assert [len(r.batches) for r in rounds].count(1) == MEMBERS // 2000  # one batch every 10 minutes
    assert states(message_app, message_id) == {"sent": len(expected), "opted_out": 30, "capped": 100}
    assert sum(r.sent for r in rounds) == len(gateway.taken) and gateway.bad_signatures == 0
    with message_app.extensions["carnival.sessions"]() as session:
        total = funnel(session, message_id)["total"]
        assert (total["batched"], total["sent"]) == (MEMBERS, len(gateway.taken))  # the funnel counts the log
        assert session.scalar(select(func.max(ContactDay.count))) == 2  # the cap holds
        ids = {f"carnival-msg-{i}" for i in session.scalars(select(Delivery.id).where(Delivery.state == "sent"))}
    assert ids == set(taken)


def test_the_daily_cap_holds_across_two_campaigns_and_a_new_day_resets_it(
    message_app: Flask, clock: Clock, gateway: Receiver
) -> None:
    add_shoppers(message_app, 50, clock.now)
    first, second, third = (new_message(message_app, clock.now, batch_size=50) for _ in range(3))
    work(message_app, clock, 2)
    sent = [states(message_app, m)["sent"] for m in (first, second, third)]
    assert sent == [50, 50, 0] and states(message_app, third)["capped"] == 50
    clock.advance(days=1)
    fourth = new_message(message_app, clock.now, batch_size=50)
    work(message_app, clock, 2)
    assert states(message_app, fourth)["sent"] == 50


def test_a_delivery_held_past_its_batch_day_counts_on_the_day_it_is_sent(
    message_app: Flask, clock: Clock, gateway: Receiver
) -> None:
    capped_then, free_then = add_shoppers(message_app, 2, clock.now)
    message_id = new_message(message_app, clock.now, channels=["app_push"])
    gateway.down = True  # the batch's post fails: its deliveries wait, holding the batch day's contacts
    work(message_app, clock, 1)
    with message_app.extensions["carnival.sessions"]() as session:
        batch_day = set(session.scalars(select(Delivery.contact_day).where(Delivery.message_id == message_id)))
    assert len(batch_day) == 1 and not gateway.taken
    clock.advance(days=1)
    next_day = (date.fromisoformat(batch_day.pop()) + timedelta(days=1)).isoformat()
    with message_app.extensions["carnival.sessions"]() as session, session.begin():  # two others sent already
        session.execute(insert(ContactDay), [{"external_id": capped_then, "day": next_day, "count": 2}])
    gateway.down = False
    work(message_app, clock, 2)
    assert states(message_app, message_id) == {"sent": 1, "capped": 1}
    assert [taken.split("-")[-1] for taken in gateway.taken] == [str(_delivery_of(message_app, free_then))]
    with message_app.extensions["carnival.sessions"]() as session:
        counts = dict(
            session.execute(select(ContactDay.external_id, ContactDay.count).where(ContactDay.day == next_day)).all()
        )
    assert counts == {capped_then: 2, free_then: 1}  # the cap holds on the sending day, which counts the one sent


def _delivery_of(app: Flask, member: str) -> int:
    with app.extensions["carnival.sessions"]() as session:
        return int(session.scalars(select(Delivery.id).where(Delivery.external_id == member)).one())


def test_a_member_abroad_gets_the_message_in_the_window_of_their_own_time_zone(
    message_app: Flask, clock: Clock, gateway: Receiver
) -> None:
    at_home, abroad = add_shoppers(message_app, 2, clock.now)
    with message_app.extensions["carnival.sessions"]() as session, session.begin():
        session.execute(update(User).where(User.external_id == abroad).values(timezone="America/New_York"))
    clock.now = clock.now.replace(hour=11, minute=30)  # 19:30 in Shanghai, 06:30 in New York
    message_id = new_message(message_app, clock.now, channels=["app_push"], window="19:00-21:00")
    work(message_app, clock, 1)
    assert gateway.taken == [f"carnival-msg-{_delivery_of(message_app, at_home)}"]
    evening = datetime(2026, 11, 23, 19, tzinfo=ZoneInfo("America/New_York")).astimezone(UTC)
    with message_app.extensions["carnival.sessions"]() as session:
        waiting = session.scalars(select(Delivery).where(Delivery.external_id == abroad)).one()
        assert (waiting.state, waiting.next_attempt_at, waiting.timezone) == ("queued", evening, "America/New_York")
    clock.now = evening - timedelta(minutes=1)
    work(message_app, clock, 1)
    assert len(gateway.taken) == 1  # not before 19:00 in New York
    work(message_app, clock, 1)
    assert states(message_app, message_id) == {"sent": 2}
    assert gateway.taken[-1] == f"carnival-msg-{_delivery_of(message_app, abroad)}"


def test_nothing_goes_out_in_quiet_hours_and_the_batch_waits_for_the_morning(
    message_app: Flask, clock: Clock, gateway: Receiver
) -> None:
    add_shoppers(message_app, 20, clock.now)
    clock.now = clock.now.replace(hour=15)  # 23:00 in Shanghai
    message_id = new_message(message_app, clock.now)
    work(message_app, clock, 60)
    assert not gateway.taken and not states(message_app, message_id)
    clock.now = clock.now.replace(hour=23, minute=59) + timedelta(minutes=1)  # 08:00 in Shanghai
    work(message_app, clock, 2)
    assert len(gateway.taken) == 20


def test_a_paused_send_holds_its_queue_and_a_stopped_one_ends_it(
    message_app: Flask, clock: Clock, gateway: Receiver
) -> None:
    add_shoppers(message_app, 60, clock.now)
    message_id = new_message(message_app, clock.now, batch_size=20)
    gateway.down = True
    work(message_app, clock, 1)
    with message_app.extensions["carnival.sessions"]() as session, session.begin():
        move(session, message_id, "pause", clock.now)
    gateway.down = False
    work(message_app, clock, 30)
    assert not gateway.taken and states(message_app, message_id) == {"queued": 20}
    with message_app.extensions["carnival.sessions"]() as session, session.begin():
        move(session, message_id, "resume", clock.now)
    work(message_app, clock, 1)  # the queue held, and the second batch (due while paused)
    assert len(gateway.taken) == 40
    gateway.down = True
    work(message_app, clock, 11)  # the third batch, queued
    with message_app.extensions["carnival.sessions"]() as session, session.begin():
        move(session, message_id, "stop", clock.now)
    gateway.down = False
    work(message_app, clock, 30)
    assert len(gateway.taken) == 40 and states(message_app, message_id) == {"sent": 40, "stopped": 20}


def test_a_gateway_down_for_six_hours_sends_the_delivery_to_the_dead_letters(
    message_app: Flask, clock: Clock, gateway: Receiver
) -> None:
    add_shoppers(message_app, 5, clock.now)
    message_id = new_message(message_app, clock.now)
    gateway.down = True
    for _ in range(40):  # tries 30 s apart, doubling to 10 minutes: about 6 hours of them
        work(message_app, clock, 1)
        clock.advance(minutes=10)
    assert states(message_app, message_id) == {"dead": 5} and not gateway.taken


def test_a_guard_pauses_the_send_when_a_batch_is_not_delivered_and_resume_goes_on(
    message_app: Flask, clock: Clock, gateway: Receiver
) -> None:
    add_shoppers(message_app, 30, clock.now)
    guard = {"stage": "delivered", "min_percent": 50}
    message_id = new_message(message_app, clock.now, batch_size=10, guard=guard)
    work(message_app, clock, 11)  # batch 1 sent; no receipts by the time batch 2 is due: paused
    with message_app.extensions["carnival.sessions"]() as session:
        message = session.get(Message, message_id)
        assert message is not None and (message.state, message.batches) == ("paused", 1)
        assert message.note == "batch 1: 0% delivered, under 50%"
    with message_app.extensions["carnival.sessions"]() as session, session.begin():
        receipts(session, [{"id": i, "status": "delivered"} for i in gateway.taken[:6]], clock.now)
        move(session, message_id, "resume", clock.now)
    work(message_app, clock, 11)  # batch 2 goes; batch 2 (no receipts) holds batch 3
    assert states(message_app, message_id)["sent"] == 20
    with message_app.extensions["carnival.sessions"]() as session:
        message = session.get(Message, message_id)
        assert message is not None and (message.state, message.note) == ("paused", "batch 2: 0% delivered, under 50%")


def test_a_claim_takes_at_most_its_limit_of_a_large_fresh_batch(message_app: Flask, clock: Clock) -> None:
    add_shoppers(message_app, 3000, clock.now)
    new_message(message_app, clock.now, batch_size=3000)
    with message_app.extensions["carnival.sessions"]() as session:
        make_due_batches(session, clock.now, policy_of(message_app))  # 3,000 queued, the table's statistics stale
        with session.begin():
            first = claim_due(session, clock.now, 200)
        with session.begin():
            second = claim_due(session, clock.now, 200)
    assert len(first.ids) == len(second.ids) == 200 and not set(first.ids) & set(second.ids)


def test_a_shopper_who_opts_out_after_the_batch_is_not_sent_it(
    message_app: Flask, clock: Clock, gateway: Receiver
) -> None:
    members = add_shoppers(message_app, 3, clock.now)
    message_id = new_message(message_app, clock.now)
    gateway.down = True
    work(message_app, clock, 1)  # batched and queued; the gateway is down
    with message_app.extensions["carnival.sessions"]() as session, session.begin():
        opt_out(session, members[0], clock.now)
    gateway.down = False
    work(message_app, clock, 5)
    assert len(gateway.taken) == 2 and states(message_app, message_id) == {"sent": 2, "opted_out": 1}


def test_a_stop_leaves_what_a_worker_is_posting_to_that_worker(message_app: Flask, clock: Clock) -> None:
    add_shoppers(message_app, 4, clock.now)
    message_id = new_message(message_app, clock.now)
    with message_app.extensions["carnival.sessions"]() as session:
        make_due_batches(session, clock.now, policy_of(message_app))
        with session.begin():
            claim = claim_due(session, clock.now, 2)  # two are being posted...
        with session.begin():
            move(session, message_id, "stop", clock.now)  # ...when ops stop the send
        with session.begin():
            assert hold_back(session, claim, clock.now, policy_of(message_app), {}) == []  # stopped: not posted
    assert states(message_app, message_id) == {"stopped": 4}
    other = new_message(message_app, clock.now)
    with message_app.extensions["carnival.sessions"]() as session:
        make_due_batches(session, clock.now, policy_of(message_app))
        with session.begin():
            claim = claim_due(session, clock.now, 2)
        with session.begin():
            move(session, other, "stop", clock.now)
        with session.begin():  # posted before the stop took effect: the gateway took them
            settle(session, claim, claim.ids, {}, clock.now)
    assert states(message_app, other) == {"sent": 2, "stopped": 2}


def test_a_done_send_still_retrying_can_be_stopped(message_app: Flask, clock: Clock, gateway: Receiver) -> None:
    add_shoppers(message_app, 3, clock.now)
    message_id = new_message(message_app, clock.now, batch_minutes=1)
    gateway.down = True
    work(message_app, clock, 3)  # one batch, then none left: done, its deliveries retrying
    with message_app.extensions["carnival.sessions"]() as session, session.begin():
        message = session.get(Message, message_id)
        assert message is not None and message.state == "done"
        move(session, message_id, "stop", clock.now)
    gateway.down = False
    work(message_app, clock, 30)
    assert not gateway.taken and states(message_app, message_id) == {"stopped": 3}
