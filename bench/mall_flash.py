"""The points mall under load: the catalog and redemptions at 64 client threads, then a flash redemption.

gunicorn as the README serves it (``-k gevent``, one process; ``--workers N --redis`` for several sharing Redis,
``--worker-class gthread`` to compare) on a fresh database (SQLite, or PostgreSQL with ``--postgres``), the demo
seeded, a mall campaign with two goods: a plain one of ample stock, and a flash one of ``--units`` units.
``--shoppers`` shoppers are signed in and each given the points for ``--tries`` redemptions. With ``--redis`` the
server has ``REDIS_URL`` and so the mall's admission gate (server/mall_gate.py); without, the plain transaction.

- "hello": ``GET /api/health`` on the same server, the baseline each phase's rate is compared with;
- "catalog": ``GET /api/play/<c>/mall`` (every good at the shopper's tier price, their points);
- "redeem": ``POST .../mall/<plain>/redeem`` by distinct shoppers (one atomic action: the shopper's lock, limits,
  stock by a conditional update, points from the soonest-expiring lots, the order);
- paced (``--think-ms 100,200``, with ``--client wrk``): hello, catalog and redeem again, each of the 64
  connections waiting after an answer before its next request (exponentially distributed with that mean in
  milliseconds, cut at 1.5 s, so a little less on average, as printed: shoppers reading their page, each at their
  own pace) instead of sending as soon as the answer comes. The closed loop measures the most the server answers,
  and its latencies are then mostly the queue in front of it (64 / rate); the paced runs show the latencies at a
  load below that most;
- "flash": ``--requests`` redemptions of the flash good at once (``--flash-threads`` client threads), each
  shopper trying up to ``--tries`` times. Afterwards the database is read: exactly ``--units`` orders, the stock
  at 0, and every shopper's points the starting points less what their orders took; any answer of 500 or more
  fails the bench.

Bounded in time and count; 127.0.0.1 only. Run ``python bench/mall_flash.py --help``; see bench/README.md.
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
import uuid
from collections import Counter
from contextlib import ExitStack, closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import draw_vs_hello as base
from sqlalchemy import func, select
from wrk_load import THINK_CAP_MS, measure_wrk, require_wrk, think_mean_ms

from economy import ledger
from economy.db import make_engine, make_sessionmaker
from economy.mall.models import MallGood, MallOrder
from economy.rewards import Reward, RewardKind
from economy.service import GrantRequest, grant
from server.demo import demo_config
from server.models import User

PRICE = 1000
REDIS_URL = "redis://127.0.0.1:6379/14"  # flushed before the run
MAX_SHOPPERS = 5000


def _redis(args: argparse.Namespace) -> dict[str, str]:
    """The server's REDIS_URL (a flushed scratch database) with ``--redis``."""
    if not args.redis:
        return {}
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.flushdb()
    except redis.RedisError as error:
        raise SystemExit(f"Redis at {REDIS_URL} is not reachable ({error.__class__.__name__})") from error
    finally:
        client.close()
    return {"REDIS_URL": REDIS_URL}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    base.one_server_options(parser, threads=64)
    parser.add_argument("--shoppers", type=int, default=2000, help=f"shoppers signed in (max {MAX_SHOPPERS})")
    parser.add_argument("--units", type=int, default=100, help="units of the flash good")
    parser.add_argument("--requests", type=int, default=5000, help="flash redemption requests (max 20,000)")
    parser.add_argument("--tries", type=int, default=3, help="flash requests a shopper may send")
    parser.add_argument("--flash-threads", type=int, default=200, help="client threads of the flash (max 400)")
    parser.add_argument("--redis", action="store_true", help=f"serve with REDIS_URL={REDIS_URL}: the admission gate")
    parser.add_argument("--workers", type=int, default=1, help="gunicorn -w (more than 1 needs --redis)")
    parser.add_argument("--client", choices=["python", "wrk"], default="python",
                        help="who loads the hello, catalog and redeem phases: Python threads, or wrk (C; --threads "
                             "connections, apt-get install -y wrk)")  # fmt: skip
    parser.add_argument("--think-ms", default="", metavar="T,T...",
                        help="also measure paced phases (wrk): each connection waits after an answer, exponentially "
                             "distributed with mean T ms, cut at 1.5 s (at most 3 values, each 1-5000)")  # fmt: skip
    parser.set_defaults(worker_class="gevent")
    parsed = parser.parse_args(argv)
    workers = parsed.workers
    args = base.one_server_args(parser, parsed)  # sets one worker: this bench may run several
    args.workers = workers if 0 < workers <= 4 else parser.error("keep 0 < --workers <= 4")
    if args.workers > 1 and not args.redis:
        parser.error("several server processes share Socket.IO through Redis: add --redis")
    if not (0 < args.shoppers <= MAX_SHOPPERS and 0 < args.requests <= 20_000 and 0 < args.flash_threads <= 400):
        parser.error("keep --shoppers <= 5000, --requests <= 20,000, --flash-threads <= 400")
    args.think_ms = _think_times(parser, args.think_ms)
    if args.think_ms and args.client != "wrk":
        parser.error("--think-ms paces wrk's connections: add --client wrk")
    if args.client == "wrk":
        require_wrk()
    if args.requests > args.shoppers * args.tries:
        parser.error("--requests may not exceed --shoppers x --tries")
    return args


