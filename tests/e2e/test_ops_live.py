"""The /ops Socket.IO namespace: only ops connect; watched campaigns get their metrics pushed."""

from __future__ import annotations

import itertools
import time
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import add_campaign, login, wheel_config
from tests.e2e.test_ops_api import staff

OPS = "/ops"


def test_only_ops_may_connect(app: Flask, client: FlaskClient) -> None:
    socketio = app.extensions["socketio"]
    assert not socketio.test_client(app, namespace=OPS, flask_test_client=app.test_client()).is_connected(OPS)
    login(client, "nosy")
    assert not socketio.test_client(app, namespace=OPS, flask_test_client=client).is_connected(OPS)
    auditor = staff(app, "auditor", "ada")
    assert not socketio.test_client(app, namespace=OPS, flask_test_client=auditor).is_connected(OPS)
    ops = staff(app, "ops", "otto")
    assert socketio.test_client(app, namespace=OPS, flask_test_client=ops).is_connected(OPS)


def test_watching_pushes_metrics_and_a_spin_updates_them(app: Flask, client: FlaskClient) -> None:
    campaign = add_campaign(app, wheel_config())
    ops = staff(app, "ops", "olga")
    live = app.extensions["socketio"].test_client(app, namespace=OPS, flask_test_client=ops)
    assert live.emit("watch", {"campaign_id": "x"}, namespace=OPS, callback=True)["error"] == "invalid_input"
    assert live.emit("watch", {"campaign_id": 999}, namespace=OPS, callback=True)["error"] == "campaign_not_found"
    assert live.emit("watch", {"campaign_id": campaign}, namespace=OPS, callback=True) == {"ok": True}
    first = [e for e in live.get_received(OPS) if e["name"] == "metrics"]
    assert first and first[-1]["args"][0]["draws_total"] == 0
    login(client, "spinner")
    client.post(f"/api/play/{campaign}/wheel/spin", headers={"Idempotency-Key": "spin-live-001"})
    deadline = time.monotonic() + 5
    latest = None
    while time.monotonic() < deadline:
        pushed = [e["args"][0] for e in live.get_received(OPS) if e["name"] == "metrics"]
        latest = pushed[-1] if pushed else latest
        if latest and latest["draws_total"] == 1:
            break
        time.sleep(0.1)
    assert latest is not None and latest["draws_total"] == 1 and latest["players"] == 1
    live.disconnect(namespace=OPS)


def test_metrics_are_pushed_at_least_every_two_seconds_without_any_spin(app: Flask) -> None:
    campaign = add_campaign(app, wheel_config())
    ops = staff(app, "ops", "oscar")
    live = app.extensions["socketio"].test_client(app, namespace=OPS, flask_test_client=ops)
    watched = time.monotonic()
    assert live.emit("watch", {"campaign_id": campaign}, namespace=OPS, callback=True) == {"ok": True}
    assert [e["name"] for e in live.get_received(OPS)] == ["metrics"]  # the answer to "watch" itself
    arrivals = _metric_arrivals(live, count=2, within=4.5)
    live.disconnect(namespace=OPS)
    assert len(arrivals) == 2, arrivals
    gaps = [later - earlier for earlier, later in itertools.pairwise([watched, *arrivals])]
    assert all(1.0 <= gap <= 2.1 for gap in gaps), gaps  # periodic, not every tick, and never 2 s apart


def _metric_arrivals(live: Any, count: int, within: float) -> list[float]:
    """When the next ``count`` metrics pushes arrived (``time.monotonic()``), waiting at most ``within`` s."""
    arrivals: list[float] = []
    deadline = time.monotonic() + within
    while len(arrivals) < count and time.monotonic() < deadline:
        pushed = [e for e in live.get_received(OPS) if e["name"] == "metrics"]
        arrivals.extend([time.monotonic()] * len(pushed))
        time.sleep(0.02)
    return arrivals
