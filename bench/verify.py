"""How many draws a second ``carnival audit verify`` gets through, and that its memory stays flat.

Builds an export of N wheel spins of the demo pool (default 1,000,000) the way the engine makes them —
the wheel plugin with the fair RNG, records chained and hashed, each shopper's nonces from 0 in each period,
a checkpoint per period — spread over shoppers and daily periods, writes it once to a file, then verifies
the file ``--repeat`` times with ``games.fairness.verify`` (each run in a fresh process, so peak memory is the
verifier's own) and prints each run's draws/second, the median and the peak resident memory of the
verifying process and of the largest of its worker processes (VmHWM, on Linux: a process's own peak, not
the memory it was forked with). Needs no database. Run ``python bench/verify.py --help``; see
bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from games.campaigns.config import CampaignConfig, validate_config
from games.engine.contract import Action, PlayContext, PrizeOutcome
from games.engine.registry import load_registry
from games.fairness.pools import Prize
from games.fairness.records import RECORD_VERSION
from games.fairness.rng import FairRng, canonical_json, commitment, record_hash
from games.fairness.verify import EXPORT_VERSION, FORMAT, GENESIS
from games.wheel.game import Wheel, WheelState
from server.demo import demo_config

START = datetime(2026, 11, 1, 16, 0, tzinfo=UTC)  # 00:00 in Asia/Shanghai
MAX_DRAWS = 5_000_000
VERIFY_ONE = """
import os, resource, sys, threading, time
from games.fairness.verify import read_lines, verify_lines

