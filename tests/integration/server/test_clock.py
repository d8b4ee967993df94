"""The period clock (server/clock.py): commitments ahead and closed periods without any shopper's request."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from flask import Flask

from server import clock as period_clock
from server.config import ConfigError, settings_from
from tests.conftest import Clock, add_campaign, build_app, wheel_config
from tests.integration.games.fairness.test_periods_and_records import committed


def test_a_tick_closes_the_ended_period_and_commits_the_one_after_next(app: Flask, clock: Clock) -> None:
    campaign = add_campaign(app, wheel_config())
    assert set(committed(app, campaign)) == {"20261123-1", "20261124-1"}
    clock.advance(days=1)
    assert period_clock.tick(app) == 1
    found = committed(app, campaign)
    assert set(found) == {"20261123-1", "20261124-1", "20261125-1"}
    assert found["20261123-1"].closed_at == clock.now and found["20261124-1"].closed_at is None
    assert period_clock.tick(app) == 0


@pytest.fixture
def ticking_app(database_url: str, clock: Clock) -> Iterator[Flask]:
    app = build_app(database_url, clock, CARNIVAL_CLOCK_SECONDS="1")
    yield app
    app.extensions["carnival.engine"].dispose()


def test_the_clock_runs_in_the_background_from_the_first_request(ticking_app: Flask, clock: Clock) -> None:
    campaign = add_campaign(ticking_app, wheel_config())
    clock.advance(days=1, minutes=1)
    assert ticking_app.test_client().get("/api/health").status_code == 200
    deadline = time.monotonic() + 10
    while committed(ticking_app, campaign)["20261123-1"].closed_at is None:
        assert time.monotonic() < deadline, "the clock did not close the ended period within 10 s"
        time.sleep(0.1)
    assert "20261125-1" in committed(ticking_app, campaign)


def test_the_clock_is_on_by_default_and_off_in_testing(tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert settings_from({"CARNIVAL_ENV": "development"}, tmp_path).clock_seconds == 1
    assert settings_from({"CARNIVAL_ENV": "testing"}, tmp_path).clock_seconds == 0
    with pytest.raises(ConfigError, match="CARNIVAL_CLOCK_SECONDS must be a whole number"):
        settings_from({"CARNIVAL_ENV": "development", "CARNIVAL_CLOCK_SECONDS": "0.5"}, tmp_path)
