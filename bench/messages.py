"""What campaign messages cost at a million shoppers: segment previews and walks, and the worker's sends.

1. Segments (:mod:`server.segments`). A scratch database (``--postgres``: PostgreSQL on 127.0.0.1, dropped after;
   else a SQLite file, at most 100,000 shoppers) is migrated and given N shoppers (``--shoppers``, default
   1,000,000): tiers normal/silver/gold/diamond 60/25/10/5%, the host account opened over the last 2 years, the last
   launch over the last 90 days; half of them paid 1-3 orders (about 2, so about N order_paid host events) over the
   last year in electronics/beauty/baby/books. PostgreSQL loads them with ``COPY``, SQLite with multi-row inserts;
   then ``VACUUM ANALYZE``. It times ``count_members`` (the ops preview) ``--repeat`` times (default 5) for four
   segments: everyone; new users (joined within 30 days, no order); lapsed frequent buyers (2+ orders, inactive
   30 days); category fans (electronics within 90 days); and walks each segment whole with ``members_after`` in
   pages of 5,000 as the worker does (the biggest ``--walks`` times, default 3; each walk stops after
   ``--walk-seconds``), checking that every walk finds the preview's count.
2. Sends (:mod:`server.message_worker`). ``--send-members`` more shoppers (default 100,000; 0: no send) whose host
   accounts are 1,000 days old, a segment of just them among the others, and a push + in-app message to it in
   batches of ``--batch-size`` (default 50,000, the most allowed) a minute apart. The app (``create_app``, testing
   settings) posts to a ``ThreadingHTTPServer`` on 127.0.0.1 in this process that answers 200 and logs every
   delivery. ``work_once`` runs round after round at a clock that starts at 12:00 Asia/Shanghai and moves a minute
   a round (clear of quiet hours), until every delivery is sent (at most ``--max-seconds``). It prints deliveries
   sent per second of the rounds' wall time, the rounds and the posts; it exits 1 unless every member got exactly
   one delivery (distinct ids, one per member, signatures right, every delivery row ``sent``). Then it reads the
   message's funnel (what the ops page polls while sending) three times and prints the median; it exits 1 unless
   the funnel counts every member sent.

    .venv/bin/python bench/messages.py --postgres
    .venv/bin/python bench/messages.py --postgres --shoppers 20000 --send-members 5000 --json
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import islice
from pathlib import Path
from typing import Any

import orjson
from draw_vs_hello import HOST, PG_ADMIN_URL, add_campaign, bench_environ, database
from flask import Flask
from sqlalchemy import Date, DateTime, Engine, TableClause, column, func, insert, select, table, text
from sqlalchemy.orm import Session, sessionmaker

from games.messages.admin import create_message, create_segment, move
from games.messages.funnel import funnel
from games.messages.models import Delivery, Message, Segment
from server import create_app
from server.api_host import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign_request
from server.config import DEV_HOST_SECRET
from server.demo import demo_config
from server.message_worker import CHUNK, gateway_of, work_once
from server.migrate import upgrade
from server.segments import count_members, members_after

MAX_SHOPPERS, MAX_SQLITE_SHOPPERS, MAX_SEND, MAX_REPEAT, MAX_WALKS = 2_000_000, 100_000, 500_000, 20, 5
PAGE, INSERT_ROWS = 5000, 20_000  # members a page of a walk; rows an insert on SQLite
SEGMENTED, SENT = "h-", "s-"  # host ids of the shoppers segmented and of the send's
FUNNEL_READS = 3
MAX_ROUNDS = 480  # worker rounds a minute apart from 12:00: the send ends by 20:00, before quiet hours
TIERS, TIER_WEIGHTS = ("normal", "silver", "gold", "diamond"), (60, 25, 10, 5)
CATEGORIES = ("electronics", "beauty", "baby", "books")
SEGMENTS: dict[str, dict[str, Any]] = {
    "everyone": {},
    "new users": {"joined_within_days": 30, "orders": "none"},
    "lapsed frequent buyers": {"min_orders": 2, "inactive_days": 30},
    "category fans": {"categories": ["electronics"], "categories_within_days": 90},
}
SEND_JOINED_DAYS, SEND_RULES = 1000, {"joined_before_days": 900}  # only the send's shoppers joined that long ago
MESSAGE = {
    "title": {"zh": "{name}，会场开抢啦", "en": "{name}, the sale is on"},
    "body": {"zh": "你有 {points} 积分可用", "en": "You have {points} points"},
    "channels": ["app_push", "in_app"], "link": "?tab=wheel", "batch_minutes": 1,
    "variants": [{"key": "A", "share": 1}, {"key": "B", "share": 1, "title": {"zh": "B：{name}，快来抽奖"}}],
}  # fmt: skip
Row = tuple[Any, ...]
#: The rows as stored: naive UTC times (what ``UTCDateTime`` writes), so COPY and SQLite take them as they are.
USERS = table(
    "users", column("id"), column("role"), column("external_id"), column("display_name"), column("tier"),
    column("created_at", DateTime()), column("risk_flag"), column("host_joined_on", Date()),
    column("last_launch_at", DateTime()),
)  # fmt: skip
EVENTS = table(
    "host_events", column("event_id"), column("campaign_id"), column("type"), column("user"),
    column("occurred_at", DateTime()), column("received_at", DateTime()), column("body_json"), column("body_hash"),
    column("subject"), column("category"), column("amount_fen"), column("applied_at", DateTime()),
    column("user_id"), column("outcome"),
)  # fmt: skip


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The options, within their maxima; PostgreSQL on 127.0.0.1 only."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--shoppers", type=int, default=1_000_000, help=f"shoppers segmented (max {MAX_SHOPPERS:,})")
    parser.add_argument(
        "--send-members", type=int, default=100_000, help=f"members sent to (max {MAX_SEND:,}; 0: none)"
    )
    parser.add_argument("--batch-size", type=int, default=50_000, help="members a batch (1-50,000)")
    parser.add_argument("--repeat", type=int, default=5, help=f"timings of each preview (max {MAX_REPEAT})")
    parser.add_argument("--walks", type=int, default=3, help=f"walks of the biggest segment (max {MAX_WALKS})")
    parser.add_argument("--walk-seconds", type=float, default=120, help="a walk stops after this (max 600)")
    parser.add_argument("--max-seconds", type=float, default=600, help="the send gives up after this (max 1800)")
    parser.add_argument("--seed", type=int, default=7, help="seed of the shoppers' spread")
    parser.add_argument("--postgres", action="store_true", help="a scratch PostgreSQL database, dropped after")
    parser.add_argument("--pg-admin-url", default=PG_ADMIN_URL, help="where --postgres creates its database")
    parser.add_argument("--json", action="store_true", help="also print one JSON line with the figures")
    args = parser.parse_args(argv)
    most = MAX_SHOPPERS if args.postgres else MAX_SQLITE_SHOPPERS
    if not 1 <= args.shoppers <= most:
        parser.error(f"--shoppers 1-{most:,}" + ("" if args.postgres else " on SQLite (more needs --postgres)"))
    if not (0 <= args.send_members <= MAX_SEND and 1 <= args.batch_size <= 50_000 and 1 <= args.repeat <= MAX_REPEAT):
        parser.error(f"--send-members 0-{MAX_SEND:,}, --batch-size 1-50,000, --repeat 1-{MAX_REPEAT}")
    if not (1 <= args.walks <= MAX_WALKS and 0 < args.walk_seconds <= 600 and 0 < args.max_seconds <= 1800):
        parser.error(f"--walks 1-{MAX_WALKS}, --walk-seconds up to 600, --max-seconds up to 1800")
    if "@" in args.pg_admin_url and f"@{HOST}" not in args.pg_admin_url and "@localhost" not in args.pg_admin_url:
        parser.error("the benchmark only talks to 127.0.0.1")
    args.database_url = None  # always a scratch database: the bench writes a million shoppers
    return args


# --- the shoppers and their orders -------------------------------------------------------------------------------


def shopper_rows(first_id: int, count: int, now: datetime, rng: random.Random, sent: bool) -> Iterator[Row]:
    """``count`` shoppers, ids from ``first_id``: the segmented ones (host ids ``h-0000000``...) or, ``sent``, the
    send's (``s-0000000``..., host accounts :data:`SEND_JOINED_DAYS` old, launched yesterday)."""
    naive, today, prefix = now.replace(tzinfo=None), now.date(), SENT if sent else SEGMENTED
    tiers = rng.choices(TIERS, TIER_WEIGHTS, k=count)
    for i in range(count):
        joined = today - timedelta(days=SEND_JOINED_DAYS if sent else rng.randrange(730))
        launched = naive - timedelta(days=1 if sent else 90 * rng.random())
        yield (first_id + i, "shopper", f"{prefix}{i:07d}", f"顾客{i}", tiers[i], naive - timedelta(days=365), False,
               joined, launched)  # fmt: skip


