"""Ids in URLs (server/routing.py) and pages of unknown campaigns, on SQLite and PostgreSQL."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from server.routing import ROW_ID_MAX
from tests.conftest import add_campaign, login, wheel_config

TOO_BIG = [ROW_ID_MAX + 1, 2**63, 10**23]


def test_ids_beyond_any_row_are_a_json_404_not_a_database_error(app: Flask, client: FlaskClient) -> None:
    add_campaign(app, wheel_config())
    login(client, "u-ids")
    for campaign_id in [*TOO_BIG, 0]:
        for answer in (
            client.get(f"/api/play/{campaign_id}/wheel"),
            client.post(f"/api/play/{campaign_id}/wheel/spin", headers={"Idempotency-Key": "spin-huge-0001"}),
            client.get(f"/api/campaigns/{campaign_id}/rules"),
            client.get(f"/api/campaigns/{campaign_id}/periods"),
        ):
            assert answer.status_code == 404, (campaign_id, answer.json)
            assert answer.json["error"] == "not_found" and answer.json["message"]
    assert client.get("/api/play/wallet").json["history"] == []


def test_the_largest_id_is_looked_up_and_not_found(app: Flask, client: FlaskClient) -> None:
    answer = client.get(f"/api/campaigns/{ROW_ID_MAX}/rules")
    assert (answer.status_code, answer.json["error"]) == (404, "campaign_not_found")


def test_pages_of_an_unknown_campaign_are_404_with_the_error_page(app: Flask, client: FlaskClient) -> None:
    campaign = add_campaign(app, wheel_config())
    assert client.get(f"/play/{campaign}").status_code == 200
    assert client.get(f"/play/{campaign}/rules").status_code == 200
    for path in ("/play/999", "/play/999/rules"):
        page = client.get(path)
        assert page.status_code == 404
        assert 'data-error-code="campaign_not_found"' in page.text
    assert client.get(f"/play/{TOO_BIG[0]}").status_code == 404
