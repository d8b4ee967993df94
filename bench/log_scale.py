"""What the ops dashboard and a period-end checkpoint cost next to a draw log of a million records.

Two paths must not grow with the log (PostgreSQL): the dashboard's metrics, read the way
``GET /api/ops/campaigns/ID/metrics`` reads them (``server.api_ops.current_metrics``: campaign, published
config, :func:`games.insight.metrics.metrics`, the notable winners' names), at most 20 ms whatever the log's size;
and closing one ended seed period (:func:`games.fairness.checkpoints.publish_checkpoints` and its commit: wait for the
draws in flight, seal the unsealed records, publish the period's checkpoint, mark it closed), at most 5 ms.

Setup, on a scratch PostgreSQL database (``--postgres``, dropped after) or the one named (``--database-url``,
written to): migrated, the demo seeded and the bench campaign added as ``draw_vs_hello.py`` does; then the
campaign's log is filled with set-based SQL (no Python loop over records): N sealed, chained records
(``--draws``, default 1,000,000; shaped like the wheel's, their hashes made of MD5s, so not verifiable) of
100,000 shoppers, spread over ten-minute seed periods of about 1,000 records each that end where today's
period starts; prizes picked by the pool's weights and granted while their stock lasts (so the broadcast
prizes, with small stocks, are won a few hundred times early on and never again, as in production); a
checkpoint for every period but the last K+5, which are ended and still open (a stopped period clock); the
chain head, tallies, draws per minute, players and stock and budget counters to match; then VACUUM ANALYZE.
The app runs in this process (Flask's test client, as ``spin_profile.py``), without its period clock.

Measured: after 20 real spins (left unsealed, so the dashboard reads unsealed records too), the dashboard K
times (``--repeat``, default 20), each in its own transaction; then K times: 20 real spins, and closing the
oldest ended-open period (``now`` is its end, so exactly one is due) in its own transaction. Five unmeasured
runs come first in each (psycopg prepares a statement the fifth time a connection runs it, as a long-running
server's would have). It prints p50 and max of each, how much of it went to statements (round trips
included) and to COMMIT, the ``GET .../metrics`` endpoint's p50 for context, and the EXPLAIN (ANALYZE) plan
of any read of these paths that took over 5 ms (planned after the runs: the checkpoint's reads then find
their periods closed).

    .venv/bin/python bench/log_scale.py --postgres
    .venv/bin/python bench/log_scale.py --postgres --draws 100000 --repeat 10 --json
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from draw_vs_hello import PG_ADMIN_URL, bench_environ, database, prepare
from flask import Flask
from flask.testing import FlaskClient
from spin_profile import shoppers
from sqlalchemy import Connection, Engine, event, text
from sqlalchemy.orm import Session

from economy.limits import BUDGET_COUNTER, stock_counter
from games.campaigns.admin import current_config
from games.campaigns.config import CampaignConfig
from games.engine.registry import load_registry
from games.fairness.checkpoints import publish_checkpoints
from games.fairness.rng import GENESIS_HASH
from games.models import Campaign
from server import create_app, db
from server.api_ops import current_metrics

MAX_DRAWS, MAX_REPEAT = 5_000_000, 100
SHOPPERS, STRIDE = 100_000, 7919  # record g is drawn by shopper (g - 1) * STRIDE % SHOPPERS: all differ in a period
PER_PERIOD, PERIOD_MINUTES = 1000, 10
SPINS, SPINNERS = 20, 20  # real spins before the dashboard and before each checkpoint; shoppers making them
SLOW_MS = 5.0  # statements slower than this get their plan printed
WARMUP = 5  # unmeasured runs first: psycopg prepares a statement on its 5th run on a connection
OPS_LOGIN = {"username": "ops", "password": "carnival-ops-demo"}  # seeded by ``carnival seed-demo``
SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}

#: A sealed wheel record's canonical JSON (``games.fairness.records``), filled by ``format()`` in SQL.
RECORD_TEMPLATE = (
    '{"campaign":%s,"client_seed":"%s","commitment":"%s","config_hash":"%s","created_at":"%s",'
    '"detail":{"slot":%s},"draws":[[%s,%s],[1,0]],"fallback_reason":%s,"game":"wheel","granted":"%s",'
    '"hash":"%s","nonce":0,"period":"%s","prev_hash":"%s","prize":"%s","seq":%s,"user":%s,"v":1}'
)
#: Record ``g``'s hash (64 hex digits): record g's prev_hash is record g-1's.
HASH_OF_G = "md5(CAST(g AS text)) || md5(CAST(g + 1 AS text))"

USERS_SQL = """
INSERT INTO users (role, external_id, display_name, tier, created_at)
SELECT 'shopper', :prefix || i, '顾客' || i, 'normal', :first FROM generate_series(0, :shoppers - 1) AS i
"""
PERIODS_SQL = """
CREATE TEMP TABLE bench_periods ON COMMIT DROP AS
SELECT p, starts_at, starts_at + :length AS ends_at, seed,
       encode(sha256(decode(seed, 'hex')), 'hex') AS commitment,
       to_char(local, 'YYYYMMDD"T"HH24') || '-' || (CAST(extract(minute FROM local) AS int) / :minutes + 1) AS key
