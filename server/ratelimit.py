"""Rate limits (Flask-Limiter) on sign-in, launch, the host API, spins and Socket.IO connections, and the
lock-out after repeated wrong passwords.

Counters live in Redis when ``REDIS_URL`` is set (shared by every server process), in memory otherwise; when
Redis is unreachable they fall back to memory rather than refusing requests. Limits come from
:data:`server.auth_settings.DEFAULT_RATE_LIMITS`, replaced by ``CARNIVAL_RATE_LIMITS``. A refused request
answers 429 ``{"error": "rate_limited", "message": …}`` with ``Retry-After``.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable

from flask import Flask, Response, current_app, jsonify, request
from flask import session as cookie
from flask_limiter import Limiter, RateLimitExceeded
from flask_socketio import ConnectionRefusedError
from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage
from limits.strategies import STRATEGIES, RateLimiter

from server.errors import error_body
from server.sessions import token_hash

STRATEGY = "sliding-window-counter"
log = logging.getLogger("carnival.ratelimit")

#: The endpoints limited per request, each with the limit's name and what it counts by.
LIMITED_ENDPOINTS: dict[str, tuple[str, str]] = {
    "session.staff_login": ("login", "ip"),
    "session.launch": ("launch", "ip"),
    "pages.launch": ("launch", "ip"),
    "play.spin": ("spin", "session"),
}
LIMITED_BLUEPRINTS: dict[str, tuple[str, str]] = {"host": ("host", "ip")}


class TooManyAttempts(Exception):
    """A request refused by a limit checked in code; ``retry_after`` is in whole seconds."""

    def __init__(self, retry_after: int, message: str) -> None:
        super().__init__(message)
        self.retry_after, self.message = max(1, retry_after), message


def client_ip() -> str:
    """The client's address (the proxy's ``X-Forwarded-For`` when ``CARNIVAL_TRUSTED_PROXIES`` says so)."""
    return request.remote_addr or "unknown"


def session_or_ip() -> str:
    """The session (without a database read), else the client's address: what per-shopper limits count by."""
    token = cookie.get("sid")
    return f"session:{token_hash(token)[:32]}" if isinstance(token, str) else f"ip:{client_ip()}"


KEYS: dict[str, Callable[[], str]] = {"ip": client_ip, "session": session_or_ip}


def init_app(app: Flask) -> None:
    """Install the limiter on ``app`` (after its blueprints are registered) and the 429 answers."""
    settings = app.extensions["carnival.settings"]
    limiter = Limiter(
        client_ip,
        storage_uri=settings.redis_url or "memory://",
        strategy=STRATEGY,
        key_prefix=f"{settings.socketio_channel}:limits",
        headers_enabled=False,  # Retry-After only on 429 answers (see _rate_limited)
        in_memory_fallback_enabled=True,
        swallow_errors=True,
    )
    limiter.init_app(app)
    app.extensions["carnival.limiter"] = limiter
    app.extensions["carnival.counters"] = Counters(limiter, settings.rate_limits, f"{settings.socketio_channel}:limits")
    for endpoint, (name, key) in LIMITED_ENDPOINTS.items():
        view = limiter.shared_limit(settings.rate_limits[name], scope=name, key_func=KEYS[key])
        app.view_functions[endpoint] = view(app.view_functions[endpoint])
    for blueprint, (name, key) in LIMITED_BLUEPRINTS.items():
        limiter.limit(settings.rate_limits[name], key_func=KEYS[key], scope=name)(app.blueprints[blueprint])
    app.register_error_handler(RateLimitExceeded, _rate_limited)
    app.register_error_handler(TooManyAttempts, _too_many_attempts)


def _rate_limited(error: RateLimitExceeded) -> tuple[Response, int, dict[str, str]]:
    """429 in the JSON error shape, with ``Retry-After`` (seconds) and the limit that was reached."""
    breached = current_app.extensions["carnival.limiter"].current_limit
    retry_after = max(1, math.ceil(breached.reset_at - time.time())) if breached is not None else 60
    headers = {"Retry-After": str(retry_after)}
    if breached is not None:
        headers["X-RateLimit-Limit"] = str(breached.limit.amount)
    message = f"too many requests (limit {error.description}); try again in {retry_after} seconds"
    return jsonify(error_body("rate_limited", message)), 429, headers


def _too_many_attempts(error: TooManyAttempts) -> tuple[Response, int, dict[str, str]]:
    return jsonify(error_body("rate_limited", error.message)), 429, {"Retry-After": str(error.retry_after)}


def counters() -> Counters:
    """The app's counters for limits checked in code."""
    return current_app.extensions["carnival.counters"]


class Counters:
    """Limits checked in code (Socket.IO connections, wrong passwords) on the limiter's storage, falling back
    to memory while that storage is unreachable."""

    def __init__(self, limiter: Limiter, limits: dict[str, str], prefix: str) -> None:
        self._limiter, self._limits, self._prefix = limiter, limits, prefix
        self._fallback: RateLimiter = STRATEGIES[STRATEGY](MemoryStorage())

    @property
    def enabled(self) -> bool:
        """Whether limits are enforced (tests of other features may switch them off)."""
        return bool(self._limiter.enabled)

    def _items(self, name: str) -> list[RateLimitItem]:
        return parse_many(self._limits[name])

    def _run(self, call: Callable[[RateLimiter], bool]) -> bool:
        try:
            return call(self._limiter.limiter)
        except Exception:  # the storage (Redis) is down: count in memory meanwhile
            log.warning("rate limit storage unreachable; counting in memory", exc_info=True)
            return call(self._fallback)

    def hit(self, name: str, key: str) -> bool:
        """Count one event of limit ``name`` for ``key``; ``False`` when it is over the limit."""
        if not self.enabled:
            return True
        hits = [self._run(lambda lim, item=item: lim.hit(item, self._prefix, name, key)) for item in self._items(name)]
        return all(hits)

    def wait_seconds(self, name: str, key: str) -> int:
        """Seconds until ``key`` may try again under limit ``name`` (0 when it may now)."""
        if not self.enabled:
            return 0
        waits = [0]
        for item in self._items(name):
            if not self._run(lambda lim, item=item: lim.test(item, self._prefix, name, key)):
                waits.append(self._reset_in(item, name, key))
        return max(waits)

    def _reset_in(self, item: RateLimitItem, name: str, key: str) -> int:
        try:
            reset_at = self._limiter.limiter.get_window_stats(item, self._prefix, name, key).reset_time
        except Exception:
            reset_at = self._fallback.get_window_stats(item, self._prefix, name, key).reset_time
        return max(1, math.ceil(reset_at - time.time()))

    def clear(self, name: str, key: str) -> None:
        """Forget ``key``'s count under limit ``name``."""
        if self.enabled:
            for item in self._items(name):
                self._run(lambda lim, item=item: lim.clear(item, self._prefix, name, key) or True)


def check_socket_connect() -> None:
    """Count a Socket.IO connection from the client's address.

    :raises ConnectionRefusedError: with the JSON error body when over the ``socket`` limit.
    """
    if not counters().hit("socket", client_ip()):
        raise ConnectionRefusedError(
            "rate_limited", error_body("rate_limited", "too many connections; try again later")
        )
