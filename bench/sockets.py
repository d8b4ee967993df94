"""Health, spin and broadcast latency of one server while N Socket.IO connections are open.

One real gunicorn process on 127.0.0.1 (the README's production line by default, or the old threaded
line with ``--worker-class gthread``), a fresh database (SQLite by default, ``--postgres`` for a scratch
PostgreSQL database), the demo seeded plus a bench campaign. Then N WebSockets are opened and kept open
(answering the server's pings): a share of them signed in as shoppers on the wheel page's ``/play``
namespace, the rest anonymous (Engine.IO only). While they are open, one client times ``GET /api/health``
and one times wheel spins (a fresh ``Idempotency-Key`` each).

Fan-out (``--broadcasts K``, 0 turns it off): every signed-in socket also watches a second campaign whose
prizes are all flagged ``broadcast``, and once a second a fresh trigger shopper spins it over HTTP; each
``ticker`` frame a socket reads is timed from just before its trigger spin was sent (the trigger's name
says which spin a frame comes from). Health and spins are timed all through, for at least K seconds.
The clients run on the same machine (and cores) as the server and one client thread reads all N sockets,
so a delivery's latency includes the client's own reading (about 60 us a frame on the 2-core box, so
some 60 ms of a 1,000-socket fan-out). Run ``python bench/sockets.py --help``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import select
import selectors
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from queue import Empty, SimpleQueue
from typing import Any

import websocket
from draw_vs_hello import (
    HOST,
    add_campaign,
    bench_environ,
    database,
    free_port,
    prepare,
    request,
    sign_in,
    wait_healthy,
)

from server.config import DEV_LAUNCH_KEY
from server.demo import demo_config
from server.launch import sign

REPO = Path(__file__).resolve().parents[1]
MAX_SOCKETS, MAX_SECONDS, MAX_SHOPPERS, MAX_BROADCASTS = 2000, 60.0, 1000, 60
PLAY = "/play"
#: Trigger shopper k is named chr(TRIGGER_BASE + k) + "...": the ticker's masked name keeps that first
#: character, so every ticker frame names the trigger spin it came from.
TRIGGER_BASE = 0x4E00
#: How long after the last trigger spin stragglers are still waited for.
GRACE_SECONDS = 5.0
WATCH_ACK = 1


@dataclass
class Latencies:
    """Timed requests of one kind: seconds of the answered ones, counts of the others."""

    name: str
    seconds: list[float] = field(default_factory=list)
    failures: dict[str, int] = field(default_factory=dict)

    def add(self, began: float, outcome: int | str) -> None:
        """Record one request that started at ``began`` (monotonic) with ``outcome`` (status or error)."""
        if outcome == 200:
            self.seconds.append(time.monotonic() - began)
        else:
            self.failures[str(outcome)] = self.failures.get(str(outcome), 0) + 1

    def milliseconds(self) -> tuple[float, float, float]:
        """p50, p99 and max in ms (zeros when nothing was timed)."""
        if not self.seconds:
            return 0.0, 0.0, 0.0
        ordered = sorted(self.seconds)
        p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]
        return 1000 * statistics.median(ordered), 1000 * p99, 1000 * ordered[-1]

    def line(self) -> str:
        """``name  n=..  p50 .. ms  p99 .. ms  max .. ms  failures={...}``."""
        if not self.seconds:
            return f"{self.name:7} n=0  failures={self.failures or 0}"
        p50, p99, top = self.milliseconds()
        figures = f"p50 {p50:8.1f} ms  p99 {p99:8.1f} ms  max {top:8.1f} ms"
        return f"{self.name:7} n={len(self.seconds):<5} {figures}  failures={self.failures or 0}"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sockets", type=int, default=500, help=f"idle Socket.IO connections N (max {MAX_SOCKETS})")
    parser.add_argument("--signed-in", type=float, default=0.5, help="share of them signed in as shoppers on /play")
    parser.add_argument(
        "--seconds", type=float, default=10.0, help=f"measured time, at least K seconds (max {MAX_SECONDS})"
    )
    parser.add_argument(
        "--broadcasts",
        type=int,
        default=20,
        help=f"trigger spins K, one a second, fanned out to the signed-in sockets (0: none; max {MAX_BROADCASTS})",
    )
    parser.add_argument("--worker-class", choices=["gevent", "gthread"], default="gevent", help="gunicorn -k")
    parser.add_argument("--server-threads", type=int, default=64, help="gunicorn --threads (gthread only)")
    parser.add_argument("--worker-connections", type=int, default=4000, help="gunicorn --worker-connections (gevent)")
    parser.add_argument("--postgres", action="store_true", help="a scratch PostgreSQL database, dropped after")
    parser.add_argument("--pg-admin-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--json", action="store_true", help="also print one JSON line with the figures")
    args = parser.parse_args(argv)
    args.database_url = None
    if not (0 < args.sockets <= MAX_SOCKETS and 0 < args.seconds <= MAX_SECONDS and 0 <= args.signed_in <= 1):
        parser.error(f"keep 0 < --sockets <= {MAX_SOCKETS}, 0 < --seconds <= {MAX_SECONDS}, 0 <= --signed-in <= 1")
    if not 0 <= args.broadcasts <= MAX_BROADCASTS:
        parser.error(f"keep 0 <= --broadcasts <= {MAX_BROADCASTS}")
    if "@127.0.0.1" not in args.pg_admin_url and "@localhost" not in args.pg_admin_url:
        parser.error("the benchmark only talks to 127.0.0.1")
    return args


def broadcast_config() -> dict[str, Any]:
    """The demo config with every prize flagged ``broadcast`` and ample free spins: most spins reach the
    ticker (only a prize that fell back, e.g. under the one-big-red cap, does not)."""
    config = demo_config()
    for prize in config["pool"]["prizes"]:
        prize["broadcast"] = True
    config["games"]["wheel"]["free_spins_per_day"] = 100_000
    return config


def add_broadcast_campaign(url: str) -> int:
    """Create the campaign the trigger shoppers spin and the signed-in sockets watch; returns its id.

    Apart from the spin-timing campaign of ``prepare()``: its spins must not reach the watched ticker.
    """
    return add_campaign(url, broadcast_config(), 10**12, name="压测播报", name_en="Bench ticker")


def sign_in_triggers(port: int, count: int) -> list[str]:
    """Sign ``count`` trigger shoppers in (launch tokens); trigger k's name starts with chr(TRIGGER_BASE + k)."""
    cookies = []
    expires = int(time.time()) + 600
    with closing(http.client.HTTPConnection(HOST, port, timeout=10)) as conn:
        for k in range(count):
            token = sign(DEV_LAUNCH_KEY, f"bench-trigger-{k:03d}", chr(TRIGGER_BASE + k) + "触发", "normal", expires)
            body = json.dumps({"token": token}).encode()
            status, answer = request(conn, "POST", "/api/session/launch", body, {"Content-Type": "application/json"})
            if status != 200:
                raise SystemExit(f"sign-in of trigger shopper {k} answered {status}")
            cookies.append(answer.getheader("Set-Cookie", "").split(";", 1)[0])
    return cookies