FROM (SELECT p, :first + p * :length AS starts_at, timezone(:zone, timezone('UTC', :first + p * :length)) AS local,
             encode(sha256(convert_to('log-scale-' || :campaign || '-' || p, 'UTF8')), 'hex') AS seed
      FROM generate_series(0, :periods - 1) AS p) AS s
"""
SEED_PERIODS_SQL = """
INSERT INTO seed_periods (campaign_id, key, server_seed, commitment, committed_at, starts_at, ends_at, closed_at)
SELECT :campaign, key, seed, commitment, starts_at - :length, starts_at, ends_at,
       CASE WHEN p < :closed THEN ends_at + interval '1 second' END
FROM bench_periods
"""
CHECKPOINTS_SQL = f"""
INSERT INTO chain_checkpoints (campaign_id, period_key, count, head_hash, published_at)
SELECT :campaign, key, g, {HASH_OF_G}, ends_at + interval '1 second'
FROM bench_periods CROSS JOIN LATERAL (SELECT (CAST(p + 1 AS bigint) * :draws + :periods - 1) / :periods AS g) AS n
WHERE p < :closed
"""
PICKS_SQL = """
CREATE TEMP TABLE bench_picks ON COMMIT DROP AS
SELECT r.g, r.roll, w.key AS prize, w.slot, w.stock, row_number() OVER (PARTITION BY w.key ORDER BY r.g) AS nth
FROM (SELECT g, CAST(CAST('x' || substr(md5('roll-' || g), 1, 8) AS bit(32)) AS bigint) % :total AS roll
      FROM generate_series(1, CAST(:draws AS bigint)) AS g) AS r
JOIN bench_prizes AS w ON r.roll >= w.low AND r.roll < w.high
"""
RECORDS_SQL = f"""
INSERT INTO draw_records (campaign_id, seq, user_id, period_key, nonce, prize_key, granted_key, fallback_reason,
                          record_json, hash, created_at)
SELECT :campaign, d.g, d.user_id, s.key, 0, d.prize, d.granted, d.reason,
       format(:template, CAST(:campaign AS int), substr(md5('client-' || d.user_id), 1, 16), s.commitment,
              CAST(:config_hash AS text), to_char(d.created_at, 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), d.slot,
              CAST(:total AS int), d.roll,
              COALESCE('"' || d.reason || '"', 'null'), d.granted, d.hash, s.key, d.prev_hash, d.prize, d.g,
              d.user_id),
       d.hash, d.created_at
FROM (SELECT g, roll, prize, :first_user + (g - 1) * :stride % :shoppers AS user_id,
             (g - 1) * :periods / :draws AS p,
             :first + (g - 1) * :seconds / :draws * interval '1 second' AS created_at,
             CASE WHEN kept THEN prize ELSE :fallback END AS granted,
             CASE WHEN kept THEN NULL ELSE 'out_of_stock' END AS reason,
             CASE WHEN kept THEN slot ELSE :fallback_slot END AS slot,
             {HASH_OF_G} AS hash,
             CASE WHEN g = 1 THEN :genesis ELSE md5(CAST(g - 1 AS text)) || md5(CAST(g AS text)) END AS prev_hash
      FROM (SELECT *, stock IS NULL OR nth <= stock AS kept FROM bench_picks) AS k) AS d
