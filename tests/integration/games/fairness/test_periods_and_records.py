"""Seed periods (commit ahead, reveal after) and the draw chain, on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta
from itertools import pairwise

import pytest
from flask import Flask
from flask.testing import FlaskClient
from marshmallow import ValidationError
from sqlalchemy import select

from games.fairness.rng import GENESIS_HASH, record_hash, replay
from games.models import DrawRecord, SeedPeriod
from tests.conftest import Clock, add_campaign, login, seal_logs, wheel_config


def spin(client: FlaskClient, campaign: int, key: str) -> dict:  # type: ignore[type-arg]
    answer = client.post(f"/api/play/{campaign}/wheel/spin", headers={"Idempotency-Key": key})
    assert answer.status_code == 200, answer.json
    return answer.json


def test_seed_is_committed_before_and_revealed_only_after_its_period(
    app: Flask, client: FlaskClient, clock: Clock
) -> None:
    campaign = add_campaign(app, wheel_config())
    periods = client.get(f"/api/campaigns/{campaign}/periods").json
    current, upcoming = periods[1], periods[0]
    assert current["key"] == "20261123-1" and upcoming["key"] == "20261124-1"
    assert current["server_seed"] is None and upcoming["server_seed"] is None
    login(client, "auditee")
    proof = spin(client, campaign, "spin-period-01")["proof"]
    assert proof["commitment"] == current["commitment"]
    rules = client.get(f"/api/campaigns/{campaign}/rules").json
    assert all(p["server_seed"] is None for p in rules["periods"])
    clock.advance(hours=12)  # 00:00 next day in Shanghai: the first period has ended
    revealed = {p["key"]: p for p in client.get(f"/api/campaigns/{campaign}/periods").json}
    seed = revealed["20261123-1"]["server_seed"]
    assert hashlib.sha256(bytes.fromhex(seed)).hexdigest() == current["commitment"]
    assert revealed["20261124-1"]["server_seed"] is None
    assert revealed["20261124-1"]["commitment"] == upcoming["commitment"], "the next period's seed was fixed ahead"


def test_draws_chain_and_replay_from_the_revealed_seed(app: Flask, client: FlaskClient, clock: Clock) -> None:
    campaign = add_campaign(app, wheel_config())
    login(client, "chain")
    client.put(f"/api/play/{campaign}/client-seed", json={"client_seed": "my-lucky-seed"})
    answers = [spin(client, campaign, f"spin-chain-{i:03d}") for i in range(3)]
    assert all(answer["proof"]["seq"] is None and answer["proof"]["hash"] is None for answer in answers)
    assert seal_logs(app) == 3 and seal_logs(app) == 0
    with app.extensions["carnival.sessions"]() as session:
        rows = session.scalars(
            select(DrawRecord).where(DrawRecord.campaign_id == campaign).order_by(DrawRecord.seq)
        ).all()
        seed = session.scalars(select(SeedPeriod).where(SeedPeriod.key == "20261123-1")).one().server_seed
    records = [json.loads(r.record_json) for r in rows]
    assert [r["seq"] for r in records] == [1, 2, 3]
    assert [r["nonce"] for r in records] == [0, 1, 2]
    assert records[0]["prev_hash"] == GENESIS_HASH
    assert all(b["prev_hash"] == a["hash"] for a, b in pairwise(records))
    assert all(record_hash(r) == r["hash"] for r in records)
    for record, answer in zip(records, answers, strict=True):
        assert record["client_seed"] == "my-lucky-seed"
        values = replay(seed, "my-lucky-seed", record["nonce"], [n for n, _ in record["draws"]])
        assert values == [v for _, v in record["draws"]]
        assert record["detail"]["slot"] == answer["slot"] and record["nonce"] == answer["proof"]["nonce"]


def test_nonces_restart_in_a_new_period_and_rotation_reveals_early(
    app: Flask, client: FlaskClient, clock: Clock
) -> None:
    from games.fairness.periods import rotate
    from games.models import Campaign

    campaign = add_campaign(app, wheel_config())
    login(client, "rotator")
    spin(client, campaign, "spin-rotate-01")
    with app.extensions["carnival.sessions"]() as session, session.begin():
        ended, started = rotate(session, session.get_one(Campaign, campaign), clock.now)
    assert (ended.key, started.key) == ("20261123-1", "20261123-2")
    clock.advance(seconds=1)
    periods = {p["key"]: p for p in client.get(f"/api/campaigns/{campaign}/periods").json}
    assert periods["20261123-1"]["server_seed"] is not None and periods["20261123-2"]["server_seed"] is None
    proof = spin(client, campaign, "spin-rotate-02")["proof"]
    assert (proof["period"], proof["nonce"]) == ("20261123-2", 0)


def test_periods_say_which_is_current(app: Flask, client: FlaskClient, clock: Clock) -> None:
    campaign = add_campaign(app, wheel_config())
    statuses = {p["key"]: p["status"] for p in client.get(f"/api/campaigns/{campaign}/periods").json}
    assert statuses == {"20261123-1": "current", "20261124-1": "upcoming"}
    clock.advance(hours=12)
    statuses = {p["key"]: p["status"] for p in client.get(f"/api/campaigns/{campaign}/periods").json}
    assert statuses == {"20261123-1": "ended", "20261124-1": "current", "20261125-1": "upcoming"}


def committed(app: Flask, campaign: int) -> dict[str, SeedPeriod]:
    with app.extensions["carnival.sessions"]() as session:
        rows = session.scalars(select(SeedPeriod).where(SeedPeriod.campaign_id == campaign)).all()
        session.expunge_all()
    return {p.key: p for p in rows}


def test_publishing_commits_the_first_periods_before_any_draw(app: Flask, clock: Clock) -> None:
    campaign = add_campaign(app, wheel_config())  # published at clock.now, nobody has opened it
    periods = committed(app, campaign)
    assert sorted(periods) == ["20261123-1", "20261124-1"]
    assert all(p.committed_at == clock.now for p in periods.values())


def test_a_campaign_published_ahead_of_its_start_stamps_its_commitments_when_stored(
    app: Flask, client: FlaskClient, clock: Clock
) -> None:
    campaign = add_campaign(app, wheel_config(), starts_in=timedelta(minutes=20))
    published_at = clock.now
    assert all(p.committed_at == published_at for p in committed(app, campaign).values())
    clock.advance(minutes=20)
    login(client, "early-bird")
    proof = spin(client, campaign, "spin-early-0001")["proof"]
    stored = committed(app, campaign)[proof["period"]]
    assert stored.committed_at == published_at < clock.now
    shown = {p["key"]: p for p in client.get(f"/api/campaigns/{campaign}/rules").json["periods"]}
    assert datetime.fromisoformat(shown[proof["period"]]["committed_at"]) == published_at


def test_a_draw_never_commits_its_own_period(app: Flask, client: FlaskClient, clock: Clock) -> None:
    from games.engine.contract import Action, Rejection
    from games.engine.play import play

    campaign = add_campaign(app, wheel_config())
    user = login(client, "late-riser")
    clock.advance(days=3)  # three quiet days: no period is committed for today yet
    assert "20261126-1" not in committed(app, campaign)
    with app.extensions["carnival.sessions"]() as session, session.begin(), pytest.raises(Rejection) as refused:
        play(session, app.extensions["carnival.registry"], campaign, user, "wheel", Action("spin"), clock)
    assert refused.value.code == "seed_not_committed"
    proof = spin(client, campaign, "spin-late-0001")["proof"]  # the route commits first, in its own transaction
    period = committed(app, campaign)[proof["period"]]
    assert proof["period"] == "20261126-1" and period.commitment == proof["commitment"]
    with app.extensions["carnival.sessions"]() as session:
        draw = session.scalars(select(DrawRecord).where(DrawRecord.campaign_id == campaign)).one()
    assert period.committed_at <= draw.created_at


def test_a_campaign_can_use_shorter_seed_periods(app: Flask, client: FlaskClient, clock: Clock) -> None:
    campaign = add_campaign(app, wheel_config(seed_period_hours=6))
    statuses = {p["key"]: p["status"] for p in client.get(f"/api/campaigns/{campaign}/periods").json}
    assert statuses == {"20261123T12-1": "current", "20261123T18-1": "upcoming"}
    login(client, "six-hours")
    assert spin(client, campaign, "spin-six-hours1")["proof"]["period"] == "20261123T12-1"
    clock.advance(hours=6)
    periods = {p["key"]: p for p in client.get(f"/api/campaigns/{campaign}/periods").json}
    assert periods["20261123T12-1"]["server_seed"] is not None and periods["20261123T18-1"]["status"] == "current"
    proof = spin(client, campaign, "spin-six-hours2")["proof"]
    assert (proof["period"], proof["nonce"]) == ("20261123T18-1", 0)


def test_a_seed_period_that_does_not_divide_a_day_is_refused(app: Flask, client: FlaskClient) -> None:
    with pytest.raises(ValidationError) as refused:
        add_campaign(app, wheel_config(seed_period_hours=5))
    assert refused.value.messages == {
        "config.seed_period_hours": ["a seed period lasts 1, 2, 3, 4, 6, 8, 12 or 24 hours"]
    }
