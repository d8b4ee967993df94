"""The ``carnival`` command line: database, demo, users, seeds, points expiry and audit."""

from __future__ import annotations

import json
import math
import os
import sys
from datetime import timedelta
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, ScriptInfo, with_appcontext
from marshmallow import ValidationError

from economy.ledger import expire_points
from economy.limits import MAX_BUDGET_FEN
from economy.models import Budget
from economy.wallet import expire_coupons
from games.admin import current_config
from games.campaign_form import check_daily_budget, flatten
from games.models import Campaign
from games.periods import rotate
from games.pools import Pool, load_pool
from games.simulate import Audience, Simulation, simulate
from server import db
from server.auth import create_staff
from server.cli_audit import AUDIT_COMMANDS
from server.config import ConfigError
from server.demo import DEMO_STAFF, seed_demo
from server.migrate import upgrade


def _create_app() -> Flask:
    from server import create_app

    return create_app()


class CarnivalGroup(FlaskGroup):
    """Flask's CLI group whose commands are all its own: listing them (``--help``) needs no app, so it works
    before the environment is configured."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        """The group's commands, without loading the app."""
        return sorted(self.commands)


@click.group(cls=CarnivalGroup, create_app=_create_app, add_default_commands=True, add_version_option=False)
def cli() -> None:
    """Carnival: provably-fair marketing mini-games."""


def main() -> None:
    """The ``carnival`` console script: the CLI, with configuration errors as one clear line."""
    try:
        cli()
    except ConfigError as error:
        click.echo(f"carnival: configuration error: {error}", err=True)
        sys.exit(2)


@cli.group("db")
def db_group() -> None:
    """Database schema (Alembic migrations)."""


@db_group.command("upgrade")
@with_appcontext
def db_upgrade() -> None:
    """Bring the database schema to the latest version."""
    upgrade(current_app.extensions["carnival.settings"].database_url)
    click.echo("database is up to date")


@cli.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Create the demo campaign, shoppers and staff (once)."""
    campaign = _seed()
    click.echo(f"demo campaign {campaign.id} ({campaign.slug}) is ready")


def _seed() -> Campaign:
    if not current_app.extensions["carnival.settings"].development:
        raise click.ClickException(
            "the demo data (with published staff passwords) is only for CARNIVAL_ENV=development or testing"
        )
    db_session = db.session()
    with db_session.begin():
        return seed_demo(db_session, current_app.extensions["carnival.registry"], db.now())


@cli.command("demo", with_appcontext=False)
@click.option("--port", default=5000, show_default=True, help="port to listen on (127.0.0.1 only)")
def demo(port: int) -> None:
    """Start the demo: SQLite under instance/, demo data seeded, on http://127.0.0.1:PORT/."""
    os.environ.setdefault("CARNIVAL_ENV", "development")
    from server import create_app

    app = create_app()
    with app.app_context():
        upgrade(app.extensions["carnival.settings"].database_url)
        campaign = _seed()
    click.echo(
        f"Carnival demo: http://127.0.0.1:{port}/  (campaign {campaign.id}; staff logins: "
        + ", ".join(f"{u}/{p}" for u, p, _ in DEMO_STAFF)
        + ")"
    )
    os.environ.pop("FLASK_RUN_FROM_CLI", None)  # else Flask ignores app.run() under its own CLI
    app.extensions["socketio"].run(app, host="127.0.0.1", port=port, allow_unsafe_werkzeug=True)


@cli.group("user")
def user_group() -> None:
    """Staff accounts."""


@user_group.command("create")
@click.option("--username", required=True)
@click.option("--role", type=click.Choice(["ops", "auditor"]), required=True)
@click.password_option(envvar="CARNIVAL_NEW_PASSWORD")
@with_appcontext
def user_create(username: str, role: str, password: str) -> None:
    """Create an ops or auditor account (password hashed)."""
    db_session = db.session()
    try:
        with db_session.begin():
            create_staff(db_session, username, password, role, db.now())
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"{role} account '{username}' created")


