"""Health and spin latency of one server while N idle Socket.IO connections are open.

One real gunicorn process on 127.0.0.1 (the README's production line by default, or the old threaded
line with ``--worker-class gthread``), a fresh database (SQLite by default, ``--postgres`` for a scratch
PostgreSQL database), the demo seeded plus a bench campaign. Then N WebSockets are opened and kept idle
(answering the server's pings): a share of them signed in as shoppers on the wheel page's ``/play``
namespace, the rest anonymous (Engine.IO only). While they are open, one client times ``GET /api/health``
and one times wheel spins (a fresh ``Idempotency-Key`` each). Run ``python bench/sockets.py --help``.
"""

from __future__ import annotations

import argparse
import http.client
import selectors
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import websocket
from draw_vs_hello import HOST, bench_environ, database, free_port, prepare, request, sign_in, wait_healthy

REPO = Path(__file__).resolve().parents[1]
MAX_SOCKETS, MAX_SECONDS, MAX_SHOPPERS = 2000, 60.0, 1000
PLAY = "/play"


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

    def line(self) -> str:
        """``name  n=..  p50 .. ms  p99 .. ms  max .. ms  failures={...}``."""
        if not self.seconds:
            return f"{self.name:7} n=0  failures={self.failures or 0}"
        ordered = sorted(self.seconds)
        p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]
        figures = f"p50 {1000 * statistics.median(ordered):8.1f} ms  p99 {1000 * p99:8.1f} ms"
        figures += f"  max {1000 * ordered[-1]:8.1f} ms"
        return f"{self.name:7} n={len(ordered):<5} {figures}  failures={self.failures or 0}"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sockets", type=int, default=500, help=f"idle Socket.IO connections N (max {MAX_SOCKETS})")
    parser.add_argument("--signed-in", type=float, default=0.5, help="share of them signed in as shoppers on /play")
    parser.add_argument("--seconds", type=float, default=10.0, help=f"measured time (max {MAX_SECONDS})")
    parser.add_argument("--worker-class", choices=["gevent", "gthread"], default="gevent", help="gunicorn -k")
    parser.add_argument("--server-threads", type=int, default=64, help="gunicorn --threads (gthread only)")
    parser.add_argument("--worker-connections", type=int, default=4000, help="gunicorn --worker-connections (gevent)")
    parser.add_argument("--postgres", action="store_true", help="a scratch PostgreSQL database, dropped after")
    parser.add_argument("--pg-admin-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args(argv)
    args.database_url = None
    if not (0 < args.sockets <= MAX_SOCKETS and 0 < args.seconds <= MAX_SECONDS and 0 <= args.signed_in <= 1):
        parser.error(f"keep 0 < --sockets <= {MAX_SOCKETS}, 0 < --seconds <= {MAX_SECONDS}, 0 <= --signed-in <= 1")
    if "@127.0.0.1" not in args.pg_admin_url and "@localhost" not in args.pg_admin_url:
        parser.error("the benchmark only talks to 127.0.0.1")
    return args


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


def open_socket(port: int, cookie: str | None, timeout: float = 10) -> websocket.WebSocket | str:
    """One Engine.IO WebSocket; signed in ones join ``/play``. Returns the socket or why it failed."""
    url = f"ws://{HOST}:{port}/socket.io/?EIO=4&transport=websocket"
    try:
        ws = websocket.create_connection(url, timeout=timeout, header=[f"Cookie: {cookie}"] if cookie else [])
        if not ws.recv().startswith("0{"):
            return "no open packet"
        if cookie:
            ws.send(f"40{PLAY},")
            answer = ws.recv()
            if not answer.startswith(f"40{PLAY},"):
                return f"refused: {answer[:60]}"
        return ws
    except (OSError, websocket.WebSocketException) as error:
        return type(error).__name__


class Ponger:
    """Keeps idle sockets alive: one thread answers the server's pings ("2") with pongs ("3")."""

    def __init__(self) -> None:
        self._selector = selectors.DefaultSelector()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self.closed = 0
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def add(self, ws: websocket.WebSocket) -> None:
        """Watch ``ws``."""
        ws.settimeout(5)
        with self._lock:
            self._selector.register(ws.sock, selectors.EVENT_READ, ws)

    def _run(self) -> None:
        while not self._stop.is_set():
            with self._lock:
                ready = self._selector.select(timeout=0) if self._selector.get_map() else []
            for key, _ in ready:
                self._answer(key.data)
            time.sleep(0.05)

    def _answer(self, ws: websocket.WebSocket) -> None:
        try:
            if ws.recv() == "2":
                ws.send("3")
        except (OSError, websocket.WebSocketException):
            with self._lock:
                self._selector.unregister(ws.sock)
            self.closed += 1

    def close(self) -> None:
        """Stop and close every socket."""
        self._stop.set()
        self._thread.join(timeout=5)
        for key in list(self._selector.get_map().values()):
            key.data.close()


def open_all(port: int, cookies: list[str | None], ponger: Ponger) -> dict[str, int]:
    """Open a socket per entry of ``cookies`` (``None``: anonymous), 32 at a time; counts of outcomes."""
    outcomes: dict[str, int] = {}
    with ThreadPoolExecutor(max_workers=32) as pool:
        for result in pool.map(lambda cookie: open_socket(port, cookie), cookies):
            if isinstance(result, websocket.WebSocket):
                ponger.add(result)
                result = "open"
            outcomes[result] = outcomes.get(result, 0) + 1
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


def measure(port: int, campaign_id: int, spinner_cookie: str, seconds: float) -> list[Latencies]:
    """Health and spins, each from its own client thread, for ``seconds``."""
    spin_path = f"/api/play/{campaign_id}/wheel/spin"
    origin = f"http://{HOST}:{port}"  # as the wheel page sends it: writes from other origins are refused

    def spin() -> tuple[str, str, dict[str, str]]:
        return "POST", spin_path, {"Cookie": spinner_cookie, "Idempotency-Key": uuid.uuid4().hex, "Origin": origin}

    kinds = {"health": lambda: ("GET", "/api/health", {}), "spin": spin}
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = [pool.submit(timed, name, port, seconds, make) for name, make in kinds.items()]
        return [future.result() for future in futures]


def rss_mib(pid: int) -> float:
    """Resident memory of ``pid`` in MiB (0 where /proc is missing)."""
    status = Path(f"/proc/{pid}/status")
    if not status.exists():
        return 0.0
    line = next(row for row in status.read_text().splitlines() if row.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signed_in = round(args.sockets * args.signed_in)
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="carnival-bench-")))
        url = stack.enter_context(database(args, folder))
        environ = bench_environ(url, CARNIVAL_SOCKETS_PER_IP=str(args.sockets + 10), CARNIVAL_SOCKETS_PER_USER="4")
        campaign_id = prepare(url, environ)
        port, worker = stack.enter_context(server(args, environ, folder / "gunicorn.log"))
        cookies = sign_in(port, min(signed_in, MAX_SHOPPERS) + 1)
        spinner, shoppers = cookies[0], cookies[1:]
        rss_before = rss_mib(worker)
        ponger = Ponger()
        stack.callback(ponger.close)
        began = time.monotonic()
        wanted: list[str | None] = [shoppers[i % len(shoppers)] for i in range(signed_in)] if shoppers else []
        outcomes = open_all(port, wanted + [None] * (args.sockets - signed_in), ponger)
        opening = time.monotonic() - began
        phases = measure(port, campaign_id, spinner, args.seconds)
        rss_after = rss_mib(worker)
    print(f"server: {' '.join(gunicorn_command(args, 0)[2:])}  database={url.split(':', 1)[0]}")
    print(f"sockets: {args.sockets} wanted ({signed_in} signed in on {PLAY}), opened in {opening:.1f} s: {outcomes}")
    print(f"worker RSS: {rss_before:.0f} MiB before, {rss_after:.0f} MiB with the sockets open")
    for phase in phases:
        print(phase.line())
    print(f"sockets closed by the server while measuring: {ponger.closed}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
