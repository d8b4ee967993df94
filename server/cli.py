"""The ``carnival`` command line: database, demo, users, seeds, points expiry, launch tokens, audit and check-in
reminders."""

from __future__ import annotations

import os
import sys
from datetime import timedelta

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy import select
from sqlalchemy.exc import OperationalError, ProgrammingError

from economy.ledger import expire_points
from economy.wallet import expire_coupons
from games.campaigns.ending import expire_ended_items
from games.fairness.periods import rotate
from games.models import Campaign
from server import db, idempotency
from server.cli_audit import AUDIT_COMMANDS, campaign_or_fail
from server.cli_checkin import checkin_group
from server.cli_events import events_group
from server.cli_messages import worker_command
from server.cli_simulate import simulate_command
from server.cli_users import USER_COMMANDS, user_create
from server.config import ConfigError
from server.demo import DEMO_STAFF, seed_demo, seed_history
from server.demo_checkin import CHECKIN_SLUG, seed_checkin_demo
from server.demo_mall import seed_mall_demo
from server.demo_messages import seed_messages_demo
from server.demo_monopoly import MONOPOLY_SLUG, seed_monopoly_demo
from server.demo_share import SHARE_SLUG, seed_share_demo
from server.launch_guard import purge_spent
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
    except (OperationalError, ProgrammingError) as error:
        first_line = str(error.orig or error).splitlines()[0]
        click.echo(f"carnival: database error: {first_line} (a new database needs `carnival db upgrade`)", err=True)
        sys.exit(1)


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
    """Create the demo campaigns (the wheel with its points mall and messages; check-in + wheel; 白条大富翁; 分享助力),
    shoppers and staff (once)."""
    campaign = _seed()
    click.echo(
        f"demo campaign {campaign.id} ({campaign.slug}, with its points mall) is ready, the check-in campaign"
        f" ({CHECKIN_SLUG}), the board ({MONOPOLY_SLUG}) and the share campaign ({SHARE_SLUG})"
    )


def _seed() -> Campaign:
    if not current_app.extensions["carnival.settings"].development:
        raise click.ClickException(
            "the demo data (with published staff passwords) is only for CARNIVAL_ENV=development or testing"
        )
    db_session = db.session()
    registry = current_app.extensions["carnival.registry"]
    with db_session.begin():
        campaign = seed_demo(db_session, registry, db.now())
    seed_history(current_app.extensions["carnival.sessions"], registry, campaign.id, db.now)
    seed_checkin_demo(current_app.extensions["carnival.sessions"], registry, db.now)
    seed_monopoly_demo(current_app.extensions["carnival.sessions"], registry, db.now)
    seed_share_demo(current_app.extensions["carnival.sessions"], registry, db.now)
    seed_mall_demo(current_app.extensions["carnival.sessions"], campaign.id, db.now)
    seed_messages_demo(current_app.extensions["carnival.sessions"], campaign.id, campaign.timezone, db.now)
    return campaign


@cli.command("demo", with_appcontext=False)
@click.option("--port", default=5000, show_default=True, help="port to listen on (127.0.0.1 only)")
def demo(port: int) -> None:
    """Start the demo: SQLite under instance/, demo data seeded, on http://127.0.0.1:PORT/."""
    os.environ.setdefault("CARNIVAL_ENV", "development")
    from server import create_app

    app = create_app()
    with app.app_context():
        upgrade(app.extensions["carnival.settings"].database_url)
        wheel = _seed().id
        checkin = db.session().scalars(select(Campaign.id).where(Campaign.slug == CHECKIN_SLUG)).first()
        board = db.session().scalars(select(Campaign.id).where(Campaign.slug == MONOPOLY_SLUG)).first()
        share = db.session().scalars(select(Campaign.id).where(Campaign.slug == SHARE_SLUG)).first()
        db.session().rollback()
    click.echo(
        f"Carnival demo: http://127.0.0.1:{port}/  (wheel: campaign {wheel}, its 积分商城:"
        f" http://127.0.0.1:{port}/play/{wheel}/mall; check-in + wheel: campaign"
        f" {checkin}, http://127.0.0.1:{port}/play/{checkin}/checkin; 白条大富翁: campaign {board},"
        f" http://127.0.0.1:{port}/play/{board}/monopoly; 分享助力: campaign {share},"
        f" http://127.0.0.1:{port}/play/{share}/share; staff logins: "
        + ", ".join(f"{u}/{p}" for u, p, _ in DEMO_STAFF)
        + ")"
    )
    os.environ.pop("FLASK_RUN_FROM_CLI", None)  # else Flask ignores app.run() under its own CLI
    app.extensions["socketio"].run(app, host="127.0.0.1", port=port, allow_unsafe_werkzeug=True)


@cli.group("user")
def user_group() -> None:
    """Staff accounts (every change is kept in the ops audit trail)."""


user_group.add_command(user_create)
for _command in USER_COMMANDS:
    user_group.add_command(_command)


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
        campaign = campaign_or_fail(campaign_id)
        ended, started = rotate(db_session, campaign, db.now())
    click.echo(f"period {ended.key} ended, seed revealed: {ended.server_seed}")
    click.echo(f"period {started.key} started, commitment: {started.commitment}")


@cli.group("points")
def points_group() -> None:
    """Points upkeep."""


@points_group.command("expire")
@with_appcontext
def points_expire() -> None:
    """Move expired points out through the ledger, mark expired coupons and expire the play items of ended
    campaigns (run daily from cron)."""
    db_session = db.session()
    with db_session.begin():
        points = expire_points(db_session, db.now())
        coupons = expire_coupons(db_session, db.now())
        items = expire_ended_items(db_session, db.now())
    click.echo(f"expired {points} points, {coupons} coupons and {items} play items of ended campaigns")


@cli.group("launches")
def launches_group() -> None:
    """Launch tokens."""


@launches_group.command("purge")
@with_appcontext
def launches_purge() -> None:
    """Forget the one-time ids of expired launch tokens (run daily from cron)."""
    db_session = db.session()
    with db_session.begin():
        purged = purge_spent(db_session, db.now())
    click.echo(f"forgot {purged} expired launch tokens")


@cli.group("idempotency")
def idempotency_group() -> None:
    """Idempotency keys of state-changing requests."""


@idempotency_group.command("purge")
@click.option(
    "--keep-days",
    type=click.IntRange(1, 3650),
    default=idempotency.KEEP_DAYS,
    show_default=True,
    help="keep the keys of the last N days (their answers stay replayable)",
)
@with_appcontext
def idempotency_purge(keep_days: int) -> None:
    """Forget idempotency keys older than --keep-days (run daily from cron)."""
    db_session = db.session()
    with db_session.begin():
        purged = idempotency.purge_before(db_session, db.now() - timedelta(days=keep_days))
    click.echo(f"forgot {purged} idempotency keys older than {keep_days} days")


@cli.group("audit")
def audit_group() -> None:
    """Export, verify, checkpoint, reconcile and test draws."""


for _command in AUDIT_COMMANDS:
    audit_group.add_command(_command)


cli.add_command(simulate_command)
cli.add_command(checkin_group)
cli.add_command(events_group)
cli.add_command(worker_command)
