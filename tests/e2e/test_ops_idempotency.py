"""Ops writes honour an Idempotency-Key like the spin does (server/idempotency.py ``idempotent``), on SQLite
and PostgreSQL: the same key and body get the first answer, another body 422, and twins racing with one key
create one campaign."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from games.models import Campaign
from tests.e2e.test_ops_api import draft, staff

KEY = {"Idempotency-Key": "ops-create-0001"}


def campaigns(app: Flask) -> int:
    with app.extensions["carnival.sessions"]() as session:
        return int(session.scalar(select(func.count(Campaign.id))) or 0)


def test_a_repeated_create_answers_the_first_campaign_and_creates_no_other(app: Flask) -> None:
    ops = staff(app, "ops", "repeat-ops")
    body = ops.get("/api/ops/campaigns/template").json
    first = ops.post("/api/ops/campaigns", json=body, headers=KEY)
    again = ops.post("/api/ops/campaigns", json=body, headers=KEY)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json == first.json and again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert campaigns(app) == 1
    other = ops.post("/api/ops/campaigns", json={**body, "name": "另一个"}, headers=KEY)
    assert (other.status_code, other.json["error"]) == (422, "idempotency_key_reused")
    assert campaigns(app) == 1


def test_a_key_is_per_account_and_writes_without_one_run_as_before(app: Flask) -> None:
    olivia, oscar = staff(app, "ops", "key-olivia"), staff(app, "ops", "key-oscar")
    body = olivia.get("/api/ops/campaigns/template").json
    assert olivia.post("/api/ops/campaigns", json=body, headers=KEY).status_code == 201
    assert oscar.post("/api/ops/campaigns", json=body, headers=KEY).status_code == 201
    assert olivia.post("/api/ops/campaigns", json=body).status_code == 201
    assert campaigns(app) == 3
    short = olivia.post("/api/ops/campaigns", json=body, headers={"Idempotency-Key": "short"})
    assert (short.status_code, short.json["error"]) == (400, "idempotency_key_required")
    assert campaigns(app) == 3


def test_a_refused_publish_is_answered_again_and_a_publish_is_not_repeated(app: Flask) -> None:
    ops = staff(app, "ops", "publish-ops")
    created = ops.post("/api/ops/campaigns", json=ops.get("/api/ops/campaigns/template").json).json["id"]
    revision, _ = draft(ops, created)
    stale = ops.post(f"/api/ops/campaigns/{created}/publish", json={"revision": revision + 5}, headers=KEY)
    replayed = ops.post(f"/api/ops/campaigns/{created}/publish", json={"revision": revision + 5}, headers=KEY)
    assert stale.status_code == replayed.status_code == 409 and replayed.json == stale.json
    key = {"Idempotency-Key": "ops-publish-0001"}
    published = ops.post(f"/api/ops/campaigns/{created}/publish", json={"revision": revision}, headers=key)
    assert published.status_code == 200, published.json
    again = ops.post(f"/api/ops/campaigns/{created}/publish", json={"revision": revision}, headers=key)
    assert again.json == published.json and again.headers["Idempotent-Replayed"] == "true"
    assert len(ops.get(f"/api/ops/campaigns/{created}").json["versions"]) == 1


def test_twins_racing_with_one_key_create_one_campaign(app: Flask) -> None:
    staff(app, "ops", "twin-ops")
    clients: list[FlaskClient] = []
    for _ in range(6):
        client = app.test_client()
        signed_in = client.post("/api/session/staff", json={"username": "twin-ops", "password": "a-long-password"})
        assert signed_in.status_code == 200
        clients.append(client)
    body = clients[0].get("/api/ops/campaigns/template").json
    barrier = threading.Barrier(len(clients))

    def create(client: FlaskClient) -> tuple[int, int | None]:
        barrier.wait(timeout=60)
        answer = client.post("/api/ops/campaigns", json=body, headers={"Idempotency-Key": "ops-twins-0001"})
        return answer.status_code, (answer.json or {}).get("id")

    with ThreadPoolExecutor(max_workers=len(clients)) as pool:
        answers = list(pool.map(create, clients))
    created = {campaign for status, campaign in answers if status == 201}
    assert len(created) == 1, answers
    assert all(status in (201, 409) for status, _ in answers), answers  # 409: the first still running
    assert campaigns(app) == 1
