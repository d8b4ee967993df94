"""Every figure of the hot-path targets from one command, on PostgreSQL, each the median of several runs.

Runs the other benches of this folder one after another (never two at once: they share the 2 cores), each
with ``--json``, and prints one table: the figure, its median over ``--repeat`` runs, the target and
whether the median meets it, with the core count and the load average before and after. Each bench's own
output is kept in ``--logs`` (a temporary folder by default, printed) for the details (and profiles).

    .venv/bin/python bench/targets.py                 # 3 runs of the load scenarios: about 25 minutes
    .venv/bin/python bench/targets.py --repeat 1      # one run of each: about 10 minutes

What runs (all on 127.0.0.1, each bounded in time; see bench/README.md for each bench):

- ``spin_profile.py``: Python CPU, statements and commits of one spin (no HTTP, no competing clients);
- ``draw_vs_hello.py`` with the README's serving line (gunicorn gevent), 64 clients, 1,000 shoppers:
  closed loop (spin rate next to hello, p50/p99), then open loop at 80% of the closed-loop spin rate; the
  same with 1 client, and with 2 worker processes;
- ``sockets.py``: 2,000 Socket.IO clients on one worker, spins and a broadcast while they are open;
- ``rain.py``: red-packet rain, 2,000 shoppers tapping 10 times within 30 s on one campaign;
- ``log_scale.py``: the dashboard's metrics and a period-end checkpoint at 1,000,000 draws (once: it
  times each 20 times itself);
- ``verify.py``: ``carnival audit verify`` of a 1,000,000-draw export (once: it verifies 3 times itself).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
LOAD = ["--postgres", "--threads", "64", "--shoppers", "1000", "--seconds", "8", "--warmup", "2"]
README_LINE = ["--worker-class", "gevent"]
Figures = dict[str, Any]


@dataclass(frozen=True)
class Target:
    """One figure of the issue: how to read it from a run's figures, and the bound it should meet."""

    name: str
    read: Callable[[Figures], float | None]
    goal: str
    met: Callable[[float], bool]
    unit: str = ""


def at(*path: str) -> Callable[[Figures], float | None]:
    """A reader of ``figures[path[0]][path[1]]...`` (None when a part is missing)."""

    def read(figures: Figures) -> float | None:
        found: Any = figures
        for part in path:
            if not isinstance(found, dict) or part not in found:
                return None
            found = found[part]
        return None if found is None else float(found)

    return read


def spin_share(figures: Figures) -> float | None:
    """Spin rate / hello rate of the 64-client run."""
    run = figures.get("c64", {})
    hello, spin = run.get("hello", {}).get("rps"), run.get("spin", {}).get("rps")
    return spin / hello if hello and spin is not None else None


def ratio_of(numerator: str, denominator: str) -> Callable[[Figures], float | None]:
    """The spin rate of run ``numerator`` over that of run ``denominator``."""

    def read(figures: Figures) -> float | None:
        top, bottom = at(numerator, "spin", "rps")(figures), at(denominator, "spin", "rps")(figures)
        return top / bottom if top is not None and bottom else None

    return read


def errors_of(run: str, phase: str) -> Callable[[Figures], float | None]:
    """How many requests of a phase failed (any status but 200, or no answer)."""

    def read(figures: Figures) -> float | None:
        found = figures.get(run, {}).get(phase, {})
        return float(sum(found.get("errors", {}).values())) if found else None

    return read


TARGETS = [
    Target("spin rps / hello rps, 64 clients", spin_share, ">= 0.25", lambda v: v >= 0.25, "x"),
    Target("spin p50, 64 clients, closed loop", at("c64", "spin", "p50_ms"), "(report)", lambda v: True, " ms"),
    Target("spin p99, 64 clients, closed loop", at("c64", "spin", "p99_ms"), "<= 100 ms", lambda v: v <= 100, " ms"),
    Target("spin errors, 64 clients", errors_of("c64", "spin"), "0", lambda v: v == 0),
    Target("spin p50, open loop at 80% of it", at("c64", "open", "p50_ms"), "(report)", lambda v: True, " ms"),
    Target("spin p99, open loop at 80% of it", at("c64", "open", "p99_ms"), "<= 100 ms", lambda v: v <= 100, " ms"),
    Target("spins/s, 64 clients / 1 client", ratio_of("c64", "c1"), "> 1", lambda v: v > 1, "x"),
    Target("spins/s, 2 processes / 1", ratio_of("w2", "c64"), "> 1", lambda v: v > 1, "x"),
    Target("Python CPU per spin", at("profile", "spin_cpu_ms"), "<= 2 ms", lambda v: v <= 2, " ms"),
    Target("Python CPU per hello", at("profile", "hello_cpu_ms"), "(report)", lambda v: True, " ms"),
    Target("statements, granting spin, mean", at("profile", "statements_granting"), "<= 10", lambda v: v <= 10),
    Target("statements, non-granting spin, mean", at("profile", "statements_non_granting"), "<= 10", lambda v: v <= 10),
    Target("commits per spin", at("profile", "commits"), "1", lambda v: v <= 1),
    Target("Socket.IO clients open on one worker", at("sockets", "opened"), ">= 2000", lambda v: v >= 2000),
    Target("spin p99 with them open", at("sockets", "spin_p99_ms"), "<= 200 ms", lambda v: v <= 200, " ms"),
    Target("broadcast p99 to them", at("sockets", "broadcast_p99_ms"), "<= 1000 ms", lambda v: v <= 1000, " ms"),
    Target("rain: taps served in the 30 s window", at("rain", "served_in_window"), "(report)", lambda v: True),
    Target("rain: tap p99", at("rain", "p99_ms"), "(report)", lambda v: True, " ms"),
    Target("rain: budget overspent", at("rain", "overspent"), "0 (never)", lambda v: v == 0),
    Target("dashboard metrics, 1M draws, p50", at("log", "dashboard_ms_p50"), "<= 20 ms", lambda v: v <= 20, " ms"),
    Target("period-end checkpoint, 1M draws, p50", at("log", "checkpoint_ms_p50"), "<= 5 ms", lambda v: v <= 5, " ms"),
    Target("audit verify, draws/s", at("verify", "median"), ">= 330000", lambda v: v >= 330_000),
]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each load scenario (1-5)")
    parser.add_argument("--logs", type=Path, help="keep each bench's output here (default: a temporary folder)")
    parser.add_argument("--json", action="store_true", help="also print one JSON line with every median")
    args = parser.parse_args(argv)
    if not 1 <= args.repeat <= 5:
        parser.error("--repeat 1-5")
    return args


