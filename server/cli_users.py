"""``carnival user …``: create, disable, enable, passwd, role and sessions of staff accounts."""

from __future__ import annotations

import getpass
from collections.abc import Callable

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.orm import Session

from server import accounts, db, sessions
from server.accounts import STAFF_ROLES, AccountError
from server.models import User

PASSWORD_ENV = "CARNIVAL_NEW_PASSWORD"


def cli_actor() -> str:
    """Who ran the command, for the audit trail: ``cli:<login name>``."""
    try:
        return f"cli:{getpass.getuser()}"
    except (OSError, KeyError):
        return "cli"


def _in_transaction(change: Callable[[Session], User]) -> User:
    """Run an account change in one transaction; an :class:`AccountError` becomes a clear CLI error (exit 1)."""
    db_session = db.session()
    try:
        with db_session.begin():
            return change(db_session)
    except AccountError as error:
        raise click.ClickException(str(error)) from error


@click.command("create")
@click.option("--username", required=True)
@click.option("--role", type=click.Choice(STAFF_ROLES), required=True)
@click.password_option(envvar=PASSWORD_ENV, help=f"the password (asked when missing; or from ${PASSWORD_ENV})")
@with_appcontext
def user_create(username: str, role: str, password: str) -> None:
    """Create an ops or auditor account (12+ characters, not a common password, not the username)."""

    def create(db_session: Session) -> User:
        user = accounts.create_staff(db_session, username, password, role, db.now())
        accounts.audit_created(db_session, user, cli_actor(), db.now())
        return user

    _in_transaction(create)
    click.echo(f"{role} account '{username}' created")


@click.command("disable")
@click.argument("username")
@with_appcontext
def user_disable(username: str) -> None:
    """Disable a staff account: it can no longer sign in and its open sessions end at once."""
    _in_transaction(lambda s: accounts.set_disabled(s, username, True, cli_actor(), db.now()))
    click.echo(f"account '{username}' disabled; its sessions have ended")


@click.command("enable")
@click.argument("username")
@with_appcontext
def user_enable(username: str) -> None:
    """Enable a disabled staff account again."""
    _in_transaction(lambda s: accounts.set_disabled(s, username, False, cli_actor(), db.now()))
    click.echo(f"account '{username}' enabled")


@click.command("passwd")
@click.argument("username")
@click.password_option(envvar=PASSWORD_ENV, help=f"the new password (asked when missing; or from ${PASSWORD_ENV})")
@with_appcontext
def user_passwd(username: str, password: str) -> None:
    """Set a staff account's password (same policy as ``create``); its open sessions end."""
    _in_transaction(lambda s: accounts.set_password(s, username, password, cli_actor(), db.now()))
    click.echo(f"password of '{username}' changed; its sessions have ended")


@click.command("role")
@click.argument("username")
@click.argument("role", type=click.Choice(STAFF_ROLES))
@with_appcontext
def user_role(username: str, role: str) -> None:
    """Give a staff account another role; its open sessions end (it signs in again with the new role)."""
    _in_transaction(lambda s: accounts.set_role(s, username, role, cli_actor(), db.now()))
    click.echo(f"'{username}' is now {role}; its sessions have ended")


@click.command("purge-sessions")
@with_appcontext
def user_purge_sessions() -> None:
    """Delete expired sessions of shoppers and staff (run daily from cron)."""
    db_session = db.session()
    with db_session.begin():
        count = sessions.purge_expired(db_session, current_app.extensions["carnival.settings"].sessions, db.now())
    click.echo(f"deleted {count} expired sessions")


USER_COMMANDS = (user_disable, user_enable, user_passwd, user_role, user_purge_sessions)