def gunicorn_command(args: argparse.Namespace, port: int) -> list[str]:
    """The serving line under test, bound to ``port``."""
    command = [sys.executable, "-m", "gunicorn", "-w", "1", "-b", f"{HOST}:{port}"]
    if args.worker_class == "gevent":
        command += ["-k", "gevent", "--worker-connections", str(args.worker_connections)]
    else:
        command += ["--threads", str(args.server_threads)]
    return [*command, "server:create_app()"]


@contextmanager
def server(args: argparse.Namespace, environ: dict[str, str], log: Path) -> Iterator[tuple[int, int]]:
    """The gunicorn process; yields (port, pid of its worker) once /api/health answers."""
    port = free_port()
    with open(log, "wb") as out:
        process = subprocess.Popen(gunicorn_command(args, port), cwd=REPO, env=environ, stdout=out, stderr=out)
    try:
        wait_healthy(port, process, log)
        children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
        worker = int(children.read_text().split()[0]) if children.exists() else process.pid
        yield port, worker
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


def watch(ws: websocket.WebSocket, campaign_id: int) -> str:
    """Join ``campaign_id``'s ticker on ``/play`` (answering pings meanwhile): "watching" or why not."""
    ws.send(f'42{PLAY},{WATCH_ACK}["watch",{{"campaign_id":{campaign_id}}}]')
    while True:
        frame = ws.recv()
        if frame == "2":
            ws.send("3")
        elif frame.startswith(f"43{PLAY},{WATCH_ACK}"):
            answer = json.loads(frame[len(f"43{PLAY},{WATCH_ACK}") :])
            return "watching" if answer == [{"ok": True}] else f"watch refused: {frame[:60]}"


