"""Red-packet rain (红包雨): thousands of shoppers tapping one wheel at once, open loop, far above capacity.

What is measured: 2,000 shoppers each tap "spin" 10 times at random moments of a 30 s window on one campaign
(20,000 spins offered in 30 s, about 667 a second: far more than one small box serves, on purpose). The
campaign is a wheel over red packets (the demo config with its pool turned into red packets, 10 free spins a
day) with a small budget (¥500 by default) that runs out during the rain. The figures say what happens under
that overload: how many taps were answered (by status), how many served within the window, the latency of
the served ones from when each tap was *due* (open loop: a tap waiting for a free client thread waits on the
clock), errors by kind, throughput, and whether the budget held: spent <= total, read from the database.

How: one gunicorn server on 127.0.0.1 (the README's production line by default: ``-k gevent -w 1
--worker-connections 4000``), a fresh database (SQLite, a scratch PostgreSQL with ``--postgres``, or
``--database-url``), the demo seeded plus the rain campaign, the shoppers signed in by several threads, then
the taps: each shopper's taps at times drawn from ``random.Random(--seed)`` (load generation, not a draw),
sorted, and sent on schedule by a pool of ``--threads`` client threads with keep-alive connections, each tap
with a fresh ``Idempotency-Key`` and the page's ``Origin``. Sending stops ``--drain`` seconds after the
window; a tap not answered by then counts as not served.

    .venv/bin/python bench/rain.py --postgres
    .venv/bin/python bench/rain.py --postgres --shoppers 500 --window 10 --json

See bench/README.md.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, closing
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from draw_vs_hello import (
    HOST,
    LATE_SECONDS,
    PG_ADMIN_URL,
    Phase,
    add_campaign,
    bench_environ,
    close_if_idle,
    database,
    exchange,
    migrate_and_seed,
    pgbouncer,
    run_threads,
    server,
    sign_in,
)
from sqlalchemy import func, select

from economy.db import make_engine, make_sessionmaker
from economy.limits import budget_level
from economy.models import Grant
from economy.rewards import RewardKind
from games.fairness.pools import load_pool
from server.demo import demo_config

MAX_SHOPPERS, MAX_TAPS, MAX_SECONDS, MAX_THREADS = 2000, 20, 120.0, 256
FREE_SPINS_PER_DAY = 10
SIGN_IN_THREADS = 8
LEAD_SECONDS = 1.0  # the client threads connect before the rain starts


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The options; the limits keep the run bounded in time and count, on 127.0.0.1 only."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--shoppers", type=int, default=2000, help=f"shoppers in the rain (max {MAX_SHOPPERS})")
    parser.add_argument("--taps", type=int, default=10, help=f"taps per shopper (max {MAX_TAPS})")
    parser.add_argument("--window", type=float, default=30.0, help="seconds the taps are spread over")
    parser.add_argument("--drain", type=float, default=30.0, help="seconds after the window to wait for answers")
    parser.add_argument("--threads", type=int, default=64, help=f"client threads (max {MAX_THREADS})")
    parser.add_argument("--seed", type=int, default=1, help="seed of the tap schedule")
    parser.add_argument("--budget-fen", type=int, default=50_000, help="the campaign budget (default ¥500)")
    parser.add_argument("--workers", type=int, default=1, help="gunicorn -w")
    parser.add_argument("--worker-class", choices=["gthread", "gevent"], default="gevent", help="gunicorn -k")
    parser.add_argument("--worker-connections", type=int, default=4000, help="gunicorn --worker-connections")
    parser.add_argument("--server-threads", type=int, default=64, help="gunicorn --threads (gthread)")
    database_group = parser.add_mutually_exclusive_group()
    database_group.add_argument("--database-url", help="use this (migrated or empty) database")
    database_group.add_argument("--postgres", action="store_true", help="a scratch PostgreSQL database, dropped after")
    parser.add_argument("--pg-admin-url", default=PG_ADMIN_URL, help="where --postgres creates its database")
    parser.add_argument("--pgbouncer", action="store_true", help="with --postgres: serve through PgBouncer")
    parser.add_argument("--json", action="store_true", help="also print one JSON line with the figures")
    args = parser.parse_args(argv)
    if not (0 < args.shoppers <= MAX_SHOPPERS and 0 < args.taps <= MAX_TAPS and 0 < args.threads <= MAX_THREADS):
        parser.error(f"keep --shoppers <= {MAX_SHOPPERS}, --taps <= {MAX_TAPS}, --threads <= {MAX_THREADS}")
    if not (0 < args.window <= MAX_SECONDS and 0 <= args.drain <= MAX_SECONDS and args.budget_fen > 0):
        parser.error(f"keep 0 < --window <= {MAX_SECONDS}, 0 <= --drain <= {MAX_SECONDS}, --budget-fen > 0")
    if args.pgbouncer and not args.postgres:
        parser.error("--pgbouncer goes with --postgres")
    for url in (args.database_url, args.pg_admin_url if args.postgres else None):
        if url and "@" in url and "@127.0.0.1" not in url and "@localhost" not in url:
            parser.error("the benchmark only talks to 127.0.0.1")
    return args


def rain_config() -> dict[str, Any]:
    """The demo config with its pool turned into red packets (and "thanks"), 10 free spins a day, no extras.

    The demo's caps stay: at most ¥100 of prizes a shopper a day, one ¥88.88 packet a shopper (stock 20).
    """
    config = demo_config()
    demo = {prize["key"]: prize for prize in config["pool"]["prizes"]}
    prizes = [
        {**demo["thanks"], "weight": 5000},
        red_packet(demo["red_188"], "red_088", "0.88元红包", 3000, {"amount_fen": 88}),
        red_packet(demo["red_188"], "red_188", "1.88元红包", 1500, {"amount_fen": 188}),
        red_packet(demo["red_188"], "red_lucky", "拼手气红包", 400, {"min_fen": 1, "max_fen": 888}),
        red_packet(demo["red_188"], "red_1888", "18.88元红包", 90, {"amount_fen": 1888}),
        demo["red_8888"],
    ]
    config["pool"]["prizes"] = prizes
    wheel = {"slots": [p["key"] for p in prizes], "free_spins_per_day": FREE_SPINS_PER_DAY}
    config["games"]["wheel"] = {**wheel, "extra_spin_points": None, "max_extra_spins_per_day": 0}
    return config


def red_packet(base: dict[str, Any], key: str, name: str, weight: int, amount: dict[str, int]) -> dict[str, Any]:
    """A red-packet prize shaped like the demo's ``base`` one, unlimited in stock: a fixed ``amount_fen`` or a
    ``min_fen``..``max_fen`` range drawn per grant."""
    top = amount.get("amount_fen", amount.get("max_fen", 0))
    name_en = f"¥{top / 100:.2f} red packet" if "amount_fen" in amount else f"Lucky red packet up to ¥{top / 100:.2f}"
    reward = {"kind": RewardKind.RED_PACKET.value, **amount}
    prize = {**base, "key": key, "name": name, "name_en": name_en, "weight": weight, "reward": reward}
    return {**prize, "display_value_fen": top, "stock": None}


def expected_cost_per_spin(config: dict[str, Any]) -> float:
    """The pool's mean budget cost of one spin in fen (before caps, stock and budget)."""
    return float(sum(row.expected_cost_fen for row in load_pool(config["pool"]).odds()))


