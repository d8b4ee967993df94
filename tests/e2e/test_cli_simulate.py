"""``carnival simulate`` against a real app: a pool file (no database needed), a published campaign, errors."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from flask import Flask
from sqlalchemy import update

from economy.models import Budget, CounterBucket
from games.models import Campaign
from server.cli import cli
from tests.conftest import add_campaign, wheel_config

ALWAYS_GOLD = {
    "prizes": [{"key": "gold", "name": "金币红包", "weight": 1, "reward": {"kind": "red_packet", "amount_fen": 500}}],
    "fallback": "gold",
}


def run(app: Flask, *args: str) -> Result:
    try:
        return app.test_cli_runner().invoke(cli, ["simulate", *args])
    finally:
        os.environ.pop("FLASK_RUN_FROM_CLI", None)  # Flask's CLI sets it; servers started later would not run


def pool_file(tmp_path: Path, content: Any, name: str = "pool.json") -> str:
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content, ensure_ascii=False), "utf-8")
    return str(path)


def failed(result: Result) -> bool:
    """A clean failure: non-zero exit through click (SystemExit), no traceback."""
    return result.exit_code != 0 and isinstance(result.exception, SystemExit) and "Traceback" not in result.output


def test_a_pool_file_needs_no_app_database_or_secrets(tmp_path: Path) -> None:
    path = pool_file(tmp_path, ALWAYS_GOLD)
    args = ["simulate", "--pool", path, "--players", "10", "--draws", "2", "--days", "3", "--budget-fen", "20000"]
    try:  # plain click runner: creating the app here would fail on the missing SECRET_KEY
        result = CliRunner().invoke(cli, [*args, "--seed", "1"], env={"CARNIVAL_ENV": "production", "SECRET_KEY": None})
    finally:
        os.environ.pop("FLASK_RUN_FROM_CLI", None)
    assert result.exit_code == 0, result.output
    assert "10 players x 2 draws x 3 days (60 draws a run), budget ¥200.00" in result.output
    assert "total cost: median ¥200.00, p95 ¥200.00, p99 ¥200.00" in result.output  # 20 draws x ¥5 a day
    assert "budget exhausted: 100.0% of runs, median day 2" in result.output


def test_a_pool_file_prints_odds_grants_stockouts_and_costs(app: Flask, tmp_path: Path) -> None:
    config = wheel_config()  # a whole campaign config: its "pool" is simulated
    args = ["--players", "2000", "--draws", "3", "--days", "30", "--seed", "3"]
    result = run(app, "--pool", pool_file(tmp_path, config), *args)
    assert result.exit_code == 0, result.output
    assert "1000 runs of 2,000 players x 3 draws x 30 days (180,000 draws a run), budget unlimited" in result.output
    rows = {line.split()[0]: line.split()[1:] for line in result.output.splitlines() if line.strip()}
    assert rows["points_10"][0] == "25%" and rows["points_10"][2:] == ["2,000,000", "0.0%", "-"]  # ample stock
    granted = float(rows["points_10"][1].replace(",", ""))
    assert abs(granted - 45_000) < 5 * 184 / 1000**0.5  # 25% of 180,000 within 5 standard errors of the mean
    assert rows["thanks"][0] == "40%" and float(rows["thanks"][1].replace(",", "")) > 72_000  # absorbs stock-outs
    assert rows["red_8888"][0] == "0.1%" and rows["red_8888"][2:4] == ["20", "100.0%"]
    assert rows["coupon_if12"][1:4] == ["200.0", "200", "100.0%"] and 1 <= int(rows["coupon_if12"][4]) <= 30
    assert "total cost: median ¥" in result.output and "budget exhausted: 0.0% of runs" in result.output


def test_the_same_seed_prints_the_same_simulation(app: Flask, tmp_path: Path) -> None:
    args = ["--pool", pool_file(tmp_path, wheel_config()["pool"]), "--players", "50", "--days", "5", "--runs", "50"]
    first, again = run(app, *args, "--seed", "7"), run(app, *args, "--seed", "7")
    assert first.exit_code == 0 and first.output == again.output


def test_a_campaign_is_simulated_with_its_length_and_remaining_budget(app: Flask) -> None:
    campaign = add_campaign(app, wheel_config(), budget_fen=10_000_000)  # runs 31 days
    with app.extensions["carnival.sessions"]() as session, session.begin():
        spent = update(CounterBucket).where(CounterBucket.campaign_id == campaign, CounterBucket.counter == "budget")
        session.execute(spent.values(used=4_000_000 // 16))  # 16 buckets
    result = run(app, "--campaign", str(campaign), "--players", "1000", "--draws", "3", "--runs", "200")
    assert result.exit_code == 0, result.output
    assert "200 runs of 1,000 players x 3 draws x 31 days (93,000 draws a run), budget ¥60,000.00" in result.output
    assert [line.split()[0] for line in result.output.splitlines()[3:11]] == [
        p["key"] for p in wheel_config()["pool"]["prizes"]
    ]
    cheap = run(app, "--campaign", str(campaign), "--players", "1000", "--days", "2", "--budget-fen", "100")
    assert cheap.exit_code == 0, cheap.output
    assert "x 2 days" in cheap.output and "budget ¥1.00" in cheap.output
    assert "budget exhausted: 100.0% of runs, median day 1" in cheap.output


def test_a_campaign_is_simulated_with_its_daily_budget(app: Flask) -> None:
    campaign = add_campaign(app, wheel_config(), budget_fen=10_000_000)
    with app.extensions["carnival.sessions"]() as session, session.begin():
        session.execute(update(Budget).where(Budget.campaign_id == campaign).values(daily_total_fen=5_000))
    result = run(app, "--campaign", str(campaign), "--players", "1000", "--draws", "3", "--runs", "50")
    assert result.exit_code == 0, result.output
    assert "budget ¥100,000.00, at most ¥50.00 a day" in result.output
    wider = run(app, "--campaign", str(campaign), "--players", "10", "--daily-budget-fen", "700000", "--runs", "5")
    assert "at most ¥7,000.00 a day" in wider.output


def test_a_missing_or_unpublished_campaign_is_a_clear_error(app: Flask) -> None:
    result = run(app, "--campaign", "999", "--players", "10")
    assert failed(result) and "no campaign 999" in result.output
    campaign = add_campaign(app, wheel_config())
    with app.extensions["carnival.sessions"]() as session, session.begin():
        session.execute(update(Campaign).where(Campaign.id == campaign).values(version_id=None))  # a draft
    draft = run(app, "--campaign", str(campaign), "--players", "10")
    assert failed(draft) and f"campaign {campaign} has no published config" in draft.output


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "cannot read pool file"),
        ("[1, 2]", "must hold a JSON object"),
        ({"prizes": [{**ALWAYS_GOLD["prizes"][0], "weight": -1}], "fallback": "gold"}, "prizes.0.weight: weight is"),
        ({"prizes": [{**ALWAYS_GOLD["prizes"][0], "weight": 0}], "fallback": "gold"}, "prizes: at least one prize"),
        ({"prizes": ALWAYS_GOLD["prizes"], "fallback": "none"}, "fallback: the fallback must be one of the pool's"),
        ({"pool": {"prizes": ALWAYS_GOLD["prizes"]}, "games": {}}, "pool.fallback: Missing data for required field."),
    ],
)
def test_an_invalid_pool_file_shows_what_is_wrong(app: Flask, tmp_path: Path, content: Any, message: str) -> None:
    path = pool_file(tmp_path, content)
    result = run(app, "--pool", path, "--players", "10", "--days", "1")
    assert failed(result) and message in result.output, result.output
    if not isinstance(content, str):
        assert f"invalid pool in {path}:" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--players", "10", "--days", "1"], "give either --campaign ID or --pool FILE"),
        (["--campaign", "1", "--pool", "pool.json", "--players", "10"], "give either --campaign ID or --pool FILE"),
        (["--pool", "pool.json", "--players", "10"], "--days is required with --pool"),
        (["--pool", "missing.json", "--players", "10", "--days", "1"], "cannot read pool file"),
        (["--pool", "pool.json", "--players", "0", "--days", "1"], "Invalid value for '--players'"),
        (["--pool", "pool.json", "--players", "1", "--days", "1", "--daily-budget-fen", "0"], "'--daily-budget-fen'"),
        (
            ["--pool", "pool.json", "--players", "1", "--days", "1", "--budget-fen", "10", "--daily-budget-fen", "11"],
            "--daily-budget-fen: the daily budget may not exceed the total budget",
        ),
        (["--pool", "pool.json", "--players", "1", "--days", "1", "--budget-fen", str(10**13)], "'--budget-fen'"),
    ],
)
def test_wrong_options_are_clear_errors(app: Flask, tmp_path: Path, args: list[str], message: str) -> None:
    pool_file(tmp_path, ALWAYS_GOLD)
    args = [str(tmp_path / a) if a.endswith(".json") else a for a in args]
    result = run(app, *args)
    assert failed(result) and message in result.output, result.output


def test_a_config_file_is_simulated_with_its_daily_caps(app: Flask, tmp_path: Path) -> None:
    thanks = {"key": "thanks", "name": "谢谢", "weight": 1, "reward": {"kind": "nothing"}}
    pool = {"prizes": [ALWAYS_GOLD["prizes"][0], thanks], "fallback": "thanks"}
    config = {"pool": pool, "caps": [{"key": "one_a_day", "per": "day", "max_count": 1, "prize": "gold"}], "games": {}}
    args = ["--players", "1000", "--draws", "4", "--days", "1", "--seed", "5", "--runs", "200"]
    result = run(app, "--pool", pool_file(tmp_path, config), *args)
    rows = {line.split()[0]: line.split()[1:] for line in result.output.splitlines() if line.strip()}
    granted = float(rows["gold"][1].replace(",", ""))
    assert abs(granted - 1000 * (1 - 1 / 16)) < 10  # at most one a shopper a day: 1 - P(no gold in 4 draws)
    assert "per-user daily caps apply; caps over the whole campaign do not" in result.output
    uncapped = run(app, "--pool", pool_file(tmp_path, pool, "pool-only.json"), *args).output
    assert "gold" in uncapped and abs(float(uncapped.split("gold")[1].split()[1].replace(",", "")) - 2000) < 20


def test_bad_caps_in_a_config_file_are_named(app: Flask, tmp_path: Path) -> None:
    config = {"pool": ALWAYS_GOLD, "caps": [{"key": "x", "per": "week", "max_count": 1}], "games": {}}
    result = run(app, "--pool", pool_file(tmp_path, config), "--players", "10", "--days", "1")
    assert failed(result) and "caps.0.per: Must be one of: day, campaign." in result.output, result.output
