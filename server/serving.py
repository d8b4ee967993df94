"""How Socket.IO is served: the async mode of the server process, the client's address, connection caps.

In production gunicorn runs a gevent worker (``-k gevent``): an idle WebSocket is a parked greenlet,
not a request thread, so thousands of open wheel pages leave HTTP answering. ``make demo`` and the tests
run unpatched and use threads. Two caps bound what one client can hold, in each server process:

- every Engine.IO connection (signed in or not) counts against its client address
  (``CARNIVAL_SOCKETS_PER_IP``); one over the cap is refused with 401 ``{"error": "too_many_connections", ...}``;
- every namespace connection of a signed-in user counts against that user (``CARNIVAL_SOCKETS_PER_USER``);
  one over the cap gets a connect error ``too_many_connections``.

Behind reverse proxies the client's address comes from ``X-Forwarded-For``, trusting as many hops as
``CARNIVAL_TRUSTED_PROXIES`` says (Werkzeug's ``ProxyFix``); with none trusted it is the peer address.
"""

from __future__ import annotations

import base64
import binascii
import json
import sys
import threading
from collections import Counter
from collections.abc import Callable, Hashable
from typing import Any

from flask import Flask, current_app, request
from flask_socketio import ConnectionRefusedError, SocketIO
from werkzeug.middleware.proxy_fix import ProxyFix

from server.auth import current_user
from server.config import Settings
from server.errors import error_body

TOO_MANY = "too_many_connections"
ADDRESS_FULL = {"error": TOO_MANY, "message": "too many connections from your address; close a page"}
USER_FULL = {"error": TOO_MANY, "message": "too many open pages; close one"}


def async_mode() -> str:
    """``"gevent"`` in a process gevent has patched (gunicorn ``-k gevent``), else ``"threading"``."""
    monkey = sys.modules.get("gevent.monkey")
    return "gevent" if monkey is not None and monkey.is_module_patched("socket") else "threading"


class Cap:
    """At most ``limit`` live connections per owner (an address or a user); connections are named by id."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._lock = threading.Lock()
        self._owners: dict[str, Hashable] = {}
        self._counts: Counter[Hashable] = Counter()

    def admit(self, connection: str, owner: Hashable) -> bool:
        """Count ``connection`` for ``owner`` if the owner is under the limit; ``False`` if not."""
        with self._lock:
            if self._counts[owner] >= self.limit:
                return False
            self._owners[connection] = owner
            self._counts[owner] += 1
            return True

    def release(self, connection: str) -> None:
        """``connection`` closed (nothing happens for one never admitted)."""
        with self._lock:
            owner = self._owners.pop(connection, None)
            if owner is None:
                return
            self._counts[owner] -= 1
            if self._counts[owner] <= 0:
                del self._counts[owner]

    def count(self, owner: Hashable) -> int:
        """Live connections of ``owner``."""
        with self._lock:
            return self._counts[owner]


def init_app(app: Flask, socketio: SocketIO, settings: Settings) -> None:
    """Cap connections per address and per user, and trust ``settings.trusted_proxies`` proxies.

    Call after ``SocketIO(app)`` so the proxy fix also covers the Socket.IO endpoint.
    """
    per_ip, per_user = Cap(settings.sockets_per_ip), Cap(settings.sockets_per_user)
    app.extensions["carnival.sockets_per_ip"] = per_ip
    app.extensions["carnival.sockets_per_user"] = per_user
    _cap_transports(socketio, per_ip)
    app.wsgi_app = WebSocketHandshakeGuard(app.wsgi_app)  # type: ignore[method-assign]
    if settings.trusted_proxies:
        hops = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops, x_prefix=hops)  # type: ignore[method-assign]


class WebSocketHandshakeGuard:
    """Answer 400 with the JSON error body to a WebSocket upgrade without a valid handshake (RFC 6455 4.2.1:
    a GET with ``Sec-WebSocket-Key`` of 16 bytes in base64 and ``Sec-WebSocket-Version: 13``), which would
    otherwise fail inside the WebSocket library with a 500 and a traceback. Every other request passes."""

    def __init__(self, wsgi_app: Callable[..., Any]) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        """The WSGI entry point."""
        if environ.get("HTTP_UPGRADE", "").lower() == "websocket" and not _valid_handshake(environ):
            body = json.dumps(error_body("bad_websocket_upgrade", BAD_UPGRADE_MESSAGE)).encode()
            headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
            start_response("400 BAD REQUEST", headers)
            return [body]
        return self.wsgi_app(environ, start_response)


BAD_UPGRADE_MESSAGE = "a WebSocket upgrade needs a GET with Sec-WebSocket-Key and Sec-WebSocket-Version: 13"


def _valid_handshake(environ: dict[str, Any]) -> bool:
    key = environ.get("HTTP_SEC_WEBSOCKET_KEY", "")
    try:
        sixteen_bytes = len(base64.b64decode(key, validate=True)) == 16
    except (binascii.Error, ValueError):
        sixteen_bytes = False
    return (
        environ.get("REQUEST_METHOD") == "GET"
        and sixteen_bytes
        and environ.get("HTTP_SEC_WEBSOCKET_VERSION", "").strip() == "13"
    )


def _cap_transports(socketio: SocketIO, cap: Cap) -> None:
    """Wrap Socket.IO's own Engine.IO connect and disconnect handlers with the per-address cap."""
    eio = socketio.server.eio
    connect: Callable[..., Any] = eio.handlers["connect"]
    disconnect: Callable[..., Any] = eio.handlers["disconnect"]

    def on_connect(eio_sid: str, environ: dict[str, Any]) -> Any:
        if not cap.admit(eio_sid, environ.get("REMOTE_ADDR", "")):
            return dict(ADDRESS_FULL)  # Engine.IO answers 401 with it as the JSON body
        return connect(eio_sid, environ)

    def on_disconnect(eio_sid: str, *args: Any) -> Any:
        cap.release(eio_sid)
        return disconnect(eio_sid, *args)

    eio.on("connect", on_connect)
    eio.on("disconnect", on_disconnect)


def admit_user(user_id: int) -> None:
    """Count this namespace connection (``request.sid``) for ``user_id``.

    :raises ConnectionRefusedError: ``too_many_connections`` when the user holds the most allowed.
    """
    cap: Cap = current_app.extensions["carnival.sockets_per_user"]
    if not cap.admit(request.sid, user_id):  # type: ignore[attr-defined]
        raise ConnectionRefusedError(TOO_MANY, dict(USER_FULL))


def release_user() -> None:
    """This namespace connection (``request.sid``) closed."""
    current_app.extensions["carnival.sockets_per_user"].release(request.sid)  # type: ignore[attr-defined]


def require_role(role: str) -> int:
    """The id of the signed-in user with ``role``, counted against their cap (``admit_user``).

    :raises ConnectionRefusedError: ``not_signed_in``, ``forbidden`` (another role) or ``too_many_connections``.
    """
    user = current_user()
    if user is None:
        raise ConnectionRefusedError("not_signed_in", {"error": "not_signed_in", "message": "please sign in again"})
    if user.role != role:
        raise ConnectionRefusedError("forbidden", {"error": "forbidden", "message": "your account may not do this"})
    admit_user(user.id)
    return user.id
