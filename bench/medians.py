"""Medians over several ``draw_vs_hello.py --json`` (or ``checkin_vs_hello.py --json``) runs: reads their output on
stdin, prints one line per database.

for i in 1 2 3; do python bench/draw_vs_hello.py --json; done | python bench/medians.py
"""

from __future__ import annotations

import json
import statistics
import sys
from collections import defaultdict
from typing import Any

FIGURES = [("hello", "rps"), ("hello", "p50_ms"), ("hello", "p95_ms"), ("spin", "rps"), ("spin", "p50_ms")]
FIGURES += [("spin", "p95_ms"), ("spin", "p99_ms")]
CHECKIN_FIGURES = [("checkin", "rps"), ("checkin", "p50_ms"), ("checkin", "p95_ms"), ("checkin", "p99_ms")]


def runs(lines: list[str]) -> dict[str, list[dict[str, Any]]]:
    """The JSON lines of the input, grouped by database."""
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for line in lines:
        if line.startswith("{"):
            run = json.loads(line)
            grouped[run["database"]].append(run)
    return grouped


def main() -> int:
    for database, found in runs(sys.stdin.read().splitlines()).items():
        figures = FIGURES + (CHECKIN_FIGURES if all("checkin" in r for r in found) else [])
        medians = {f"{phase}_{name}": statistics.median(r[phase][name] for r in found) for phase, name in figures}
        if all("ratio" in r for r in found):
            medians["ratio"] = statistics.median(r["ratio"] for r in found)
        for name in sorted(set.intersection(*(set(r.get("ratios", {})) for r in found))):
            medians[f"{name}/hello"] = statistics.median(r["ratios"][name] for r in found)
        shown = "  ".join(f"{key}={value:g}" for key, value in medians.items())
        print(f"{database} (median of {len(found)} runs): {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
