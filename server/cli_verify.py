"""``carnival audit verify``: check an export offline. It imports only click and :mod:`games.fairness.verify` (no
Flask, no SQLAlchemy, no configuration), so it starts at once (:mod:`server.console`)."""

from __future__ import annotations

import os
import sys
from contextlib import closing
from pathlib import Path
from typing import TextIO

import click

from games.fairness.verify import CheckpointsError, VerificationError, read_checkpoints, read_lines, verify_lines
from games.fairness.verify.outcomes import ReplaysUnavailable

PROGRESS_FROM = 1 << 20  # bytes: smaller files are verified before a progress display would mean anything


@click.command("verify")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--checkpoints",
    "checkpoints_path",
    type=click.Path(exists=True, dir_okay=False),
    help="checkpoints saved earlier from GET /api/campaigns/ID/checkpoints; the export must extend them",
)
@click.option(
    "--progress/--no-progress",
    default=None,
    help=f"show the bytes verified on standard error (default: for files of {PROGRESS_FROM >> 20} MiB or more,"
    " when standard error is a terminal)",
)
def audit_verify(path: str, checkpoints_path: str | None, progress: bool | None) -> None:
    """Recompute every draw, the hash chain and the checkpoints of an export; exit 1 at the first bad line,
    2 when the saved checkpoints file cannot be read or is not of its format (docs/audit.md).

    Needs no server, database or secret; memory stays flat however many draws the file holds.
    """
    try:
        published = read_checkpoints(checkpoints_path) if checkpoints_path else []
    except (OSError, CheckpointsError) as error:
        why = error.strerror if isinstance(error, OSError) and error.strerror else error
        click.echo(f"cannot read checkpoints {checkpoints_path}: {why}", err=True)
        sys.exit(2)
    size = os.path.getsize(path)
    shown = _Progress(size, sys.stderr) if _shows_progress(progress, size) else None
    try:
        with closing(read_lines(path, shown)) as lines:  # a refusal stops reading: the file closes then too
            report = verify_lines(lines, published)
    except VerificationError as error:
        _close(shown)
        click.echo(f"FAILED {Path(path).name}: {error}", err=True)
        sys.exit(1)
    except ReplaysUnavailable as error:
        _close(shown)
        click.echo(f"cannot verify: {error}", err=True)
        sys.exit(2)
    _close(shown)
    periods = ", ".join(f"{k}: {n}" for k, n in report.periods.items())
    click.echo(f"OK: {report.draws} draws verified, chain head {report.head_hash} ({periods})")


def _shows_progress(asked: bool | None, size: int) -> bool:
    """Whether to show progress: as asked, else for a file of ``PROGRESS_FROM`` bytes or more on a terminal."""
    return asked if asked is not None else size >= PROGRESS_FROM and sys.stderr.isatty()


class _Progress:
    """The bytes of a file read so far, on ``stream``: redrawn in place on a terminal, else a line every 10%."""

    def __init__(self, total: int, stream: TextIO) -> None:
        self.total, self.stream = max(total, 1), stream
        self.in_place = stream.isatty()
        self.shown = -1  # the last percentage written

    def __call__(self, done: int) -> None:
        percent = min(100, 100 * done // self.total)
        if percent == self.shown or (not self.in_place and percent // 10 == self.shown // 10):
            return
        self.shown = percent
        text = f"verifying {percent:3d}%  {done / 2**20:,.1f} of {self.total / 2**20:,.1f} MiB"
        self.stream.write(f"\r{text}" if self.in_place else f"{text}\n")
        self.stream.flush()

    def close(self) -> None:
        """End the display (before the verdict is printed)."""
        if self.in_place and self.shown >= 0:
            self.stream.write("\n")
            self.stream.flush()


def _close(progress: _Progress | None) -> None:
    if progress is not None:
        progress.close()
