"""``carnival audit …``: export a campaign's draws, verify an export (offline), publish chain
checkpoints, reconcile the log with the ledger, and test the draws against the disclosed odds."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from contextlib import closing

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from games.audit.export import export_lines
from games.audit.reconcile import Reconciliation, reconcile
from games.audit.stats import ALARM_P_VALUE, FitTest, stats_from_export
from games.fairness.checkpoints import publish_checkpoints
from games.fairness.verify import read_lines
from games.models import Campaign
from server import db
from server.cli_verify import audit_verify


@click.command("stats")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def audit_stats(path: str) -> None:
    """Chi-square test of an export's picks against each config version's disclosed odds.

    Exits 1 when a version's picks are flagged (p < 0.001), 2 when the file cannot be read.
    """
    try:
        with closing(read_lines(path)) as lines:
            tests = stats_from_export(lines)
    except (OSError, ValueError, KeyError, TypeError) as error:
        click.echo(f"cannot read {path}: {error}", err=True)
        sys.exit(2)
    if not tests:
        click.echo("no pool draws in this export")
    for test in tests:
        _echo_test(test)
    if any(test.flagged for test in tests):
        sys.exit(1)


def _echo_test(test: FitTest) -> None:
    click.echo(f"config {test.config_hash[:12]}: {test.draws:,} draws")
    width = max(len("prize"), *(len(p.key) for p in test.prizes))
    click.echo(f"  {'prize':<{width}} {'disclosed':>11} {'expected':>12} {'observed':>10}")
    for prize in test.prizes:
        click.echo(
            f"  {prize.key:<{width}} {100 * float(prize.probability):>10.4g}% {prize.expected:>12,.1f}"
            f" {prize.observed:>10,}"
        )
    click.echo(f"  {_verdict(test)}")
    click.echo(f"  fallbacks: {_counts(test.fallbacks.items())}; stock-outs: {_counts(test.stockouts.items())}\n")


def _verdict(test: FitTest) -> str:
    if test.p_value is None:
        return "chi-square: too few draws to test"
    flag = f"FLAGGED (p < {ALARM_P_VALUE})" if test.flagged else "consistent with the disclosed odds"
    return f"chi-square {test.statistic:.3f}, {test.degrees_of_freedom} df, p = {test.p_value:.4g}: {flag}"


def _counts(items: Iterable[tuple[str, int]]) -> str:
    return ", ".join(f"{key} {n:,}" for key, n in items) or "none"


@click.command("reconcile")
@click.option("--campaign", "campaign_id", type=int, required=True)
@with_appcontext
def audit_reconcile(campaign_id: int) -> None:
    """Check that the draw log's grants are the ledger's and cost what the budget spent; exit 1 if not."""
    db_session = db.session()
    with db_session.begin():
        if db_session.get(Campaign, campaign_id) is None:
            raise click.ClickException(f"no campaign {campaign_id}")
        result = reconcile(db_session, campaign_id)
    _echo_reconciliation(result)
    if not result.ok:
        sys.exit(1)


def _echo_reconciliation(result: Reconciliation) -> None:
    click.echo(
        f"{result.draws:,} draws, {result.draw_grants:,} grants by draws, {result.other_grants:,} other grants;"
        f" grants cost {result.granted_cost_fen:,} fen, budget spent {result.budget_spent_fen:,} fen"
    )
    for mismatch in result.mismatches:
        where = ", ".join(
            part
            for part in (
                f"record seq {mismatch.seq}" if mismatch.seq is not None else "",
                f"grant {mismatch.grant_key}" if mismatch.grant_key else "",
            )
            if part
        )
        click.echo(f"MISMATCH {where or 'campaign'}: {mismatch.problem}")
    if result.more_mismatches:
        click.echo(f"... and {result.more_mismatches} more")
    click.echo("OK: the draw log, the grants and the budget agree" if result.ok else "FAILED")


def campaign_or_fail(campaign_id: int) -> Campaign:
    """The campaign, in the app context's session. :raises click.ClickException: ``no campaign ID``."""
    campaign = db.session().get(Campaign, campaign_id)
    if campaign is None:
        raise click.ClickException(f"no campaign {campaign_id}")
    return campaign


@click.command("export")
@click.option("--campaign", "campaign_id", type=int, required=True)
@click.option("--out", "out", type=click.Path(dir_okay=False, writable=True), required=True)
@with_appcontext
def audit_export(campaign_id: int, out: str) -> None:
    """Write the draws of revealed periods, with configs, seeds and checkpoints, as JSON lines."""
    db_session = db.session()
    with db_session.begin():
        publish_checkpoints(db_session, campaign_or_fail(campaign_id).id, db.now())
    with db_session.begin():
        campaign = campaign_or_fail(campaign_id)
        count = 0
        with open(out, "w", encoding="utf-8") as handle:
            for line in export_lines(db_session, campaign, db.now()):
                handle.write(line + "\n")
                count += line.startswith('{"type":"draw"')
    click.echo(f"wrote {count} draws to {out}")


@click.command("checkpoint")
@with_appcontext
def audit_checkpoint() -> None:
    """Close every ended period: publish its chain checkpoint and reveal its seed (run from cron, e.g. every
    10 min). One transaction per campaign, so draws of one campaign never wait for another's closing."""
    db_session = db.session()
    with db_session.begin():
        campaigns = list(db_session.scalars(select(Campaign.id).where(Campaign.version_id.is_not(None))))
    written = 0
    for campaign_id in campaigns:
        with db_session.begin():
            written += publish_checkpoints(db_session, campaign_id, db.now())
    click.echo(f"{written} checkpoints published for {len(campaigns)} campaigns")


AUDIT_COMMANDS = (audit_export, audit_verify, audit_checkpoint, audit_reconcile, audit_stats)
