"""The shopper API through the Flask test client, on SQLite and PostgreSQL."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.conftest import add_campaign, login, wheel_config


def spin(client: FlaskClient, campaign_id: int, key: str, **kwargs: object):  # type: ignore[no-untyped-def]
    return client.post(f"/api/play/{campaign_id}/wheel/spin", headers={"Idempotency-Key": key}, **kwargs)


def test_spin_lands_on_the_slot_of_the_granted_prize(app, client: FlaskClient) -> None:
    campaign = add_campaign(app, wheel_config())
    login(client, "u-1")
    answer = spin(client, campaign, "spin-000001")
    assert answer.status_code == 200, answer.json
    body = answer.json
    slots = body["wheel"]["slots"]
    assert slots[body["slot"]]["key"] == body["prize"]["key"]
    assert body["wheel"]["free_spins_left"] == 2
    assert body["proof"]["seq"] == 1 and len(body["proof"]["commitment"]) == 64
