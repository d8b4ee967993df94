"""The ``carnival`` command line against a real app: staff accounts, points expiry, seed rotation."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

from click.testing import Result
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from games.models import Campaign, ChainCheckpoint, DrawRecord, SeedPeriod
from server.cli import cli
from server.demo import DEMO_SLUG, HISTORY_SHOPPERS, HISTORY_SPINS_EACH
from server.models import User
from tests.conftest import Clock, add_campaign, build_app, login, single_prize_config


def run(app: Flask, *args: str, stdin: str | None = None) -> Result:
    try:
        return app.test_cli_runner().invoke(cli, list(args), input=stdin)
    finally:
        os.environ.pop("FLASK_RUN_FROM_CLI", None)  # Flask's CLI sets it; servers started later would not run


def test_user_create_hashes_the_password_and_refuses_duplicates_and_short_ones(app: Flask, client: FlaskClient) -> None:
    created = run(
        app, "user", "create", "--username", "alice", "--role", "auditor", stdin="s3cret-pass!\ns3cret-pass!\n"
    )
    assert created.exit_code == 0, created.output
    assert "auditor account 'alice' created" in created.output
    again = run(app, "user", "create", "--username", "alice", "--role", "ops", stdin="s3cret-pass!\ns3cret-pass!\n")
    assert again.exit_code != 0 and "exists already" in again.output
    short = run(app, "user", "create", "--username", "bob", "--role", "ops", stdin="short\nshort\n")
    assert short.exit_code != 0 and "at least 12 characters" in short.output
    login_answer = client.post("/api/session/staff", json={"username": "alice", "password": "s3cret-pass!"})
    assert login_answer.json["role"] == "auditor"


def test_points_expire_moves_expired_points_out(app: Flask, client: FlaskClient, clock: Clock) -> None:
    config = single_prize_config({"key": "pts", "name": "积分", "reward": {"kind": "points", "points": 70}})
    config["points_lifetime_days"] = 1
    campaign = add_campaign(app, config)
    login(client, "expiring")
    assert (
        client.post(f"/api/play/{campaign}/wheel/spin", headers={"Idempotency-Key": "spin-expire-1"}).status_code == 200
    )
    assert client.get("/api/play/wallet").json["points_expiring"][0]["points"] == 70
    clock.advance(days=1, seconds=1)
    assert client.get("/api/play/wallet").json["points"] == 0, "expired points are not spendable, swept or not"
    result = run(app, "points", "expire")
    assert result.exit_code == 0 and "expired 70 points" in result.output
    assert client.get("/api/play/wallet").json["points"] == 0


def test_seeds_rotate_reveals_the_current_seed(app: Flask, client: FlaskClient, clock: Clock) -> None:
    campaign = add_campaign(
        app, single_prize_config({"key": "pts", "name": "积分", "reward": {"kind": "points", "points": 1}})
    )
    before = client.get(f"/api/campaigns/{campaign}/periods").json
    result = run(app, "seeds", "rotate", "--campaign", str(campaign))
    assert result.exit_code == 0, result.output
    clock.advance(seconds=1)
    after = {p["key"]: p for p in client.get(f"/api/campaigns/{campaign}/periods").json}
    current = next(p for p in before if p["key"] == "20261123-1")
    assert after["20261123-1"]["server_seed"] in result.output
    assert after["20261123-2"]["server_seed"] is None and after["20261123-2"]["commitment"] in result.output
    assert current["commitment"] == after["20261123-1"]["commitment"]
    missing = run(app, "seeds", "rotate", "--campaign", "999")
    assert missing.exit_code != 0 and "no campaign 999" in missing.output


def test_seed_demo_is_refused_outside_development(sqlite_url: str, clock: Clock) -> None:
    keys = {"SECRET_KEY": secrets.token_urlsafe(32), "CARNIVAL_LAUNCH_SECRET": secrets.token_urlsafe(32)}
    app = build_app(sqlite_url, clock, CARNIVAL_ENV="production", **keys)
    result = run(app, "seed-demo")
    assert result.exit_code != 0 and "only for CARNIVAL_ENV=development" in result.output
    with app.extensions["carnival.sessions"]() as session:
        assert session.scalars(select(User)).all() == []


def test_help_needs_no_configuration_and_a_command_without_it_says_what_is_missing(tmp_path: Path) -> None:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("CARNIVAL_", "SECRET_KEY", "DATABASE_URL"))}
    carnival = [sys.executable, "-c", "from server.cli import main; main()"]
    helped = subprocess.run([*carnival, "--help"], env=environ, cwd=tmp_path, capture_output=True, text=True)
    assert helped.returncode == 0 and "Traceback" not in helped.stderr, helped.stderr
    assert all(name in helped.stdout for name in ("audit", "db", "demo", "simulate", "user"))
    upgraded = subprocess.run([*carnival, "db", "upgrade"], env=environ, cwd=tmp_path, capture_output=True, text=True)
    assert upgraded.returncode == 2 and "Traceback" not in upgraded.stderr
    assert "configuration error: SECRET_KEY is not set" in upgraded.stderr


def test_a_command_on_a_database_without_tables_says_to_upgrade_it(tmp_path: Path) -> None:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("CARNIVAL_", "SECRET_KEY", "DATABASE_URL"))}
    environ |= {"CARNIVAL_ENV": "development", "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}"}
    carnival = [sys.executable, "-c", "from server.cli import main; main()"]
    seeded = subprocess.run([*carnival, "seed-demo"], env=environ, cwd=tmp_path, capture_output=True, text=True)
    assert seeded.returncode == 1 and "Traceback" not in seeded.stderr, seeded.stderr
    assert "database error: no such table" in seeded.stderr and "carnival db upgrade" in seeded.stderr


def test_idempotency_purge_forgets_old_keys_only(app: Flask, client: FlaskClient, clock: Clock) -> None:
    campaign = add_campaign(
        app, single_prize_config({"key": "pts", "name": "积分", "reward": {"kind": "points", "points": 5}})
    )
    login(client, "purged")
    spin = f"/api/play/{campaign}/wheel/spin"
    old = client.post(spin, headers={"Idempotency-Key": "old-key-123"})
    clock.advance(days=8)
    recent = client.post(spin, headers={"Idempotency-Key": "recent-key-123"})
    assert old.status_code == recent.status_code == 200
    refused = run(app, "idempotency", "purge", "--keep-days", "0")
    assert refused.exit_code != 0 and "--keep-days" in refused.output
    purged = run(app, "idempotency", "purge")
    assert purged.exit_code == 0 and "forgot 1 idempotency keys older than 7 days" in purged.output, purged.output
    replayed = client.post(spin, headers={"Idempotency-Key": "recent-key-123"})
    assert replayed.headers.get("Idempotent-Replayed") == "true" and replayed.json == recent.json
    anew = client.post(spin, headers={"Idempotency-Key": "old-key-123"})
    assert anew.status_code == 200 and "Idempotent-Replayed" not in anew.headers
    assert anew.json["proof"]["nonce"] == recent.json["proof"]["nonce"] + 1


def test_seed_demo_ships_one_ended_period_an_auditor_can_verify_once(app: Flask, tmp_path: Path) -> None:
    assert run(app, "seed-demo").exit_code == 0
    assert run(app, "seed-demo").exit_code == 0  # a second run adds nothing
    with app.extensions["carnival.sessions"]() as session:
        wheel = session.scalars(select(Campaign.id).where(Campaign.slug == DEMO_SLUG)).one()
        closed = session.scalars(
            select(SeedPeriod).where(SeedPeriod.closed_at.is_not(None), SeedPeriod.campaign_id == wheel)
        ).all()
        draws = session.scalars(select(DrawRecord).where(DrawRecord.campaign_id == wheel)).all()
        checkpoints = session.scalars(select(ChainCheckpoint).where(ChainCheckpoint.campaign_id == wheel)).all()
    shipped = len(HISTORY_SHOPPERS) * HISTORY_SPINS_EACH
    assert len(closed) == 1 and len(draws) == shipped and all(d.period_key == closed[0].key for d in draws)
    assert [(c.period_key, c.count) for c in checkpoints] == [(closed[0].key, shipped)]
    export = tmp_path / "demo.jsonl"
    campaign = str(draws[0].campaign_id)
    assert run(app, "audit", "export", "--campaign", campaign, "--out", str(export)).exit_code == 0
    verified = run(app, "audit", "verify", str(export))
    assert verified.exit_code == 0 and f"OK: {shipped} draws verified" in verified.output, verified.output
