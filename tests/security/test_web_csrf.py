"""Cross-site request forgery: a page on another origin (another port of the same host included) changes
nothing through a signed-in user's cookie; Carnival's own pages, and the host app's signed calls, still do."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import Clock, add_campaign, build_app, login, wheel_config
from tests.e2e.test_host_api import REDEEM, order, shopper_with_coupon, signed
from tests.e2e.test_ops_api import staff

WRITES = {"POST", "PUT", "PATCH", "DELETE"}
# Browsers label a request from a page on http://localhost:8080 (same site, another origin) like this:
OTHER_PORT = {"Sec-Fetch-Site": "same-site", "Origin": "http://localhost:8080"}
FOREIGN = [
    pytest.param(OTHER_PORT, id="fetch-metadata-same-site"),
    pytest.param({"Sec-Fetch-Site": "cross-site", "Origin": "https://shop.example"}, id="fetch-metadata-cross-site"),
    pytest.param({"Sec-Fetch-Site": "none"}, id="fetch-metadata-none"),
    pytest.param({"Origin": "http://localhost:8080"}, id="origin-other-port"),
    pytest.param({"Origin": "https://localhost"}, id="origin-other-scheme"),
    pytest.param({"Origin": "http://localhost.shop.example"}, id="origin-suffix"),
    pytest.param({"Origin": "null"}, id="origin-null"),
    pytest.param({"Referer": "http://localhost:8080/attack.html"}, id="referer-other-port"),
    pytest.param({"Referer": "not a url"}, id="referer-garbage"),
    pytest.param({}, id="no-browser-headers-with-a-cookie"),
]
OWN = [
    pytest.param({"Sec-Fetch-Site": "same-origin"}, id="fetch-metadata"),
    pytest.param({"Origin": "http://localhost"}, id="origin"),
    pytest.param({"Referer": "http://localhost/ops/campaigns/1"}, id="referer"),
]


def bare_client(app: Flask) -> FlaskClient:
    """A test client that sends no browser headers of its own (no ``Sec-Fetch-Site``)."""
    client = app.test_client()
    client.environ_base.pop("HTTP_SEC_FETCH_SITE", None)
    return client


def as_bare(client: FlaskClient) -> FlaskClient:
    """``client`` (signed in or not) from now on without browser headers of its own."""
    client.environ_base.pop("HTTP_SEC_FETCH_SITE", None)
    return client


def cookie_write_routes(app: Flask) -> list[tuple[str, str]]:
    """Every (method, path) that changes state on a session's authority: all writes but the signed host API and
    the launch, which a one-time signed token authorises (it checks the host's origin itself)."""
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("host.") or rule.rule == "/play/launch":
            continue
        path = re.sub(r"<(?:int:)?[a-z_]+>", "1", rule.rule)
        routes += [(method, path) for method in sorted(rule.methods & WRITES)]
    return routes


def campaign_status(ops: FlaskClient, campaign_id: int) -> str:
    return ops.get(f"/api/ops/campaigns/{campaign_id}").json["campaign"]["status"]


@pytest.mark.parametrize("headers", FOREIGN)
def test_a_page_on_another_origin_cannot_pause_a_campaign(app: Flask, headers: dict[str, str]) -> None:
    campaign_id = add_campaign(app, wheel_config())
    ops = as_bare(staff(app, "ops", "olga"))
    answer = ops.post(f"/api/ops/campaigns/{campaign_id}/pause", headers=headers)
    assert answer.status_code == 403
    assert answer.json["error"] == "cross_origin_refused" and answer.json["message"]
    assert campaign_status(ops, campaign_id) == "active"


@pytest.mark.parametrize("headers", OWN)
def test_the_consoles_own_page_pauses_and_resumes(app: Flask, headers: dict[str, str]) -> None:
    campaign_id = add_campaign(app, wheel_config())
    ops = as_bare(staff(app, "ops", "omar"))
    assert ops.post(f"/api/ops/campaigns/{campaign_id}/pause", headers=headers).json["status"] == "paused"
    assert ops.post(f"/api/ops/campaigns/{campaign_id}/resume", headers=headers).json["status"] == "active"


def test_every_cookie_write_refuses_another_origin_for_every_role(app: Flask) -> None:
    shopper = app.test_client()
    login(shopper, "shopper-csrf")
    clients = {"nobody": app.test_client(), "shopper": shopper}
    clients |= {role: staff(app, role, f"{role}-csrf") for role in ("ops", "auditor")}
    routes = cookie_write_routes(app)
    assert ("POST", "/api/play/1/wheel/spin") in routes and ("PUT", "/api/ops/campaigns/1/draft") in routes
    assert ("POST", "/api/session/staff") in routes and ("POST", "/api/session/logout") in routes
    for role, client in clients.items():
        for method, path in routes:
            answer = client.open(path, method=method, json={}, headers={**OTHER_PORT, "Idempotency-Key": "csrf-try-1"})
            assert (answer.status_code, answer.json["error"]) == (403, "cross_origin_refused"), (role, method, path)
    assert shopper.get("/api/session/me").status_code == 200, "the refused logout left the session alone"


def test_a_shopper_spins_from_the_wheel_page_but_not_from_another_origin(app: Flask) -> None:
    campaign_id = add_campaign(app, wheel_config())
    shopper = app.test_client()
    login(shopper, "shopper-spin")
    as_bare(shopper)
    spin = f"/api/play/{campaign_id}/wheel/spin"
    refused = shopper.post(spin, headers={"Origin": "http://localhost:8080", "Idempotency-Key": "spin-key-0001"})
    assert (refused.status_code, refused.json["error"]) == (403, "cross_origin_refused")
    spun = shopper.post(spin, headers={"Origin": "http://localhost", "Idempotency-Key": "spin-key-0001"})
    assert spun.status_code == 200 and "Idempotent-Replayed" not in spun.headers


def test_signing_in_from_another_origin_is_refused(app: Flask) -> None:
    staff(app, "ops", "oona")
    answer = bare_client(app).post(
        "/api/session/staff", json={"username": "oona", "password": "a-long-password"}, headers=OTHER_PORT
    )
    assert (answer.status_code, answer.json["error"]) == (403, "cross_origin_refused")
    assert "Set-Cookie" not in answer.headers


def test_a_script_without_cookies_or_browser_headers_signs_in(app: Flask) -> None:
    staff(app, "ops", "otis")
    answer = bare_client(app).post("/api/session/staff", json={"username": "otis", "password": "a-long-password"})
    assert answer.status_code == 200 and "Set-Cookie" in answer.headers


@pytest.mark.parametrize("headers", [{}, OTHER_PORT], ids=["server-to-server", "any-origin"])
def test_the_host_apps_signed_calls_need_no_origin(app: Flask, headers: dict[str, str]) -> None:
    shopper = app.test_client()
    coupon_id = shopper_with_coupon(app, shopper)
    host = bare_client(app)
    host.environ_base.update({f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()})
    answer = signed(host, "POST", REDEEM, order(coupon_id))
    assert answer.status_code == 200, answer.json


def test_behind_a_configured_proxy_the_public_origin_is_the_servers_own(sqlite_url: str, clock: Clock) -> None:
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "carnival.shop.example"}
    public = {**forwarded, "Origin": "https://carnival.shop.example"}
    for hops, status in (("0", 403), ("1", 204)):
        app = build_app(sqlite_url, clock, CARNIVAL_TRUSTED_PROXIES=hops)
        client = bare_client(app)
        client.set_cookie("session", "x")  # a cookie, so the request rides on a session
        assert client.post("/api/session/logout", headers=public).status_code == status, hops
        app.extensions["carnival.engine"].dispose()
