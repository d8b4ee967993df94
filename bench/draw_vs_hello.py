"""How many wheel spins a server answers per second, next to a "hello" (GET /api/health) baseline.

A spin is the whole play: session cookie, idempotency claim, fair draw, caps/stock/budget, ledger,
draw record chained to the previous one, commit. "hello" touches no database, so the ratio says what
the play costs on top of Flask + gunicorn + HTTP on this machine.

One real gunicorn process on 127.0.0.1, a fresh database (SQLite by default), the demo seeded with
``carnival seed-demo`` plus a bench campaign (the demo config with 100000 free spins a day), N shoppers
signed in with launch tokens, then K keep-alive client threads for a bounded time per phase.

With ``--rate R`` (or ``--rate-share F``: F x the spin rate just measured) a third phase, "open", spins on a
fixed schedule (wrk2-style): request i is due at start + i/R, dealt round-robin to the K threads, and its
latency counts from when it was due, not from when its thread got free (corrected for coordinated
omission); requests sent more than 10 ms after they were due are counted as late.
Run ``python bench/draw_vs_hello.py --help``; see bench/README.md.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, closing, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from economy.db import make_engine, make_sessionmaker
from games.campaigns.admin import create_campaign
from games.engine.registry import load_registry
from server.config import DEV_LAUNCH_KEY
from server.demo import demo_config
from server.launch import sign
from server.migrate import upgrade

REPO = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
MAX_SECONDS, MAX_THREADS, MAX_SHOPPERS = 120.0, 64, 1000
MAX_RATE_SHARE = 10.0
LATE_SECONDS = 0.010  # an open-loop request sent later than this after it was due counts as late
IDLE_SECONDS = 1.0  # gunicorn closes keep-alive connections idle for 2 s (its --keep-alive default)
Call = Callable[[http.client.HTTPConnection, int], int]


@dataclass
class Phase:
    """What one measured phase saw."""

    name: str
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        """Successful requests per second."""
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile(self, q: int) -> float:
        """Latency percentile ``q`` in milliseconds."""
        if len(self.latencies) < 2:
            return 1000 * (self.latencies[0] if self.latencies else 0.0)
        return 1000 * statistics.quantiles(self.latencies, n=100, method="inclusive")[q - 1]

    def summary(self) -> dict[str, object]:
        """The figures printed and emitted as JSON."""
        return {
            "requests": len(self.latencies),
            "rps": round(self.rate, 1),
            "p50_ms": round(self.percentile(50), 2),
            "p95_ms": round(self.percentile(95), 2),
            "p99_ms": round(self.percentile(99), 2),
            "errors": self.errors,
        }

    def add(self, latencies: list[float], errors: dict[str, int], lock: threading.Lock) -> None:
        """Merge one client thread's figures into the phase."""
        with lock:
            self.latencies.extend(latencies)
            for key, count in errors.items():
                self.errors[key] = self.errors.get(key, 0) + count


