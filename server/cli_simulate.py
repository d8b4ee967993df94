"""``carnival simulate``: the cost simulation of a campaign's published pool or of a pool file, as a table.

A ``--pool`` file needs no app, database or secrets; ``--campaign`` loads the app from the environment.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import click
from flask.cli import ScriptInfo
from marshmallow import ValidationError

from economy.limits import MAX_BUDGET_FEN, Cap, budget_level
from games.campaigns.admin import current_config
from games.campaigns.config import load_caps
from games.campaigns.form import check_daily_budget, flatten
from games.fairness.pools import Pool, load_pool
from games.insight.simulate import Audience, Simulation, simulate
from games.insight.simulate_caps import daily_caps
from games.insight.simulate_limits import SimulationSize, SimulationTooLarge, check_size
from server import db
from server.cli_audit import campaign_or_fail


@click.command("simulate")  # a --pool file needs no app, database or secrets
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
@click.option(
    "--allow-large",
    is_flag=True,
    help="run a simulation over the console's limits (runs x days x prizes, draws x daily caps); it may take minutes",
)
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
    allow_large: bool,
) -> None:
    """Monte Carlo of a pool's cost: expected grants, stock-outs, total cost, budget exhaustion.

    The pool is a campaign's published one (``--campaign``) or a JSON file (``--pool``) holding a
    pool ``{prizes, fallback}`` or a whole campaign config with ``pool``.
    """
    source = _simulated_pool(campaign_id, pool_file)
    days = days or source.days
    if days is None:
        raise click.UsageError("--days is required with --pool")
    try:
        check_daily_budget({"budget_fen": budget_fen, "daily_budget_fen": daily_budget_fen})  # as given
    except ValidationError as error:
        raise click.UsageError(f"--daily-budget-fen: {'; '.join(flatten(error.messages).popitem()[1])}") from error
    budget = source.remaining_fen if budget_fen is None else budget_fen
    daily = source.daily_fen if daily_budget_fen is None else daily_budget_fen
    audience = Audience(players, draws, days)
    _check_size(SimulationSize(runs, days, len(source.pool.prizes), draws, len(daily_caps(source.caps))), allow_large)
    result = simulate(source.pool, audience, budget, runs=runs, seed=seed, daily_budget_fen=daily, caps=source.caps)
    _echo_simulation(source.pool, audience, (budget, daily), result)


def _check_size(size: SimulationSize, allow_large: bool) -> None:
    """The console's limits apply unless ``--allow-large`` is given; then a note says the run is over them.

    :raises click.UsageError: over the limits without ``--allow-large``.
    """
    try:
        check_size(size)
    except SimulationTooLarge as error:
        if not allow_large:
            raise click.UsageError(f"{error.message} (or pass --allow-large to run it here anyway)") from error
        click.echo(f"note: over the console's limits, allowed by --allow-large: {error.message}\n", err=True)


@dataclass(frozen=True)
class _SimulatedPool:
    """What ``carnival simulate`` reads from a campaign or a file; ``None``: unknown or unlimited."""

    pool: Pool
    caps: tuple[Cap, ...] = ()
    days: int | None = None
    remaining_fen: int | None = None
    daily_fen: int | None = None


def _simulated_pool(campaign_id: int | None, pool_file: Path | None) -> _SimulatedPool:
    """The pool to simulate, from exactly one of ``--campaign`` and ``--pool``."""
    if campaign_id is not None and pool_file is None:
        return _published_pool(campaign_id)
    if pool_file is not None and campaign_id is None:
        return _pool_from_file(pool_file)
    raise click.UsageError("give either --campaign ID or --pool FILE")


def _published_pool(campaign_id: int) -> _SimulatedPool:
    """The campaign's published pool and caps, its length in days, its remaining and daily budgets."""
    app = click.get_current_context().ensure_object(ScriptInfo).load_app()
    with app.app_context(), db.session().begin():
        campaign = campaign_or_fail(campaign_id)
        config = current_config(db.session(), app.extensions["carnival.registry"], campaign)
        if config is None:
            raise click.ClickException(f"campaign {campaign_id} has no published config")
        budget = budget_level(db.session(), campaign_id)
        length = math.ceil((campaign.ends_at - campaign.starts_at) / timedelta(days=1))
        return _SimulatedPool(
            config.pool,
            config.caps,
            max(length, 1),
            None if budget is None else max(budget.total_fen - budget.spent_fen, 0),
            None if budget is None else budget.daily_total_fen,
        )


def _pool_from_file(path: Path) -> _SimulatedPool:
    """A file's pool: a pool object, or a whole campaign config (then with its caps).

    :raises click.ClickException: naming what is wrong with the file.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise click.ClickException(f"cannot read pool file {path}: {error}") from error
    whole_config = isinstance(data, dict) and "pool" in data
    raw = data["pool"] if whole_config else data
    if not isinstance(raw, dict):
        raise click.ClickException(f"{path} must hold a JSON object: a pool or a campaign config with 'pool'")
    try:
        pool = load_pool(raw)
        return _SimulatedPool(pool, load_caps(data.get("caps", []), pool) if whole_config else ())
    except ValidationError as error:
        fields = flatten(error.messages, "pool" if whole_config and "caps" not in error.messages else "")
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
        " per-user daily caps apply; caps over the whole campaign do not (they can only lower the cost)"
    )