@cli.group("seeds")
def seeds_group() -> None:
    """Server seed periods."""


@seeds_group.command("rotate")
@click.option("--campaign", "campaign_id", type=int, required=True)
@with_appcontext
def seeds_rotate(campaign_id: int) -> None:
    """End the campaign's current period now (revealing its seed) and start a new one."""
    db_session = db.session()
    with db_session.begin():
        campaign = _campaign(campaign_id)
        ended, started = rotate(db_session, campaign, db.now())
    click.echo(f"period {ended.key} ended, seed revealed: {ended.server_seed}")
    click.echo(f"period {started.key} started, commitment: {started.commitment}")


@cli.group("points")
def points_group() -> None:
    """Points upkeep."""


@points_group.command("expire")
@with_appcontext
def points_expire() -> None:
    """Move expired points out through the ledger and mark expired coupons (run daily from cron)."""
    db_session = db.session()
    with db_session.begin():
        points = expire_points(db_session, db.now())
        coupons = expire_coupons(db_session, db.now())
    click.echo(f"expired {points} points and {coupons} coupons")


@cli.group("audit")
def audit_group() -> None:
    """Export, verify, checkpoint, reconcile and test draws."""


for _command in AUDIT_COMMANDS:
    audit_group.add_command(_command)


@cli.command("simulate", with_appcontext=False)  # a --pool file needs no app, database or secrets
@click.option("--campaign", "campaign_id", type=int, help="the campaign's published pool and remaining budget")
@click.option("--pool", "pool_file", type=click.Path(dir_okay=False, path_type=Path), help="a pool or config JSON")
@click.option("--players", type=click.IntRange(1), required=True, help="players a day")
@click.option("--draws", type=click.IntRange(1), default=1, show_default=True, help="draws per player a day")
@click.option("--days", type=click.IntRange(1), help="days  [default: the campaign's length; needed with --pool]")
@click.option(
    "--budget-fen",
    type=click.IntRange(0, MAX_BUDGET_FEN),
    help="budget  [default: the campaign's remaining, else none]",
)
@click.option(
    "--daily-budget-fen",
    type=click.IntRange(1, MAX_BUDGET_FEN),
    help="most spent a day  [default: the campaign's daily budget, else none]",
)
@click.option("--runs", type=click.IntRange(1, 100_000), default=1000, show_default=True)
@click.option("--seed", type=int, help="for a repeatable simulation")
def simulate_command(
    campaign_id: int | None,
    pool_file: Path | None,
    players: int,
    draws: int,
    days: int | None,
    budget_fen: int | None,
    daily_budget_fen: int | None,
    runs: int,
    seed: int | None,
) -> None:
    """Monte Carlo of a pool's cost: expected grants, stock-outs, total cost, budget exhaustion.

    The pool is a campaign's published one (``--campaign``) or a JSON file (``--pool``) holding a
    pool ``{prizes, fallback}`` or a whole campaign config with ``pool``.
    """
    pool, length, remaining, daily = _simulated_pool(campaign_id, pool_file)
    days = days or length
    if days is None:
        raise click.UsageError("--days is required with --pool")
    budget = remaining if budget_fen is None else budget_fen
    daily = daily if daily_budget_fen is None else daily_budget_fen
    try:
        check_daily_budget({"budget_fen": budget_fen, "daily_budget_fen": daily_budget_fen})  # as given
    except ValidationError as error:
        raise click.UsageError(f"--daily-budget-fen: {'; '.join(flatten(error.messages).popitem()[1])}") from error
    audience = Audience(players, draws, days)
    result = simulate(pool, audience, budget, runs=runs, seed=seed, daily_budget_fen=daily)
    _echo_simulation(pool, audience, (budget, daily), result)


def _simulated_pool(campaign_id: int | None, pool_file: Path | None) -> tuple[Pool, int | None, int | None, int | None]:
    """The pool, the campaign's length in days, its remaining budget and its daily budget (``None``: unknown
    / unlimited)."""
    if campaign_id is not None and pool_file is None:
        return _published_pool(campaign_id)
    if pool_file is not None and campaign_id is None:
        return _pool_from_file(pool_file), None, None, None
    raise click.UsageError("give either --campaign ID or --pool FILE")