def run_bench(logs: Path, label: str, script: str, options: list[str]) -> Figures:
    """Run one bench with ``--json``; its output goes to ``logs/label.log``; returns its last JSON line."""
    log = logs / f"{label}.log"
    print(f"  {label}: {script} {' '.join(options)}", file=sys.stderr, flush=True)
    command = [sys.executable, str(BENCH / script), *options, "--json"]
    with open(log, "w") as out:
        done = subprocess.run(command, cwd=BENCH.parent, stdout=out, stderr=subprocess.STDOUT, timeout=900)
    lines = [line for line in log.read_text().splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        print(f"  {label} failed (exit {done.returncode}); see {log}", file=sys.stderr)
        return {}
    return json.loads(lines[-1])


def one_round(logs: Path, index: int) -> Figures:
    """The load scenarios once."""
    return {
        "profile": run_bench(logs, f"profile-{index}", "spin_profile.py", ["--postgres", "--spins", "500"]),
        "c64": run_bench(logs, f"c64-{index}", "draw_vs_hello.py", [*LOAD, *README_LINE, "--rate-share", "0.8"]),
        "c1": run_bench(logs, f"c1-{index}", "draw_vs_hello.py", [*LOAD[:2], "1", *LOAD[3:], *README_LINE]),
        "w2": run_bench(logs, f"w2-{index}", "draw_vs_hello.py", [*LOAD, *README_LINE, "--workers", "2"]),
        "sockets": run_bench(logs, f"sockets-{index}", "sockets.py", ["--postgres", "--sockets", "2000"]),
        "rain": run_bench(logs, f"rain-{index}", "rain.py", ["--postgres"]),
    }


def load_average() -> str:
    """The 1, 5 and 15 minute load averages."""
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def median_of(target: Target, rounds: list[Figures]) -> tuple[float | None, list[float]]:
    """The target's median over the rounds that measured it, and each round's value."""
    values = [v for v in (target.read(r) for r in rounds) if v is not None]
    return (statistics.median(values) if values else None), values


def readable(value: float) -> str:
    """``value`` with thousands separators, to 3 significant digits below 100."""
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


def report(rounds: list[Figures], loads: tuple[str, str]) -> dict[str, float | None]:
    """Print the table; returns every median by figure name."""
    print(f"\n{os.cpu_count()} cores; load average {loads[0]} before, {loads[1]} after; medians of {len(rounds)}")
    print(f"{'figure':44} {'median':>12} {'runs':>30}  {'target':>10}  met")
    medians: dict[str, float | None] = {}
    for target in TARGETS:
        value, values = median_of(target, rounds)
        medians[target.name] = value
        shown = "-" if value is None else f"{readable(value)}{target.unit}"
        runs = ", ".join(readable(v) for v in values)
        verdict = "-" if value is None or target.goal == "(report)" else ("yes" if target.met(value) else "NO")
        print(f"{target.name:44} {shown:>12} {runs:>30}  {target.goal:>10}  {verdict}")
    return medians


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logs = args.logs or Path(tempfile.mkdtemp(prefix="carnival-targets-"))
    logs.mkdir(parents=True, exist_ok=True)
    print(f"logs: {logs}", file=sys.stderr)
    before, started = load_average(), time.monotonic()
    rounds = [one_round(logs, i + 1) for i in range(args.repeat)]
    once = {
        "log": run_bench(logs, "log-scale", "log_scale.py", ["--postgres", "--draws", "1000000"]),
        "verify": run_bench(logs, "verify", "verify.py", ["--draws", "1000000", "--repeat", "3"]),
    }
    rounds = [{**r, **once} for r in rounds]
    medians = report(rounds, (before, load_average()))
    print(f"took {time.monotonic() - started:.0f} s; each bench's output: {logs}")
    if args.json:
        print(json.dumps(medians))
    return 0


if __name__ == "__main__":
    sys.exit(main())