@dataclass
class OpenPhase(Phase):
    """An open-loop phase: a fixed schedule at ``target_rps``, latencies from each request's due time."""

    target_rps: float = 0.0
    offered: int = 0
    late: int = 0

    def summary(self) -> dict[str, object]:
        """The closed-loop figures plus the schedule: target rate, requests offered, sent late (> 10 ms)."""
        schedule = {"target_rps": round(self.target_rps, 1), "offered": self.offered, "late": self.late}
        return {**super().summary(), **schedule}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="measured time per phase (max 120)")
    parser.add_argument("--warmup", type=float, default=1.0, help="unmeasured time before each phase")
    parser.add_argument("--threads", type=int, default=8, help="concurrent client threads K (max 64)")
    parser.add_argument("--shoppers", type=int, default=8, help="signed-in shoppers N (max 1000)")
    parser.add_argument("--server-threads", type=int, default=8, help="gunicorn --threads")
    parser.add_argument("--workers", type=int, default=1, help="gunicorn -w")
    parser.add_argument("--worker-class", choices=["gthread", "gevent"], default="gthread", help="gunicorn -k")
    parser.add_argument("--max-requests", type=int, default=500_000, help="cap per phase")
    database = parser.add_mutually_exclusive_group()
    database.add_argument("--database-url", help="use this (migrated or empty) database instead of a SQLite file")
    database.add_argument("--postgres", action="store_true", help="a scratch PostgreSQL database, dropped after")
    parser.add_argument("--pg-admin-url", default=PG_ADMIN_URL, help="where --postgres creates its database")
    parser.add_argument(
        "--pgbouncer",
        action="store_true",
        help="with --postgres: serve through PgBouncer (transaction mode)",
    )
    parser.add_argument("--json", action="store_true", help="also print one JSON line with the figures")
    open_loop = parser.add_mutually_exclusive_group()
    open_loop.add_argument("--rate", type=float, default=0.0, help="open-loop phase at R spins/s (0: none)")
    open_loop.add_argument("--rate-share", type=float, help="open-loop phase at F x the spin rate just measured")
    args = parser.parse_args(argv)
    if not (0 < args.seconds <= MAX_SECONDS and 0 < args.threads <= MAX_THREADS and 0 < args.shoppers <= MAX_SHOPPERS):
        parser.error(f"keep --seconds <= {MAX_SECONDS}, --threads <= {MAX_THREADS}, --shoppers <= {MAX_SHOPPERS}")
    if args.pgbouncer and not args.postgres:
        parser.error("--pgbouncer goes with --postgres")
    if args.rate < 0 or args.rate * args.seconds > args.max_requests:
        parser.error(f"keep 0 <= --rate and --rate x --seconds <= --max-requests ({args.max_requests})")
    if args.rate_share is not None and not 0 < args.rate_share <= MAX_RATE_SHARE:
        parser.error(f"keep 0 < --rate-share <= {MAX_RATE_SHARE}")
    for url in (args.database_url, args.pg_admin_url if args.postgres else None):
        if url and "@" in url and "@127.0.0.1" not in url and "@localhost" not in url:
            parser.error("the benchmark only talks to 127.0.0.1")
    return args


def one_server_options(parser: argparse.ArgumentParser, threads: int) -> None:
    """The options of a bench that reuses this one's parts on one server process (checkin_vs_hello.py,
    events_vs_hello.py): phase time, client threads (default ``threads``), serving, database, JSON."""
    parser.add_argument("--seconds", type=float, default=10.0, help="measured time per phase (max 120)")
    parser.add_argument("--warmup", type=float, default=1.0, help="unmeasured time before each phase")
    parser.add_argument("--threads", type=int, default=threads, help="concurrent client threads K (max 64)")
    parser.add_argument("--server-threads", type=int, default=8, help="gunicorn --threads")
    parser.add_argument("--worker-class", choices=["gthread", "gevent"], default="gthread", help="gunicorn -k")
    parser.add_argument("--postgres", action="store_true", help="a scratch PostgreSQL database, dropped after")
    parser.add_argument("--json", action="store_true", help="also print one JSON line with the figures")


def one_server_args(parser: argparse.ArgumentParser, args: argparse.Namespace) -> argparse.Namespace:
    """Check :func:`one_server_options`' bounds and add what this bench's parts read: one worker, a scratch
    database (SQLite, or PostgreSQL with ``--postgres``), a per-phase cap."""
    if not (0 < args.seconds <= MAX_SECONDS and 0 < args.threads <= MAX_THREADS):
        parser.error(f"keep --seconds <= {MAX_SECONDS} and --threads <= {MAX_THREADS}")
    args.workers, args.database_url, args.pg_admin_url, args.pgbouncer = 1, None, PG_ADMIN_URL, False
    args.max_requests = 500_000
    return args


@contextmanager
def database(args: argparse.Namespace, folder: Path) -> Iterator[str]:
    """The database URL to run against; a scratch PostgreSQL database is dropped afterwards."""
    if args.database_url:
        yield args.database_url
    elif not args.postgres:
        yield f"sqlite:///{folder / 'bench.db'}"
    else:
        import psycopg

        name = f"carnival_bench_{uuid.uuid4().hex[:10]}"
        with closing(psycopg.connect(args.pg_admin_url, autocommit=True, connect_timeout=5)) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
            try:
                yield args.pg_admin_url.rsplit("/", 1)[0] + "/" + name
            finally:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