JOIN bench_periods AS s ON s.p = d.p
ORDER BY d.g
"""
PLAYERS_SQL = """
INSERT INTO players (campaign_id, user_id, client_seed, period_key, period_starts_at, next_nonce, drew)
SELECT :campaign, d.user_id, substr(md5('client-' || d.user_id), 1, 16), s.key, s.starts_at, 1, true
FROM (SELECT user_id, max(period_key) AS last FROM draw_records WHERE campaign_id = :campaign GROUP BY user_id) AS d
JOIN bench_periods AS s ON s.key = d.last
"""
TALLIES_SQL = """
INSERT INTO draw_tallies (campaign_id, name, count)
SELECT :campaign, t.name, count(*)
FROM draw_records AS r
CROSS JOIN LATERAL (VALUES ('draws'), ('granted:' || r.granted_key), ('fallback:' || r.fallback_reason)) AS t(name)
WHERE r.campaign_id = :campaign AND t.name IS NOT NULL
GROUP BY t.name
UNION ALL
SELECT :campaign, 'players', count(*) FROM players WHERE campaign_id = :campaign AND drew
"""
HEAD_SQL = f"INSERT INTO chain_heads SELECT :campaign, g, {HASH_OF_G} FROM (SELECT CAST(:g AS bigint) AS g) AS n"
MINUTES_SQL = """
INSERT INTO draw_minutes (campaign_id, minute, count)
SELECT :campaign, date_trunc('minute', created_at), count(*) FROM draw_records WHERE campaign_id = :campaign
GROUP BY date_trunc('minute', created_at)
"""


@dataclass(frozen=True)
class Layout:
    """Where the bench campaign's synthetic log goes: ``draws`` records over ``periods`` periods from ``first``
    (naive UTC), the first ``closed`` of them closed with a checkpoint."""

    campaign_id: int
    draws: int
    periods: int
    closed: int
    first: datetime

    @property
    def length(self) -> timedelta:
        """One period's length."""
        return timedelta(minutes=PERIOD_MINUTES)


@dataclass
class Timed:
    """One statement seen while measuring: each run's milliseconds and the parameters of its slowest run."""

    statement: str
    parameters: Any
    ms: list[float] = field(default_factory=list)


@dataclass
class Runs:
    """The measured runs of one path (ms): in all, in statements (round trips included) and committing."""

    total: list[float] = field(default_factory=list)
    sql: list[float] = field(default_factory=list)
    commit: list[float] = field(default_factory=list)
    statements: int = 0


class StatementLog:
    """The statements an engine runs while ``phase`` is set, with their durations: each one's (for the slow
    ones' plans) and their sum since :meth:`take`."""

    def __init__(self, engine: Engine) -> None:
        self.phase: str | None = None
        self.seen: dict[tuple[str, str], Timed] = {}
        self.spent, self.count = 0.0, 0
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, conn: Connection, _cursor: Any, _statement: str, *_args: Any) -> None:
        conn.info["bench_started"] = time.perf_counter()

    def _after(self, conn: Connection, _cursor: Any, statement: str, parameters: Any, *_args: Any) -> None:
        if self.phase is None:
            return
        ms = 1000 * (time.perf_counter() - conn.info.pop("bench_started", time.perf_counter()))
        timed = self.seen.setdefault((self.phase, statement), Timed(statement, parameters))
        if not timed.ms or ms > max(timed.ms):
            timed.parameters = parameters
        timed.ms.append(ms)
        self.spent += ms
        self.count += 1

    def take(self) -> tuple[float, int]:
        """Milliseconds and statements since the last call."""
        taken = self.spent, self.count
        self.spent, self.count = 0.0, 0
        return taken


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The options; PostgreSQL on 127.0.0.1 only."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--draws", type=int, default=1_000_000, help=f"records in the log (max {MAX_DRAWS:,})")
    parser.add_argument("--repeat", type=int, default=20, help=f"timed runs of each path (max {MAX_REPEAT})")
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--postgres", action="store_true", help="a scratch PostgreSQL database, dropped after")
    where.add_argument("--database-url", help="use this PostgreSQL database (a bench campaign is added to it)")
    parser.add_argument("--pg-admin-url", default=PG_ADMIN_URL, help="where --postgres creates its database")
    parser.add_argument("--json", action="store_true", help="also print one JSON line with the figures")
    args = parser.parse_args(argv)
    if not (PER_PERIOD <= args.draws <= MAX_DRAWS and 1 <= args.repeat <= MAX_REPEAT):
        parser.error(f"--draws {PER_PERIOD:,}-{MAX_DRAWS:,}, --repeat 1-{MAX_REPEAT}")
    if args.database_url and not args.database_url.startswith("postgresql"):
        parser.error("the log is filled with PostgreSQL's SQL: give a postgresql:// URL")
    for url in (args.database_url, args.pg_admin_url if args.postgres else None):
        if url and "@" in url and "@127.0.0.1" not in url and "@localhost" not in url:
            parser.error("the benchmark only talks to 127.0.0.1")
    return args


