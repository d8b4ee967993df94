"""Shared fixtures: an app on SQLite and on PostgreSQL, a controllable clock, shoppers, campaigns."""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from economy.db import Base
from games.campaigns.admin import create_campaign
from server import create_app
from server.config import DEV_LAUNCH_KEY
from server.demo import demo_config
from server.keys import Key
from server.launch import sign
from tests.services import fresh_postgres_database

T0 = datetime(2026, 11, 23, 4, 0, tzinfo=UTC)  # 12:00 in Asia/Shanghai


@dataclass
class Clock:
    """A clock tests move by hand."""

    now: datetime = T0
    calls: list[datetime] = field(default_factory=list)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        """Move forward by ``timedelta(**delta)``."""
        self.now += timedelta(**delta)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Each database test runs on SQLite (a file) and on PostgreSQL (a fresh database)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'carnival.db'}"
        return
    with fresh_postgres_database() as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A SQLite file database, for tests that need only one database."""
    return f"sqlite:///{tmp_path / 'carnival.db'}"


@pytest.fixture
def clock() -> Clock:
    """The app's clock, starting at noon Shanghai time on 2026-11-23."""
    return Clock()


class PageClient(FlaskClient):
    """A test client whose requests come, as a browser labels them, from the app's own pages
    (``Sec-Fetch-Site: same-origin``); a test may send other headers to play another page."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.environ_base["HTTP_SEC_FETCH_SITE"] = "same-origin"


#: Tests that move the clock by weeks keep their sessions; tests of sessions pass their own lifetimes.
PATIENT = {"CARNIVAL_DB_POOL_TIMEOUT": "60"}
LONG_SESSIONS = {
    "CARNIVAL_STAFF_SESSION_HOURS": "100000",
    "CARNIVAL_STAFF_IDLE_MINUTES": "900000",
    "CARNIVAL_SHOPPER_SESSION_HOURS": "100000",
    "CARNIVAL_SHOPPER_IDLE_MINUTES": "900000",
}


def build_app(database_url: str, clock: Clock, rate_limits: bool = False, **environ: str) -> Flask:
    """A testing app on ``database_url`` with tables created and ``clock`` installed; rate limits are off unless
    ``rate_limits``, sessions last for years and a request waits up to a minute for a pooled connection (races
    run hundreds of threads) unless ``environ`` says otherwise; its test clients are :class:`PageClient`."""
    app = create_app(
        {"CARNIVAL_ENV": "testing", "DATABASE_URL": database_url, **PATIENT, **LONG_SESSIONS, **environ},
        {"TESTING": True, "RATELIMIT_ENABLED": rate_limits},
    )
    app.test_client_class = PageClient
    app.extensions["carnival.clock"] = clock
    Base.metadata.create_all(app.extensions["carnival.engine"])
    return app


@pytest.fixture
def app(database_url: str, clock: Clock) -> Iterator[Flask]:
    """The app on each database."""
    app = build_app(database_url, clock)
    yield app
    app.extensions["carnival.engine"].dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client (keeps cookies)."""
    return app.test_client()


def launch_token(
    sub: str,
    name: str = "测试用户",
    tier: str = "normal",
    lifetime: int = 600,
    now: datetime | None = None,
    key: Key = DEV_LAUNCH_KEY,
) -> str:
    """A one-time launch token signed with ``key`` (the development key), valid ``lifetime`` seconds from ``now``."""
    issued = now.timestamp() if now is not None else time.time()
    return sign(key, sub, name, tier, int(issued) + lifetime)


def login(client: FlaskClient, sub: str, name: str = "测试用户") -> int:
    """Sign a shopper in on ``client`` (token timed by the app's clock); returns their user id."""
    now = client.application.extensions["carnival.clock"]()
    response = client.post("/api/session/launch", json={"token": launch_token(sub, name, now=now)})
    assert response.status_code == 200, response.json
    return response.json["id"]


def wheel_config(**changes: Any) -> dict[str, Any]:
    """The demo config, with top-level keys replaced."""
    config = copy.deepcopy(demo_config())
    config.update(changes)
    return config


def single_prize_config(
    prize: dict[str, Any], caps: list[dict[str, Any]] | None = None, **wheel: Any
) -> dict[str, Any]:
    """A pool that always picks ``prize`` (the fallback has weight 1 in 10^9 and is 'nothing')."""
    thanks = {"key": "thanks", "name": "谢谢参与", "weight": 1, "reward": {"kind": "nothing"}}
    slots = [prize["key"]] * 5 + ["thanks"]
    return {
        "pool": {"prizes": [{**prize, "weight": 1_000_000_000}, thanks], "fallback": "thanks"},
        "caps": caps or [],
        "games": {"wheel": {"slots": slots, "free_spins_per_day": 1000, **wheel}},
    }


def add_campaign(
    app: Flask,
    config: dict[str, Any],
    budget_fen: int = 10_000_000,
    slug: str = "test",
    starts_in: timedelta = timedelta(days=-1),
) -> int:
    """Create and publish a campaign with ``config`` starting ``starts_in`` from now (default: running since
    yesterday), for 30 days from now; returns its id."""
    clock: Callable[[], datetime] = app.extensions["carnival.clock"]
    now = clock()
    body = {
        "slug": slug,
        "name": "测试活动",
        "name_en": "Test",
        "timezone": "Asia/Shanghai",
        "starts_at": (now + starts_in).isoformat(),
        "ends_at": (now + timedelta(days=30)).isoformat(),
        "budget_fen": budget_fen,
        "config": config,
    }
    sessions = app.extensions["carnival.sessions"]
    with sessions() as session, session.begin():
        return create_campaign(session, app.extensions["carnival.registry"], body, "tests", now).id


def seal_logs(app: Flask) -> int:
    """Seal every campaign's unsealed draw records, as the period clock does each second; returns how many."""
    from sqlalchemy import select

    from games.fairness.checkpoints import seal_log
    from games.models import Campaign

    with app.extensions["carnival.sessions"]() as session, session.begin():
        return sum(seal_log(session, campaign_id) for campaign_id in session.scalars(select(Campaign.id)).all())
