"""The /ops Socket.IO namespace: ops watch a campaign and get its metrics pushed.

A background task pushes each watched campaign's metrics on a schedule of deadlines every
1.5 seconds (so consecutive pushes are never 2 seconds apart, even when a push runs late), and sooner
(within half a second) after a committed spin marks the campaign as changed.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from flask import Flask, request
from flask_socketio import Namespace, SocketIO, emit, join_room
from marshmallow import ValidationError

from games.campaigns.form import flatten
from server import serving
from server.api_ops import current_metrics
from server.auth import current_user
from server.errors import ApiError, error_body
from server.outage import UNAVAILABLE
from server.ratelimit import check_socket_connect
from server.schemas import WatchSchema
from server.schemas_ops import MetricsSchema

OPS = "/ops"
PERIOD_SECONDS = 1.5  # the dashboard promises an update at least every 2 seconds
TICK_SECONDS = 0.5  # how often changed campaigns are looked for


def ops_room(campaign_id: int) -> str:
    """The room of the ops watching one campaign."""
    return f"ops:campaign:{campaign_id}"


class OpsBroadcaster:
    """Who watches which campaign, which changed, and the task that pushes their metrics.

    The task runs while anyone watches and stops when the last watcher leaves.
    """

    def __init__(self, app: Flask, socketio: SocketIO) -> None:
        self._app, self._socketio = app, socketio
        self._lock = threading.Lock()
        self._watchers: dict[str, set[int]] = {}
        self._deadlines: dict[int, float] = {}  # campaign -> time.monotonic() of its next periodic push
        self._changed: set[int] = set()
        self._running = False

    def watch(self, sid: str, campaign_id: int) -> None:
        """``sid`` watches ``campaign_id``; starts the task on first use."""
        with self._lock:
            self._watchers.setdefault(sid, set()).add(campaign_id)
            self._deadlines.setdefault(campaign_id, time.monotonic() + PERIOD_SECONDS)
            if not self._running:
                self._running = True
                self._socketio.start_background_task(self._run)

    def leave(self, sid: str) -> None:
        """``sid`` disconnected."""
        with self._lock:
            self._watchers.pop(sid, None)
            watched = set().union(*self._watchers.values()) if self._watchers else set()
            for campaign_id in set(self._deadlines) - watched:
                del self._deadlines[campaign_id]

    def changed(self, campaign_id: int) -> None:
        """A spin of ``campaign_id`` committed: push soon."""
        with self._lock:
            if campaign_id in self._deadlines:
                self._changed.add(campaign_id)

    def snapshot(self, campaign_id: int) -> dict[str, Any]:
        """The campaign's metrics as JSON."""
        with self._app.app_context():
            return MetricsSchema().dump(current_metrics(campaign_id))

    def _due(self, now: float) -> list[int] | None:
        """Campaigns to push now; ``None`` when nobody watches any more (the task ends).

        A pushed campaign's next deadline is one period after this one, or after ``now`` when the
        push ran a whole period late or early (a change was pushed): pushes stay a period apart.
        """
        with self._lock:
            if not self._deadlines:
                self._running = False
                return None
            due = [c for c, deadline in self._deadlines.items() if c in self._changed or now >= deadline]
            for campaign_id in due:
                deadline = self._deadlines[campaign_id]
                on_time = deadline <= now < deadline + PERIOD_SECONDS
                self._deadlines[campaign_id] = (deadline if on_time else now) + PERIOD_SECONDS
            self._changed.difference_update(due)
            return due

    def _pause(self, now: float) -> float:
        """Seconds to sleep: until the next deadline, but at most a tick (to see changes soon)."""
        with self._lock:
            earliest = min(self._deadlines.values(), default=now + TICK_SECONDS)
        return min(max(earliest - now, 0.0), TICK_SECONDS)

    def _push(self, campaign_id: int) -> None:
        try:
            payload = self.snapshot(campaign_id)
        except UNAVAILABLE as error:  # logged once per outage
            self._app.extensions["carnival.outages"].failed(error)
            return
        except Exception:  # one failing campaign must not stop the others
            self._app.logger.exception("metrics of campaign %s failed", campaign_id)
            return
        self._socketio.emit("metrics", payload, namespace=OPS, to=ops_room(campaign_id))

    def _run(self) -> None:
        while (due := self._due(time.monotonic())) is not None:
            for campaign_id in due:
                self._push(campaign_id)
            self._socketio.sleep(self._pause(time.monotonic()))


class OpsNamespace(Namespace):
    """Ops' live dashboard. Only signed-in ops may connect."""

    def __init__(self, namespace: str, broadcaster: OpsBroadcaster) -> None:
        super().__init__(namespace)
        self._broadcaster = broadcaster

    def on_connect(self, auth: Any = None) -> bool:
        """Refuse anyone but ops under their connection cap (and too many connects from one address).

        :raises ConnectionRefusedError: ``not_signed_in``, ``forbidden`` or ``too_many_connections``.
        """
        check_socket_connect()
        serving.require_role("ops")
        return True

    def on_disconnect(self, reason: Any = None) -> None:
        """Stop pushing to this connection; free its place under the user's cap."""
        self._broadcaster.leave(request.sid)
        serving.release_user()

    def on_watch(self, data: Any = None) -> dict[str, Any]:
        """Watch a campaign: ``{"campaign_id": 1}``; answers ``{"ok": true}`` and pushes its metrics, or
        answers an error ``{"error": code, "message": text}`` (with ``fields`` for invalid input)."""
        user = current_user()
        if user is None or user.role != "ops":
            return error_body("forbidden", "your account may not do this")
        try:
            campaign_id = WatchSchema().load(data)["campaign_id"]
        except ValidationError as error:
            return error_body("invalid_input", "some fields are invalid", flatten(error.messages))
        try:
            payload = self._broadcaster.snapshot(campaign_id)
        except ApiError as error:
            return error_body(error.code, error.message, error.fields)
        join_room(ops_room(campaign_id))
        self._broadcaster.watch(request.sid, campaign_id)
        emit("metrics", payload)
        return {"ok": True}


def init_app(app: Flask, socketio: SocketIO) -> None:
    """Register the /ops namespace and its broadcaster."""
    broadcaster = OpsBroadcaster(app, socketio)
    app.extensions["carnival.ops_broadcaster"] = broadcaster
    socketio.on_namespace(OpsNamespace(OPS, broadcaster))
