"""An independent verifier of draw exports, written from docs/fairness.md alone.

It uses none of the engine's code, so that what it checks is the published scheme, not our
implementation of it. It streams: memory stays flat in the number of draws.

The reference is :mod:`games.fairness.verify.reference` (the scheme's arithmetic in
:mod:`~games.fairness.verify.scheme`, the shape checks in :mod:`~games.fairness.verify.shapes`, reading lines in
:mod:`~games.fairness.verify.lines` and saved checkpoints in :mod:`~games.fairness.verify.saved`), with the standard
library only. :func:`verify_lines` adds the fast lanes (:mod:`~games.fairness.verify.fast`, built on
:mod:`~games.fairness.verify.canonical`, :mod:`~games.fairness.verify.precomputed` and
:mod:`~games.fairness.verify.rows`: orjson when installed, a specialised canonical serializer; and for large exports
the worker processes of :mod:`~games.fairness.verify.pipeline` and :mod:`~games.fairness.verify.worker`); they only
ever *accept* draw lines of the usual shape, and every other line, and every refusal, is the reference's verdict, so
the verdicts and messages are the reference's for every input.
"""

from __future__ import annotations

from collections.abc import Iterable

from games.fairness.verify.lines import MAX_DEPTH, NOT_UTF8, Undecodable, decode_lines, read_lines
from games.fairness.verify.outcomes import GameReplay, Replays, installed_replays
from games.fairness.verify.reference import _finish, reference_verify_lines
from games.fairness.verify.report import Checkpoint, Report, VerificationError
from games.fairness.verify.saved import CheckpointsError, parse_checkpoints, read_checkpoints
from games.fairness.verify.scheme import (
    EXPORT_VERSION,
    FALLBACK_REASONS,
    FORMAT,
    GENESIS,
    RANGE_MAX,
    RECORD_VERSIONS,
    SUPPORTED_VERSIONS,
    _canonical,
    _integers,
    _pick,
)

__all__ = [
    "EXPORT_VERSION",
    "FALLBACK_REASONS",
    "FORMAT",
    "GENESIS",
    "MAX_DEPTH",
    "NOT_UTF8",
    "RANGE_MAX",
    "RECORD_VERSIONS",
    "SUPPORTED_VERSIONS",
    "Checkpoint",
    "CheckpointsError",
    "GameReplay",
    "Replays",
    "Report",
    "Undecodable",
    "VerificationError",
    "_canonical",  # the reference's arithmetic, which tests check against the engine's
    "_integers",
    "_pick",
    "decode_lines",
    "installed_replays",
    "parse_checkpoints",
    "read_checkpoints",
    "read_lines",
    "reference_verify_lines",
    "verify_lines",
]


def verify_lines(
    lines: Iterable[str],
    published: Iterable[Checkpoint] = (),
    *,
    workers: int | None = None,
    replays: Replays | None = None,
) -> Report:
    """Verify an export given as lines, and that it extends every ``published`` checkpoint (saved earlier
    from the rules page). ``workers``: processes for the draw lines of a large export (default: up to the
    CPUs available; 1 verifies in this process only). ``replays``: the games the verifier knows, by key
    (default: every installed game's; they are sent to the workers pickled, or, when one cannot be, this
    process verifies alone). :raises VerificationError: naming the first bad line."""
    from games.fairness.verify.fast import FastVerifier  # the fast lanes are imported when first used
    from games.fairness.verify.pipeline import Tuning, verify_stream

    verifier = FastVerifier(published, replays)
    number = verify_stream(verifier, lines, Tuning.default(workers))
    return _finish(verifier, number)
