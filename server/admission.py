"""First come, first served: at most N HTTP requests inside the app at once, the rest waiting in arrival order.

Under load a server process has more requests open than database connections. Left to themselves they race
for the pool: a request that just returned a connection, or one that happens to run next, takes the freed one
before those that have waited longest, so some requests wait many times the average (a long tail of
latency) and some wait past the pool's timeout. This gate admits requests in the order they arrived and
hands a leaving request's place to the longest-waiting one, so each waits about as long as the queue ahead
of it. A request waiting longer than the pool's timeout is answered 503 ``server_busy`` with ``Retry-After``, as
when the pool itself times out.

A place is held until the answer is sent (measured: letting the next request in as soon as the app returns,
before the answer is written, served the mall's catalog about a fifth slower on one process at 64 connections).
A client reading slowly would so hold a place: production serving puts a proxy in front that buffers requests
and answers (nginx does by default), as the README says. Socket.IO's transports, the liveness check and static
files are served outside the gate: an open page is not a request being worked on, and none of them touches the
database. The gate holds ``CARNIVAL_DB_POOL_SIZE`` requests; the pool's overflow (as many again) stays for the
work outside requests (Socket.IO events, the clock).
"""

from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from flask import Flask

from server.config import Settings
from server.errors import error_body

RETRY_AFTER_SECONDS = 1
BUSY_MESSAGE = "the server is busy; try again in a moment"
OUTSIDE = ("/api/health", "/static/", "/vendor/")
"""Paths served outside the gate (besides Socket.IO's, which never reach it)."""


def init_app(app: Flask, settings: Settings, async_mode: str) -> None:
    """Put the app behind a gate of ``CARNIVAL_DB_POOL_SIZE`` places when served by gevent (gunicorn ``-k
    gevent``, production): there every open connection is a greenlet that may start a request at once. Threaded
    servers (``make demo``, the tests) have their own bound, the thread count."""
    if async_mode != "gevent":
        return
    gate = FairGate(settings.db_pool_size)
    app.extensions["carnival.admission"] = gate
    app.wsgi_app = AdmissionMiddleware(app.wsgi_app, gate, settings.db_pool_timeout)  # type: ignore[method-assign]


class FairGate:
    """At most ``limit`` holders at once; a place freed goes to the longest waiter (no barging)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._lock = threading.Lock()
        self._free = limit
        self._waiting: deque[threading.Event] = deque()

    def enter(self, timeout: float) -> bool:
        """Take a place, waiting up to ``timeout`` seconds behind those who came first; ``False``: none came."""
        with self._lock:
            if self._free > 0 and not self._waiting:
                self._free -= 1
                return True
            turn = threading.Event()
            self._waiting.append(turn)
        try:
            handed = turn.wait(timeout)
        except BaseException:  # killed while waiting (a greenlet's exit, an outer timeout): pass on what it got
            if not self._give_up(turn):
                self.leave()
            raise
        return handed or not self._give_up(turn)

    def _give_up(self, turn: threading.Event) -> bool:
        """Leave the queue; ``False`` when a place was handed to ``turn`` just as it gave up (it holds it)."""
        with self._lock:
            if not turn.is_set():
                self._waiting.remove(turn)
                return True
        return False

    def leave(self) -> None:
        """Give the place back: to the first waiter if any (it holds it from now), else to the free count."""
        with self._lock:
            if self._waiting:
                self._waiting.popleft().set()
            else:
                self._free += 1

    def waiting(self) -> int:
        """Requests waiting for a place now."""
        with self._lock:
            return len(self._waiting)


class AdmissionMiddleware:
    """WSGI middleware passing each request through a :class:`FairGate`."""

    def __init__(self, wsgi_app: Callable[..., Any], gate: FairGate, timeout: float) -> None:
        self.wsgi_app, self.gate, self.timeout = wsgi_app, gate, timeout

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        """The WSGI entry point."""
        if environ.get("PATH_INFO", "").startswith(OUTSIDE):
            return self.wsgi_app(environ, start_response)
        if not self.gate.enter(self.timeout):
            return _busy(start_response)
        try:
            answer = self.wsgi_app(environ, start_response)
        except BaseException:
            self.gate.leave()
            raise
        return _Released(answer, self.gate)


class _Released:
    """A WSGI answer that gives the gate's place back once the server has sent (and closed) it."""

    def __init__(self, answer: Iterable[bytes], gate: FairGate) -> None:
        self._answer, self._gate, self._left = answer, gate, False

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._answer)

    def close(self) -> None:
        try:
            close = getattr(self._answer, "close", None)
            if close is not None:
                close()
        finally:
            if not self._left:
                self._left = True
                self._gate.leave()


def _busy(start_response: Callable[..., Any]) -> list[bytes]:
    body = json.dumps(error_body("server_busy", BUSY_MESSAGE)).encode()
    start_response("503 SERVICE UNAVAILABLE", [("Content-Type", "application/json"),
                                               ("Content-Length", str(len(body))),
                                               ("Retry-After", str(RETRY_AFTER_SECONDS)), ("Cache-Control", "no-store"),
                                               ("X-Content-Type-Options", "nosniff")])  # fmt: skip
    return [body]