def open_socket(port: int, cookie: str | None, ticker: int | None, timeout: float = 10) -> tuple[Any, str]:
    """One Engine.IO WebSocket; signed in ones join ``/play`` and, given a ``ticker`` campaign, watch it.

    Returns (the socket, or ``None`` when it was closed again, and its outcome: "open", "watching" or why not).
    """
    url = f"ws://{HOST}:{port}/socket.io/?EIO=4&transport=websocket"
    ws = None
    try:
        ws = websocket.create_connection(url, timeout=timeout, header=[f"Cookie: {cookie}"] if cookie else [])
        outcome = "open" if ws.recv().startswith("0{") else "no open packet"
        if cookie and outcome == "open":
            ws.send(f"40{PLAY},")
            answer = ws.recv()
            outcome = "open" if answer.startswith(f"40{PLAY},") else f"refused: {answer[:60]}"
        if cookie and outcome == "open" and ticker is not None:
            outcome = watch(ws, ticker)
    except (OSError, websocket.WebSocketException, ValueError) as error:
        outcome = type(error).__name__
    if outcome not in ("open", "watching") and ws is not None:
        ws.close()
        ws = None
    return ws, outcome


@dataclass
class Broadcasts:
    """Trigger spins (when each was sent) and the ``ticker`` frames the sockets read (when each arrived)."""

    sent: dict[int, float] = field(default_factory=dict)
    announced: int = 0  # trigger spins whose answer says the prize was granted as picked (so broadcast)
    answered: Latencies = field(default_factory=lambda: Latencies("trigger"))  # the trigger spins' answers
    latencies: Latencies = field(default_factory=lambda: Latencies("ticker"))
    per_broadcast: dict[int, list[float]] = field(default_factory=dict)  # k -> its deliveries' latencies
    stray: int = 0

    def received(self, frame: str, at: float) -> None:
        """A ``ticker`` frame read at ``at`` (monotonic): timed from its own trigger spin's send."""
        try:
            who = json.loads(frame[len(f"42{PLAY},") :])[1]["who"]
            k = ord(who[0]) - TRIGGER_BASE
        except (ValueError, LookupError, TypeError):
            k = -1
        began = self.sent.get(k)
        if began is None:
            self.stray += 1
            return
        self.latencies.seconds.append(at - began)
        self.per_broadcast.setdefault(k, []).append(at - began)

    def expected(self, watching: int) -> int:
        """Deliveries due: every watching socket once per broadcast that reached at least one socket."""
        return watching * len(self.per_broadcast)

    def spread(self) -> tuple[float, float]:
        """Medians over the broadcasts of the first and of the last socket's delivery, in ms: how soon the
        fan-out starts, and how long reaching every socket takes."""
        if not self.per_broadcast:
            return 0.0, 0.0
        firsts = [min(seconds) for seconds in self.per_broadcast.values()]
        lasts = [max(seconds) for seconds in self.per_broadcast.values()]
        return 1000 * statistics.median(firsts), 1000 * statistics.median(lasts)


