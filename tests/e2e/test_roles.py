"""Roles on every route: an auditor changes nothing anywhere, a shopper reaches no staff route."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import login
from tests.e2e.test_ops_api import staff

SIGN_IN_AND_OUT = {"/api/session/launch", "/play/launch", "/api/session/staff", "/api/session/logout"}
WRITES = {"POST", "PUT", "PATCH", "DELETE"}


def write_routes(app: Flask) -> list[tuple[str, str]]:
    """Every state-changing (method, path) of the app, with ids filled in."""
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.rule in SIGN_IN_AND_OUT:
            continue
        path = re.sub(r"<(?:int:)?[a-z_]+>", "1", rule.rule)
        routes += [(method, path) for method in sorted(rule.methods & WRITES)]
    return routes


def test_the_app_has_write_routes_to_check(app: Flask) -> None:
    assert ("POST", "/api/play/1/wheel/spin") in write_routes(app)
    assert ("PUT", "/api/ops/campaigns/1/draft") in write_routes(app)


HOST_SIGNED = "/api/host/"  # the host app's server signs these; no session, whatever its role, reaches them


def test_an_auditor_cannot_change_anything(app: Flask) -> None:
    auditor = staff(app, "auditor", "aurelia")
    for method, path in write_routes(app):
        answer = auditor.open(path, method=method, json={}, headers={"Idempotency-Key": "auditor-try-1"})
        expected = (401, "signature_missing") if path.startswith(HOST_SIGNED) else (403, "forbidden")
        assert (answer.status_code, answer.json["error"]) == expected, (method, path, answer.json)


def test_an_auditor_cannot_open_play_or_ops_sockets(app: Flask) -> None:
    auditor = staff(app, "auditor", "augustin")
    socketio = app.extensions["socketio"]
    for namespace in ("/play", "/ops"):
        assert not socketio.test_client(app, namespace=namespace, flask_test_client=auditor).is_connected(namespace)


def test_a_shopper_reaches_no_staff_route(app: Flask, client: FlaskClient) -> None:
    login(client, "shopper-roles")
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(("/api/ops", "/api/audit", "/ops")):
            path = re.sub(r"<(?:int:)?[a-z_]+>", "1", rule.rule)
            for method in sorted(rule.methods & {"GET", *WRITES}):
                assert client.open(path, method=method, json={}).status_code == 403, (method, path)


def test_ops_pages_answer_403_to_other_roles_and_the_sign_in_form_to_nobody(app: Flask) -> None:
    pages = ["/ops", "/ops/campaigns/1", "/ops/campaigns/1/dashboard"]
    assert [app.test_client().get(page).status_code for page in pages] == [200, 200, 200]
    auditor = staff(app, "auditor", "audrey")
    assert [auditor.get(page).status_code for page in pages] == [403, 403, 403]
    ops = staff(app, "ops", "oscar")
    assert [ops.get(page).status_code for page in pages] == [200, 200, 200]


def test_the_audit_page_answers_403_to_other_roles_and_the_sign_in_form_to_nobody(app: Flask) -> None:
    pages = ["/audit", "/audit/"]
    assert [app.test_client().get(page).status_code for page in pages] == [200, 200]
    ops = staff(app, "ops", "otto")
    assert [ops.get(page).status_code for page in pages] == [403, 403]
    shopper = app.test_client()
    login(shopper, "shopper-audit-page")
    assert [shopper.get(page).status_code for page in pages] == [403, 403]
    auditor = staff(app, "auditor", "ada")
    answer = auditor.get("/audit")
    assert answer.status_code == 200 and b"audit/workspace.js" in answer.data