def sign_in_all(port: int, shoppers: int) -> list[str]:
    """Sign ``shoppers`` in on :data:`SIGN_IN_THREADS` threads (each its own connection); cookies in order."""
    size = -(-shoppers // SIGN_IN_THREADS)
    firsts = range(0, shoppers, size)
    with ThreadPoolExecutor(SIGN_IN_THREADS) as pool:
        chunks = pool.map(lambda first: sign_in(port, min(size, shoppers - first), first), firsts)
        return [cookie for chunk in chunks for cookie in chunk]


@dataclass(frozen=True, order=True)
class Tap:
    """One tap: due ``due`` seconds after the rain starts, by shopper number ``shopper``."""

    due: float
    shopper: int


def schedule(shoppers: int, taps: int, window: float, seed: int) -> list[Tap]:
    """Every shopper's taps at uniform random times of the window, in the order they are due."""
    rng = random.Random(seed)  # load generation, not a prize draw
    return sorted(Tap(rng.uniform(0.0, window), shopper) for shopper in range(shoppers) for _ in range(taps))


@dataclass(frozen=True)
class Outcome:
    """What became of one sent tap (times in seconds after the rain starts)."""

    due: float
    sent: float
    done: float
    status: str  # "200", "503", ... or the connection error ("timeout", "ConnectionResetError")
    fallback: str | None = None  # a served spin's fallback reason ("budget_exhausted", ...)
    prize: str | None = None  # a served spin's prize (where the wheel landed)


def tap_once(conn: http.client.HTTPConnection, path: str, cookie: str, origin: str, timeout: float) -> Outcome:
    """Spin once within ``timeout`` seconds; the outcome's times are left at 0 for the caller to fill."""
    conn.timeout = timeout
    if conn.sock is not None:
        conn.sock.settimeout(timeout)
    headers = {"Cookie": cookie, "Idempotency-Key": f"rain-{uuid.uuid4().hex}", "Origin": origin}
    try:
        status, _, body = exchange(conn, "POST", path, b"", headers)
    except TimeoutError:
        conn.close()
        return Outcome(0, 0, 0, "timeout")
    except (OSError, http.client.HTTPException) as error:
        conn.close()
        return Outcome(0, 0, 0, type(error).__name__)
    if status != 200:
        return Outcome(0, 0, 0, str(status))
    spun = json.loads(body)
    return Outcome(0, 0, 0, "200", spun.get("fallback_reason"), spun["prize"]["key"])


def pour(port: int, campaign_id: int, cookies: list[str], plan: list[Tap], args: argparse.Namespace) -> list[Outcome]:
    """Send the taps on schedule from ``args.threads`` threads (a free thread takes the next tap due and
    waits for its time); nothing is sent after the window and the drain. Returns the sent taps' outcomes."""
    path, origin = f"/api/play/{campaign_id}/wheel/spin", f"http://{HOST}:{port}"
    start = time.monotonic() + LEAD_SECONDS
    deadline = start + args.window + args.drain
    lock, taken = threading.Lock(), iter(range(len(plan)))
    outcomes: list[Outcome] = []

    def worker(_index: int) -> None:
        mine: list[Outcome] = []
        used = time.monotonic()
        with closing(http.client.HTTPConnection(HOST, port, timeout=10)) as conn:
            while (i := next_tap()) is not None:
                time.sleep(max(start + plan[i].due - time.monotonic(), 0.0))
                if (sent := time.monotonic()) >= deadline:
                    break
                close_if_idle(conn, used)
                outcome = tap_once(conn, path, cookies[plan[i].shopper], origin, deadline - sent)
                used = time.monotonic()
                done = used - start
                mine.append(replace(outcome, due=plan[i].due, sent=sent - start, done=done))
        with lock:
            outcomes.extend(mine)

    def next_tap() -> int | None:
        with lock:
            return next(taken, None)

    run_threads(worker, args.threads, LEAD_SECONDS + args.window + args.drain + 30)
    return outcomes


@dataclass(frozen=True)
class Money:
    """The campaign's budget and what it gave, read from the database after the rain."""

    budget_fen: int
    spent_fen: int  # the budget counter
    granted_cost_fen: int  # the cost of every grant row, to cross-check the counter
    red_packets: int
    red_packet_fen: int

    @property
    def overspent(self) -> bool:
        """True when the counter or the grants add up to more than the budget."""
        return max(self.spent_fen, self.granted_cost_fen) > self.budget_fen


def campaign_money(url: str, campaign_id: int) -> Money:
    """The budget (``economy.limits.budget_level``), the grants' cost and the red packets granted."""
    engine = make_engine(url)
    try:
        with make_sessionmaker(engine)() as session, session.begin():
            level = budget_level(session, campaign_id)
            if level is None:
                raise SystemExit(f"campaign {campaign_id} has no budget")
            of_campaign = Grant.campaign_id == campaign_id
            cost = session.scalar(select(func.coalesce(func.sum(Grant.cost_fen), 0)).where(of_campaign))
            packets = select(func.count(), func.coalesce(func.sum(Grant.amount), 0)).where(
                of_campaign, Grant.reward_kind == RewardKind.RED_PACKET.value
            )
            count, amount = session.execute(packets).one()
            return Money(level.total_fen, level.spent_fen, int(cost or 0), int(count), int(amount))
    finally:
        engine.dispose()


def figures(plan: list[Tap], outcomes: list[Outcome], money: Money, args: argparse.Namespace) -> dict[str, Any]:
    """What the rain did, keyed as the JSON line (latencies of served taps, from when each was due)."""
    statuses = Counter(o.status for o in outcomes if o.status.isdigit())
    served = [o for o in outcomes if o.status == "200"]
    errors = Counter(o.status for o in outcomes if o.status != "200")
    if len(plan) > len(outcomes):
        errors["not_sent"] = len(plan) - len(outcomes)
    latency = Phase("rain", latencies=sorted(o.done - o.due for o in served))
    seconds = max((o.done for o in served), default=0.0)
    refused = min((o.done for o in served if o.fallback == "budget_exhausted"), default=None)
    last_packet = max((o.done for o in served if o.prize and o.prize.startswith("red_")), default=None)
    return {
        "offered": len(plan),
        "sent": len(outcomes),
        "answered": sum(statuses.values()),
        "served": len(served),
        "served_in_window": sum(o.done <= args.window for o in served),
        "not_served": len(plan) - len(served),
        "statuses": dict(sorted(statuses.items())),
        "errors": dict(sorted(errors.items())),
        "sent_late": sum(o.sent - o.due > LATE_SECONDS for o in outcomes),
        "p50_ms": round(latency.percentile(50), 1),
        "p95_ms": round(latency.percentile(95), 1),
        "p99_ms": round(latency.percentile(99), 1),
        "rps": round(len(served) / seconds, 1) if seconds else 0.0,
        "fallbacks": dict(Counter(o.fallback for o in served if o.fallback)),
        "first_budget_refusal_s": None if refused is None else round(refused, 1),
        "last_red_packet_s": None if last_packet is None else round(last_packet, 1),
        "budget_fen": money.budget_fen,
        "spent_fen": money.spent_fen,
        "granted_cost_fen": money.granted_cost_fen,
        "red_packets": money.red_packets,
        "red_packet_fen": money.red_packet_fen,
        "overspent": money.overspent,
    }


def report(found: dict[str, Any], args: argparse.Namespace, setup: dict[str, Any]) -> None:
    """Print the figures for a reader."""
    print(f"database={setup['database']} gunicorn {setup['serving']} client threads={args.threads}")
    print(f"signed in {args.shoppers} shoppers in {setup['sign_in_s']:.1f} s; expected cost {setup['cost']:.1f} fen")
    offered = f"{found['offered']} taps over {args.window:g} s ({found['offered'] / args.window:.0f}/s)"
    print(f"offered {offered}, drain {args.drain:g} s: sent {found['sent']}, late (> 10 ms) {found['sent_late']}")
    print(f"answered {found['answered']} {found['statuses']}; served {found['served']} ({found['rps']}/s)", end="")
    print(f", within the window {found['served_in_window']}, not served {found['not_served']}")
    print(f"served latency from due: p50 {found['p50_ms']} ms  p95 {found['p95_ms']} ms  p99 {found['p99_ms']} ms")
    print(f"errors {found['errors'] or 0}; fallbacks {found['fallbacks'] or 0}")
    print(f"budget {found['budget_fen']} fen, spent {found['spent_fen']} (grants {found['granted_cost_fen']})", end="")
    refused, last = found["first_budget_refusal_s"], found["last_red_packet_s"]
    print(f"; first refusal for budget at {'never' if refused is None else f'{refused} s'}", end="")
    print(f", last red packet answered at {'never' if last is None else f'{last} s'}")
    print(f"red packets {found['red_packets']} ({found['red_packet_fen']} fen); overspent: {found['overspent']}")


def main(argv: list[str] | None = None) -> int:
    """Prepare, rain, read the budget, report."""
    args = parse_args(argv)
    config = rain_config()
    plan = schedule(args.shoppers, args.taps, args.window, args.seed)
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="carnival-rain-")))
        url = stack.enter_context(database(args, folder))
        migrate_and_seed(url, bench_environ(url))
        campaign_id = add_campaign(url, config, args.budget_fen, "红包雨", "Red-packet rain")
        serve_url, environ = url, bench_environ(url)
        if args.pgbouncer:
            serve_url = stack.enter_context(pgbouncer(url))
            environ = bench_environ(serve_url, CARNIVAL_DB_TRANSACTION_POOLER="1")
        port = stack.enter_context(server(args, environ, folder / "gunicorn.log"))
        began = time.monotonic()
        cookies = sign_in_all(port, args.shoppers)
        signed_in = time.monotonic() - began
        outcomes = pour(port, campaign_id, cookies, plan, args)
        found = figures(plan, outcomes, campaign_money(url, campaign_id), args)
    kind = url.split(":", 1)[0].split("+", 1)[0] + ("+pgbouncer" if args.pgbouncer else "")
    serving = f"--threads {args.server_threads}" if args.worker_class == "gthread" else "-k gevent"
    serving += f" --worker-connections {args.worker_connections}" if args.worker_class == "gevent" else ""
    setup = {"database": kind, "serving": f"-w {args.workers} {serving}", "sign_in_s": signed_in}
    report(found, args, {**setup, "cost": expected_cost_per_spin(config)})
    if args.json:
        print(json.dumps({**setup, "sign_in_s": round(signed_in, 1), **found}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