class Ponger:
    """Reads every socket from one thread: answers the server's pings ("2") with pongs ("3") and hands
    ``ticker`` frames, with the time each was read, to ``on_ticker``.

    A blocking select (short timeout, only to see new sockets and the stop) rather than polling, and every
    frame a ready socket holds is read at once, so the reading adds no delay of its own beyond the CPU.
    """

    def __init__(self, on_ticker: Callable[[str, float], None]) -> None:
        self._selector = selectors.DefaultSelector()
        self._new: SimpleQueue[websocket.WebSocket] = SimpleQueue()
        self._stop = threading.Event()
        self._on_ticker = on_ticker
        self.closed: Counter[str] = Counter()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def add(self, ws: websocket.WebSocket) -> None:
        """Watch ``ws`` (registered by the reading thread within a select timeout)."""
        ws.settimeout(5)
        self._new.put(ws)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._register_new()
            if not self._selector.get_map():
                time.sleep(0.05)
                continue
            for key, _ in self._selector.select(timeout=0.05):
                self._drain(key)

    def _register_new(self) -> None:
        try:
            while True:
                ws = self._new.get_nowait()
                self._selector.register(ws.sock, selectors.EVENT_READ, ws)
        except Empty:
            return

    def _drain(self, key: selectors.SelectorKey) -> None:
        """Read every frame the socket of ``key`` holds (in the kernel or websocket-client's buffer)."""
        ws: websocket.WebSocket = key.data
        try:
            while True:
                frame = read_frame(ws)
                at = time.monotonic()
                if frame == "2":
                    ws.send("3")
                elif frame is not None and frame.startswith(f'42{PLAY},["ticker"'):
                    self._on_ticker(frame, at)
                if not pending(ws):
                    return
        except (OSError, websocket.WebSocketException) as error:
            self._selector.unregister(key.fileobj)  # ws.sock may be None by now
            self.closed[type(error).__name__] += 1

    def close(self) -> None:
        """Stop and close every socket."""
        self._stop.set()
        self._thread.join(timeout=5)
        self._register_new()
        for key in list(self._selector.get_map().values()):
            key.data.close()


def read_frame(ws: websocket.WebSocket) -> str | None:
    """The next text frame, or ``None`` for a control frame (a WebSocket ping is answered by websocket-client).

    Unlike ``ws.recv()`` this returns after a control frame instead of blocking for the next data frame.

    :raises websocket.WebSocketConnectionClosedException: on a close frame.
    """
    opcode, data = ws.recv_data(control_frame=True)
    if opcode == websocket.ABNF.OPCODE_CLOSE:
        raise websocket.WebSocketConnectionClosedException("closed by the server")
    return data.decode() if opcode == websocket.ABNF.OPCODE_TEXT else None


def pending(ws: websocket.WebSocket) -> bool:
    """Whether ``ws`` has more to read now: bytes buffered by websocket-client or waiting in the kernel."""
    if any(getattr(ws.frame_buffer, "recv_buffer", None) or []):
        return True
    poll = select.poll()  # not a zero-timeout recv: Python waits out the socket's timeout before it
    poll.register(ws.sock, select.POLLIN)
    return bool(poll.poll(0))


def open_all(port: int, wanted: list[tuple[str | None, int | None]], ponger: Ponger) -> Counter[str]:
    """Open a socket per (cookie or ``None``: anonymous, ticker campaign or ``None``), 32 at a time;
    counts of outcomes ("open", "watching" or why it failed)."""
    outcomes: Counter[str] = Counter()
    with ThreadPoolExecutor(max_workers=32) as pool:
        for ws, outcome in pool.map(lambda entry: open_socket(port, *entry), wanted):
            if ws is not None:
                ponger.add(ws)
            outcomes[outcome] += 1
    return outcomes


Call = Callable[[], tuple[str, str, dict[str, str]]]


def timed(name: str, port: int, seconds: float, make: Call) -> Latencies:
    """Repeat the request ``make()`` -> (method, path, headers) on fresh connections for ``seconds``."""
    figures = Latencies(name)
    stop = time.monotonic() + seconds
    while (began := time.monotonic()) < stop:
        method, path, headers = make()
        try:
            with closing(http.client.HTTPConnection(HOST, port, timeout=5)) as conn:
                outcome: int | str = request(conn, method, path, b"" if method == "POST" else None, headers)[0]
        except (OSError, http.client.HTTPException) as error:
            outcome = type(error).__name__
        figures.add(began, outcome)
        time.sleep(max(0.0, 0.05 - (time.monotonic() - began)))
    return figures