def order_rows(first_id: int, count: int, campaign_id: int, now: datetime, rng: random.Random) -> Iterator[Row]:
    """Half the shoppers paid 1-3 orders over the last year (applied, as the commerce worker leaves them)."""
    naive = now.replace(tzinfo=None)
    for i in range(count):
        if rng.random() >= 0.5:
            continue
        for n in range(rng.randint(1, 3)):
            user, ref, at = f"{SEGMENTED}{i:07d}", f"o-{i}-{n}", naive - timedelta(days=365 * rng.random())
            category, amount = CATEGORIES[rng.randrange(4)], rng.randrange(100, 500_000)
            body = json.dumps({"amount_fen": amount, "at": f"{at.isoformat()}Z", "category": category,
                               "id": f"bench-{ref}", "order_ref": ref, "payment": "baitiao", "type": "order_paid",
                               "user": user}, sort_keys=True, separators=(",", ":"))  # fmt: skip
            digest = hashlib.sha256(body.encode()).hexdigest()
            yield (f"bench-{ref}", campaign_id, "order_paid", user, at, at, body, digest, ref, category, amount, at,
                   first_id + i, "applied")  # fmt: skip


def bulk_insert(engine: Engine, target: TableClause, rows: Iterable[Row]) -> None:
    """``rows`` into ``target``: PostgreSQL's COPY, or SQLite's inserts of :data:`INSERT_ROWS` rows."""
    names = [c.name for c in target.columns]
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            raw: Any = connection.connection.driver_connection
            quoted = ", ".join(f'"{name}"' for name in names)
            with raw.cursor() as cursor, cursor.copy(f"COPY {target.name} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        iterator = iter(rows)
        while chunk := list(islice(iterator, INSERT_ROWS)):
            connection.execute(insert(target), [dict(zip(names, row, strict=True)) for row in chunk])


def add_shoppers(engine: Engine, count: int, now: datetime, rng: random.Random, sent: bool = False) -> int:
    """Load ``count`` shoppers (:func:`shopper_rows`); the first one's id."""
    with engine.connect() as connection:
        first_id = int(connection.execute(select(func.coalesce(func.max(USERS.c.id), 0) + 1)).scalar_one())
    bulk_insert(engine, USERS, shopper_rows(first_id, count, now, rng, sent))
    if engine.dialect.name == "postgresql":  # the ids were given: the sequence moves past them
        with engine.begin() as connection:
            connection.execute(text("SELECT setval(pg_get_serial_sequence('users', 'id'), max(id)) FROM users"))
    return first_id


def analyze(engine: Engine) -> None:
    """Fresh planner statistics (and, on PostgreSQL, the visibility map) for the tables segments read."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        statement = "VACUUM ANALYZE users, host_events" if engine.dialect.name == "postgresql" else "ANALYZE"
        connection.execute(text(statement))


# --- segments ------------------------------------------------------------------------------------------------------


@dataclass
class SegmentFigures:
    """A segment's member count, its preview's timings and its walks (members found, seconds, whole or not)."""

    segment_id: int
    members: int = 0
    counts: list[float] = field(default_factory=list)
    walks: list[tuple[int, float, bool]] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        """The figures printed and emitted as JSON: the median preview, and the walk of median time."""
        walked, seconds, whole = sorted(self.walks, key=lambda w: w[1])[len(self.walks) // 2]
        return {"members": self.members, "count_s": round(statistics.median(self.counts), 4),
                "count_runs": [round(c, 4) for c in self.counts], "walk_s": round(seconds, 3),
                "walk_runs": [round(w[1], 3) for w in self.walks], "walked_members": walked, "walk_whole": whole,
                "walk_members_per_s": round(walked / seconds) if seconds else 0,
                "walks_off": sum(whole and found != self.members for found, _, whole in self.walks)}  # fmt: skip


def new_segment(sessions: sessionmaker[Session], name: str, rules: dict[str, Any], now: datetime) -> int:
    """A segment of ``rules``, committed; its id."""
    with sessions() as session, session.begin():
        return create_segment(session, name, rules, now).id


def time_count(sessions: sessionmaker[Session], figures: SegmentFigures, now: datetime) -> None:
    """One preview, in its own session and transaction."""
    with sessions() as session:
        segment = session.get_one(Segment, figures.segment_id)
        started = time.perf_counter()
        figures.members = count_members(session, segment, now)
        figures.counts.append(time.perf_counter() - started)


def walk(sessions: sessionmaker[Session], figures: SegmentFigures, now: datetime, limit: float) -> None:
    """Every member, :data:`PAGE` at a time after the last one (stopping after ``limit`` seconds)."""
    with sessions() as session:
        segment = session.get_one(Segment, figures.segment_id)
        after, found, started = "", 0, time.perf_counter()
        while page := members_after(session, segment, now, after, PAGE):
            found, after = found + len(page), page[-1].external_id
            if time.perf_counter() - started > limit:
                break
        figures.walks.append((found, time.perf_counter() - started, not page or len(page) < PAGE))


def measure_segments(app: Flask, args: argparse.Namespace, now: datetime) -> dict[str, SegmentFigures]:
    """Each of :data:`SEGMENTS` made, its preview timed ``--repeat`` times, and walked (the biggest ``--walks``
    times)."""
    sessions = app.extensions["carnival.sessions"]
    found = {name: SegmentFigures(new_segment(sessions, name, rules, now)) for name, rules in SEGMENTS.items()}
    for figures in found.values():
        for _ in range(args.repeat):
            time_count(sessions, figures, now)
    biggest = max(found.values(), key=lambda figures: figures.members)
    for figures in found.values():
        for _ in range(args.walks if figures is biggest else 1):
            walk(sessions, figures, now, args.walk_seconds)
    return found


# --- sends ---------------------------------------------------------------------------------------------------------


@dataclass
class Receiver:
    """The host's push gateway as this bench plays it: answers 200, logs each delivery's id and member, and the
    deliveries of each post."""

    port: int = 0
    posts: list[int] = field(default_factory=list)
    bad_signatures: int = 0
    ids: list[str] = field(default_factory=list)
    users: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


@contextmanager
def receiver() -> Iterator[Receiver]:
    """A push gateway on a free port of 127.0.0.1, in threads of this process, until the block ends."""
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            expected = sign_request(DEV_HOST_SECRET, self.headers[TIMESTAMP_HEADER], "POST", "/push", body)
            items = orjson.loads(body)["deliveries"]
            with state.lock:
                state.posts.append(len(items))
                state.bad_signatures += expected != self.headers[SIGNATURE_HEADER]
                state.ids += [item["id"] for item in items]
                state.users += [item["user"] for item in items]
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *_: Any) -> None:
            return

    server = ThreadingHTTPServer((HOST, 0), Handler)
    state.port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def new_message(app: Flask, url: str, args: argparse.Namespace, now: datetime) -> int:
    """The send's segment (checked to hold just its shoppers) and its message, scheduled at ``now``."""
    campaign_id = add_campaign(url, demo_config(), 10**12, "消息压测", "Bench messages")
    with app.extensions["carnival.sessions"]() as session, session.begin():
        segment = create_segment(session, "压测发送", SEND_RULES, now)
        if (members := count_members(session, segment, now)) != args.send_members:
            raise SystemExit(f"the send's segment has {members:,} members, not {args.send_members:,}")
        config = {**MESSAGE, "batch_size": args.batch_size}
        message = create_message(session, campaign_id, "压测消息", segment.id, config, now)
        return move(session, message.id, "schedule", now).id


@dataclass
class Round:
    """One worker round of the send: deliveries queued by its batch, deliveries it sent, its wall time."""

    queued: int
    sent: int
    seconds: float


def send(app: Flask, url: str, args: argparse.Namespace, now: datetime) -> tuple[int, list[Round]]:
    """Rounds a minute apart on the clock until the message is wholly sent (at most :data:`MAX_ROUNDS`, or
    ``--max-seconds`` of rounds); the message's id and each round."""
    message_id, gateway = new_message(app, url, args, now), gateway_of(app)
    if gateway is None:
        raise SystemExit("the app has no push gateway: CARNIVAL_PUSH_GATEWAY_URL was not taken")
    rounds: list[Round] = []
    try:
        while len(rounds) < MAX_ROUNDS and sum(r.seconds for r in rounds) < args.max_seconds:
            started = time.perf_counter()
            done = work_once(app, now + timedelta(minutes=len(rounds)), gateway)
            rounds.append(Round(sum(b.queued for b in done.batches), done.sent, time.perf_counter() - started))
            if finished(app, message_id):
                break
    finally:
        gateway.close()
    return message_id, rounds


def time_funnel(app: Flask, message_id: int, members: int) -> dict[str, Any]:
    """The message's funnel (what the ops page polls while sending) read ``FUNNEL_READS`` times: the median
    seconds, and a problem when it does not count every member sent."""
    seconds: list[float] = []
    total: dict[str, Any] = {}
    for _ in range(FUNNEL_READS):
        with app.extensions["carnival.sessions"]() as session:
            started = time.perf_counter()
            total = funnel(session, message_id)["total"]
            seconds.append(time.perf_counter() - started)
    median = statistics.median(seconds)
    runs = ", ".join(f"{s:.3f}" for s in seconds)
    print(f"funnel of {members:,} deliveries: median {median:.3f} s of {FUNNEL_READS} ({runs})")
    wrong = [] if total.get("sent") == members else [f"the funnel counted {total.get('sent')} sent, not {members:,}"]
    return {"funnel_s": round(median, 3), "funnel_problems": wrong}


def finished(app: Flask, message_id: int) -> bool:
    """Whether the message's batches are all made and none of its deliveries waits."""
    with app.extensions["carnival.sessions"]() as session:
        state = session.get_one(Message, message_id).state
        waiting = select(func.count()).where(Delivery.message_id == message_id, Delivery.state == "queued")
        return state == "done" and session.execute(waiting).scalar_one() == 0


def send_problems(app: Flask, log: Receiver, members: int) -> list[str]:
    """What went wrong with the send: the receiver's log against the members, and the delivery rows' states."""
    with app.extensions["carnival.sessions"]() as session:
        states = dict(session.execute(select(Delivery.state, func.count()).group_by(Delivery.state)).all())
    problems = []
    if len(log.ids) != members:
        problems.append(f"{len(log.ids):,} deliveries received, not {members:,}")
    if twice := len(log.ids) - len(set(log.ids)):
        problems.append(f"{twice:,} delivery ids received more than once")
    if twice := len(log.users) - len(set(log.users)):
        problems.append(f"{twice:,} deliveries to members who had one already")
    if strangers := set(log.users) - {f"{SENT}{i:07d}" for i in range(members)}:
        problems.append(f"{len(strangers):,} deliveries to shoppers outside the segment")
    if log.bad_signatures:
        problems.append(f"{log.bad_signatures:,} posts badly signed")
    if states != {"sent": members}:
        problems.append(f"delivery rows by state {states}, not {members:,} sent")
    return problems


def send_figures(rounds: list[Round], log: Receiver, problems: list[str]) -> dict[str, Any]:
    """Print the send's rounds and figures; the JSON line's."""
    for i, done in enumerate(rounds, 1):
        print(f"send round {i}: queued {done.queued:,}, sent {done.sent:,}, {done.seconds:.2f} s")
    seconds, sent = sum(r.seconds for r in rounds), sum(r.sent for r in rounds)
    rate = sent / seconds if seconds else 0.0
    largest = max(log.posts, default=0)
    print(f"send: {sent:,} deliveries in {seconds:.1f} s of {len(rounds)} rounds, {len(log.posts):,} posts ", end="")
    print(f"(the largest {largest:,} deliveries): {rate:,.0f} deliveries/s")
    if largest > CHUNK:
        print(f"note: a post carried {largest:,} deliveries, more than the worker's {CHUNK} (a claim leased more)")
    return {"sent": sent, "seconds": round(seconds, 3), "rounds": len(rounds), "posts": len(log.posts),
            "largest_post": largest, "deliveries_per_s": round(rate, 1),
            "round_seconds": [round(r.seconds, 3) for r in rounds], "problems": problems}  # fmt: skip


# --- the run ---------------------------------------------------------------------------------------------------------


def noon_today() -> datetime:
    """12:00 in Asia/Shanghai today (04:00 UTC): quiet hours (22:00-08:00) stay far off while the clock moves."""
    return datetime.combine(date.today(), datetime.min.time(), UTC).replace(hour=4)


def prepare(app: Flask, url: str, args: argparse.Namespace, now: datetime) -> float:
    """Migrate, add the campaign host events name, load the shoppers and their orders, analyze; the seconds."""
    engine, started = app.extensions["carnival.engine"], time.perf_counter()
    upgrade(url)
    campaign_id = add_campaign(url, demo_config(), 10**12, "订单来源", "Orders' campaign")
    rng = random.Random(args.seed)
    first_id = add_shoppers(engine, args.shoppers, now, rng)
    bulk_insert(engine, EVENTS, order_rows(first_id, args.shoppers, campaign_id, now, rng))
    analyze(engine)
    return time.perf_counter() - started


def segment_figures(
    url: str, args: argparse.Namespace, load: float, found: dict[str, SegmentFigures]
) -> dict[str, Any]:
    """Print the segments' figures; the JSON line's."""
    kind = url.split(":", 1)[0].split("+", 1)[0]
    print(f"database={kind} shoppers={args.shoppers:,}, loaded and analyzed in {load:.1f} s")
    figures: dict[str, Any] = {"database": kind, "shoppers": args.shoppers, "load_s": round(load, 1), "segments": {}}
    for name, segment in found.items():
        summary = figures["segments"][name] = segment.summary()
        runs = ", ".join(f"{c:.3f}" for c in segment.counts)
        print(f"{name:22} {summary['members']:>9,} members, count_members median {summary['count_s']:.3f} s ({runs})")
        print(f"{'':22} walked {summary['walked_members']:,} in pages of {PAGE:,}: ", end="")
        print(f"median {summary['walk_s']:.2f} s of {len(segment.walks)}, {summary['walk_members_per_s']:,} members/s")
        if not summary["walk_whole"]:
            print(f"{'':22} (the walk stopped after --walk-seconds {args.walk_seconds:g})")
    return figures


def main(argv: list[str] | None = None) -> int:
    """Load, time the segments, then the send; 1 when a check failed."""
    args = parse_args(argv)
    now, load_before = noon_today(), os.getloadavg()[0]
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="carnival-bench-")))
        url = stack.enter_context(database(args, folder))
        gateway_log = stack.enter_context(receiver())
        environ = bench_environ(url, CARNIVAL_PUSH_GATEWAY_URL=f"http://{HOST}:{gateway_log.port}/push")
        app = create_app({k: v for k, v in environ.items() if k.startswith(("CARNIVAL_", "DATABASE_", "SECRET_"))})
        stack.callback(app.extensions["carnival.engine"].dispose)
        load = prepare(app, url, args, now)
        found = measure_segments(app, args, now)
        figures = segment_figures(url, args, load, found)
        if args.send_members:
            add_shoppers(app.extensions["carnival.engine"], args.send_members, now, random.Random(args.seed), sent=True)
            analyze(app.extensions["carnival.engine"])
            message_id, rounds = send(app, url, args, now)
            figures["send"] = send_figures(rounds, gateway_log, send_problems(app, gateway_log, args.send_members))
            read = time_funnel(app, message_id, args.send_members)
            figures["send"]["funnel_s"] = read["funnel_s"]
            figures["send"]["problems"] += read["funnel_problems"]
    figures["load_average"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
    print(f"{os.cpu_count()} cores, load average {load_before:.2f} before, {os.getloadavg()[0]:.2f} after")
    if args.json:
        print(json.dumps(figures, ensure_ascii=False))
    return check(figures)


def check(figures: dict[str, Any]) -> int:
    """1 when a walk found other members than its preview counted, or the send went wrong (each said)."""
    problems = list(figures.get("send", {}).get("problems", []))
    for name, segment in figures["segments"].items():
        if segment["walks_off"]:
            problems.append(
                f"{name}: {segment['walks_off']} whole walks did not find the preview's {segment['members']:,}"
            )
    for problem in problems:
        print(f"PROBLEM: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
