"""``carnival events``: the host's events (apply what is pending, when the clock is off)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from server.host_events import apply_host_events


@click.group("events")
def events_group() -> None:
    """The host's events: what shoppers did in the host app."""


@events_group.command("apply")
@with_appcontext
def apply_command() -> None:
    """Apply every pending event (points, task progress), each once; the server's clock does this every tick, so
    this is for a server run with the clock off (CARNIVAL_CLOCK_SECONDS=0)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    total = 0
    while applied := apply_host_events(app):
        total += applied
    click.echo(f"applied {total} events")
