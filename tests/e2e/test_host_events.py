"""The host's server reports what shoppers did: each event of a batch is accepted once per host event id, a
repeat answers duplicate, and a bad one is refused with its reason while the rest of the batch is kept."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from games.commerce.models import HostEvent
from tests.conftest import add_campaign
from tests.e2e.checkin_support import checkin_config
from tests.e2e.test_host_api import signed

RACERS = 20


def paid(event_id: str, app: Flask, **changes: Any) -> dict[str, Any]:
    at = app.extensions["carnival.clock"]().isoformat()
    event = {"id": event_id, "type": "order_paid", "user": "u-10086", "at": at, "order_ref": f"JD-{event_id}"}
    return {**event, "amount_fen": 129900, "payment": "baitiao", "category": "数码", **changes}


def send(app: Flask, campaign: int, events: list[Any]) -> Any:
    return signed(app.test_client(), "POST", "/api/host/events", {"campaign": campaign, "events": events})


def stored(app: Flask) -> int:
    with app.extensions["carnival.sessions"]() as session:
        return int(session.scalar(select(func.count()).select_from(HostEvent)) or 0)


def test_each_event_is_answered_and_stored_once(app: Flask) -> None:
    campaign = add_campaign(app, checkin_config())
    now = app.extensions["carnival.clock"]()
    batch = [
        paid("e-1", app),
        {"id": "e-2", "type": "baitiao_opened", "user": "u-10086", "at": now.isoformat()},
        paid("e-1", app),  # the same event twice in one batch
        paid("e-3", app, amount_fen=0),
        {"id": "e-4", "type": "teleported", "user": "u-1", "at": now.isoformat()},
        paid("e-5", app, at=(now + timedelta(days=90)).isoformat()),
        "not an event",
    ]
    answer = send(app, campaign, batch)
    assert answer.status_code == 200, answer.json
    results = [(r["id"], r["result"], r["error"]) for r in answer.json["results"]]
    assert results == [
        ("e-1", "accepted", None),
        ("e-2", "accepted", None),
        ("e-1", "duplicate", None),
        ("e-3", "refused", "invalid_event"),
        ("e-4", "refused", "unknown_type"),
        ("e-5", "refused", "outside_campaign"),
        (None, "refused", "invalid_event"),
    ]
    assert answer.json["results"][3]["fields"] == {
        "amount_fen": ["Must be greater than or equal to 1 and less than or equal to 10000000000."]
    }
    assert (answer.json["accepted"], answer.json["duplicates"], answer.json["refused"]) == (2, 1, 4)
    again = send(app, campaign, [paid("e-1", app), paid("e-1", app, amount_fen=1)])
    assert [(r["result"], r["error"]) for r in again.json["results"]] == [
        ("duplicate", None),
        ("refused", "event_id_reused"),
    ]
    assert stored(app) == 2


def test_an_event_sent_20_times_at_once_is_accepted_once(app: Flask) -> None:
    campaign = add_campaign(app, checkin_config())
    start, answers = threading.Barrier(RACERS), [None] * RACERS

    def post(index: int) -> None:
        start.wait(10)
        answers[index] = send(app, campaign, [paid("race-1", app)]).json["results"][0]["result"]

    threads = [threading.Thread(target=post, args=(i,)) for i in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert Counter(answers) == {"accepted": 1, "duplicate": RACERS - 1}
    assert stored(app) == 1


def test_a_batch_needs_a_known_campaign_and_a_signature(app: Flask) -> None:
    campaign = add_campaign(app, checkin_config())
    assert send(app, 999, [paid("x-1", app)]).status_code == 404
    assert send(app, campaign, []).status_code == 422
    assert app.test_client().post("/api/host/events", json={"campaign": campaign, "events": []}).status_code == 401