def _think_times(parser: argparse.ArgumentParser, given: str) -> list[int]:
    try:
        times = [int(part) for part in given.split(",") if part.strip()]
    except ValueError:
        parser.error("--think-ms takes whole milliseconds separated by commas, e.g. 100,200")
    if len(times) > 3 or any(not 1 <= t <= 5000 for t in times):
        parser.error("--think-ms takes at most 3 values, each from 1 to 5000")
    return times


def seed_mall(url: str, campaign: int, shoppers: list[str], points: int, units: int) -> tuple[int, int]:
    """The plain and flash goods, and ``points`` for each signed-in shopper; returns (plain id, flash id)."""
    engine = make_engine(url)
    now = datetime.now(UTC)
    try:
        with make_sessionmaker(engine)() as session, session.begin():
            plain = _good(session, campaign, "压测商品", 10_000_000)
            flash = _good(session, campaign, "限时兑换", units)
            users = _ids(session, shoppers)
            for external in shoppers:
                reward = Reward(RewardKind.POINTS, points)
                request = GrantRequest(f"bench-mall:{external}", campaign, users[external], "welcome", reward, points,
                                       now.date().isoformat())  # fmt: skip
                grant(session, request, now)
            return plain, flash
    finally:
        engine.dispose()


def _ids(session: Any, shoppers: list[str]) -> dict[str, int]:
    rows = session.execute(select(User.external_id, User.id).where(User.external_id.in_(shoppers)))
    return {external: user_id for external, user_id in rows}


def _good(session: object, campaign: int, name: str, stock: int) -> int:
    good = MallGood(campaign_id=campaign, name=name, kind="virtual", category="压测", points_price=PRICE, cash_fen=0,
                    value_fen=1000, stock_total=stock, stock_left=stock, min_tier_rank=0, sort=0)  # fmt: skip
    session.add(good)  # type: ignore[attr-defined]
    session.flush()  # type: ignore[attr-defined]
    return good.id


def catalog(campaign: int, cookies: list[str]) -> base.Call:
    def look(conn: http.client.HTTPConnection, worker: int) -> int:
        cookie = {"Cookie": cookies[worker % len(cookies)]}
        return base.request(conn, "GET", f"/api/play/{campaign}/mall", None, cookie)[0]

    return look


def redeemer(campaign: int, good: int, cookies: list[str], origin: str) -> base.Call:
    """Each call a different shopper (round robin), a fresh key."""
    turn, lock = itertools.count(), threading.Lock()

    def redeem(conn: http.client.HTTPConnection, _worker: int) -> int:
        with lock:
            index = next(turn)
        headers = {"Cookie": cookies[index % len(cookies)], "Idempotency-Key": f"bench-{uuid.uuid4().hex}",
                   "Origin": origin, "Content-Type": "application/json"}  # fmt: skip
        return base.request(conn, "POST", f"/api/play/{campaign}/mall/{good}/redeem", b"{}", headers)[0]

    return redeem


def load_phases(args: argparse.Namespace, port: int, campaign: int, plain: int, cookies: list[str]) -> list[Any]:
    """The hello, catalog and redeem phases, loaded by Python threads or by wrk (``--client``)."""
    origin = f"http://{base.HOST}:{port}"
    if args.client == "wrk":
        mall = f"/api/play/{campaign}/mall"
        redeem = f"{mall}/{plain}/redeem"
        steps = [("hello", "GET", "/api/health"), ("catalog", "GET", mall), ("redeem", "POST", redeem)]
        return [measure_wrk(name, origin, method, path, cookies, args.seconds, args.warmup, args.threads, think)
                for think in [0, *args.think_ms] for name, method, path in steps]  # fmt: skip
    return [
        base.measure("hello", port, base.hello, args),
        base.measure("catalog", port, catalog(campaign, cookies), args),
        base.measure("redeem", port, redeemer(campaign, plain, cookies, origin), args),
    ]


def flash(
    args: argparse.Namespace, port: int, path: str, cookies: list[str], origin: str
) -> tuple[Counter[int], float]:
    """``--requests`` flash redemptions at once over ``--flash-threads`` connections; statuses and seconds."""
    jobs = iter(range(args.requests))
    lock, statuses, gate = threading.Lock(), Counter[int](), threading.Barrier(args.flash_threads)

    def one(conn: http.client.HTTPConnection, job: int) -> int:
        headers = {"Cookie": cookies[job % len(cookies)], "Idempotency-Key": f"flash-{job:06d}-{uuid.uuid4().hex[:8]}",
                   "Origin": origin, "Content-Type": "application/json"}  # fmt: skip
        return base.request(conn, "POST", path, b"{}", headers)[0]

    def worker(_: int) -> None:
        with closing(http.client.HTTPConnection(base.HOST, port, timeout=60)) as conn:
            gate.wait(30)
            while (job := _next(jobs, lock)) is not None:
                status = base.attempt(conn, one, job)
                with lock:
                    statuses[status if isinstance(status, int) else 599] += 1

    started = time.monotonic()
    base.run_threads(worker, args.flash_threads, 120)
    return statuses, time.monotonic() - started


