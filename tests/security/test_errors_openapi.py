"""The HTTP API against its own OpenAPI document (/openapi.json): schemathesis generates requests for every
operation, valid and invalid, and sends them to the app in-process (SQLite, the demo seeded, signed in as the
role each audience needs, host calls signed). No answer may be a 5xx, and every answer, errors included, must
match the status codes, content type and body schema the document gives. Bounded: a few examples an
operation, a few hundred in all."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from werkzeug.test import EnvironBuilder, TestResponse

from economy.db import Base
from server import create_app
from server.api_host import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign_request
from server.demo import DEMO_SHOPPERS, DEMO_STAFF, seed_demo
from tests.conftest import Clock, launch_token

EXAMPLES = {GenerationMode.POSITIVE: 5, GenerationMode.NEGATIVE: 3}  # per operation
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
ROLE_OF_PREFIX = {"/api/play/": "shopper", "/api/ops/": "ops", "/api/audit/": "auditor", "/api/session/": "shopper"}
UNBOUNDED: set[tuple[str, str]] = set()  # a simulation's size is its own limit


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The app on a SQLite file with the demo seeded."""
    path: Path = tmp_path_factory.mktemp("openapi") / "carnival.db"
    app = create_app({"CARNIVAL_ENV": "testing", "DATABASE_URL": f"sqlite:///{path}"}, {"TESTING": True})
    app.extensions["carnival.clock"] = Clock()
    Base.metadata.create_all(app.extensions["carnival.engine"])
    with app.extensions["carnival.sessions"]() as session, session.begin():
        seed_demo(session, app.extensions["carnival.registry"], app.extensions["carnival.clock"]())
    yield app
    app.extensions["carnival.engine"].dispose()


@pytest.fixture(scope="module")
def clients(demo_app: Flask) -> dict[str | None, FlaskClient]:
    """A client signed in for each role (and one signed out)."""
    signed: dict[str | None, FlaskClient] = {None: demo_app.test_client()}
    shopper = demo_app.test_client()
    now = demo_app.extensions["carnival.clock"]()
    token = launch_token(DEMO_SHOPPERS[0]["sub"], DEMO_SHOPPERS[0]["name"], now=now)
    assert shopper.post("/api/session/launch", json={"token": token}).status_code == 200
    signed["shopper"] = shopper
    for username, password, role in DEMO_STAFF:
        client = demo_app.test_client()
        assert client.post("/api/session/staff", json={"username": username, "password": password}).status_code == 200
        signed[role] = client
    return signed


@pytest.fixture(scope="module")
def api_schema(demo_app: Flask) -> Any:
    return schemathesis.openapi.from_wsgi("/openapi.json", demo_app)


def role_for(path: str) -> str | None:
    """Who sends requests to ``path``: the audience its prefix serves."""
    return next((role for prefix, role in ROLE_OF_PREFIX.items() if path.startswith(prefix)), None)


def host_signed(app: Flask, environ: dict[str, Any]) -> dict[str, Any]:
    """``environ`` with the host app's signature headers over its method, path, query and body."""
    body = environ["wsgi.input"].read()
    environ["wsgi.input"] = io.BytesIO(body)
    query = environ.get("QUERY_STRING", "")
    path = environ["PATH_INFO"] + (f"?{query}" if query else "")
    timestamp = str(int(app.extensions["carnival.clock"]().timestamp()))
    key = app.extensions["carnival.settings"].host_keys.signing
    environ[f"HTTP_{TIMESTAMP_HEADER.upper().replace('-', '_')}"] = timestamp
    environ[f"HTTP_{SIGNATURE_HEADER.upper().replace('-', '_')}"] = sign_request(
        key.secret, timestamp, environ["REQUEST_METHOD"], path, body
    )
    if key.kid is not None:
        environ["HTTP_X_CARNIVAL_KEY_ID"] = key.kid
    return environ


def send(app: Flask, clients: dict[str | None, FlaskClient], case: schemathesis.Case) -> TestResponse:
    """Send ``case`` as the role its path needs (host calls signed) and return the answer."""
    request = case.as_transport_kwargs()
    client = clients[role_for(case.path)]
    if not case.path.startswith("/api/host/"):  # as keywords: an environ would read a path's %3F as a query
        return client.open(**request)
    return client.open(host_signed(app, EnvironBuilder(**request).get_environ()))


def check_operation(operation: Any, mode: GenerationMode, examples: int, answer: Any) -> None:
    """Send ``examples`` generated requests of ``mode`` to ``operation``; validate each answer.

    :raises schemathesis.errors.FailureGroup: for the first answer that fails a check.
    """

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case: schemathesis.Case) -> None:
        case.validate_response(answer(case), checks=CHECKS)

    run()


def test_every_answer_is_documented_and_none_is_a_server_error(
    api_schema: Any, demo_app: Flask, clients: dict[str | None, FlaskClient]
) -> None:
    failures, operations = [], 0
    for result in api_schema.get_all_operations():
        operation = result.ok()
        if (operation.method.upper(), operation.path) in UNBOUNDED:
            continue
        operations += 1
        for mode, examples in EXAMPLES.items():
            try:
                check_operation(operation, mode, examples, lambda case: send(demo_app, clients, case))
            except Unsatisfiable:  # nothing to make invalid (no parameters, no body)
                continue
            except (Exception, BaseExceptionGroup) as error:  # collect every operation's failure, report them all
                failures.append(f"{operation.method.upper()} {operation.path} ({mode.value}): {error}"[:3000])
    assert operations >= 30
    assert not failures, "\n\n".join(failures)
