"""Idempotency claims (server/idempotency.py) that outlive their request, on SQLite and PostgreSQL."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from games.models import DrawRecord
from server.idempotency import Answer, request_fingerprint, run_once
from server.models import IdempotencyKey
from tests.conftest import Clock, add_campaign, login, wheel_config

KEY = "spin-orphan-0001"


def spin(client: FlaskClient, campaign: int):  # type: ignore[no-untyped-def]
    return client.post(f"/api/play/{campaign}/wheel/spin", headers={"Idempotency-Key": KEY})


def leave_running_claim(app: Flask, user: int, campaign: int, clock: Clock) -> None:
    """What a server process killed between claiming the key and committing the spin leaves behind."""
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


def test_a_slow_first_request_cannot_commit_after_a_retry_took_its_claim_over(
    app: Flask, client: FlaskClient, clock: Clock
) -> None:
    user = login(client, "slowpoke")

    def retry(_session: object) -> Answer:
        return Answer(200, {"by": "retry"})

    def slow(session: object) -> Answer:  # runs while it owns the claim: meanwhile a retry takes it over
        clock.advance(seconds=31)
        with app.test_request_context():
            return run_once(app.extensions["carnival.sessions"](), user, KEY, "f" * 64, retry)

    with app.test_request_context():
        first = run_once(app.extensions["carnival.sessions"](), user, KEY, "f" * 64, slow)
    assert (first.status, first.body["error"]) == (409, "request_in_progress")
    with app.extensions["carnival.sessions"]() as session:
        row = session.scalars(select(IdempotencyKey).where(IdempotencyKey.key == KEY)).one()
    assert (row.status, row.response_body) == ("done", '{"by": "retry"}')
