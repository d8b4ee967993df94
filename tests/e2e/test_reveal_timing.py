"""No seed is visible before its period ends, through any route, event or export.

A sweep over a running campaign with a few spins made: every GET route of the app as each audience, the
spin answers, the Socket.IO events a shopper and an ops watcher receive, and the audit export (API and
CLI) must never contain the server seed of a period that has not ended. Once the clock passes the
period's end, the same sweep finds its seed (in the periods API): the sweep can fail.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from flask_socketio import SocketIOTestClient
from sqlalchemy import select

from games.models import SeedPeriod
from tests.conftest import Clock, add_campaign, login, wheel_config
from tests.e2e.audit_exports import run
from tests.e2e.test_ops_api import staff
from tests.e2e.test_play_api import spin

SHOPPER = "seed-sweeper"
SPINS = 3
ASSETS = {"static", "pages.vendor", "api-docs.openapi_swagger_ui"}  # files, not views


def get_paths(app: Flask, campaign: int) -> list[str]:
    """Every GET route of the app but static assets, ids filled with ``campaign``, other args with the shopper."""
    paths = []
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and rule.endpoint not in ASSETS:
            paths.append(re.sub(r"<[^>]+>", SHOPPER, re.sub(r"<int:\w+>", str(campaign), rule.rule)))
    return sorted(paths)


def route_bodies(app: Flask, audiences: dict[str, FlaskClient], campaign: int) -> dict[str, str]:
    """The body of every GET route as every audience, by ``"audience GET path (status)"``."""
    bodies = {}
    for audience, client in audiences.items():
        for path in get_paths(app, campaign):
            answer = client.get(path)
            bodies[f"{audience} GET {path} ({answer.status_code})"] = answer.get_data(as_text=True)
    return bodies


def events(sio: SocketIOTestClient, namespace: str) -> list[str]:
    """The events received on ``namespace`` since the last call, as JSON text."""
    return [json.dumps(event, ensure_ascii=False) for event in sio.get_received(namespace)]


def unended_seeds(app: Flask, campaign: int) -> list[str]:
    """The server seeds of the campaign's periods that have not ended (the current one and the next)."""
    now = app.extensions["carnival.clock"]()
    with app.extensions["carnival.sessions"]() as session:
        query = select(SeedPeriod.server_seed).where(SeedPeriod.campaign_id == campaign, SeedPeriod.ends_at > now)
        return list(session.scalars(query))


def leaks(seeds: list[str], bodies: dict[str, str]) -> list[str]:
    """Where any of ``seeds`` (hex, either case) shows up in ``bodies``."""
    return [where for where, body in bodies.items() if any(seed.lower() in body.lower() for seed in seeds)]


def test_no_seed_is_visible_before_its_period_ends(app: Flask, clock: Clock, tmp_path: Path) -> None:
    config = wheel_config()
    for prize in config["pool"]["prizes"]:
        prize["broadcast"] = True  # every win reaches the campaign ticker too
    campaign = add_campaign(app, config)
    shopper = app.test_client()
    login(shopper, SHOPPER)
    audiences = {
        "anonymous": app.test_client(),
        "shopper": shopper,
        "ops": staff(app, "ops", "seed-ops"),
        "auditor": staff(app, "auditor", "seed-auditor"),
    }
    socketio = app.extensions["socketio"]
    player = socketio.test_client(app, namespace="/play", flask_test_client=shopper)
    watcher = socketio.test_client(app, namespace="/ops", flask_test_client=audiences["ops"])
    assert player.emit("watch", {"campaign_id": campaign}, namespace="/play", callback=True) == {"ok": True}
    assert watcher.emit("watch", {"campaign_id": campaign}, namespace="/ops", callback=True) == {"ok": True}

    bodies = {}
    for number in range(SPINS):
        answer = spin(shopper, campaign, f"seed-sweep-{number}")
        assert answer.status_code == 200, answer.json
        bodies[f"spin answer {number}"] = answer.get_data(as_text=True)
    play_events = events(player, "/play")
    assert all(any(f'"name": "{name}"' in text for text in play_events) for name in ("wheel.spun", "ticker"))
    bodies |= {f"/play event {n}": text for n, text in enumerate(play_events)}
    bodies |= {f"/ops event {n}": text for n, text in enumerate(ops_events_after_spins(watcher))}
    bodies |= route_bodies(app, audiences, campaign)
    exported = run(app, "audit", "export", "--campaign", str(campaign), "--out", str(tmp_path / "export.jsonl"))
    assert exported.exit_code == 0, exported.output
    bodies["carnival audit export"] = exported.output + (tmp_path / "export.jsonl").read_text("utf-8")

    seeds = unended_seeds(app, campaign)
    assert len(seeds) == 2, "the current period and the one committed ahead"
    for sample in (
        f"anonymous GET /api/campaigns/{campaign}/periods (200)",
        f"shopper GET /api/play/{campaign}/wheel (200)",
        f"ops GET /api/ops/campaigns/{campaign} (200)",
        f"auditor GET /api/audit/campaigns/{campaign}/export (200)",
    ):
        assert sample in bodies, f"the sweep must reach {sample}"
    assert leaks(seeds, bodies) == []

    clock.advance(hours=12, seconds=1)  # past midnight in Shanghai: the current period has ended
    revealed = leaks(seeds, route_bodies(app, audiences, campaign))
    assert f"anonymous GET /api/campaigns/{campaign}/periods (200)" in revealed
    player.disconnect(namespace="/play")
    watcher.disconnect(namespace="/ops")


def ops_events_after_spins(watcher: SocketIOTestClient, within: float = 5.0) -> list[str]:
    """The /ops events, waiting (up to ``within`` seconds) for the metrics that count the spins."""
    received: list[str] = []
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        received += events(watcher, "/ops")
        if any(f'"draws_total": {SPINS}' in text for text in received):
            return received
        time.sleep(0.1)
    raise AssertionError(f"no metrics counting {SPINS} draws reached the ops watcher: {received}")
