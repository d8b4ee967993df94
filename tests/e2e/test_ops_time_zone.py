"""A campaign's time zone changed before its start, on SQLite and PostgreSQL: its seed periods keep unique keys,
never overlap, and shoppers, the rules page and the periods API keep working through the change."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import pairwise

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from games.models import SeedPeriod
from tests.conftest import Clock, login
from tests.e2e.test_ops_api import draft, new_campaign, publish, save, staff

SHANGHAI_NOV_25 = datetime.fromisoformat("2026-11-24T16:00:00+00:00")  # midnight in Shanghai


@pytest.fixture
def ops(app: Flask) -> FlaskClient:
    return staff(app, "ops", "olivia")


def periods(app: Flask, campaign: int) -> list[SeedPeriod]:
    with app.extensions["carnival.sessions"]() as session:
        query = select(SeedPeriod).where(SeedPeriod.campaign_id == campaign).order_by(SeedPeriod.starts_at)
        return list(session.scalars(query))


def test_moving_a_campaign_to_another_time_zone_before_its_start_keeps_it_running(
    app: Flask, ops: FlaskClient, clock: Clock
) -> None:
    campaign, _ = new_campaign(ops, starts_at=(clock.now + timedelta(minutes=20)).isoformat())
    revision, body = draft(ops, campaign)
    assert publish(ops, campaign, revision).status_code == 200  # Shanghai days 23 and 24 committed
    body["timezone"] = "America/New_York"
    revision = save(ops, campaign, revision, body).json["revision"]
    assert publish(ops, campaign, revision).status_code == 200, "the start is still ahead"
    clock.now = SHANGHAI_NOV_25 - timedelta(hours=6)  # New York's 24th: its next period starts where Shanghai's ended
    assert ops.get(f"/api/campaigns/{campaign}/rules").status_code == 200
    clock.now = SHANGHAI_NOV_25 + timedelta(minutes=1)
    shopper = app.test_client()
    login(shopper, "traveller")
    spun = shopper.post(f"/api/play/{campaign}/wheel/spin", headers={"Idempotency-Key": "spin-after-move"})
    assert spun.status_code == 200, spun.json
    assert spun.json["proof"]["period"] == "20261124-2", "New York's 24th, after Shanghai's period of that date"
    assert ops.get(f"/api/campaigns/{campaign}/rules").status_code == 200
    assert ops.get(f"/api/campaigns/{campaign}/periods").status_code == 200
    committed = periods(app, campaign)
    assert len({p.key for p in committed}) == len(committed)
    assert all(earlier.ends_at <= later.starts_at for earlier, later in pairwise(committed))