#: Every bench client comes from 127.0.0.1 and a few shoppers spin back to back: the rate limits meant for
#: real clients are raised far above the load (they are still checked on every request).
BENCH_RATE_LIMITS = "launch=1000000 per minute,socket=1000000 per minute,spin=1000000 per second"


def bench_environ(url: str, **settings: str) -> dict[str, str]:
    """The environment of the bench's server and CLI: a testing configuration on ``url``, no Redis."""
    environ = {**os.environ, "CARNIVAL_ENV": "testing", "DATABASE_URL": url, "SECRET_KEY": secrets.token_hex(32)}
    for name in ("REDIS_URL", "FLASK_RUN_FROM_CLI"):
        environ.pop(name, None)
    return {**environ, "CARNIVAL_RATE_LIMITS": BENCH_RATE_LIMITS, **settings}


def prepare(url: str, environ: dict[str, str]) -> int:
    """Migrate, seed the demo, add the bench campaign (ample free spins); returns its id."""
    migrate_and_seed(url, environ)
    config = demo_config()
    config["games"]["wheel"]["free_spins_per_day"] = 100_000
    return add_campaign(url, config, 10**12)


def migrate_and_seed(url: str, environ: dict[str, str]) -> None:
    """Migrate the database and seed the demo (``carnival seed-demo`` in a subprocess with ``environ``)."""
    upgrade(url)
    command = [sys.executable, "-c", "from server.cli import main; main()", "seed-demo"]
    subprocess.run(command, cwd=REPO, env=environ, check=True, timeout=120, stdout=subprocess.DEVNULL)


def add_campaign(
    url: str, config: dict[str, Any], budget_fen: int, name: str = "压测转盘", name_en: str = "Bench wheel"
) -> int:
    """Create and publish a campaign running from yesterday to tomorrow with ``config``; returns its id."""
    now = datetime.now(UTC)
    body = {
        "slug": f"bench-{uuid.uuid4().hex[:8]}",
        "name": name,
        "name_en": name_en,
        "timezone": "Asia/Shanghai",
        "starts_at": (now - timedelta(days=1)).isoformat(),
        "ends_at": (now + timedelta(days=1)).isoformat(),
        "budget_fen": budget_fen,
        "config": config,
    }
    engine = make_engine(url)
    try:
        with make_sessionmaker(engine)() as session, session.begin():
            return create_campaign(session, load_registry(), body, "bench", now).id
    finally:
        engine.dispose()


def pgbouncer(url: str) -> AbstractContextManager[str]:
    """PgBouncer in transaction mode in front of ``url`` (the launcher the tests use, in tests/services.py)."""
    sys.path.insert(0, str(REPO))
    from tests.services import pgbouncer_in_front_of

    return pgbouncer_in_front_of(url)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@contextmanager
def server(args: argparse.Namespace, environ: dict[str, str], log: Path) -> Iterator[int]:
    """One gunicorn process on 127.0.0.1; yields its port once /api/health answers."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "-w", str(args.workers), "-k", args.worker_class]
    command += ["--threads", str(args.server_threads)] if args.worker_class == "gthread" else []
    connections = getattr(args, "worker_connections", None)  # rain.py names them; this bench keeps the default
    command += ["--worker-connections", str(connections)] if connections and args.worker_class == "gevent" else []
    command += ["-b", f"{HOST}:{port}", "server:create_app()"]
    with open(log, "wb") as out:
        process = subprocess.Popen(command, cwd=REPO, env=environ, stdout=out, stderr=out)
    try:
        wait_healthy(port, process, log)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


def wait_healthy(port: int, process: subprocess.Popen[bytes], log: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with {process.returncode}:\n{log.read_text(errors='replace')}")
        try:
            with closing(http.client.HTTPConnection(HOST, port, timeout=2)) as conn:
                if request(conn, "GET", "/api/health")[0] == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"gunicorn not healthy within {timeout} s:\n{log.read_text(errors='replace')}")


def request(
    conn: http.client.HTTPConnection,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, http.client.HTTPResponse]:
    """One request on a keep-alive connection; the body is read so the connection can be reused."""
    status, answer, _ = exchange(conn, method, path, body, headers)
    return status, answer


def exchange(
    conn: http.client.HTTPConnection,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, http.client.HTTPResponse, bytes]:
    """As :func:`request`, also returning the answer's body."""
    conn.request(method, path, body=body, headers=headers or {})
    answer = conn.getresponse()
    return answer.status, answer, answer.read()


