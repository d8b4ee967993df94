"""Idempotency keys (server/idempotency.py) across dead requests, twins and claims left by an older version,
on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from games.models import DrawRecord
from server import db
from server.idempotency import Answer, request_fingerprint, run_once
from server.models import IdempotencyKey
from tests.conftest import Clock, add_campaign, build_app, login, wheel_config
from tests.services import fresh_postgres_database

KEY = "spin-orphan-0001"


def spin(client: FlaskClient, campaign: int):  # type: ignore[no-untyped-def]
    return client.post(f"/api/play/{campaign}/wheel/spin", headers={"Idempotency-Key": KEY})


def leave_running_claim(app: Flask, user: int, campaign: int, clock: Clock) -> None:
    """What a server process of an older version (which claimed keys in a transaction of their own) left
    behind when it was killed between claiming the key and committing the spin."""
    fingerprint = request_fingerprint("POST", f"/api/play/{campaign}/wheel/spin", b"")
    with app.extensions["carnival.sessions"]() as session, session.begin():
        session.add(IdempotencyKey(user_id=user, key=KEY, request_hash=fingerprint, created_at=clock.now))


def draws(app: Flask) -> int:
    with app.extensions["carnival.sessions"]() as session:
        return session.scalar(select(func.count()).select_from(DrawRecord)) or 0


def test_a_claim_left_running_by_a_dead_request_is_taken_over_after_30_seconds(
    app: Flask, client: FlaskClient, clock: Clock
) -> None:
    campaign = add_campaign(app, wheel_config())
    user = login(client, "orphan")
    leave_running_claim(app, user, campaign, clock)
    clock.advance(seconds=29)
    busy = spin(client, campaign)
    assert (busy.status_code, busy.json["error"]) == (409, "request_in_progress")
    clock.advance(seconds=2)
    retried = spin(client, campaign)
    assert retried.status_code == 200 and draws(app) == 1
    again = spin(client, campaign)
    assert again.json == retried.json and again.headers["Idempotent-Replayed"] == "true" and draws(app) == 1


@pytest.fixture
def postgres_app() -> Iterator[Flask]:
    """PostgreSQL only: SQLite runs one writing transaction at a time, so no twin commits inside another's."""
    with fresh_postgres_database() as url:
        app = build_app(url, Clock())
        yield app
        app.extensions["carnival.engine"].dispose()


def test_a_request_whose_twin_committed_first_answers_the_twins_answer_and_rolls_back(postgres_app: Flask) -> None:
    app = postgres_app
    user = login(app.test_client(), "slowpoke")
    sessions = app.extensions["carnival.sessions"]

    def twin(_session: object) -> Answer:
        return Answer(200, {"by": "twin"})

    def slow(session: Session) -> Answer:  # while it works, a twin with the same key runs and commits
        session.add(IdempotencyKey(user_id=user, key="left-by-slow", request_hash="0" * 64, created_at=db.now()))
        with app.test_request_context():
            run_once(sessions(), user, KEY, "f" * 64, twin)
        return Answer(200, {"by": "slow"})

    with app.test_request_context():
        first = run_once(sessions(), user, KEY, "f" * 64, slow)
        again = run_once(sessions(), user, KEY, "f" * 64, slow)
    assert first == again == Answer(200, {"by": "twin"}, replayed=True)
    with sessions() as session:
        keys = session.scalars(select(IdempotencyKey.key).where(IdempotencyKey.user_id == user)).all()
    assert keys == [KEY], "the slow request's own work rolled back"


def test_a_dead_request_leaves_no_claim_behind(app: Flask, client: FlaskClient) -> None:
    user = login(client, "crashed")

    def crash(_session: object) -> Answer:
        raise RuntimeError("the process died here")

    with app.test_request_context(), pytest.raises(RuntimeError):
        run_once(app.extensions["carnival.sessions"](), user, KEY, "f" * 64, crash)
    with app.test_request_context():
        retried = run_once(app.extensions["carnival.sessions"](), user, KEY, "f" * 64, lambda _s: Answer(200, {}))
    assert retried == Answer(200, {})
