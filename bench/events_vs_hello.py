"""How many host events a server takes per second (``POST /api/host/events``), next to a "hello" in the same run.

Each request is a signed batch of ``--batch`` new ``order_paid`` events (fresh ids) for one campaign: the
signature check, each event checked by its type's schema, one multi-row ``INSERT ... ON CONFLICT DO NOTHING
RETURNING`` and the read-back of the stored hashes, commit. Same server, database and client threads as
``draw_vs_hello.py`` (it reuses that bench's parts): one gunicorn process on 127.0.0.1, a fresh database (SQLite
by default, ``--postgres`` for a scratch PostgreSQL database), the demo seeded, then the phases "hello" and
"events", each for a bounded time. Run ``python bench/events_vs_hello.py --help``; see bench/README.md.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

import draw_vs_hello as base

from server.api_host import sign_request
from server.config import DEV_HOST_KEY
from server.demo_checkin import checkin_demo_config

MAX_BATCH = 1000


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    base.one_server_options(parser, threads=4)
    parser.add_argument("--batch", type=int, default=500, help=f"events per request (max {MAX_BATCH})")
    args = base.one_server_args(parser, parser.parse_args(argv))
    if not 0 < args.batch <= MAX_BATCH:
        parser.error(f"keep 0 < --batch <= {MAX_BATCH}")
    return args


def reporter(campaign_id: int, batch: int) -> base.Call:
    """A call that posts ``batch`` new events, signed as the host's server does; 200 only when all are taken."""
    numbers, lock = itertools.count(), threading.Lock()
    path = "/api/host/events"

    def report(conn: http.client.HTTPConnection, _worker: int) -> int:
        with lock:
            first = next(numbers) * batch
        at = datetime.now(UTC).isoformat()
        events = [
            {"id": f"bench-{first + i}", "type": "order_paid", "user": f"u-{(first + i) % 5000}", "at": at,
             "order_ref": f"JD-{first + i}", "amount_fen": 12_900, "payment": "baitiao", "category": "数码"}
            for i in range(batch)
        ]  # fmt: skip
        body = json.dumps({"campaign": campaign_id, "events": events}).encode()
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            "X-Carnival-Key-Id": DEV_HOST_KEY.kid or "",
            "X-Carnival-Timestamp": timestamp,
            "X-Carnival-Signature": sign_request(DEV_HOST_KEY.secret, timestamp, "POST", path, body),
        }
        status, _, text = base.exchange(conn, "POST", path, body, headers)
        if status == 200 and json.loads(text).get("accepted") != batch:
            return 299  # answered, but not every event was taken: counted apart
        return status

    return report


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="carnival-bench-")))
        url = stack.enter_context(base.database(args, folder))
        base.migrate_and_seed(url, base.bench_environ(url))
        campaign = base.add_campaign(url, checkin_demo_config(), 10**12, "压测事件", "Bench events")
        port = stack.enter_context(base.server(args, base.bench_environ(url), folder / "gunicorn.log"))
        phases = [
            base.measure("hello", port, base.hello, args),
            base.measure("events", port, reporter(campaign, args.batch), args),
        ]
    hello, events = phases
    kind = url.split(":", 1)[0].split("+", 1)[0]
    rate = events.rate * args.batch
    print(f"database={kind} threads={args.threads} batch={args.batch} seconds={args.seconds} gunicorn -w 1")
    for phase in phases:
        figures = phase.summary()
        print(
            f"{phase.name:7} {figures['rps']:9.1f} req/s  p50 {figures['p50_ms']:7.2f} ms  p99 {figures['p99_ms']:7.2f}"
            f" ms  n={figures['requests']}  errors={phase.errors or 0}"
        )
    print(f"events taken: {rate:,.0f}/s   (event requests / hello: {events.rate / hello.rate:.3f}x)")
    if args.json:
        figures = {"database": kind, "hello": hello.summary(), "events": events.summary(), "events_per_s": round(rate)}
        print(json.dumps(figures, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