def sign_in(port: int, shoppers: int, first: int = 0) -> list[str]:
    """Sign ``shoppers`` in with launch tokens (shoppers ``first``, ``first + 1``, ...); returns their session
    cookies."""
    cookies = []
    expires = int(time.time()) + 600
    with closing(http.client.HTTPConnection(HOST, port, timeout=10)) as conn:
        for i in range(first, first + shoppers):
            token = sign(DEV_LAUNCH_KEY, f"bench-{i:04d}", f"压测{i}", "normal", expires)
            body = json.dumps({"token": token}).encode()
            status, answer = request(conn, "POST", "/api/session/launch", body, {"Content-Type": "application/json"})
            if status != 200:
                raise SystemExit(f"sign-in of shopper {i} answered {status}")
            cookies.append(answer.getheader("Set-Cookie", "").split(";", 1)[0])
    return cookies


def hello(conn: http.client.HTTPConnection, _worker: int) -> int:
    return request(conn, "GET", "/api/health")[0]


def spinner(campaign_id: int, cookies: list[str], threads: int, origin: str) -> Call:
    """A call that spins as one of the shoppers of ``worker`` (workers never share a shopper when N >= K)."""
    turns = [0] * threads
    path = f"/api/play/{campaign_id}/wheel/spin"

    def spin(conn: http.client.HTTPConnection, worker: int) -> int:
        mine = cookies[worker::threads] or [cookies[worker % len(cookies)]]
        turns[worker] += 1
        headers = {
            "Cookie": mine[turns[worker] % len(mine)],
            "Idempotency-Key": f"bench-{uuid.uuid4().hex}",
            "Origin": origin,  # as the wheel page sends it (writes from other origins are refused)
        }
        return request(conn, "POST", path, b"", headers)[0]

    return spin


def measure(name: str, port: int, call: Call, args: argparse.Namespace) -> Phase:
    """``args.threads`` threads repeat ``call`` for ``args.warmup`` then ``args.seconds`` seconds."""
    phase = Phase(name)
    lock = threading.Lock()
    start = time.monotonic() + args.warmup
    stop = start + args.seconds

    def worker(index: int) -> None:
        latencies: list[float] = []
        errors: dict[str, int] = {}
        with closing(http.client.HTTPConnection(HOST, port, timeout=30)) as conn:
            while (began := time.monotonic()) < stop and len(latencies) < args.max_requests // args.threads:
                status = attempt(conn, call, index)
                if began >= start:
                    if status == 200:
                        latencies.append(time.monotonic() - began)
                    else:
                        errors[str(status)] = errors.get(str(status), 0) + 1
        phase.add(latencies, errors, lock)

    workers = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(args.threads)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join(timeout=args.warmup + args.seconds + 60)
    phase.seconds = min(time.monotonic(), stop) - start
    return phase


def attempt(conn: http.client.HTTPConnection, call: Call, index: int) -> int | str:
    """``call`` once: its status, or the name of the connection error (the connection is then closed)."""
    try:
        return call(conn, index)
    except (OSError, http.client.HTTPException) as error:
        conn.close()
        return type(error).__name__


def close_if_idle(conn: http.client.HTTPConnection, used: float) -> None:
    """Close ``conn`` when it sat idle since ``used`` long enough for gunicorn to drop it; the next request
    then connects afresh (its connect counts in its latency) instead of failing on the dropped connection."""
    if time.monotonic() - used > IDLE_SECONDS:
        conn.close()


