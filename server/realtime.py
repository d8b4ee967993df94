"""Socket.IO: the /play namespace (per-user and per-campaign rooms) and what is emitted after commit."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_socketio import Namespace, SocketIO, join_room

from games.engine import PlayResult
from server.auth import current_user
from server.models import User

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
        """Refuse anyone but a signed-in shopper; put them in their room."""
        user = current_user()
        if user is None or user.role != "shopper":
            return False
        join_room(user_room(user.id))
        return True

    def on_watch(self, data: Any) -> dict[str, Any]:
        """Join a campaign's ticker room: ``{"campaign_id": 1}``."""
        campaign_id = data.get("campaign_id") if isinstance(data, dict) else None
        if not isinstance(campaign_id, int):
            return {"error": "invalid_input", "message": "campaign_id must be an integer"}
        join_room(campaign_room(campaign_id))
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


def mask_name(name: str) -> str:
    """A display name safe to show others: first character and stars (张** / A***)."""
    return (name[:1] + "*" * max(len(name) - 1, 2)) if name else "***"
