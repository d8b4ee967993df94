"""An export as the verifiers read it: lines that end at ``\\n`` (and only there), decoded as UTF-8, each
parsed as one JSON value (the same rules read a saved checkpoints file: :mod:`games.fairness.verify.saved`)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from games.fairness.verify.report import VerificationError

NOT_UTF8 = "not valid UTF-8"
MAX_DEPTH = 100  # arrays and objects nested deeper in a line are refused (an export's are 6 deep at most)


class Undecodable(str):
    """A line of a file that is not valid UTF-8 (its text is :data:`NOT_UTF8`: never blank, never a draw)."""


class Refused(Exception):
    """A JSON text the verifiers do not read; the message says why (the same words for an export's line and a
    saved checkpoints file)."""


def _first_repeated(members: list[tuple[str, Any]]) -> str:
    """The first member name of an object that repeats one before it (the caller found that one does)."""
    seen: set[str] = set()
    for name, _ in members:
        if name in seen:
            return name
        seen.add(name)
    raise AssertionError("no member name repeats")


def json_value(text: str) -> Any:
    """The JSON value of ``text``. :raises Refused: when it is not JSON, holds an integer too long for Python to
    read (more than 4300 digits), nests arrays and objects more than ``MAX_DEPTH`` deep, or (checked last, once
    all of it parsed) holds an object with a member name twice: the first such object to end, and in it the
    first name that repeats one before it (the names compared once their escapes are decoded)."""
    repeated: list[str] = []

    def members(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        value = dict(pairs)
        if len(value) < len(pairs) and not repeated:
            repeated.append(_first_repeated(pairs))
        return value

    try:
        value = json.loads(text, object_pairs_hook=members)
    except json.JSONDecodeError as error:
        raise Refused(f"not valid JSON ({error.msg})") from None
    except ValueError:  # json.loads reads at most 4300 digits in an integer
        raise Refused("not valid JSON (an integer of more than 4300 digits)") from None
    except RecursionError:
        raise Refused(f"not valid JSON (nested more than {MAX_DEPTH} deep)") from None
    if text.count("[") + text.count("{") > MAX_DEPTH and _depth(value) > MAX_DEPTH:
        raise Refused(f"not valid JSON (nested more than {MAX_DEPTH} deep)")
    if repeated:
        raise Refused(f"member {json.dumps(repeated[0], ensure_ascii=False)} appears twice in one object")
    return value


def _parse(number: int, text: str) -> Any:
    """The JSON value of line ``number`` (see :func:`json_value`). :raises VerificationError: naming the line."""
    try:
        return json_value(text)
    except Refused as error:
        raise VerificationError(number, str(error)) from None


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
