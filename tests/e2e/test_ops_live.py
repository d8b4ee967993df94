"""The /ops Socket.IO namespace: only ops connect; watched campaigns get their metrics pushed."""

from __future__ import annotations

import time

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
