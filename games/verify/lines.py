"""An export as the verifiers read it: lines that end at ``\\n`` (and only there), decoded as UTF-8, each
parsed as one JSON value, and the checkpoints an auditor saved from the rules page."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from games.verify.report import Checkpoint, VerificationError

NOT_UTF8 = "not valid UTF-8"
MAX_DEPTH = 100  # arrays and objects nested deeper in a line are refused (an export's are 6 deep at most)


class Undecodable(str):
    """A line of a file that is not valid UTF-8 (its text is :data:`NOT_UTF8`: never blank, never a draw)."""


def _parse(number: int, text: str) -> Any:
    """The JSON value of a line. :raises VerificationError: when it is not JSON, holds an integer too long for
    Python to read (more than 4300 digits) or arrays and objects nested more than ``MAX_DEPTH`` deep."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise VerificationError(number, f"not valid JSON ({error.msg})") from None
    except ValueError:  # json.loads reads at most 4300 digits in an integer
        raise VerificationError(number, "not valid JSON (an integer of more than 4300 digits)") from None
    except RecursionError:
        raise VerificationError(number, f"not valid JSON (nested more than {MAX_DEPTH} deep)") from None
    if text.count("[") + text.count("{") > MAX_DEPTH and _depth(value) > MAX_DEPTH:
        raise VerificationError(number, f"not valid JSON (nested more than {MAX_DEPTH} deep)")
    return value


def _depth(value: Any) -> int:
    """How deep arrays and objects are nested in ``value`` (0 for a number, a string, ...)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if type(item) is dict else item if type(item) is list else None
        if children is not None:
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in children)
    return deepest


def decode_lines(raw_lines: Iterable[bytes], progress: Callable[[int], None] | None = None) -> Iterator[str]:
    """The lines of an export given as bytes, each ending at ``\\n`` (and only there: a ``\\r`` is part of its
    line), decoded as UTF-8; a line that is not UTF-8 is an :class:`Undecodable`. ``progress(bytes read)`` is
    called about every MiB and at the end."""
    done = step = 1 << 20
    read = 0
    for raw in raw_lines:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = Undecodable(NOT_UTF8)
        if progress is not None:
            read += len(raw)
            if read >= done:
                progress(read)
                done = read + step
        yield text
    if progress is not None:
        progress(read)


def read_lines(path: str, progress: Callable[[int], None] | None = None) -> Iterator[str]:
    """The lines of an export file, read lazily (see :func:`decode_lines`)."""
    with open(path, "rb") as handle:
        yield from decode_lines(handle, progress)


def read_checkpoints(path: str) -> list[Checkpoint]:
    """Checkpoints saved from ``GET /api/campaigns/{id}/checkpoints``: a JSON list of objects with
    ``period``, ``count`` and ``head_hash``. :raises ValueError: when the file holds anything else."""
    with open(path, encoding="utf-8") as handle:
        items = json.load(handle)
    if not isinstance(items, list):
        raise ValueError("a checkpoints file holds a JSON list")
    return [Checkpoint(str(i["period"]), int(i["count"]), str(i["head_hash"]), "published") for i in items]
