"""The fair gate: places handed to waiters in arrival order, a wait that times out leaves the queue, and the
middleware answers 503 when no place frees in time and gives its place back when the answer is closed."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from server import admission
from server.admission import AdmissionMiddleware, FairGate
from server.config import settings_from


def _queue_up(gate: FairGate, count: int, order: list[int], release: threading.Event) -> list[threading.Thread]:
    """``count`` threads join the queue one after another (each waiting before the next starts)."""
    threads = []
    for index in range(count):

        def wait_turn(index: int = index) -> None:
            assert gate.enter(timeout=10)
            order.append(index)
            release.wait(10)
            gate.leave()

        thread = threading.Thread(target=wait_turn)
        thread.start()
        threads.append(thread)
        deadline = time.monotonic() + 5
        while gate.waiting() < index + 1 and time.monotonic() < deadline:
            time.sleep(0.001)
        assert gate.waiting() == index + 1
    return threads


def test_places_go_to_waiters_in_arrival_order() -> None:
    gate = FairGate(1)
    assert gate.enter(timeout=1)
    order: list[int] = []
    release = threading.Event()
    threads = _queue_up(gate, 8, order, release)
    release.set()
    gate.leave()
    for thread in threads:
        thread.join(10)
    assert order == list(range(8))
    assert gate.waiting() == 0


def test_a_newcomer_does_not_take_a_place_handed_to_a_waiter() -> None:
    gate = FairGate(1)
    assert gate.enter(timeout=1)
    order: list[int] = []
    release = threading.Event()
    threads = _queue_up(gate, 1, order, release)
    gate.leave()  # handed to the waiter, not freed
    assert not gate.enter(timeout=0.05)
    release.set()
    threads[0].join(10)
    assert order == [0]
    assert gate.enter(timeout=1)


def test_a_wait_that_times_out_leaves_the_queue() -> None:
    gate = FairGate(2)
    assert gate.enter(timeout=1) and gate.enter(timeout=1)
    started = time.monotonic()
    assert not gate.enter(timeout=0.1)
    assert time.monotonic() - started >= 0.09
    assert gate.waiting() == 0
    gate.leave()
    assert gate.enter(timeout=0)


def test_a_waiter_killed_while_waiting_leaves_no_place_behind(monkeypatch: pytest.MonkeyPatch) -> None:
    class Killed(threading.Event):
        def wait(self, timeout: float | None = None) -> bool:
            raise KeyboardInterrupt

    gate = FairGate(1)
    assert gate.enter(timeout=1)
    monkeypatch.setattr(admission.threading, "Event", Killed)
    with pytest.raises(KeyboardInterrupt):
        gate.enter(timeout=1)
    monkeypatch.undo()
    assert gate.waiting() == 0
    gate.leave()
    assert gate.enter(timeout=0)


class _Answer(list[bytes]):
    closed = False

    def close(self) -> None:
        self.closed = True


def _app(answer: _Answer | Exception) -> Any:
    def app(_environ: dict[str, Any], start_response: Any) -> _Answer:
        if isinstance(answer, Exception):
            raise answer
        start_response("200 OK", [])
        return answer

    return app


def _call(middleware: AdmissionMiddleware, path: str = "/api/play/1/mall", seen: list[Any] | None = None) -> Any:
    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        if seen is not None:
            seen.extend([status, dict(headers)])

    return middleware({"PATH_INFO": path}, start_response)


def test_the_middleware_answers_busy_when_no_place_frees_in_time() -> None:
    gate = FairGate(1)
    held = _call(AdmissionMiddleware(_app(_Answer([b"rows"])), gate, timeout=0.05))
    middleware = AdmissionMiddleware(_app(_Answer([b"ok"])), gate, timeout=0.05)
    seen: list[Any] = []
    body = _call(middleware, seen=seen)
    assert seen[0].startswith("503")
    assert (seen[1]["Retry-After"], seen[1]["Cache-Control"]) == ("1", "no-store")
    assert json.loads(b"".join(body))["error"] == "server_busy"
    assert list(_call(middleware, "/api/health")) == [b"ok"]  # the liveness check and static files pass by
    assert list(_call(middleware, "/static/play/play.css")) == [b"ok"]
    held.close()
    assert list(_call(middleware)) == [b"ok"]


def test_the_place_is_given_back_once_when_the_answer_closes_or_the_app_fails() -> None:
    gate = FairGate(1)
    inner = _Answer([b"ok"])
    answer = _call(AdmissionMiddleware(_app(inner), gate, timeout=0.05))
    assert not gate.enter(timeout=0)  # held while the answer is sent
    assert list(answer) == [b"ok"]
    answer.close()
    answer.close()  # a second close gives nothing back twice
    assert inner.closed
    assert gate.enter(timeout=0) and not gate.enter(timeout=0)
    gate.leave()
    failing = AdmissionMiddleware(_app(RuntimeError("boom")), gate, timeout=0.05)
    with pytest.raises(RuntimeError):
        _call(failing)
    assert gate.enter(timeout=0)


def test_only_a_gevent_server_puts_the_app_behind_the_gate(tmp_path: Path) -> None:
    environ = {"CARNIVAL_ENV": "testing", "CARNIVAL_DB_POOL_SIZE": "3", "CARNIVAL_DB_POOL_TIMEOUT": "2"}
    settings = settings_from(environ, tmp_path)
    threaded, cooperative = Flask("threaded"), Flask("cooperative")
    admission.init_app(threaded, settings, "threading")
    admission.init_app(cooperative, settings, "gevent")
    assert "carnival.admission" not in threaded.extensions
    gate = cooperative.extensions["carnival.admission"]
    assert gate.limit == 3 and isinstance(cooperative.wsgi_app, AdmissionMiddleware)
    assert cooperative.wsgi_app.timeout == 2
