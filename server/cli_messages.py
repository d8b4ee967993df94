"""``carnival worker``: campaign messages' background work (batches and deliveries to the host's push gateway)."""

from __future__ import annotations

import logging

import click
from flask import current_app
from flask.cli import with_appcontext

from server.message_worker import gateway_of, run, work_once


@click.command("worker")
@click.option("--interval", type=click.FloatRange(0.1, 3600), default=5.0, show_default=True,
              help="seconds between rounds")  # fmt: skip
@click.option("--once", is_flag=True, help="work one round, print what it did and exit")
@with_appcontext
def worker_command(interval: float, once: bool) -> None:
    """Make the campaign messages' batches when due and send their deliveries, until stopped (Ctrl-C)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    if once:
        gateway = gateway_of(app)
        try:
            done = work_once(app, app.extensions["carnival.clock"](), gateway)
        finally:
            if gateway is not None:
                gateway.close()
        click.echo(f"batches {len(done.batches)}, sent {done.sent}, failed {done.failed}")
        return
    click.echo(f"carnival worker: a round every {interval:g} s (Ctrl-C stops)")
    try:
        run(app, interval)
    except KeyboardInterrupt:
        click.echo("carnival worker: stopped")