def _next(jobs: Any, lock: threading.Lock) -> int | None:
    with lock:
        return next(jobs, None)


def audit(url: str, campaign: int, flash_good: int, shoppers: list[str], points: int) -> dict[str, object]:
    """Read the truth back: orders of the flash good, its stock, and every shopper's points."""
    engine = make_engine(url)
    try:
        with make_sessionmaker(engine)() as session, session.begin():
            sold = session.scalar(select(func.count()).where(MallOrder.good_id == flash_good)) or 0
            left = session.get(MallGood, flash_good).stock_left  # type: ignore[union-attr]
            ids = _ids(session, shoppers)
            taken = select(MallOrder.user_id, func.sum(MallOrder.points)).group_by(MallOrder.user_id)
            spent = {user_id: int(total) for user_id, total in session.execute(taken)}
            now = datetime.now(UTC)
            wrong = [
                s for s in shoppers if ledger.spendable_points(session, ids[s], now) != points - spent.get(ids[s], 0)
            ]
        return {"sold": int(sold), "stock_left": left, "points_wrong": len(wrong)}
    finally:
        engine.dispose()


def print_phases(phases: list[Any], *, against_hello: bool = True) -> dict[str, object]:
    """Print hello, catalog and redeem (rate, p50, p99, and unless paced, where the think time sets every rate, the
    rate against hello's); returns their figures."""
    hello_rate = phases[0].summary()["rps"] if against_hello else 0
    figures: dict[str, object] = {}
    for phase in phases:
        summary = phase.summary()
        figures[phase.name] = summary
        times = f"p50 {summary['p50_ms']:7.2f} ms  p99 {summary['p99_ms']:7.2f} ms"
        ratio = f"hello/{phase.name} {hello_rate / summary['rps']:5.1f}" if summary["rps"] and hello_rate else ""
        print(f"{phase.name:8} {summary['rps']:8.1f} req/s  {times}  n={summary['requests']} errors={phase.errors or 0}"
              f"  {ratio}".rstrip())  # fmt: skip
    return figures


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    points = PRICE * (args.tries + 20)  # enough for every flash try and the redeem phase's share
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="carnival-bench-")))
        url = stack.enter_context(base.database(args, folder))
        environ = base.bench_environ(url, **_redis(args))
        base.migrate_and_seed(url, environ)
        campaign = base.add_campaign(url, demo_config(), 10**12, "压测商城", "Bench mall")
        port = stack.enter_context(base.server(args, environ, folder / "gunicorn.log"))
        origin = f"http://{base.HOST}:{port}"
        cookies = base.sign_in(port, args.shoppers)
        shoppers = [f"bench-{i:04d}" for i in range(args.shoppers)]
        plain, flash_good = seed_mall(url, campaign, shoppers, points, args.units)
        phases = load_phases(args, port, campaign, plain, cookies)
        path = f"/api/play/{campaign}/mall/{flash_good}/redeem"
        statuses, seconds = flash(args, port, path, cookies, origin)
        truth = audit(url, campaign, flash_good, shoppers, points)
    kind = url.split(":", 1)[0]
    serving = f"--threads {args.server_threads}" if args.worker_class == "gthread" else "-k gevent"
    gate = "Redis gate" if args.redis else "no Redis (plain transaction)"
    serving = f"gunicorn -w {args.workers} {serving}, {gate}, client {args.client}"
    print(f"database={kind} shoppers={args.shoppers} threads={args.threads} {serving}")
    figures: dict[str, object] = {"database": kind, **print_phases(phases[:3])}
    for think, paced in zip(args.think_ms, [phases[i : i + 3] for i in range(3, len(phases), 3)], strict=True):
        mean = think_mean_ms(think)
        print(f"paced: each of {args.threads} connections waits {mean:.0f} ms on average after an answer "
              f"(exponential of mean {think} ms, at most {THINK_CAP_MS} ms)")  # fmt: skip
        figures[f"paced_{think}ms"] = {"think_mean_ms": round(mean), **print_phases(paced, against_hello=False)}
    server_errors = sum(n for status, n in statuses.items() if status >= 500)
    outcome = f"sold {truth['sold']} of {args.units}, stock left {truth['stock_left']}"
    print(f"flash    {args.requests} requests in {seconds:.1f} s: {dict(sorted(statuses.items()))}; {outcome},"
          f" shoppers with wrong points {truth['points_wrong']}, 5xx {server_errors}")  # fmt: skip
    figures["flash"] = {"statuses": {str(k): v for k, v in statuses.items()}, "seconds": round(seconds, 1), **truth,
                        "server_errors": server_errors}  # fmt: skip
    if args.json:
        print(json.dumps(figures))
    exact = truth["sold"] == args.units and truth["stock_left"] == 0 and truth["points_wrong"] == 0
    return 0 if exact and server_errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