def measure_open(name: str, port: int, call: Call, args: argparse.Namespace, rate: float) -> OpenPhase:
    """Open loop: ``rate * args.seconds`` calls, call i due at start + i/rate on thread i mod K; each latency
    counts from the due time. Calls still unsent ``args.seconds`` after the schedule ends count as ``unsent``."""
    phase = OpenPhase(name, target_rps=rate, offered=min(int(rate * args.seconds), args.max_requests))
    lock = threading.Lock()
    start = time.monotonic() + 0.5  # the threads connect first
    give_up = start + 2 * args.seconds
    finished = [start + args.seconds]

    def worker(index: int) -> None:
        latencies: list[float] = []
        errors: dict[str, int] = {}
        late, used = 0, time.monotonic()
        with closing(http.client.HTTPConnection(HOST, port, timeout=30)) as conn:
            for i in range(index, phase.offered, args.threads):
                due, now = start + i / rate, time.monotonic()
                if now >= give_up:
                    errors["unsent"] = len(range(i, phase.offered, args.threads))
                    break
                time.sleep(max(due - now, 0.0))
                late += time.monotonic() - due > LATE_SECONDS
                close_if_idle(conn, used)
                status = attempt(conn, call, index)
                used = time.monotonic()
                if status == 200:
                    latencies.append(time.monotonic() - due)
                else:
                    errors[str(status)] = errors.get(str(status), 0) + 1
        phase.add(latencies, errors, lock)
        with lock:
            phase.late += late
            finished.append(time.monotonic())

    run_threads(worker, args.threads, 3 * args.seconds + 60)
    phase.seconds = max(finished) - start
    return phase


def run_threads(target: Callable[[int], None], count: int, timeout: float) -> None:
    """Run ``target(i)`` for i in 0..count-1 on daemon threads and wait (at most ``timeout`` s) for them."""
    threads = [threading.Thread(target=target, args=(i,), daemon=True) for i in range(count)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.join(timeout=max(deadline - time.monotonic(), 0.0))


def report(url: str, args: argparse.Namespace, phases: list[Phase]) -> dict[str, object]:
    hello_phase, spin_phase = phases[:2]
    ratio = hello_phase.rate / spin_phase.rate if spin_phase.rate else float("inf")
    database_kind = url.split(":", 1)[0].split("+", 1)[0] + ("+pgbouncer" if args.pgbouncer else "")
    print(f"database={database_kind} threads={args.threads} shoppers={args.shoppers} seconds={args.seconds}", end="")
    serving = f"--threads {args.server_threads}" if args.worker_class == "gthread" else "-k gevent"
    print(f" gunicorn -w {args.workers} {serving}")
    for phase in phases:
        figures = phase.summary()
        line = f"{phase.name:6} {figures['rps']:9.1f} req/s  p50 {figures['p50_ms']:7.2f} ms"
        tail = f"p95 {figures['p95_ms']:7.2f} ms  p99 {figures['p99_ms']:7.2f} ms"
        print(f"{line}  {tail}  n={figures['requests']}  errors={phase.errors or 0}", end="")
        print(f"  target {phase.target_rps:.1f}/s, late (> 10 ms) {phase.late}" if isinstance(phase, OpenPhase) else "")
    print(f"hello/spin ratio: {ratio:.1f}x")
    return {"database": database_kind, **{p.name: p.summary() for p in phases}, "ratio": round(ratio, 2)}


def open_rate(args: argparse.Namespace, spin_phase: Phase) -> float:
    """The open phase's rate: ``--rate``, or ``--rate-share`` x the closed-loop spin rate; 0 for none."""
    if args.rate_share is not None:
        return min(args.rate_share * spin_phase.rate, args.max_requests / args.seconds)
    return args.rate


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="carnival-bench-")))
        url = stack.enter_context(database(args, folder))
        campaign_id = prepare(url, bench_environ(url))
        environ = bench_environ(url)
        if args.pgbouncer:
            url = stack.enter_context(pgbouncer(url))
            environ = bench_environ(url, CARNIVAL_DB_TRANSACTION_POOLER="1")
        port = stack.enter_context(server(args, environ, folder / "gunicorn.log"))
        cookies = sign_in(port, args.shoppers)
        spin = spinner(campaign_id, cookies, args.threads, f"http://{HOST}:{port}")
        phases = [measure("hello", port, hello, args), measure("spin", port, spin, args)]
        if rate := open_rate(args, phases[1]):
            phases.append(measure_open("open", port, spin, args, rate))
    figures = report(url, args, phases)
    if args.json:
        print(json.dumps(figures, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
