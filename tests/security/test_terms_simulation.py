"""A cost simulation's work is bounded: over the maximum it is refused with 422 saying the limit and what to
lower; over the interactive limit it runs as a background job whose progress and result the starting
account follows (games/insight/simulate_limits.py, server/api_ops_planning.py)."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from games.insight import simulate_limits
from games.insight.simulate_limits import SimulationSize, SimulationTooLarge, check_size
from server.cli import cli
from server.simulation_jobs import JobsBusy
from tests.conftest import add_campaign, single_prize_config
from tests.e2e.test_cli_simulate import ALWAYS_GOLD, pool_file
from tests.e2e.test_ops_api import staff

RED = {"key": "red", "name": "红包", "reward": {"kind": "red_packet", "amount_fen": 100}}
AUDIENCE = {"players_per_day": 10, "draws_per_player": 2, "days": 5, "runs": 20, "seed": 3}
JOB_SECONDS = 60


def hundred_prizes() -> dict[str, Any]:
    prizes = [{"key": f"p{i}", "name": f"奖品{i}", "weight": 1, "reward": {"kind": "nothing"}} for i in range(100)]
    return {"prizes": prizes, "fallback": "p0"}


@pytest.fixture
def ops(app: Flask) -> FlaskClient:
    return staff(app, "ops", "sim-ops")


@pytest.fixture
def small_interactive_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """Anything over 100 steps runs as a job (so a job takes milliseconds)."""
    monkeypatch.setattr(simulate_limits, "INTERACTIVE_STEPS", 100)


def wait_for(ops: FlaskClient, location: str) -> dict[str, Any]:
    """Poll a job until it finishes; returns its last answer."""
    deadline = time.monotonic() + JOB_SECONDS
    while time.monotonic() < deadline:
        job = ops.get(location)
        assert job.status_code == 200, job.json
        if job.json["status"] in ("done", "failed"):
            return job.json
        time.sleep(0.05)
    raise AssertionError(f"job {location} still running after {JOB_SECONDS} s")


# --- the limits (no I/O) --------------------------------------------------------------------------------


def test_the_limit_names_the_steps_and_the_runs_that_fit() -> None:
    with pytest.raises(SimulationTooLarge) as refused:
        check_size(SimulationSize(runs=20_000, days=366, prizes=100, draws_per_player=3, daily_caps=0))
    assert refused.value.field == "runs"
    assert refused.value.message == (
        "this simulation needs 20,000 runs x 366 days x 100 prizes = 732,000,000 steps;"
        " at most 100,000,000 are allowed: use at most 2,732 runs, or fewer days"
    )
    check_size(SimulationSize(runs=2_732, days=366, prizes=100, draws_per_player=3, daily_caps=0))


def test_daily_caps_bound_the_draws_per_player() -> None:
    with pytest.raises(SimulationTooLarge) as refused:
        check_size(SimulationSize(runs=10, days=1, prizes=2, draws_per_player=1000, daily_caps=3))
    assert refused.value.field == "draws_per_player" and "use at most 666 draws per player" in refused.value.message
    check_size(SimulationSize(runs=10, days=1, prizes=2, draws_per_player=1000, daily_caps=0))  # nothing sampled


def test_a_small_simulation_is_interactive() -> None:
    assert SimulationSize(runs=1000, days=30, prizes=6, draws_per_player=3, daily_caps=1).interactive
    assert not SimulationSize(runs=20_000, days=366, prizes=6, draws_per_player=3, daily_caps=1).interactive


# --- through the ops API -----------------------------------------------------------------------------------


def test_a_simulation_over_the_maximum_is_refused_at_once(ops: FlaskClient) -> None:
    body = {"pool": hundred_prizes(), "players_per_day": 10_000_000, "draws_per_player": 1000, "days": 366}
    started = time.monotonic()
    refused = ops.post("/api/ops/simulate", json={**body, "runs": 20_000})
    assert time.monotonic() - started < 5
    assert (refused.status_code, refused.json["error"]) == (422, "simulation_too_large")
    assert "at most 100,000,000" in refused.json["message"] and "use at most 2,732 runs" in refused.json["message"]
    assert list(refused.json["fields"]) == ["runs"]


def test_too_many_sampled_cap_draws_are_refused(ops: FlaskClient) -> None:
    config = single_prize_config(RED, caps=[{"key": f"d{i}", "per": "day", "max_count": 5} for i in range(3)])
    body = {**AUDIENCE, "pool": config["pool"], "caps": config["caps"], "draws_per_player": 1000}
    refused = ops.post("/api/ops/simulate", json=body)
    assert (refused.status_code, refused.json["error"]) == (422, "simulation_too_large")
    assert list(refused.json["fields"]) == ["draws_per_player"]


@pytest.mark.usefixtures("small_interactive_limit")
def test_a_big_simulation_runs_as_a_job_with_progress(app: Flask, ops: FlaskClient) -> None:
    pool = single_prize_config(RED)["pool"]
    accepted = ops.post("/api/ops/simulate", json={"pool": pool, **AUDIENCE})
    assert accepted.status_code == 202, accepted.json
    assert accepted.json["status"] in ("queued", "running", "done") and accepted.json["days"] == 5
    location = accepted.headers["Location"]
    assert location == f"/api/ops/simulate/jobs/{accepted.json['id']}"
    done = wait_for(ops, location)
    assert (done["status"], done["days_done"], done["progress"]) == ("done", 5, 1.0)
    assert done["result"]["cumulative_median_fen"] == [2_000.0, 4_000.0, 6_000.0, 8_000.0, 10_000.0]
    assert staff(app, "ops", "someone-else").get(location).status_code == 404  # only the account that started it
    assert ops.get("/api/ops/simulate/jobs/no-such-job").json["error"] == "job_not_found"


@pytest.mark.usefixtures("small_interactive_limit")
def test_a_campaigns_big_simulation_becomes_its_forecast_when_done(app: Flask, ops: FlaskClient) -> None:
    config = single_prize_config(RED)
    campaign = add_campaign(app, config)
    accepted = ops.post(f"/api/ops/campaigns/{campaign}/simulate", json={"pool": config["pool"], **AUDIENCE})
    assert accepted.status_code == 202, accepted.json
    assert wait_for(ops, accepted.headers["Location"])["status"] == "done"
    assert ops.get(f"/api/ops/campaigns/{campaign}/metrics").json["forecast_spent_fen"] == 4_000


def test_a_missing_campaign_starts_no_job(ops: FlaskClient) -> None:
    answer = ops.post("/api/ops/campaigns/999/simulate", json={"pool": single_prize_config(RED)["pool"], **AUDIENCE})
    assert answer.status_code == 404


@pytest.mark.parametrize("allowed", [False, True])
def test_the_cli_keeps_the_limits_unless_told_to_go_over(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, allowed: bool
) -> None:
    monkeypatch.setattr(simulate_limits, "MAX_STEPS", 50)  # 10 runs x 3 days x 2 prizes = 60 steps
    pool = {"prizes": [*ALWAYS_GOLD["prizes"], {"key": "no", "name": "无", "weight": 1, "reward": {"kind": "nothing"}}]}
    args = ["simulate", "--pool", pool_file(tmp_path, {**pool, "fallback": "no"}), "--players", "10", "--days", "3"]
    try:
        result = CliRunner().invoke(cli, [*args, "--runs", "10", *(["--allow-large"] if allowed else [])])
    finally:
        os.environ.pop("FLASK_RUN_FROM_CLI", None)
    assert "60 steps; at most 50 are allowed: use at most 8 runs" in result.output
    if allowed:
        assert result.exit_code == 0 and "note: over the console's limits, allowed by --allow-large" in result.output
        assert "total cost: median" in result.output
    else:
        assert result.exit_code == 2 and "pass --allow-large to run it here anyway" in result.output


@pytest.mark.usefixtures("small_interactive_limit")
def test_a_full_queue_answers_429(app: Flask, ops: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    def busy(*_: Any, **__: Any) -> None:
        raise JobsBusy("too many")

    monkeypatch.setattr(app.extensions["carnival.simulation_jobs"], "submit", busy)
    answer = ops.post("/api/ops/simulate", json={"pool": single_prize_config(RED)["pool"], **AUDIENCE})
    assert (answer.status_code, answer.json["error"]) == (429, "simulation_busy")
