"""docs/integration.md, "Redeeming coupons": the reference signature and the worked example are what
the server really verifies and answers."""

from __future__ import annotations

import hashlib
import io
import json
import re
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select, update

from economy import ledger
from economy.models import Coupon
from server.api_host import sign_request
from server.config import DEV_HOST_KEY
from server.host_events import apply_host_events
from server.models import User
from tests.conftest import T0, Clock, add_campaign, build_app, login, wheel_config
from tests.e2e.test_host_api import issue

GUIDE = (Path(__file__).resolve().parents[2] / "docs" / "integration.md").read_text(encoding="utf-8")
SECTION = GUIDE[GUIDE.index("## 5. Redeeming coupons") :]


def block_after(marker: str, language: str = "") -> str:
    """The first fenced block (of ``language``) after ``marker`` in the coupon section."""
    match = re.search(rf"```{language}\n(.*?)```", SECTION[SECTION.index(marker) :], re.DOTALL)
    assert match, f"no {language or 'plain'} block after {marker}"
    return match.group(1)


def example_module() -> dict[str, Any]:
    """The worked example's functions, loaded without running its main part."""
    namespace: dict[str, Any] = {"__name__": "redeem_coupon"}
    exec(block_after("### A worked example", "python"), namespace)
    return namespace


def test_the_reference_signature_is_what_the_server_computes() -> None:
    body = block_after("A reference to test your signer against", "json").strip().encode()
    digest = re.search(r"hashes to `([0-9a-f]{64})`", SECTION)
    signature = re.search(r"X-Carnival-Signature: (\S+)", SECTION)
    assert digest and signature
    assert hashlib.sha256(body).hexdigest() == digest.group(1)
    expected = sign_request(DEV_HOST_KEY.secret, "1893456000", "POST", "/api/host/coupons/redeem", body)
    assert signature.group(1) == expected and "key `demo`" in SECTION and DEV_HOST_KEY.kid == "demo"
    headers = example_module()["carnival_headers"](
        "demo", DEV_HOST_KEY.secret, "POST", "/api/host/coupons/redeem", body, 1893456000
    )
    assert headers == {
        "X-Carnival-Key-Id": "demo",
        "X-Carnival-Timestamp": "1893456000",
        "X-Carnival-Signature": expected,
    }


class _Answer(io.BytesIO):
    status = 200


def _through(client: FlaskClient) -> Any:
    """An ``urlopen`` that hands the request to the Flask test client."""

    def urlopen(request: urllib.request.Request, timeout: float) -> _Answer:
        url = urlsplit(request.full_url)
        path = f"{url.path}?{url.query}" if url.query else url.path
        headers = dict(request.header_items())
        answer = client.open(path, method=request.get_method(), data=request.data, headers=headers)
        if answer.status_code >= 400:
            raise urllib.error.HTTPError(request.full_url, answer.status_code, "refused", None, io.BytesIO(answer.data))  # type: ignore[arg-type]
        return _Answer(answer.data)

    return urlopen


def test_the_worked_example_lists_and_redeems_as_printed(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    app = build_app(sqlite_url, Clock(now=T0))
    coupon_id = issue(app, login(app.test_client(), "u-10086"))
    with app.extensions["carnival.sessions"]() as session, session.begin():
        session.execute(update(Coupon).where(Coupon.id == coupon_id).values(id=42))
    monkeypatch.setattr(urllib.request, "urlopen", _through(app.test_client()))
    monkeypatch.setattr(time, "time", T0.timestamp)  # the example signs with the wall clock
    monkeypatch.setattr(sys, "argv", ["redeem_coupon.py", "u-10086", "42", "JD-20261123-0001", "129900", "phones"])
    exec(block_after("### A worked example", "python"), {"__name__": "__main__"})
    printed = capsys.readouterr().out.splitlines()
    assert printed == block_after("It prints the list").splitlines()
    exec(block_after("### A worked example", "python"), {"__name__": "__main__"})  # "Run it again"
    assert capsys.readouterr().out.splitlines() == ['200 {"coupons": [], "user": "u-10086"}', printed[1]]
    app.extensions["carnival.engine"].dispose()


def test_the_events_example_is_answered_as_printed(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """docs/integration.md, "Reporting what shoppers do": the batch, sent with the worked example's ``call``."""
    app = build_app(sqlite_url, Clock(now=T0))
    assert add_campaign(app, wheel_config()) == 1
    section = GUIDE[GUIDE.index("### Reporting what shoppers do") :]
    blocks = re.findall(r"```json\n(.*?)```", section, re.DOTALL)
    batch, printed = json.loads(blocks[0]), json.loads(blocks[1])
    monkeypatch.setattr(urllib.request, "urlopen", _through(app.test_client()))
    monkeypatch.setattr(time, "time", T0.timestamp)
    status, answer = example_module()["call"](
        "http://carnival.test", ("demo", DEV_HOST_KEY.secret), "POST", "/api/host/events", batch
    )
    assert (status, answer) == (200, printed)
    app.extensions["carnival.engine"].dispose()


def test_the_events_earnings_example_earns_as_printed(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """docs/integration.md, "What events earn": the batch earns the printed points once, however often it is sent."""
    app = build_app(sqlite_url, Clock(now=T0))
    config = wheel_config()
    config["games"]["tasks"] = {"points": {"per_yuan": 1, "multipliers": [{"category": "数码", "percent": 120}]}}
    assert add_campaign(app, config) == 1
    section = GUIDE[GUIDE.index("### What events earn") :]
    batch = json.loads(re.findall(r"```json\n(.*?)```", section, re.DOTALL)[0])
    earned = re.search(r"earns u-10086 `floor\(1,299 × 1.2\) = (\d+)` points", section)
    assert earned
    monkeypatch.setattr(urllib.request, "urlopen", _through(app.test_client()))
    monkeypatch.setattr(time, "time", T0.timestamp)
    for _ in range(2):
        status, _answer = example_module()["call"](
            "http://carnival.test", ("demo", DEV_HOST_KEY.secret), "POST", "/api/host/events", batch
        )
        assert status == 200
        apply_host_events(app)
    with app.extensions["carnival.sessions"]() as session:
        user = session.scalars(select(User.id).where(User.external_id == "u-10086")).one()
        assert ledger.spendable_points(session, user, T0) == int(earned.group(1))
    app.extensions["carnival.engine"].dispose()