def layout_for(connection: Connection, campaign_id: int, draws: int, open_periods: int) -> Layout:
    """About :data:`PER_PERIOD` records a period (at least ``open_periods`` + 1 periods), the last one ending
    where the campaign's first committed period (today's) starts."""
    periods = max(-(-draws // PER_PERIOD), open_periods + 1)
    today = connection.execute(
        text("SELECT min(starts_at) FROM seed_periods WHERE campaign_id = :campaign"), {"campaign": campaign_id}
    ).scalar_one()
    first = today - periods * timedelta(minutes=PERIOD_MINUTES)
    return Layout(campaign_id, draws, periods, periods - open_periods, first)


def fill_log(engine: Engine, campaign_id: int, draws: int, open_periods: int) -> Layout:
    """Give the campaign ``draws`` sealed records, their periods, checkpoints, chain head, tallies, players and
    counters, in one transaction of set-based statements."""
    config, zone = published(engine, campaign_id)
    with engine.begin() as connection:
        connection.execute(text("SET LOCAL work_mem = '256MB'"))
        connection.execute(text("SET LOCAL synchronous_commit = off"))
        layout = layout_for(connection, campaign_id, draws, open_periods)
        first_user = add_shoppers(connection, layout.first)
        add_periods(connection, layout, zone)
        add_records(connection, layout, config, first_user)
        for statement in (PLAYERS_SQL, TALLIES_SQL, MINUTES_SQL):
            connection.execute(text(statement), {"campaign": campaign_id})
        match_counters(connection, campaign_id, config)
        connection.execute(text(HEAD_SQL), {"campaign": campaign_id, "g": draws})
        connection.execute(
            text("UPDATE campaigns SET starts_at = :start WHERE id = :campaign"),
            {"campaign": campaign_id, "start": layout.first - timedelta(hours=1)},
        )
    return layout


def published(engine: Engine, campaign_id: int) -> tuple[CampaignConfig, str]:
    """The campaign's published config and its time zone."""
    with engine.connect() as connection, Session(connection) as session:
        campaign = session.get_one(Campaign, campaign_id)
        config = current_config(session, load_registry(), campaign)
        if config is None:
            raise SystemExit(f"campaign {campaign_id} is not published")
        return config, campaign.timezone


def add_shoppers(connection: Connection, first: datetime) -> int:
    """:data:`SHOPPERS` shopper accounts with consecutive ids; returns the first id."""
    prefix = f"log-scale-{uuid.uuid4().hex[:8]}-"
    connection.execute(text(USERS_SQL), {"prefix": prefix, "first": first, "shoppers": SHOPPERS})
    low, high = connection.execute(
        text("SELECT min(id), max(id) FROM users WHERE external_id LIKE :prefix"), {"prefix": prefix + "%"}
    ).one()
    if high - low + 1 != SHOPPERS:
        raise SystemExit("the bench shoppers' ids are not consecutive (another writer?); run it again")
    return int(low)


def add_periods(connection: Connection, layout: Layout, zone: str) -> None:
    """The seed periods (``bench_periods``, kept until commit), closed ones with their checkpoints."""
    values = {
        "campaign": layout.campaign_id,
        "first": layout.first,
        "length": layout.length,
        "minutes": PERIOD_MINUTES,
        "periods": layout.periods,
        "closed": layout.closed,
        "draws": layout.draws,
        "zone": zone,
    }
    for statement in (PERIODS_SQL, SEED_PERIODS_SQL, CHECKPOINTS_SQL):
        connection.execute(text(statement), values)


def add_records(connection: Connection, layout: Layout, config: CampaignConfig, first_user: int) -> None:
    """The log: each record's prize picked by weight from a hash of its number, granted while its stock
    lasts (else the fallback, ``out_of_stock``), in periods of consecutive records."""
    connection.execute(text("CREATE TEMP TABLE bench_prizes (key text, slot int, low int, high int, stock int)"))
    slots = config.raw["games"]["wheel"]["slots"]
    prizes, low = [], 0
    for prize in config.pool.prizes:
        slot = slots.index(prize.key) if prize.key in slots else 0
        prizes.append({"key": prize.key, "slot": slot, "low": low, "high": low + prize.weight, "stock": prize.stock})
        low += prize.weight
    connection.execute(text("INSERT INTO bench_prizes VALUES (:key, :slot, :low, :high, :stock)"), prizes)
    connection.execute(text(PICKS_SQL), {"total": low, "draws": layout.draws})
    fallback = config.pool.fallback_key
    values = {
        "campaign": layout.campaign_id,
        "template": RECORD_TEMPLATE,
        "config_hash": config.hash,
        "total": low,
        "first_user": first_user,
        "stride": STRIDE,
        "shoppers": SHOPPERS,
        "periods": layout.periods,
        "draws": layout.draws,
        "first": layout.first,
        "seconds": layout.periods * layout.length.total_seconds(),
        "fallback": fallback,
        "fallback_slot": slots.index(fallback) if fallback in slots else 0,
        "genesis": GENESIS_HASH,
    }
    connection.execute(text(RECORDS_SQL), values)
    connection.execute(text("DROP TABLE bench_prizes"))


def match_counters(connection: Connection, campaign_id: int, config: CampaignConfig) -> None:
    """Stock counters use what the log granted of each prize, the budget what those grants cost."""
    granted = dict(
        connection.execute(
            text("SELECT name, count FROM draw_tallies WHERE campaign_id = :campaign AND name LIKE 'granted:%'"),
            {"campaign": campaign_id},
        ).all()
    )
    spent = 0
    for prize in config.pool.prizes:
        count = granted.get(f"granted:{prize.key}", 0)
        spent += round(prize.cost_fen * count)
        if prize.stock is not None:
            use_counter(connection, campaign_id, stock_counter(prize.key), count)
    use_counter(connection, campaign_id, BUDGET_COUNTER, spent)


def use_counter(connection: Connection, campaign_id: int, counter: str, used: int) -> None:
    """Mark ``used`` of a counter used, filling its buckets in order."""
    buckets = connection.execute(
        text("SELECT bucket, total FROM counter_buckets WHERE campaign_id = :campaign AND counter = :counter"),
        {"campaign": campaign_id, "counter": counter},
    ).all()
    rows = []
    for bucket, total in sorted(buckets):
        rows.append({"campaign": campaign_id, "counter": counter, "bucket": bucket, "used": min(total, used)})
        used -= rows[-1]["used"]
    update = "UPDATE counter_buckets SET used = :used WHERE campaign_id = :campaign AND counter = :counter"
    connection.execute(text(update + " AND bucket = :bucket"), rows)


def vacuum(engine: Engine) -> None:
    """VACUUM ANALYZE the log (as autovacuum would have long since; it would otherwise start mid-run) and
    ANALYZE the rest."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM (ANALYZE) draw_records"))
        connection.execute(text("ANALYZE"))


def spin(clients: list[FlaskClient], campaign_id: int, count: int) -> None:
    """``count`` real wheel spins, the shoppers taking turns (their records stay unsealed)."""
    path = f"/api/play/{campaign_id}/wheel/spin"
    for i in range(count):
        headers = {"Idempotency-Key": f"log-scale-{uuid.uuid4().hex}", **SAME_ORIGIN}
        answer = clients[i % len(clients)].post(path, headers=headers)
        if answer.status_code != 200:
            raise SystemExit(f"a spin answered {answer.status_code}: {answer.get_data(as_text=True)}")


def time_dashboard(app: Flask, campaign_id: int, repeat: int, log: StatementLog) -> Runs:
    """``repeat`` dashboard snapshots, each in its own transaction, after :data:`WARMUP` unmeasured."""
    runs = Runs()
    for run in range(WARMUP + repeat):
        with app.app_context():
            log.phase = "dashboard" if run >= WARMUP else None
            started = time.perf_counter()
            snapshot = current_metrics(campaign_id)
            elapsed = 1000 * (time.perf_counter() - started)
            log.phase = None
        if run >= WARMUP:
            add_run(runs, log, elapsed)
    newest = snapshot.notable_wins[0]["seq"] if snapshot.notable_wins else None
    print(
        f"dashboard snapshot: {snapshot.draws_total:,} draws, {snapshot.players:,} players,"
        f" {len(snapshot.notable_wins)} notable wins (newest: record {newest})"
    )
    return runs


def add_run(runs: Runs, log: StatementLog, elapsed: float, commit: float | None = None) -> None:
    """Add one measured run and the statements it ran."""
    sql, runs.statements = log.take()
    runs.total.append(elapsed)
    runs.sql.append(sql)
    if commit is not None:
        runs.commit.append(commit)


def time_checkpoints(app: Flask, clients: list[FlaskClient], layout: Layout, repeat: int, log: StatementLog) -> Runs:
    """Close the ended-open periods one at a time, oldest first (``now`` is the period's end), each after
    :data:`SPINS` real spins and in its own transaction; the first :data:`WARMUP` are not measured."""
    runs = Runs()
    for run, due in enumerate(open_period_ends(app, layout.campaign_id)[: WARMUP + repeat]):
        spin(clients, layout.campaign_id, SPINS)
        with app.app_context():
            session = db.session()
            log.phase = "checkpoint" if run >= WARMUP else None
            started = time.perf_counter()
            session.begin()
            closed = publish_checkpoints(session, layout.campaign_id, due)
            committing = time.perf_counter()
            session.commit()
            done = time.perf_counter()
            log.phase = None
        if closed != 1:
            raise SystemExit(f"closing at {due.isoformat()} closed {closed} periods, not one")
        if run >= WARMUP:
            add_run(runs, log, 1000 * (done - started), 1000 * (done - committing))
    return runs


def open_period_ends(app: Flask, campaign_id: int) -> list[datetime]:
    """The ends of the campaign's ended periods still open, oldest first."""
    query = text(
        "SELECT ends_at FROM seed_periods WHERE campaign_id = :campaign AND closed_at IS NULL AND ends_at <= :now"
        " ORDER BY ends_at"
    )
    now = datetime.now(UTC).replace(tzinfo=None)
    with app.extensions["carnival.engine"].connect() as connection:
        ends = connection.execute(query, {"campaign": campaign_id, "now": now}).scalars()
        return [end.replace(tzinfo=UTC) for end in ends]


def time_endpoint(app: Flask, campaign_id: int, repeat: int) -> list[float]:
    """Milliseconds of ``GET /api/ops/campaigns/ID/metrics`` as the demo ops account, after :data:`WARMUP`
    unmeasured."""
    ops = app.test_client()
    answer = ops.post("/api/session/staff", json=OPS_LOGIN, headers=SAME_ORIGIN)
    if answer.status_code != 200:
        raise SystemExit(f"the ops sign-in answered {answer.status_code}")
    timings = []
    for _ in range(WARMUP + repeat):
        started = time.perf_counter()
        answer = ops.get(f"/api/ops/campaigns/{campaign_id}/metrics")
        timings.append(1000 * (time.perf_counter() - started))
        if answer.status_code != 200:
            raise SystemExit(f"the metrics endpoint answered {answer.status_code}")
    return timings[WARMUP:]


def explain_slow(engine: Engine, log: StatementLog, top: int = 3) -> None:
    """Each path's costliest statements (by p50), then the plan of each read that took over :data:`SLOW_MS`
    (EXPLAIN ANALYZE runs the statement: reads only, in a transaction rolled back)."""
    for phase in ("dashboard", "checkpoint"):
        mine = sorted((t for (p, _), t in log.seen.items() if p == phase), key=lambda t: -statistics.median(t.ms))
        for timed in mine[:top]:
            print(f"{phase}: p50 {statistics.median(timed.ms):5.2f} ms, max {max(timed.ms):6.2f} ms: {one_line(timed)}")
    slow = [timed for timed in log.seen.values() if max(timed.ms) > SLOW_MS]
    print(f"statements over {SLOW_MS:g} ms: {len(slow) or 'none'}")
    for timed in sorted(slow, key=lambda t: -max(t.ms)):
        if not timed.statement.lstrip().upper().startswith("SELECT") or isinstance(timed.parameters, list):
            print(f"    (not a read, not explained) {one_line(timed)}")
            continue
        print(f"    {max(timed.ms):.2f} ms: {one_line(timed)}")
        with engine.connect() as connection:
            plan = connection.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + timed.statement, timed.parameters)
            for (line,) in plan:
                print(f"        {line}")
            connection.rollback()


def one_line(timed: Timed) -> str:
    """The statement on one line, at most 120 characters."""
    return " ".join(timed.statement.split())[:120]


def summary(name: str, runs: Runs, target: float) -> dict[str, float]:
    """Print p50 and max of the runs beside the target, and where the time went; returns p50 and max."""
    p50, top = statistics.median(runs.total), max(runs.total)
    verdict = "within" if top <= target else ("p50 within, max over" if p50 <= target else "over")
    print(f"{name:10} p50 {p50:7.2f} ms  max {top:7.2f} ms  (n={len(runs.total)}, target {target:g} ms: {verdict})")
    parts = f"{runs.statements} statements p50 {statistics.median(runs.sql):.2f} ms"
    if runs.commit:
        parts += f", COMMIT p50 {statistics.median(runs.commit):.2f} ms"
    print(f"{'':10} of which {parts}, the rest Python")
    return {f"{name}_ms_p50": round(p50, 2), f"{name}_ms_max": round(top, 2)}


def measure(app: Flask, layout: Layout, repeat: int) -> tuple[dict[str, float], StatementLog]:
    """Sign shoppers in, spin, time the dashboard and the checkpoints; returns the figures."""
    engine: Engine = app.extensions["carnival.engine"]
    clients = shoppers(app, SPINNERS)
    log = StatementLog(engine)
    spin(clients, layout.campaign_id, SPINS)
    dashboard = time_dashboard(app, layout.campaign_id, repeat, log)
    endpoint = time_endpoint(app, layout.campaign_id, repeat)
    checkpoint = time_checkpoints(app, clients, layout, repeat, log)
    figures = summary("dashboard", dashboard, 20.0)
    print(f"{'':10} and GET .../metrics (test client: session, JSON) p50 {statistics.median(endpoint):.2f} ms")
    figures.update(summary("checkpoint", checkpoint, 5.0))
    return figures, log


def timed_step(label: str, step: Callable[[], Any]) -> Any:
    """Run ``step`` and print how long it took."""
    started = time.perf_counter()
    result = step()
    print(f"setup: {label} {time.perf_counter() - started:.1f} s", flush=True)
    return result


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder, database(args, Path(folder)) as url:
        environ = bench_environ(url, CARNIVAL_CLOCK_SECONDS="0")
        campaign_id = timed_step("migrate, seed the demo, add the campaign", lambda: prepare(url, environ))
        app = create_app({k: v for k, v in environ.items() if k.startswith(("CARNIVAL_", "DATABASE_", "SECRET_"))})
        engine: Engine = app.extensions["carnival.engine"]
        open_periods = WARMUP + args.repeat
        layout = timed_step(
            f"fill the log ({args.draws:,} records)", lambda: fill_log(engine, campaign_id, args.draws, open_periods)
        )
        timed_step("VACUUM ANALYZE", lambda: vacuum(engine))
        setup = time.perf_counter() - started
        print(f"setup {setup:.1f} s: {layout.periods:,} periods, {layout.periods - layout.closed} ended and open")
        figures, log = measure(app, layout, args.repeat)
        explain_slow(engine, log)
        engine.dispose()
    if args.json:
        print(json.dumps({"draws": args.draws, **figures, "setup_s": round(setup, 1)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
