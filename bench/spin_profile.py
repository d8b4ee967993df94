"""What one wheel spin (or one mall request) costs the server process: Python CPU, SQL statements, transactions,
WAL bytes.

The app runs in this process (no HTTP server, no client threads competing for the CPU): N shoppers spin
one after another through Flask's test client, each spin with a fresh Idempotency-Key, on a scratch
PostgreSQL database (``--postgres``) or a SQLite file. Beside the spins it times ``GET /api/health`` the
same way; on PostgreSQL it also reads what the spins cost the database (CPU of its processes, WAL bytes).
``--profile`` adds the functions where the spin's CPU goes (cProfile, own time). ``--endpoint mall`` measures
the mall's catalog (``GET /api/play/<c>/mall``, a campaign of ``--goods`` goods) instead of the spin, and
``--endpoint redeem`` a redemption of one of them with a fresh key.

    .venv/bin/python bench/spin_profile.py --postgres
    .venv/bin/python bench/spin_profile.py --postgres --spins 500 --profile
    .venv/bin/python bench/spin_profile.py --postgres --endpoint redeem --profile
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from draw_vs_hello import PG_ADMIN_URL, bench_environ, database, prepare
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, event, text

from server import create_app
from server.config import DEV_LAUNCH_KEY
from server.launch import sign

ENDPOINTS = ("spin", "mall", "redeem")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spins", type=int, default=300, help="spins measured (max 5000)")
    parser.add_argument("--shoppers", type=int, default=50, help="shoppers taking turns (max 1000)")
    parser.add_argument("--postgres", action="store_true", help="a scratch PostgreSQL database, dropped after")
    parser.add_argument("--pg-admin-url", default=PG_ADMIN_URL)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--profile", action="store_true", help="print where the spins' CPU goes")
    parser.add_argument("--json", action="store_true", help="also print one JSON line with the figures")
    parser.add_argument("--trace", type=int, default=0, metavar="N", help="print the statements of N spins")
    parser.add_argument("--endpoint", choices=ENDPOINTS, default="spin", help="what is measured (default: spin)")
    parser.add_argument("--goods", type=int, default=12, help="goods in the mall's catalog (max 200)")
    args = parser.parse_args(argv)
    if not 1 <= args.spins <= 5000 or not 1 <= args.shoppers <= 1000 or not 1 <= args.goods <= 200:
        parser.error("--spins 1-5000, --shoppers 1-1000, --goods 1-200")
    return args


class SqlCounter:
    """Counts statements and transactions the engine sends (``BEGIN``/``COMMIT`` are events, not statements)."""

    def __init__(self, engine: Engine) -> None:
        self.counts: Counter[str] = Counter()
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine, "commit", lambda _conn: self.counts.update(["commit"]))
        event.listen(engine, "rollback", lambda _conn: self.counts.update(["rollback"]))

    def _statement(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        self.counts["statements"] += 1
        self.counts[statement.split(None, 1)[0].upper()] += 1


def shoppers(app: Flask, count: int) -> list[FlaskClient]:
    clients = []
    for i in range(count):
        client = app.test_client()
        token = sign(DEV_LAUNCH_KEY, f"profile-{i:04d}", f"剖析{i}", "normal", int(time.time()) + 600)
        answer = client.post("/api/session/launch", json={"token": token}, headers={"Sec-Fetch-Site": "same-origin"})
        if answer.status_code != 200:
            raise SystemExit(f"sign-in of shopper {i} answered {answer.status_code}: {answer.get_data(as_text=True)}")
        clients.append(client)
    return clients


def timed(count: int, call: Callable[[int], int]) -> tuple[float, Counter[int]]:
    """CPU seconds of this process per call, and the statuses answered."""
    statuses: Counter[int] = Counter()
    started = time.process_time()
    for i in range(count):
        statuses[call(i)] += 1
    return (time.process_time() - started) / count, statuses


def postgres_cpu_seconds() -> float:
    """CPU time used so far by every PostgreSQL process on this machine (backends, WAL writer...), from /proc."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)
            if fields[0].endswith("(postgres"):
                parts = fields[1].split()
                ticks += int(parts[11]) + int(parts[12])  # utime, stime
        except (OSError, IndexError, ValueError):
            continue  # the process ended meanwhile
    return ticks / os.sysconf("SC_CLK_TCK")


def wal_lsn(app: Flask) -> int | None:
    engine: Engine = app.extensions["carnival.engine"]
    if engine.dialect.name != "postgresql":
        return None
    with engine.connect() as connection:
        return int(connection.execute(text("SELECT pg_current_wal_lsn() - '0/0'::pg_lsn")).scalar_one())


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory() as folder, database(args, Path(folder)) as url:
        environ = bench_environ(url, CARNIVAL_CLOCK_SECONDS="0")
        campaign = prepare(url, environ)
        app = create_app({k: v for k, v in environ.items() if k.startswith(("CARNIVAL_", "DATABASE_", "SECRET_"))})
        clients = shoppers(app, args.shoppers)
        spin = measured(args, url, campaign, clients)

        def hello(i: int) -> int:
            return clients[i % len(clients)].get("/api/health").status_code

        timed(min(args.spins, 50), spin)  # warm-up: connections, caches, first grants of each shopper
        if args.trace:
            print_statements(app.extensions["carnival.engine"], args.trace, spin)
        hello_cpu, _ = timed(args.spins, hello)
        counter = SqlCounter(app.extensions["carnival.engine"])
        wal_before, db_before = wal_lsn(app), postgres_cpu_seconds()
        profiler = cProfile.Profile() if args.profile else None
        if profiler:
            profiler.enable()
        per_spin: list[tuple[int, bool]] = []  # statements of each spin, and whether it granted (a savepoint)

        def counted_spin(i: int) -> int:
            before, savepoints = counter.counts["statements"], counter.counts["SAVEPOINT"]
            status = spin(i)
            per_spin.append((counter.counts["statements"] - before, counter.counts["SAVEPOINT"] > savepoints))
            return status

        spin_cpu, statuses = timed(args.spins, counted_spin)
        if profiler:
            profiler.disable()
        wal_after, db_cpu = wal_lsn(app), (postgres_cpu_seconds() - db_before) / args.spins
        figures = report(args, url, spin_cpu, hello_cpu, statuses, counter.counts, wal_before, wal_after)
        figures |= spread_of_statements(per_spin)
        if wal_before is not None:
            print(f"PostgreSQL CPU per spin {db_cpu * 1000:.2f} ms (all its processes)")
            figures["db_cpu_ms"] = round(db_cpu * 1000, 2)
        if profiler:
            print_profile(profiler)
        if args.json:
            print(json.dumps(figures))
        app.extensions["carnival.engine"].dispose()
    return 0


