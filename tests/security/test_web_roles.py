"""Roles on every route: each route of the app is classed by who may reach it, and every class is tried with
every role (nobody, shopper, ops, auditor); a route left out of the table fails the sweep. Also: an auditor
changes nothing anywhere, a shopper reaches no staff route."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import add_campaign, login, wheel_config
from tests.e2e.test_ops_api import staff

SIGN_IN_AND_OUT = {"/api/session/launch", "/play/launch", "/api/session/staff", "/api/session/logout"}
WRITES = {"POST", "PUT", "PATCH", "DELETE"}


def write_routes(app: Flask) -> list[tuple[str, str]]:
    """Every state-changing (method, path) of the app, with ids filled in."""
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.rule in SIGN_IN_AND_OUT:
            continue
        path = re.sub(r"<any\(['\"]?([\w-]+)[^>]*>", r"\1", rule.rule)  # a choice of words: the first
        path = re.sub(r"<(?:int:)?[a-z_]+>", "1", path)
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
            path = re.sub(r"<any\(['\"]?([\w-]+)[^>]*>", r"\1", rule.rule)  # a choice of words: the first
            path = re.sub(r"<(?:int:)?[a-z_]+>", "1", path)
            for method in sorted(rule.methods & {"GET", *WRITES}):
                assert client.open(path, method=method, json={}).status_code == 403, (method, path)


def test_ops_pages_answer_403_to_other_roles_and_the_sign_in_form_to_nobody(app: Flask) -> None:
    pages = ["/ops", "/ops/campaigns/1", "/ops/campaigns/1/dashboard", "/ops/campaigns/1/mall"]
    assert [app.test_client().get(page).status_code for page in pages] == [200, 200, 200, 200]
    auditor = staff(app, "auditor", "audrey")
    assert [auditor.get(page).status_code for page in pages] == [403, 403, 403, 403]
    ops = staff(app, "ops", "oscar")
    assert [ops.get(page).status_code for page in pages] == [200, 200, 200, 200]


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


ROLES = ("nobody", "shopper", "ops", "auditor")
OPEN = "open"  # answered without 401 / 403 (and without a 5xx)
# Who gets what, per role in ROLES order.
ACCESS_CLASSES: dict[str, tuple[object, ...]] = {
    "everyone": (OPEN, OPEN, OPEN, OPEN),
    "signed_in": (401, OPEN, OPEN, OPEN),
    "shopper": (401, OPEN, 403, 403),
    "ops": (401, 403, OPEN, 403),
    "auditor": (401, 403, 403, OPEN),
    "ops_page": (OPEN, 403, OPEN, 403),  # nobody signed in gets the sign-in form
    "audit_page": (OPEN, 403, 403, OPEN),
    "host_signed": (401, 401, 401, 401),  # a signature, never a session, opens the host API
    "launch_token": (401, 401, 401, 401),  # the launch token is the credential: none sent, none accepted
}
ACCESS = {
    "pages.home": "everyone",
    "pages.health": "everyone",
    "pages.demo_login": "everyone",  # development only (the testing app is one)
    "pages.wheel_page": "everyone",
    "pages.checkin_page": "everyone",
    "pages.monopoly_page": "everyone",
    "pages.share_page": "everyone",
    "pages.share_help_page": "everyone",  # a friend's share link; its data comes from the shopper API
    "pages.rules_page": "everyone",
    "pages.wallet_page": "everyone",  # the page; its data comes from the shopper API
    "pages.mall_page": "everyone",  # the points mall's pages; their data comes from the shopper API
    "pages.mall_good_page": "everyone",
    "pages.mall_orders_page": "everyone",
    "pages.inbox_page": "everyone",  # the shopper's messages; their data comes from the shopper API
    "pages.launch": "launch_token",
    "pages.vendor": "everyone",
    "static": "everyone",
    "api-docs.openapi_swagger_ui": "everyone",
    "api-docs.openapi_json": "everyone",
    "public.list_campaigns": "everyone",
    "public.checkpoints": "everyone",
    "public.periods": "everyone",
    "public.campaign_rules": "everyone",
    "public.winners": "everyone",
    "session.launch": "everyone",
    "session.staff_login": "everyone",
    "session.logout": "everyone",
    "session.me": "signed_in",
    "play.client_seed": "shopper",
    "play.wheel": "shopper",
    "play.spin": "shopper",
    "play.my_wallet": "shopper",
    "play.record_place": "shopper",
    "ops_pages.campaigns_page": "ops_page",
    "ops_pages.editor_page": "ops_page",
    "ops_pages.dashboard_page": "ops_page",
    "ops_pages.mall_page": "ops_page",
    "ops_pages.messages_page": "ops_page",
    "audit_pages.workspace_page": "audit_page",
    "host.user_coupons": "host_signed",
    "host.redeem": "host_signed",
    "host.checkin_reminders": "host_signed",
    "host.events": "host_signed",
}
ROUTE_PREFIX_ACCESS = {
    "ops.": "ops",
    "ops-planning.": "ops",
    "ops-share.": "ops",
    "ops-mall.": "ops",
    "ops-messages.": "ops",
    "audit.": "auditor",
    "play-games.": "shopper",
    "play-share.": "shopper",
    "play-invite.": "shopper",
    "play-mall.": "shopper",
    "play-inbox.": "shopper",
    "host-cards.": "host_signed",
    "host-mall.": "host_signed",
    "host-messages.": "host_signed",
}
SAMPLE_VALUES = {
    "package": "chart.js",
    "filename": "chart.umd.min.js",
    "game": "wheel",
    "action": "spin",
    "step": "pause",
    "stage": "opened",
    "choice": "opt-out",
    "code": "AAAAAAAAAAAAAAAA.AAAAAAAAAAA",
}


def access_of(endpoint: str) -> str | None:
    """The access class of ``endpoint``, or ``None`` if the table does not class it."""
    if endpoint in ACCESS:
        return ACCESS[endpoint]
    return next((cls for prefix, cls in ROUTE_PREFIX_ACCESS.items() if endpoint.startswith(prefix)), None)


def every_route(app: Flask, campaign_id: int) -> list[tuple[str, str, str]]:
    """(endpoint, method, path) of every route and method, ids filled in; sign-out comes last."""
    routes = []
    for rule in app.url_map.iter_rules():
        values = {name: SAMPLE_VALUES.get(name, campaign_id) for name in rule.arguments}
        if rule.endpoint == "static":
            values = {"filename": "ops/ops.css"}
        path = app.url_map.bind("localhost").build(rule.endpoint, values)
        routes += [(rule.endpoint, method, path) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return sorted(routes, key=lambda route: route[0] == "session.logout")


def signed_in_clients(app: Flask) -> dict[str, FlaskClient]:
    shopper = app.test_client()
    login(shopper, "shopper-matrix")
    clients = {"nobody": app.test_client(), "shopper": shopper}
    return clients | {role: staff(app, role, f"{role}-matrix") for role in ("ops", "auditor")}


def test_every_route_is_in_the_role_table(app: Flask) -> None:
    unclassed = {rule.endpoint for rule in app.url_map.iter_rules() if access_of(rule.endpoint) is None}
    assert not unclassed, f"class these routes in ACCESS: {sorted(unclassed)}"


def test_every_route_answers_each_role_as_its_class_says(app: Flask) -> None:
    campaign_id = add_campaign(app, wheel_config())
    clients = signed_in_clients(app)
    routes = every_route(app, campaign_id)
    assert len(routes) >= 50 and {route[1] for route in routes} == {"GET", "POST", "PUT"}
    for endpoint, method, path in routes:
        expected = ACCESS_CLASSES[access_of(endpoint) or ""]
        for role, wanted in zip(ROLES, expected, strict=True):
            headers = {"Idempotency-Key": f"matrix-{role}"}
            with clients[role].open(path, method=method, json={}, headers=headers) as answer:
                status, text = answer.status_code, answer.get_data(as_text=True)[:200]
            assert status < 500, (role, method, path, text)
            if wanted == OPEN:
                assert status not in (401, 403), (role, method, path, text)
            else:
                assert status == wanted, (role, method, path, text)
