"""The database out of reach (down, unreachable, or no pooled connection free in time).

Requests then answer 503 with ``Retry-After`` and the JSON error body, and the log gets one line when an
outage starts and one when the database answers again, never a traceback per request.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, jsonify
from sqlalchemy import Engine, event
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from server.errors import error_body

RETRY_AFTER_SECONDS = 5
QUIET_SECONDS = 60.0
UNAVAILABLE: tuple[type[Exception], ...] = (OperationalError, InterfaceError, PoolTimeoutError)


def summary(error: BaseException) -> str:
    """The cause of ``error`` on one line: the driver's exception class and the first line of its message."""
    cause = getattr(error, "orig", None) or error
    lines = str(cause).strip().splitlines()
    return f"{type(cause).__name__}: {lines[0] if lines else ''}".strip()


class OutageLog:
    """Counts requests refused while the database is out of reach and logs each outage once.

    An outage starts with the first failure after the database last answered; it is logged unless another
    outage was logged less than :data:`QUIET_SECONDS` ago (a flapping database gives one line a minute).
    It ends with the first statement that succeeds, logged with the number of requests refused meanwhile.
    """

    def __init__(self, logger: logging.Logger, clock: Callable[[], float] = time.monotonic) -> None:
        self._logger, self._clock, self._lock = logger, clock, threading.Lock()
        self._down, self._reported, self._refused = False, False, 0
        self._last_report: float | None = None

    def failed(self, error: BaseException) -> None:
        """A request (or background task) could not reach the database."""
        with self._lock:
            self._refused += 1
            if self._down:
                return
            self._down = True
            now = self._clock()
            if self._last_report is not None and now - self._last_report < QUIET_SECONDS:
                return
            self._last_report, self._reported = now, True
        self._logger.error("database unavailable, answering 503 until it is back (%s)", summary(error))

    def answered(self) -> None:
        """A statement succeeded: the database is back, if it was away."""
        if not self._down:  # the hot path: no lock while all is well
            return
        with self._lock:
            if not self._down:
                return
            self._down, reported = False, self._reported
            refused = self._refused
            if reported:
                self._reported, self._refused = False, 0
        if reported:
            self._logger.warning("database available again; %d requests were refused meanwhile", refused)


def unavailable_response() -> tuple[Response, int]:
    """The 503 answer while the database is out of reach."""
    body = error_body("database_unavailable", "the service is briefly unavailable; try again in a few seconds")
    response = jsonify(body)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response, 503


def init_app(app: Flask, engine: Engine) -> OutageLog:
    """Answer database outages with 503 and log them through an :class:`OutageLog` kept in ``app.extensions``."""
    outages = OutageLog(app.logger)
    app.extensions["carnival.outages"] = outages

    @event.listens_for(engine, "after_cursor_execute")
    def _answered(*_: Any) -> None:
        outages.answered()

    def _refuse(error: Exception) -> tuple[Response, int]:
        outages.failed(error)
        return unavailable_response()

    for kind in UNAVAILABLE:
        app.register_error_handler(kind, _refuse)
    return outages