def _published_pool(campaign_id: int) -> tuple[Pool, int, int | None, int | None]:
    """The campaign's published pool, its length in days, its remaining budget and its daily budget
    (``None``: no such limit)."""
    app = click.get_current_context().ensure_object(ScriptInfo).load_app()
    with app.app_context(), db.session().begin():
        campaign = _campaign(campaign_id)
        config = current_config(db.session(), app.extensions["carnival.registry"], campaign)
        if config is None:
            raise click.ClickException(f"campaign {campaign_id} has no published config")
        budget = db.session().get(Budget, campaign_id)
        length = math.ceil((campaign.ends_at - campaign.starts_at) / timedelta(days=1))
        remaining = None if budget is None else max(budget.total_fen - budget.spent_fen, 0)
        return config.pool, max(length, 1), remaining, None if budget is None else budget.daily_total_fen


def _pool_from_file(path: Path) -> Pool:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise click.ClickException(f"cannot read pool file {path}: {error}") from error
    whole_config = isinstance(data, dict) and "pool" in data
    raw = data["pool"] if whole_config else data
    if not isinstance(raw, dict):
        raise click.ClickException(f"{path} must hold a JSON object: a pool or a campaign config with 'pool'")
    try:
        return load_pool(raw)
    except ValidationError as error:
        fields = flatten(error.messages, "pool" if whole_config else "")
        lines = [f"  {name}: {'; '.join(messages)}" for name, messages in fields.items()]
        raise click.ClickException("\n".join([f"invalid pool in {path}:", *lines])) from error


def _yuan(fen: float | None) -> str:
    return "unlimited" if fen is None else f"¥{fen / 100:,.2f}"


def _echo_simulation(
    pool: Pool, audience: Audience, budgets: tuple[int | None, int | None], result: Simulation
) -> None:
    daily = "" if budgets[1] is None else f", at most {_yuan(budgets[1])} a day"
    click.echo(
        f"{result.runs} runs of {audience.players_per_day:,} players x {audience.draws_per_player} draws"
        f" x {audience.days} days ({audience.draws_per_day * audience.days:,} draws a run),"
        f" budget {_yuan(budgets[0])}{daily}\n"
    )
    width = max(len("prize"), *(len(p.key) for p in pool.prizes))
    click.echo(
        f"{'prize':<{width}} {'odds':>10} {'expected granted':>17} {'stock':>9} {'stock-out':>10} {'median day':>10}"
    )
    for row, forecast in zip(pool.odds(), result.prizes, strict=True):
        stock = row.prize.stock
        click.echo(
            f"{row.prize.key:<{width}} {100 * float(row.probability):>9.4g}% {forecast.expected_granted:>17,.1f}"
            f" {'-' if stock is None else f'{stock:,}':>9}"
            f" {'-' if stock is None else f'{forecast.stockout_probability:.1%}':>10}"
            f" {forecast.median_stockout_day or '-':>10}"
        )
    click.echo(
        f"\ntotal cost: median {_yuan(result.cost_median_fen)}, p95 {_yuan(result.cost_p95_fen)},"
        f" p99 {_yuan(result.cost_p99_fen)} (mean {_yuan(result.cost_mean_fen)})"
    )
    day = result.median_budget_exhausted_day
    click.echo(
        f"budget exhausted: {result.budget_exhausted_probability:.1%} of runs"
        + (f", median day {day}" if day is not None else "")
    )
    click.echo(
        "stock and budgets follow the engine's fallback rules;"
        " per-user caps are not simulated (they can only lower the cost)"
    )


def _campaign(campaign_id: int) -> Campaign:
    campaign = db.session().get(Campaign, campaign_id)
    if campaign is None:
        raise click.ClickException(f"no campaign {campaign_id}")
    return campaign
