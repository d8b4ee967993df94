"""``carnival audit stats``: do a campaign's draws follow the odds it disclosed?"""

from __future__ import annotations

import sys
from collections.abc import Iterable

import click

from games.stats import ALARM_P_VALUE, FitTest, stats_from_export
from games.verify import read_lines


@click.command("stats")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def audit_stats(path: str) -> None:
    """Chi-square test of an export's picks against each config version's disclosed odds.

    Exits 1 when a version's picks are flagged (p < 0.001), 2 when the file cannot be read.
    """
    try:
        tests = stats_from_export(read_lines(path))
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as error:
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
