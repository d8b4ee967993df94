"""The OpenAPI document (/openapi.json) against the app's routes: request bodies, the 401 and 403 answers of
every route behind require_role, and the security schemes a client authenticates with."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask

from server.api_host import SIGNATURE_HEADER, TIMESTAMP_HEADER
from server.auth import require_role
from tests.conftest import Clock, build_app, login

WRITES = ("post", "put", "patch")
BODILESS = {  # writes whose request has no body: everything they need is in the path (or the session)
    ("post", "/api/session/logout"),
    ("post", "/api/ops/campaigns/{campaign_id}/pause"),
    ("post", "/api/ops/campaigns/{campaign_id}/resume"),
    ("post", "/api/play/{campaign_id}/share"),
    ("post", "/api/play/{campaign_id}/share/{code}/assist"),
    ("post", "/api/host/gift-cards/{card_id}/delivered"),
    ("post", "/api/play/{campaign_id}/invite"),
    ("post", "/api/play/{campaign_id}/invite/{code}/accept"),
    ("post", "/api/host/mall/orders/{order_id}/fulfilled"),
    ("post", "/api/host/mall/orders/{order_id}/cancelled"),
    ("post", "/api/play/{campaign_id}/mall/orders/{order_id}/cancel"),
    ("post", "/api/ops/messages/{message_id}/{step}"),
    ("post", "/api/play/inbox/{delivery_id}/{stage}"),
    ("post", "/api/play/inbox/{choice}"),
}
CSV_BODIES = {("post", "/api/ops/segments/{segment_id}/members")}  # a CSV file as the body
ERROR_SCHEMA = "#/components/schemas/ApiError"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    app = build_app(f"sqlite:///{tmp_path_factory.mktemp('openapi') / 'carnival.db'}", Clock())
    yield app
    app.extensions["carnival.engine"].dispose()


@pytest.fixture(scope="module")
def document(app: Flask) -> dict[str, Any]:
    answer = app.test_client().get("/openapi.json")
    assert answer.status_code == 200
    return answer.json


def operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Every operation of the document as (method, path, operation)."""
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in ("get", "put", "post", "delete", "patch"):
                yield method, path, operation


def behind_require_role(view: Callable[..., Any]) -> bool:
    """True when one of the decorators wrapping ``view`` is :func:`server.auth.require_role`'s."""
    prefix = f"{require_role.__qualname__}."  # its wrapper's code; functools.wraps renames the function itself
    while view is not None:
        if view.__code__.co_qualname.startswith(prefix):
            return True
        view = getattr(view, "__wrapped__", None)
    return False


def openapi_path(rule: str) -> str:
    """A Flask rule as an OpenAPI path: ``/a/<int(min=0):nonce>`` -> ``/a/{nonce}``."""
    return re.sub(r"<(?:[^<>]*:)?(\w+)>", r"{\1}", rule)


def role_protected(app: Flask) -> set[tuple[str, str]]:
    """(method, OpenAPI path) of every route whose view is behind require_role."""
    protected = set()
    for rule in app.url_map.iter_rules():
        if behind_require_role(app.view_functions[rule.endpoint]):
            methods = (rule.methods or set()) - {"HEAD", "OPTIONS"}
            protected |= {(method.lower(), openapi_path(rule.rule)) for method in methods}
    return protected


def test_every_write_that_reads_a_body_documents_it(document: dict[str, Any]) -> None:
    writes = {(method, path): op for method, path, op in operations(document) if method in WRITES}
    assert writes.keys() >= BODILESS
    missing = [f"{method.upper()} {path}" for (method, path), op in writes.items() if "requestBody" not in op]
    assert sorted(missing) == sorted(f"{method.upper()} {path}" for method, path in BODILESS)
    for (method, path), operation in writes.items():
        if (method, path) in CSV_BODIES:
            assert operation["requestBody"]["content"]["text/csv"]["schema"], (method, path)
        elif (method, path) not in BODILESS:
            assert operation["requestBody"]["content"]["application/json"]["schema"], (method, path)


def test_the_campaign_form_documents_the_bodies_read_as_raw_json(document: dict[str, Any]) -> None:
    form = "#/components/schemas/CampaignForm"
    for path in ("/api/ops/campaigns", "/api/ops/rules-preview"):
        body = document["paths"][path]["post"]["requestBody"]
        assert body["required"] and body["content"]["application/json"]["schema"] == {"$ref": form}
    fields = document["components"]["schemas"]["CampaignForm"]
    assert {"name", "starts_at", "ends_at", "budget_fen", "config"} <= set(fields["required"])


def test_every_route_behind_require_role_documents_401_403_and_the_session(
    app: Flask, document: dict[str, Any]
) -> None:
    protected = role_protected(app)
    assert len(protected) >= 30, "require_role's wrapper was not found: see behind_require_role"
    documented = {(method, path): op for method, path, op in operations(document)}
    assert protected <= documented.keys()
    for key in sorted(protected):
        operation = documented[key]
        for status in ("401", "403"):
            answer = operation["responses"].get(status)
            assert answer is not None, (key, status)
            assert answer["content"]["application/json"]["schema"] == {"$ref": ERROR_SCHEMA}, (key, status)
        assert {"session": []} in operation["security"], key


def test_security_schemes_name_the_session_cookie_and_the_host_signature(app: Flask, document: dict[str, Any]) -> None:
    schemes = document["components"]["securitySchemes"]
    assert schemes["session"] == {**schemes["session"], "type": "apiKey", "in": "cookie", "name": "session"}
    client = app.test_client()
    login(client, "cookie-reader")
    assert client.get_cookie(schemes["session"]["name"]) is not None, "the documented cookie is the one set"
    assert {(schemes[name]["in"], schemes[name]["name"]) for name in ("hostTimestamp", "hostSignature")} == {
        ("header", TIMESTAMP_HEADER),
        ("header", SIGNATURE_HEADER),
    }
    for method, path, operation in operations(document):
        if path.startswith("/api/host/"):
            assert operation["security"] == [{"hostTimestamp": [], "hostSignature": []}], (method, path)
            assert "401" in operation["responses"]
