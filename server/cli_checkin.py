"""``carnival checkin``: the check-in calendar's commands (who to remind)."""

from __future__ import annotations

import csv
import sys
from datetime import date

import click
from flask import current_app
from flask.cli import with_appcontext

from games.checkin.reminders import tomorrow
from server import db
from server.checkin_reminders import parse_cursor, reminders_page


@click.group("checkin")
def checkin_group() -> None:
    """The check-in calendar: reminders for the host's push service."""


@checkin_group.command("reminders")
@click.option(
    "--day",
    "day_text",
    default=None,
    help="the day to remind about, YYYY-MM-DD (default: tomorrow in CARNIVAL_TIMEZONE)",
)
@with_appcontext
def reminders_command(day_text: str | None) -> None:
    """List, as CSV (campaign_id, campaign_name, user), the shoppers who asked to be reminded to check in on --day
    and have not yet: one line each, for the host's push service."""
    try:
        zone = current_app.extensions["carnival.settings"].timezone
        day = date.fromisoformat(day_text) if day_text else tomorrow(db.now(), zone)
    except ValueError:
        raise click.BadParameter(f"{day_text!r} is not a day (YYYY-MM-DD)", param_hint="--day") from None
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["campaign_id", "campaign_name", "user"])
    after, count = (0, 0), 0
    db_session = db.session()
    while True:
        with db_session.begin():
            page = reminders_page(db_session, day, after)
        for row in page["reminders"]:
            out.writerow([row["campaign_id"], row["campaign_name"], row["user"]])
        count += len(page["reminders"])
        if page["next"] is None:
            break
        after = parse_cursor(page["next"])
    click.echo(f"{count} reminders for {day.isoformat()}", err=True)
