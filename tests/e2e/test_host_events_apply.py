"""What the host's events earn, applied once after they are stored: points for delivered orders (by category,
rounded down), claw-backs on refund with owed points when they were spent, task completions granting dice."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from flask import Flask
from sqlalchemy import func, select

from economy.models import Grant
from economy.service import SpendRequest, spend
from games.commerce.models import HostEvent
from server.host_events import apply_host_events
from server.models import User
from tests.conftest import Clock, add_campaign, login
from tests.e2e.tasks_support import event, holdings, order, send, send_and_apply, tasks_config

RACERS = 20


def grants(app: Flask, like: str) -> int:
    with app.extensions["carnival.sessions"]() as session:
        return int(session.scalar(select(func.count()).select_from(Grant).where(Grant.key.like(like))) or 0)


def test_a_delivered_order_earns_its_points_and_the_payment_its_task(app: Flask) -> None:
    campaign = add_campaign(app, tasks_config())
    paid = order(app, "u-1", "JD-1", 129_950, category="数码")
    assert send_and_apply(app, campaign, [paid]) == 1
    assert holdings(app, campaign, "u-1") == (0, 0, 2)  # paid with 白条 ≥ ¥99: the task's 2 dice; no points yet
    assert send_and_apply(app, campaign, [event(app, "order_confirmed", "u-1", order_ref="JD-1")]) == 1
    assert holdings(app, campaign, "u-1") == (1759, 0, 2)  # floor(1,299.5 × 1.2) = 1,559, + 200 for ≥ ¥1,000


def test_an_event_sent_20_times_at_once_and_applied_by_4_appliers_earns_once(app: Flask) -> None:
    campaign = add_campaign(app, tasks_config())
    paid, confirmed = order(app, "u-2", "JD-2", 50_000), event(app, "order_confirmed", "u-2", order_ref="JD-2")
    start = threading.Barrier(RACERS)

    def post(_: int) -> list[str]:
        start.wait(10)
        return send(app, campaign, [paid, confirmed])

    with ThreadPoolExecutor(RACERS) as pool:
        results = [r for answer in pool.map(post, range(RACERS)) for r in answer]
    assert results.count("accepted") == 2 and results.count("duplicate") == 2 * RACERS - 2
    with ThreadPoolExecutor(4) as pool:
        assert sum(pool.map(lambda _: apply_host_events(app), range(4))) == 2
    assert apply_host_events(app) == 0
    assert holdings(app, campaign, "u-2") == (500, 0, 2)
    assert grants(app, "%:tasks:order:JD-2") == 1 and grants(app, "%:tasks:task:pay99:%") == 1


def test_a_refund_after_the_points_were_spent_leaves_them_owed_never_negative(app: Flask) -> None:
    campaign = add_campaign(app, tasks_config(tasks=[]))
    send_and_apply(app, campaign, [order(app, "u-3", "JD-3", 30_000)])
    send_and_apply(app, campaign, [event(app, "order_confirmed", "u-3", order_ref="JD-3")])
    assert holdings(app, campaign, "u-3")[0] == 300
    with app.extensions["carnival.sessions"]() as session, session.begin():
        user_id = session.scalars(select(User.id).where(User.external_id == "u-3")).one()
        spend(session, SpendRequest("mall:1", campaign, user_id, "POINTS", 250), app.extensions["carnival.clock"]())
    send_and_apply(app, campaign, [event(app, "order_refunded", "u-3", order_ref="JD-3")])
    assert holdings(app, campaign, "u-3") == (0, 250, 0)  # 50 taken back, 250 owed: on hold
    shopper = app.test_client()
    login(shopper, "u-3")
    assert shopper.get("/api/play/wallet").json["points_owed"] == 250
    send_and_apply(app, campaign, [order(app, "u-3", "JD-4", 40_000)])
    send_and_apply(app, campaign, [event(app, "order_confirmed", "u-3", order_ref="JD-4")])
    assert holdings(app, campaign, "u-3") == (150, 0, 0)  # the next 400 points repay the 250 first


def test_a_refunded_order_takes_back_the_task_completion_it_made(app: Flask) -> None:
    campaign = add_campaign(app, tasks_config())
    send_and_apply(app, campaign, [order(app, "u-4", "JD-5", 9_900)])
    assert holdings(app, campaign, "u-4") == (0, 0, 2)
    send_and_apply(app, campaign, [event(app, "order_refunded", "u-4", order_ref="JD-5")])
    assert holdings(app, campaign, "u-4") == (0, 0, 0)
    send_and_apply(app, campaign, [order(app, "u-4", "JD-6", 9_900)])
    assert holdings(app, campaign, "u-4") == (0, 0, 0)  # the task's one completion was used and withdrawn


def test_an_invitee_opening_baitiao_completes_the_first_inviters_task(app: Flask) -> None:
    campaign = add_campaign(app, tasks_config())
    invites = [event(app, "friend_invited", "u-5", invitee="u-7"), event(app, "friend_invited", "u-6", invitee="u-7")]
    send_and_apply(app, campaign, invites)
    send_and_apply(app, campaign, [event(app, "baitiao_opened", "u-7")])
    assert holdings(app, campaign, "u-5")[2] == 2
    assert holdings(app, campaign, "u-6")[2] == 0


def test_every_applied_event_says_how(app: Flask) -> None:
    campaign = add_campaign(app, tasks_config())
    send_and_apply(app, campaign, [order(app, "u-8", "JD-8", 100), event(app, "shared", "u-8")])
    with app.extensions["carnival.sessions"]() as session:
        rows = session.execute(select(HostEvent.type, HostEvent.outcome, HostEvent.applied_at)).all()
    assert [(kind, outcome) for kind, outcome, _ in rows] == [("order_paid", "applied"), ("shared", "applied")]
    assert all(applied_at is not None for *_, applied_at in rows)


def test_four_appliers_over_many_shoppers_apply_every_event_once(app: Flask) -> None:
    """Small batches of events of 20 shoppers in turn: concurrent runs take different events and lock shoppers in one
    order, so none waits on another in a circle; every event is applied once and earns once."""
    campaign = add_campaign(app, tasks_config())
    events = [order(app, f"many-{n % 20}", f"JD-M{n}", 10_000 + n) for n in range(200)]
    events += [event(app, "order_confirmed", f"many-{n % 20}", order_ref=f"JD-M{n}") for n in range(200)]
    for start in range(0, len(events), 100):
        assert set(send(app, campaign, events[start : start + 100])) == {"accepted"}
    with ThreadPoolExecutor(4) as pool:
        while sum(pool.map(lambda _: apply_host_events(app, limit_per_campaign=25), range(4))):
            pass
    with app.extensions["carnival.sessions"]() as session:
        pending = session.scalar(select(func.count()).select_from(HostEvent).where(HostEvent.applied_at.is_(None)))
        outcomes = set(session.scalars(select(HostEvent.outcome)))
    assert pending == 0 and outcomes == {"applied"}
    assert grants(app, "%:tasks:order:JD-M%") == 200
    assert sum(holdings(app, campaign, f"many-{n}")[0] for n in range(20)) == sum(
        (10_000 + n) // 100 for n in range(200)
    )


def test_a_refund_after_the_campaign_still_claws_back_and_strays_are_refused(app: Flask, clock: Clock) -> None:
    delivered = {"key": "delivered", "title": "确认收货", "on": "order_confirmed", "prize": "dice"}
    campaign = add_campaign(app, tasks_config(tasks=[delivered]))
    send_and_apply(app, campaign, [order(app, "late", "JD-L1", 20_000)])
    clock.advance(days=31)  # the campaign ended yesterday
    late = [
        event(app, "order_confirmed", "late", order_ref="JD-L1"),
        event(app, "order_confirmed", "late", order_ref="JD-NEVER-PAID"),
        order(app, "late", "JD-L2", 20_000),
    ]
    assert send(app, campaign, late) == ["accepted", "refused", "refused"]
    apply_host_events(app)
    assert holdings(app, campaign, "late")[0:3:2] == (200, 0)  # points, but no task progress after the end
    assert send_and_apply(app, campaign, [event(app, "order_refunded", "late", order_ref="JD-L1")]) == 1
    assert holdings(app, campaign, "late")[0] == 0


def test_a_refund_takes_back_only_points_the_budget_let_through(app: Flask) -> None:
    campaign = add_campaign(app, tasks_config(tasks=[]), budget_fen=100)  # ¥1: the 300 points (¥3) are refused
    send_and_apply(app, campaign, [order(app, "poor", "JD-P1", 30_000)])
    send_and_apply(app, campaign, [event(app, "order_confirmed", "poor", order_ref="JD-P1")])
    assert holdings(app, campaign, "poor")[0] == 0
    other = add_campaign(app, tasks_config(tasks=[]), slug="other")
    send_and_apply(app, other, [order(app, "poor", "JD-P2", 50_000)])
    send_and_apply(app, other, [event(app, "order_confirmed", "poor", order_ref="JD-P2")])
    assert holdings(app, other, "poor")[0] == 500
    send_and_apply(app, campaign, [event(app, "order_refunded", "poor", order_ref="JD-P1")])
    assert holdings(app, campaign, "poor")[:2] == (500, 0)  # nothing was granted: nothing taken, nothing owed
