"""Security headers per page family: the content policy, who may frame which page, TLS, caching of per-user
answers; and the settings that configure them."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from server.config import ConfigError, settings_from
from tests.conftest import Clock, add_campaign, build_app, login, wheel_config
from tests.e2e.test_ops_api import staff

MakeApp = Callable[..., Flask]
HOSTS = "https://m.shop.example, https://app.shop.example:8443"
SHOPPER_PAGES = ["/play/{id}", "/play/{id}/rules", "/play/wallet", "/play/launch?token=bad", "/play/99999"]
STAFF_PAGES = ["/ops", "/ops/campaigns/{id}", "/ops/campaigns/{id}/dashboard", "/audit", "/audit/"]
OTHER_PAGES = ["/docs", "/dev/login", "/openapi.json", "/api/campaigns", "/api/health", "/static/ops/ops.css"]
PER_USER_JSON = {
    "shopper": ["/api/play/wallet", "/api/play/{id}/wheel", "/api/session/me"],
    "ops": ["/api/ops/campaigns", "/api/ops/campaigns/{id}", "/api/ops/audit", "/api/session/me"],
    "auditor": ["/api/audit/campaigns", "/api/audit/campaigns/{id}/periods", "/api/session/me"],
}


def directives(headers: dict[str, str]) -> dict[str, str]:
    """The Content-Security-Policy of an answer, by directive name."""
    policy = headers["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in policy.split(";"))


@pytest.fixture
def make_app(sqlite_url: str, clock: Clock) -> Iterator[MakeApp]:
    """Build apps on one SQLite file with extra settings; each gets a running campaign (id 1)."""
    apps: list[Flask] = []

    def make(**environ: str) -> Flask:
        app = build_app(sqlite_url, clock, **environ)
        if not apps:
            add_campaign(app, wheel_config())
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.extensions["carnival.engine"].dispose()


def fetch(client: FlaskClient, path: str, **kwargs: Any) -> tuple[int, dict[str, str], str]:
    """GET ``path`` (``{id}``: the campaign): status, headers, body text."""
    with client.get(path.format(id=1), **kwargs) as answer:
        return answer.status_code, dict(answer.headers), answer.get_data(as_text=True)


@pytest.mark.parametrize("path", SHOPPER_PAGES + STAFF_PAGES + OTHER_PAGES)
def test_every_family_gets_the_content_policy_and_nosniff(make_app: MakeApp, path: str) -> None:
    status, headers, _ = fetch(make_app().test_client(), path)
    policy = directives(headers)
    assert policy["script-src"] == "'self'" and policy["object-src"] == "'none'" and policy["base-uri"] == "'none'"
    assert policy["default-src"] == "'self'" and policy["form-action"] == "'self'"
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in headers, "plain HTTP: no HSTS"
    assert status < 500


@pytest.mark.parametrize("path", SHOPPER_PAGES + STAFF_PAGES + ["/docs"])
def test_pages_run_no_inline_script_and_only_the_docs_allow_inline_styles(make_app: MakeApp, path: str) -> None:
    _, headers, html = fetch(make_app().test_client(), path)
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert all(" src=" in tag for tag in scripts), scripts
    assert not re.search(r"<style\b|\sstyle=|\son[a-z]+=", html)
    assert directives(headers)["style-src"] == ("'self' 'unsafe-inline'" if path == "/docs" else "'self'")


@pytest.mark.parametrize("path", SHOPPER_PAGES + STAFF_PAGES + OTHER_PAGES)
def test_nothing_is_framed_by_default(make_app: MakeApp, path: str) -> None:
    _, headers, _ = fetch(make_app().test_client(), path)
    assert directives(headers)["frame-ancestors"] == "'none'" and headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("path", SHOPPER_PAGES)
def test_shopper_pages_are_framed_only_by_the_configured_host_origins(make_app: MakeApp, path: str) -> None:
    app = make_app(CARNIVAL_FRAME_ANCESTORS=HOSTS)
    _, headers, _ = fetch(app.test_client(), path)
    assert directives(headers)["frame-ancestors"] == "https://m.shop.example https://app.shop.example:8443"
    assert "X-Frame-Options" not in headers, "it cannot list origins; frame-ancestors replaces it"


@pytest.mark.parametrize("path", [*STAFF_PAGES, "/docs", "/api/play/wallet", "/playground", "/static/play/play.css"])
def test_the_consoles_and_everything_else_are_never_framed_even_with_host_origins(make_app: MakeApp, path: str) -> None:
    app = make_app(CARNIVAL_FRAME_ANCESTORS=HOSTS)
    _, headers, _ = fetch(app.test_client(), path)
    assert directives(headers)["frame-ancestors"] == "'none'" and headers["X-Frame-Options"] == "DENY"


def test_hsts_over_tls_only(make_app: MakeApp) -> None:
    client = make_app().test_client()
    assert fetch(client, "/ops", base_url="https://localhost")[1]["Strict-Transport-Security"] == "max-age=31536000"
    assert "Strict-Transport-Security" not in fetch(client, "/ops")[1]


def test_a_forwarded_scheme_counts_only_behind_a_configured_proxy(make_app: MakeApp) -> None:
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "carnival.shop.example"}
    direct = make_app().test_client()
    headers = fetch(direct, "/play/1", headers=forwarded)[1]
    assert "Strict-Transport-Security" not in headers and "ws://localhost" in directives(headers)["connect-src"]
    proxied = make_app(CARNIVAL_TRUSTED_PROXIES="1").test_client()
    headers = fetch(proxied, "/play/1", headers=forwarded)[1]
    assert headers["Strict-Transport-Security"] == "max-age=31536000"
    assert directives(headers)["connect-src"] == "'self' wss://carnival.shop.example"


@pytest.mark.parametrize("role", sorted(PER_USER_JSON))
def test_per_user_answers_are_never_stored(make_app: MakeApp, role: str) -> None:
    app = make_app()
    client = app.test_client()
    if role == "shopper":
        login(client, "shopper-cache")
    else:
        client = staff(app, role, f"{role}-cache")
    for path in PER_USER_JSON[role]:
        status, headers, _ = fetch(client, path)
        assert (status, headers.get("Cache-Control")) == (200, "no-store"), path
    assert fetch(app.test_client(), "/api/session/me")[1]["Cache-Control"] == "no-store", "refusals too"


def test_public_rules_may_be_cached(make_app: MakeApp) -> None:
    client = make_app().test_client()
    for path in ("/api/campaigns", "/api/campaigns/1/rules", "/api/campaigns/1/periods"):
        status, headers, _ = fetch(client, path)
        assert status == 200 and "no-store" not in headers.get("Cache-Control", ""), path


@pytest.mark.parametrize(
    "value",
    [
        "https://shop.example/path",
        "https://*.shop.example",
        "*",
        "'self'",
        "javascript:alert(1)",
        "https://user@shop.example",
        "https://shop.example:99999",
        "https://shop.example?x=1",
        "shop.example",
    ],
)
def test_a_frame_ancestor_must_be_a_bare_origin(value: str, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="CARNIVAL_FRAME_ANCESTORS"):
        settings_from({"CARNIVAL_ENV": "testing", "CARNIVAL_FRAME_ANCESTORS": value}, tmp_path)


def test_frame_ancestors_are_read_as_origins(tmp_path: Path) -> None:
    value = " https://M.Shop.example/ ,http://127.0.0.1:8080 "
    settings = settings_from({"CARNIVAL_ENV": "testing", "CARNIVAL_FRAME_ANCESTORS": value}, tmp_path)
    assert settings.frame_ancestors == ("https://m.shop.example", "http://127.0.0.1:8080")
    assert settings_from({"CARNIVAL_ENV": "testing"}, tmp_path).frame_ancestors == ()


@pytest.mark.parametrize(
    ("name", "value"),
    [("CARNIVAL_TRUSTED_PROXIES", "-1"), ("CARNIVAL_TRUSTED_PROXIES", "one"), ("CARNIVAL_MAX_CONTENT_LENGTH", "100")],
)
def test_counts_must_be_whole_numbers_in_range(name: str, value: str, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=name):
        settings_from({"CARNIVAL_ENV": "testing", name: value}, tmp_path)