def measured(args: argparse.Namespace, url: str, campaign: int, clients: list[FlaskClient]) -> Callable[[int], int]:
    """The call measured: a spin, a look at the mall's catalog, or a redemption (each shopper given the points for
    every redemption of the run, the goods seeded with ample stock)."""
    if args.endpoint == "spin":
        path = f"/api/play/{campaign}/wheel/spin"
    else:
        from mall_flash import PRICE, seed_mall

        external = [f"profile-{i:04d}" for i in range(len(clients))]
        goods = [
            seed_mall(url, campaign, external if n == 0 else [], PRICE * (args.spins + 60), 10**6)[0]
            for n in range(max(1, args.goods // 2))
        ]  # fmt: skip (two goods a seeding)
        path = f"/api/play/{campaign}/mall" + (f"/{goods[0]}/redeem" if args.endpoint == "redeem" else "")
    if args.endpoint == "mall":
        return lambda i: clients[i % len(clients)].get(path).status_code

    def post(i: int) -> int:
        headers = {"Idempotency-Key": f"profile-{uuid.uuid4().hex}", "Sec-Fetch-Site": "same-origin"}
        return clients[i % len(clients)].post(path, headers=headers, json={}).status_code

    return post


def report(
    args: argparse.Namespace,
    url: str,
    spin_cpu: float,
    hello_cpu: float,
    statuses: Counter[int],
    counts: Counter[str],
    wal_before: int | None,
    wal_after: int | None,
) -> dict[str, object]:
    per_spin = {k: round(v / args.spins, 2) for k, v in sorted(counts.items())}
    wal = None if wal_before is None or wal_after is None else round((wal_after - wal_before) / args.spins)
    database_kind = url.split(":", 1)[0].split("+", 1)[0]
    print(f"database={database_kind} spins={args.spins} shoppers={args.shoppers} statuses={dict(statuses)}")
    print(f"Python CPU per spin {spin_cpu * 1000:.2f} ms, per hello {hello_cpu * 1000:.2f} ms (this process)")
    print(f"per spin: {per_spin.get('statements', 0)} statements, {per_spin.get('commit', 0)} commits", end="")
    print(f", WAL {wal} bytes" if wal is not None else "")
    print("statements by kind per spin: " + ", ".join(f"{k} {v}" for k, v in per_spin.items() if k.isupper()))
    return {
        "database": database_kind,
        "spin_cpu_ms": round(spin_cpu * 1000, 2),
        "hello_cpu_ms": round(hello_cpu * 1000, 2),
        "statements": per_spin.get("statements", 0),
        "commits": per_spin.get("commit", 0),
        "wal_bytes": wal,
    }


def spread_of_statements(per_spin: list[tuple[int, bool]]) -> dict[str, float]:
    """Print and return the statements of the spins that granted and of the others (mean, least, most)."""
    figures: dict[str, float] = {}
    for name, granting in (("granting", True), ("non-granting", False)):
        counts = [n for n, granted in per_spin if granted == granting]
        if counts:
            mean = round(statistics.mean(counts), 2)
            print(f"statements of a {name} spin: mean {mean}, {min(counts)} to {max(counts)} ({len(counts)} spins)")
            key = name.replace("-", "_")
            figures |= {f"statements_{key}": mean, f"statements_{key}_max": max(counts)}
    return figures


def print_statements(engine: Engine, spins: int, spin: Callable[[int], int]) -> None:
    """Each statement of ``spins`` spins, one line each (its first 160 characters)."""

    def show(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        print("   ", " ".join(statement.split())[:160])

    event.listen(engine, "before_cursor_execute", show)
    for i in range(spins):
        print(f"spin {i + 1}: status {spin(i)}")
    event.remove(engine, "before_cursor_execute", show)


def print_profile(profiler: cProfile.Profile, top: int = 25) -> None:
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).sort_stats("tottime")
    stats.print_stats(top)
    print(out.getvalue())
    by_package: Counter[str] = Counter()
    for (filename, _line, _name), (_cc, _nc, own, _cum, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        by_package[package_of(filename)] += own
    total = sum(by_package.values()) or 1
    print("own time by package: " + ", ".join(f"{k} {v / total:.0%}" for k, v in by_package.most_common(10)))


def package_of(filename: str) -> str:
    """``sqlalchemy``, ``psycopg``, ``flask``... for a library file; ``carnival`` for ours; ``python`` else."""
    if "site-packages/" in filename:
        return filename.split("site-packages/", 1)[1].split("/", 1)[0]
    if any(f"/{part}/" in filename for part in ("server", "games", "economy")) and "/lib/python" not in filename:
        return "carnival"
    return "python"


if __name__ == "__main__":
    sys.exit(main())
