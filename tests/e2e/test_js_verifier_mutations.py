"""Thousands of mutations of the spec's examples get the same verdict, failing line and message from the
JavaScript verifier (web/static/audit/verifier.js) as from games.fairness.verify."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from tests.e2e.js_verifier import (
    AWKWARD_SPINS,
    CHECKPOINTS,
    assert_agree,
    awkward_config,
    full_range_export,
    resealed,
    text_of,
    wheel_export,
    with_checkpoints,
)
from tests.unit.games.fairness.test_rng import EXPORT

# --- mutations: every field of every line, raw and re-sealed by a forger --------------------------------------

VALUES: list[Any] = [None, 0, -1, True, 1.0, 2.5, 2**64, "", "谢谢", [], [1, 2], {"a": 1}]


def paths(value: Any, prefix: tuple[Any, ...] = (), depth: int = 5) -> Iterator[tuple[Any, ...]]:
    """Every key path into ``value`` (dict keys and list indices), ``depth`` levels deep at most."""
    children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in children:
        yield (*prefix, key)
        if depth > 1:
            yield from paths(child, (*prefix, key), depth - 1)


def changed(item: Any, path: tuple[Any, ...], value: Any, delete: bool = False) -> Any:
    """A deep copy of ``item`` with the value at ``path`` replaced (or deleted)."""
    copy = json.loads(json.dumps(item))
    parent = copy
    for key in path[:-1]:
        parent = parent[key]
    if delete:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return copy


def mutations(name: str, lines: list[str]) -> Iterator[tuple[str, str]]:
    """(case name, export text): each field of each line deleted or set to each of VALUES; and each line cut
    short, followed by junk or repeated. Edits inside a config or a record are also resealed (rehashed and
    re-chained, as a forger would), so that they reach the checks behind the hashes."""
    for at, line in enumerate(lines):
        item = json.loads(line)
        sealed = item.get("type") in ("config", "draw")
        for path in paths(item):
            variants = [("del", changed(item, path, None, delete=True))]
            variants += [(repr(value), changed(item, path, value)) for value in VALUES]
            for label, variant in variants:
                edited = [*lines[:at], json.dumps(variant, ensure_ascii=False), *lines[at + 1 :]]
                if not sealed or len(path) <= 2:
                    yield f"{name}:{at + 1}:{path}={label}", text_of(edited)
                if sealed:
                    yield f"{name}:{at + 1}:{path}={label}:resealed", text_of(resealed(edited))
        for cut in (1, len(line) // 3, len(line) // 2, len(line) - 1):
            yield f"{name}:{at + 1}:cut{cut}", text_of([*lines[:at], line[:cut], *lines[at + 1 :]])
        yield f"{name}:{at + 1}:junk", text_of([*lines[:at], line + " x", *lines[at + 1 :]])
        yield f"{name}:{at + 1}:twice", text_of([*lines[: at + 1], line, *lines[at + 1 :]])


def test_thousands_of_mutations_get_the_same_verdict_line_and_message() -> None:
    exports = {
        "example": EXPORT,
        "range": full_range_export(),
        "awkward": wheel_export(awkward_config(), AWKWARD_SPINS[:3]),
        "checkpoints": with_checkpoints(EXPORT, CHECKPOINTS["fine"]),
    }
    cases = dict(case for name, lines in exports.items() for case in mutations(name, lines))
    assert len(cases) > 5000, len(cases)
    assert_agree(cases)
