"""Check-ins raced by real threads on SQLite and PostgreSQL: the same shopper's double check-in and double make-up
each give one success and one 409, with one grant and one draw record; a race across midnight gives two days."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from economy.models import Grant
from games.models import DrawRecord
from tests.conftest import Clock, add_campaign
from tests.e2e.checkin_support import act, checkin_config, login_tier, view

RACERS = 6


def race(app: Flask, sub: str, campaign: int, action: str, body: dict[str, Any] | None = None) -> list[Any]:
    """``RACERS`` sessions of the shopper ``sub`` send ``action`` at once; their answers."""
    clients = [app.test_client() for _ in range(RACERS)]
    for client in clients:
        login_tier(client, sub)
    start = threading.Barrier(RACERS)
    answers: list[Any] = [None] * RACERS

    def send(index: int) -> None:
        start.wait(10)
        answers[index] = act(clients[index], campaign, action, body)

    threads = [threading.Thread(target=send, args=(i,), name=f"racer-{i}") for i in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return answers


def outcomes(answers: list[Any]) -> Counter[tuple[int, str | None]]:
    return Counter((a.status_code, a.json.get("error")) for a in answers)


def counts(app: Flask, campaign: int) -> tuple[int, int]:
    """Check-in grants and draw records of ``campaign``."""
    with app.extensions["carnival.sessions"]() as session:
        grants = session.scalar(select(func.count()).select_from(Grant).where(Grant.campaign_id == campaign))
        draws = session.scalar(select(func.count()).select_from(DrawRecord).where(DrawRecord.campaign_id == campaign))
    return int(grants or 0), int(draws or 0)


def test_a_double_check_in_gives_one_success_and_one_grant(app: Flask) -> None:
    campaign = add_campaign(app, checkin_config())
    answers = race(app, "racer-checkin", campaign, "check_in")
    assert outcomes(answers) == {(200, None): 1, (409, "already_checked_in"): RACERS - 1}
    assert counts(app, campaign) == (1, 1)


def test_a_double_make_up_of_one_day_gives_one_success_and_one_payment(app: Flask, clock: Clock) -> None:
    campaign = add_campaign(app, checkin_config())
    shopper = app.test_client()
    login_tier(shopper, "racer-makeup")
    assert act(shopper, campaign, "check_in").status_code == 200
    clock.advance(days=2)
    assert act(shopper, campaign, "check_in").status_code == 200
    missed = (date.fromisoformat(view(shopper, campaign)["today"]) - timedelta(days=1)).isoformat()
    answers = race(app, "racer-makeup", campaign, "make_up", {"day": missed})
    assert outcomes(answers) == {(200, None): 1, (409, "already_checked_in"): RACERS - 1}
    state = view(shopper, campaign)
    assert state["streak"] == 3 and state["points"] == 3 * 10 - 20  # one make-up paid, one day rewarded
    assert counts(app, campaign) == (3, 3)


def test_check_ins_racing_across_midnight_check_in_each_day_once(app: Flask, clock: Clock) -> None:
    """One racer's clock reads 23:59:59.9 (Shanghai), the others' 00:00:00.1: the day ends (and a seed period
    with it) in the middle of the race. Each day is checked in at most once; the late racer whose reading falls
    behind the shopper's newer draw is refused (503 period_closed, retried by the app) and gets nothing."""
    campaign = add_campaign(app, checkin_config())
    midnight = datetime(2026, 11, 23, 16, 0, tzinfo=UTC)
    clock.now = midnight - timedelta(minutes=5)
    real = app.extensions["carnival.clock"]

    def crossing() -> datetime:
        late = threading.current_thread().name != "racer-0"
        return midnight + timedelta(milliseconds=100) if late else midnight - timedelta(milliseconds=100)

    app.extensions["carnival.clock"] = crossing
    try:
        answers = race(app, "racer-midnight", campaign, "check_in")
    finally:
        app.extensions["carnival.clock"] = real
    days = Counter(a.json["events"][0]["payload"]["date"] for a in answers if a.status_code == 200)
    assert days["2026-11-24"] == 1 and days["2026-11-23"] <= 1, days
    refused = Counter(a.json["error"] for a in answers if a.status_code != 200)
    assert set(refused) <= {"already_checked_in", "period_closed"}, refused
    assert sum(days.values()) + sum(refused.values()) == RACERS
    assert counts(app, campaign) == (sum(days.values()), sum(days.values()))