def spin_headers(cookie: str, port: int) -> dict[str, str]:
    """A spin's headers as the wheel page sends them (writes from other origins are refused)."""
    return {"Cookie": cookie, "Idempotency-Key": uuid.uuid4().hex, "Origin": f"http://{HOST}:{port}"}


def trigger(port: int, campaign_id: int, cookies: list[str], broadcasts: Broadcasts) -> None:
    """Spin ``campaign_id`` once a second, trigger shopper k at second k, noting each send time just before
    sending and whether the answer says the prize was granted as picked (then it was announced)."""
    path = f"/api/play/{campaign_id}/wheel/spin"
    start = time.monotonic()
    for k, cookie in enumerate(cookies):
        time.sleep(max(0.0, start + k - time.monotonic()))
        try:
            with closing(http.client.HTTPConnection(HOST, port, timeout=10)) as conn:
                conn.connect()
                broadcasts.sent[k] = time.monotonic()
                conn.request("POST", path, body=b"", headers=spin_headers(cookie, port))
                answer = conn.getresponse()
                body = answer.read()
        except (OSError, http.client.HTTPException) as error:
            broadcasts.answered.add(broadcasts.sent.get(k, time.monotonic()), type(error).__name__)
            continue
        broadcasts.answered.add(broadcasts.sent[k], answer.status)
        if answer.status == 200 and json.loads(body).get("fallback_reason") is None:
            broadcasts.announced += 1


def measure(
    port: int, campaign_id: int, spinner_cookie: str, seconds: float, fan_out: Callable[[], None]
) -> list[Latencies]:
    """Health and spins, each from its own client thread, for ``seconds``, while ``fan_out()`` runs."""
    spin_path = f"/api/play/{campaign_id}/wheel/spin"

    def spin() -> tuple[str, str, dict[str, str]]:
        return "POST", spin_path, spin_headers(spinner_cookie, port)

    kinds = {"health": lambda: ("GET", "/api/health", {}), "spin": spin}
    with ThreadPoolExecutor(max_workers=3) as pool:
        fanning = pool.submit(fan_out)
        futures = [pool.submit(timed, name, port, seconds, make) for name, make in kinds.items()]
        phases = [future.result() for future in futures]
        fanning.result()
    return phases


def await_stragglers(broadcasts: Broadcasts, watching: int, timeout: float = GRACE_SECONDS) -> None:
    """Wait until every watching socket has read every broadcast that was announced or reached one of them,
    or ``timeout`` passes."""
    deadline = time.monotonic() + timeout
    due = watching * max(broadcasts.announced, len(broadcasts.per_broadcast))
    while time.monotonic() < deadline and len(broadcasts.latencies.seconds) < due:
        time.sleep(0.1)
        due = watching * max(broadcasts.announced, len(broadcasts.per_broadcast))


