"""How many check-ins a server answers per second, next to a "hello" (GET /api/health) and a wheel spin.

A check-in is the whole action (``POST /api/play/<id>/games/checkin/check_in``): session cookie, idempotency
claim, the shopper's locks, the tier's points drawn, the grant through the ledger (a day's reward keyed once),
the milestones it completes, the state written, the draw record, commit. A shopper checks in once a day, so
every check-in is a different shopper's first: N shoppers are signed in first and each is used once.

Same server, database and client threads as ``draw_vs_hello.py`` (it reuses that bench's parts): one gunicorn
process on 127.0.0.1, a fresh database (SQLite by default, ``--postgres`` for a scratch PostgreSQL database),
the demo seeded, a check-in campaign (the demo's: default tiers, milestones at 3, 7 and 30 days) added, then
the phases "hello", "spin" (the wheel bench campaign) and "checkin", each for a bounded time.
Run ``python bench/checkin_vs_hello.py --help``; see bench/README.md.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import sys
import tempfile
import threading
import uuid
from contextlib import ExitStack
from pathlib import Path

import draw_vs_hello as base

from server.demo_checkin import checkin_demo_config

MAX_CHECKINS = 20_000


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    base.one_server_options(parser, threads=8)
    parser.add_argument(
        "--shoppers", type=int, default=3000, help=f"shoppers signed in to check in (max {MAX_CHECKINS})"
    )
    args = base.one_server_args(parser, parser.parse_args(argv))
    if not 0 < args.shoppers <= MAX_CHECKINS:
        parser.error(f"keep 0 < --shoppers <= {MAX_CHECKINS}")
    return args


def checker(campaign_id: int, cookies: list[str], origin: str) -> base.Call:
    """A call that checks in as the next shopper who has not yet (each cookie once; 0 when none is left)."""
    turn, lock = itertools.count(), threading.Lock()
    path = f"/api/play/{campaign_id}/games/checkin/check_in"

    def check_in(conn: http.client.HTTPConnection, _worker: int) -> int:
        with lock:
            index = next(turn)
        if index >= len(cookies):
            return 0
        headers = {"Cookie": cookies[index], "Idempotency-Key": f"bench-{uuid.uuid4().hex}", "Origin": origin}
        return base.request(conn, "POST", path, b"{}", {**headers, "Content-Type": "application/json"})[0]

    return check_in


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="carnival-bench-")))
        url = stack.enter_context(base.database(args, folder))
        wheel = base.prepare(url, base.bench_environ(url))
        checkin = base.add_campaign(url, checkin_demo_config(), 10**12, "压测签到", "Bench check-in")
        port = stack.enter_context(base.server(args, base.bench_environ(url), folder / "gunicorn.log"))
        origin = f"http://{base.HOST}:{port}"
        spinners = base.sign_in(port, min(args.threads, base.MAX_SHOPPERS))
        checkers = base.sign_in(port, args.shoppers, first=base.MAX_SHOPPERS)
        phases = [
            base.measure("hello", port, base.hello, args),
            base.measure("spin", port, base.spinner(wheel, spinners, args.threads, origin), args),
            base.measure("checkin", port, checker(checkin, checkers, origin), args),
        ]
    figures = report(url, args, phases)
    if args.json:
        print(json.dumps(figures, ensure_ascii=False))
    return 0


def report(url: str, args: argparse.Namespace, phases: list[base.Phase]) -> dict[str, object]:
    """Print each phase and the ratios to hello; return the figures."""
    hello, spin, checkin = phases
    kind = url.split(":", 1)[0].split("+", 1)[0]
    print(f"database={kind} threads={args.threads} seconds={args.seconds} gunicorn -w 1 -k {args.worker_class}")
    for phase in phases:
        figures = phase.summary()
        print(
            f"{phase.name:8} {figures['rps']:9.1f} req/s  p50 {figures['p50_ms']:7.2f} ms  p99 {figures['p99_ms']:7.2f}"
            f" ms  n={figures['requests']}  errors={phase.errors or 0}"
        )
    if checkin.latencies and len(checkin.latencies) + sum(checkin.errors.values()) >= args.shoppers:
        print(f"(every one of the {args.shoppers} shoppers checked in before the phase ended: raise --shoppers)")
    ratios = {
        name: round(p.rate / hello.rate, 4) if hello.rate else 0.0 for name, p in (("spin", spin), ("checkin", checkin))
    }
    print(f"spin/hello {ratios['spin']:.3f}x   checkin/hello {ratios['checkin']:.3f}x")
    return {"database": kind, **{p.name: p.summary() for p in phases}, "ratios": ratios}


if __name__ == "__main__":
    sys.exit(main())
