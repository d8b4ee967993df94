"""Socket.IO: the /play namespace (per-user and per-campaign rooms) and what is emitted after commit."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_socketio import Namespace, SocketIO, join_room
from marshmallow import ValidationError

from games.campaigns.form import flatten
from games.engine.play import PlayResult
from server import db, serving
from server.api_public import find_campaign
from server.errors import ApiError, error_body
from server.models import User, mask_name
from server.ratelimit import check_socket_connect
from server.schemas import WatchSchema

PLAY = "/play"


def user_room(user_id: int) -> str:
    """The room of one shopper's own events."""
    return f"user:{user_id}"


def campaign_room(campaign_id: int) -> str:
    """The room of a campaign's public ticker."""
    return f"campaign:{campaign_id}"


class PlayNamespace(Namespace):
    """Shoppers' live events. Only signed-in shoppers may connect; they join their own room."""

    def on_connect(self, auth: Any = None) -> bool:
        """Refuse anyone but a signed-in shopper under their connection cap (and too many
        connects from one address); put them in their room.

        :raises ConnectionRefusedError: ``not_signed_in``, ``forbidden`` or ``too_many_connections``.
        """
        check_socket_connect()
        join_room(user_room(serving.require_role("shopper")))
        return True

    def on_disconnect(self, reason: Any = None) -> None:
        """Free the connection's place under the user's cap."""
        serving.release_user()

    def on_watch(self, data: Any = None) -> dict[str, Any]:
        """Join a published campaign's ticker room: ``{"campaign_id": 1}``; answers ``{"ok": true}``, or an
        error ``{"error": code, "message": text}`` (with ``fields`` for invalid input)."""
        try:
            campaign_id = WatchSchema().load(data)["campaign_id"]
        except ValidationError as error:
            return error_body("invalid_input", "some fields are invalid", flatten(error.messages))
        db_session = db.session()
        try:
            with db_session.begin():
                find_campaign(campaign_id)
        except ApiError as error:
            return error_body(error.code, error.message)
        try:
            join_room(campaign_room(campaign_id))
        except ValueError:  # the page went away (a tab to another game) while the database was asked
            return error_body("not_connected", "the connection closed before it could watch the campaign")
        return {"ok": True}


def init_app(socketio: SocketIO) -> None:
    """Register the namespaces."""
    socketio.on_namespace(PlayNamespace(PLAY))


def announce(user: User, result: PlayResult) -> None:
    """Emit a committed play: every event to the shopper, broadcast-flagged wins to the campaign ticker."""
    socketio: SocketIO = current_app.extensions["socketio"]
    for event in result.events:
        socketio.emit(event.name, event.payload, namespace=PLAY, to=user_room(user.id))
        if event.broadcast:
            ticker = {"who": mask_name(user.display_name), "prize": event.payload.get("prize")}
            socketio.emit("ticker", ticker, namespace=PLAY, to=campaign_room(result.campaign_id))
    current_app.extensions["carnival.ops_broadcaster"].changed(result.campaign_id)
    granted = [g.granted for g in result.grants if g.granted]
    if granted:
        socketio.emit(
            "reward", {"campaign_id": result.campaign_id, "prizes": granted}, namespace=PLAY, to=user_room(user.id)
        )


def announce_lifecycle(campaign_id: int, lifecycle: str) -> None:
    """Tell the campaign's open shopper pages its lifecycle changed (paused, resumed), once committed."""
    socketio: SocketIO = current_app.extensions["socketio"]
    payload = {"campaign_id": campaign_id, "lifecycle": lifecycle}
    db.after_commit(lambda: socketio.emit("campaign", payload, namespace=PLAY, to=campaign_room(campaign_id)))