def rss_mib(pid: int) -> float:
    """Resident memory of ``pid`` in MiB (0 where /proc is missing)."""
    status = Path(f"/proc/{pid}/status")
    if not status.exists():
        return 0.0
    line = next(row for row in status.read_text().splitlines() if row.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


@dataclass
class Run:
    """What one run saw, for the report."""

    url: str
    signed_in: int
    opening: float
    outcomes: Counter[str]
    rss: tuple[float, float]
    phases: list[Latencies]
    broadcasts: Broadcasts
    closed: Counter[str]

    @property
    def watching(self) -> int:
        return self.outcomes["watching"]

    @property
    def opened(self) -> int:
        return self.outcomes["open"] + self.outcomes["watching"]  # the others were closed again


def report(args: argparse.Namespace, run: Run, seconds: float) -> None:
    """Print the figures of ``run``."""
    print(f"server: {' '.join(gunicorn_command(args, 0)[2:])}  database={run.url.split(':', 1)[0]}")
    wanted = f"{args.sockets} wanted ({run.signed_in} signed in on {PLAY})"
    print(f"sockets: {wanted}, opened in {run.opening:.1f} s: {dict(run.outcomes)}")
    print(f"worker RSS: {run.rss[0]:.0f} MiB before, {run.rss[1]:.0f} MiB with the sockets open")
    print(f"measured for {seconds:g} s:")
    for phase in run.phases:
        print(phase.line())
    print(f"sockets closed while measuring: {sum(run.closed.values())} {dict(run.closed)}")
    if not args.broadcasts:
        return
    fanned = run.broadcasts
    deliveries, expected = len(fanned.latencies.seconds), fanned.expected(run.watching)
    first, last = fanned.spread()
    print(fanned.latencies.line(), " (trigger spin sent -> frame read here, on the server's cores)")
    print(fanned.answered.line(), " (trigger spin sent -> its answer, after the server queued the ticker)")
    print(f"broadcasts: {args.broadcasts} trigger spins, {fanned.announced} granted as picked (announced),")
    print(f"  {len(fanned.per_broadcast)} reached at least one of the {run.watching} watching sockets;", end="")
    print(f" median of the first delivery {first:.1f} ms, of the last {last:.1f} ms;")
    print(f"  deliveries {deliveries} of {expected} expected, {expected - deliveries} missed, {fanned.stray} stray")


def figures(args: argparse.Namespace, run: Run) -> dict[str, object]:
    """The ``--json`` line."""
    (health, spin), fanned = [phase.milliseconds() for phase in run.phases], run.broadcasts
    p50, p99, top = fanned.latencies.milliseconds()
    return {
        "sockets": args.sockets,
        "opened": run.opened,
        "watching": run.watching,
        "rss_before_mib": round(run.rss[0], 1),
        "rss_after_mib": round(run.rss[1], 1),
        "health_p50_ms": round(health[0], 1),
        "health_p99_ms": round(health[1], 1),
        "spin_p50_ms": round(spin[0], 1),
        "spin_p99_ms": round(spin[1], 1),
        "spin_failures": sum(run.phases[1].failures.values()),
        "broadcasts": len(fanned.per_broadcast),
        "deliveries": len(fanned.latencies.seconds),
        "expected": fanned.expected(run.watching),
        "broadcast_p50_ms": round(p50, 1),
        "broadcast_p99_ms": round(p99, 1),
        "broadcast_max_ms": round(top, 1),
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signed_in = round(args.sockets * args.signed_in)
    seconds = max(args.seconds, float(args.broadcasts))  # the spins are timed all through the broadcasts
    broadcasts = Broadcasts()
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="carnival-bench-")))
        url = stack.enter_context(database(args, folder))
        environ = bench_environ(url, CARNIVAL_SOCKETS_PER_IP=str(args.sockets + 10), CARNIVAL_SOCKETS_PER_USER="4")
        campaign_id = prepare(url, environ)
        ticker = add_broadcast_campaign(url) if args.broadcasts else None
        port, worker = stack.enter_context(server(args, environ, folder / "gunicorn.log"))
        cookies = sign_in(port, min(signed_in, MAX_SHOPPERS) + 1)
        spinner, shoppers = cookies[0], cookies[1:]
        triggers = sign_in_triggers(port, args.broadcasts)
        rss_before = rss_mib(worker)
        ponger = Ponger(broadcasts.received)
        stack.callback(ponger.close)
        began = time.monotonic()
        wanted = [(shoppers[i % len(shoppers)], ticker) for i in range(signed_in)] if shoppers else []
        outcomes = open_all(port, wanted + [(None, None)] * (args.sockets - signed_in), ponger)
        opening = time.monotonic() - began

        def fan_out() -> None:
            if ticker is not None:
                trigger(port, ticker, triggers, broadcasts)

        phases = measure(port, campaign_id, spinner, seconds, fan_out)
        await_stragglers(broadcasts, outcomes["watching"])
        run = Run(
            url, signed_in, opening, outcomes, (rss_before, rss_mib(worker)), phases, broadcasts, Counter(ponger.closed)
        )
    report(args, run, seconds)
    if args.json:
        print(json.dumps(figures(args, run)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