def high_water(pid="self"):
    # peak resident memory in KiB of a process (VmHWM: its own, not what it was forked with)
    try:
        with open(f"/proc/{pid}/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    except (OSError, StopIteration, ValueError):
        return 0

workers = {}
def watch():  # the workers' peaks, read every 100 ms while they run
    while True:
        for task in os.listdir("/proc/self/task"):
            try:
                children = open(f"/proc/self/task/{task}/children").read().split()
            except OSError:
                continue
            for child in children:
                workers[child] = max(workers.get(child, 0), high_water(child))
        time.sleep(0.1)

if os.path.exists("/proc/self/status"):
    threading.Thread(target=watch, daemon=True).start()
started = time.perf_counter()
report = verify_lines(read_lines(sys.argv[1]))
seconds = time.perf_counter() - started
own = high_water() or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(report.draws, seconds, own, max(workers.values(), default=0))
"""


class GrantEverything:
    """An economy port that grants every prize (the bench measures verification, not limits)."""

    def points_balance(self) -> int:
        return 0

    def spend_points(self, points: int, reason: str) -> None:
        raise AssertionError("the bench spins are free")

    def grant_prize(self, prize: Prize) -> PrizeOutcome:
        return PrizeOutcome(picked=prize.key, granted=prize.key)


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _line(value: dict[str, Any]) -> str:
    return canonical_json(value).decode() + "\n"


def _periods(days: int) -> list[dict[str, Any]]:
    seeds = [f"{day:02x}" * 32 for day in range(1, days + 1)]  # fixed seeds: the same file every time
    return [
        {
            "type": "period",
            "key": f"bench-{day}",
            "commitment": commitment(seed),
            "committed_at": _iso(START - timedelta(days=1)),
            "starts_at": _iso(START + timedelta(days=day)),
            "ends_at": _iso(START + timedelta(days=day + 1)),
            "server_seed": seed,
        }
        for day, seed in enumerate(seeds)
    ]


def _spin(config: CampaignConfig, period: dict[str, Any], shopper: int, nonce: int) -> dict[str, Any]:
    rng = FairRng(period["server_seed"], f"shopper-{shopper}", nonce)
    ctx = PlayContext(shopper, 1, config.games["wheel"], config.pool, rng, START, period["key"], GrantEverything())
    outcome = Wheel().apply(ctx, WheelState(day=period["key"]), Action("spin"))
    event, grant = outcome.events[0].payload, outcome.grants[0]
    return {
        "v": RECORD_VERSION,
        "campaign": 1,
        "game": "wheel",
        "user": shopper,
        "config_hash": config.hash,
        "period": period["key"],
        "commitment": period["commitment"],
        "client_seed": rng.client_seed,
        "nonce": nonce,
        "draws": [[n, value] for n, value in rng.calls],
        "prize": grant.picked,
        "granted": grant.granted,
        "fallback_reason": grant.fallback_reason,
        "detail": {k: v for k, v in event.items() if k in ("slot", "amount_fen")},
        "created_at": period["starts_at"],
    }


def write_export(path: Path, draws: int, shoppers: int, days: int) -> None:
    """An export of ``draws`` spins: ``shoppers`` spin in turn, the draws spread evenly over ``days``, with the
    checkpoint each period's end published (the chain's count and head then)."""
    config = validate_config(load_registry(), demo_config())
    periods = _periods(days)
    header = {"type": "header", "format": FORMAT, "version": EXPORT_VERSION, "exported_at": _iso(START)}
    head, checkpoints = GENESIS, []
    draw_path = path.with_name(path.name + ".draws")
    with draw_path.open("w", encoding="utf-8") as out:
        seq = 0
        for index, period in enumerate(periods):
            for turn in range(draws * (index + 1) // days - draws * index // days):
                seq += 1
                record = _spin(config, period, turn % shoppers, turn // shoppers) | {"seq": seq, "prev_hash": head}
                head = record["hash"] = record_hash(record)
                out.write(_line({"type": "draw", "record": record}))
            checkpoint = {"type": "checkpoint", "period": period["key"], "count": seq, "head_hash": head}
            checkpoints.append(checkpoint | {"published_at": period["ends_at"]})
    with path.open("w", encoding="utf-8") as out, draw_path.open(encoding="utf-8") as records:
        out.write(_line({**header, "campaign": {"id": 1, "slug": "bench", "name": "bench", "timezone": "UTC"}}))
        out.write(_line({"type": "config", "hash": config.hash, "config": config.raw}))
        out.writelines(_line(p) for p in periods)
        out.writelines(_line(c) for c in checkpoints)
        shutil.copyfileobj(records, out, 1 << 20)
        out.write(_line({"type": "end", "count": draws, "head_hash": head}))
    draw_path.unlink()


def verify_once(path: Path) -> tuple[int, float, int, int]:
    """Verify ``path`` in a fresh process: (draws, seconds, peak resident memory in KiB of that process and of
    its largest worker process, 0 without workers)."""
    root = Path(__file__).resolve().parents[1]
    output = subprocess.run(
        [sys.executable, "-c", VERIFY_ONE, str(path)], cwd=root, capture_output=True, text=True, check=True
    ).stdout.split()
    return int(output[0]), float(output[1]), int(output[2]), int(output[3])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--draws", type=int, default=1_000_000, help=f"draws in the export (max {MAX_DRAWS:,})")
    parser.add_argument("--shoppers", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=10, help="periods the draws are spread over")
    parser.add_argument("--repeat", type=int, default=3, help="verification runs (max 10)")
    parser.add_argument("--file", type=Path, help="keep the export here (reused when it exists)")
    parser.add_argument("--json", action="store_true", help="also print one JSON line with the figures")
    args = parser.parse_args()
    if not 1 <= args.draws <= MAX_DRAWS or not 1 <= args.repeat <= 10 or args.days < 1 or args.shoppers < 1:
        parser.error(f"--draws 1..{MAX_DRAWS}, --repeat 1..10, --days and --shoppers at least 1")
    with tempfile.TemporaryDirectory() as scratch:
        path = args.file or Path(scratch) / "draws.jsonl"
        if not path.exists():
            started = time.perf_counter()
            write_export(path, args.draws, args.shoppers, args.days)
            size, seconds = path.stat().st_size / 2**20, time.perf_counter() - started
            print(f"wrote {args.draws:,} draws ({size:.0f} MiB) in {seconds:.0f} s")
        runs = [verify_once(path) for _ in range(args.repeat)]
    rates = [draws / seconds for draws, seconds, _, _ in runs]
    for index, (draws, seconds, peak, worker_peak) in enumerate(runs, start=1):
        rate = draws / seconds
        print(
            f"run {index}: {draws:,} draws in {seconds:.2f} s = {rate:,.0f} draws/s, peak RSS {peak / 1024:.0f} MiB"
            f" (largest worker {worker_peak / 1024:.0f} MiB)"
        )
    print(f"median: {statistics.median(rates):,.0f} draws/s (target 330,000)")
    if args.json:
        print(
            json.dumps(
                {
                    "draws": runs[0][0],
                    "rates": rates,
                    "median": statistics.median(rates),
                    "peak_kib": max(r[2] for r in runs),
                    "worker_peak_kib": max(r[3] for r in runs),
                }
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
