"""Shopper API for any game of a campaign: its view and its actions, by game key (the wheel also has its own
routes, /wheel and /wheel/spin, with answers shaped for its page)."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app
from flask_smorest import Blueprint

from games.engine.contract import Action
from games.engine.play import PlayResult, play, record_draw
from games.engine.player_views import game_view, shopper_view
from server import db
from server.api_play import IDEMPOTENCY_HEADER, SPIN_BODY_MAX_BYTES, played_once
from server.auth import require_role
from server.body_limits import read_small_body
from server.errors import SHOPPER_ERRORS, ApiError, documented_role
from server.input_guard import body_limit, load_json
from server.models import User
from server.schemas import GameActionResultSchema, GameViewSchema

blp = Blueprint("play-games", __name__, url_prefix="/api/play", description="Shoppers play any game of a campaign")

ACTION_BODY = {
    "required": False,
    "description": 'empty or the action\'s payload as a JSON object (e.g. {"day": "2026-12-03"} for the check-in\'s'
    f" make_up); {SPIN_BODY_MAX_BYTES} bytes at most",
    "content": {"application/json": {"schema": {"type": "object"}}},
}
GAME_KEY = "<string(maxlength=32):game>"  # a registered key is at most 32 characters
ACTION = "<string(maxlength=32):action>"


def _registry() -> Any:
    return current_app.extensions["carnival.registry"]


@blp.route(f"/<int:campaign_id>/games/{GAME_KEY}", methods=["GET"])
@require_role("shopper")
@blp.response(200, GameViewSchema)
@documented_role(blp, "shopper", {**SHOPPER_ERRORS, 404: "no such campaign, or the campaign has no such game"})
def game_state(campaign_id: int, game: str, user: User) -> dict[str, Any]:
    """A game's page state: what the game shows of the shopper's state, their points and seeds."""
    db_session = db.session()
    with db_session.begin():
        view = game_view(db_session, _registry(), campaign_id, user.id, game, db.now(), user.tier)
        return {"game": game, "view": view}


@blp.route(f"/<int:campaign_id>/games/{GAME_KEY}/{ACTION}", methods=["POST"])
@body_limit(SPIN_BODY_MAX_BYTES)
@require_role("shopper")
@blp.doc(parameters=[IDEMPOTENCY_HEADER], requestBody=ACTION_BODY)
@blp.alt_response(200, schema=GameActionResultSchema, success=True)
@documented_role(
    blp,
    "shopper",
    {
        400: "an action the game does not have; the body is not a JSON object; a missing or bad Idempotency-Key",
        **SHOPPER_ERRORS,
        404: "no such campaign, or the campaign has no such game",
        409: "the game refuses the action now (e.g. none left today), the campaign is not running, the same key"
        " is still in progress",
        413: f"a body over {SPIN_BODY_MAX_BYTES} bytes",
        422: "Idempotency-Key reused with another body",
        503: "the period's seed commitment could not be stored yet; retry",
    },
)
def game_action(campaign_id: int, game: str, action: str, user: User) -> Response:
    """Play ``action`` of ``game`` once: the server draws, grants and answers with the game's events, what
    was granted, the game's state now and the proof of the draw. The body (a JSON object, may be empty) is the
    action's payload, e.g. ``{"day": "2026-12-03"}`` for the check-in's ``make_up``."""
    user_id, tier = user.id, user.tier
    if game in _registry().names() and action in getattr(_registry().get(game), "private_actions", ()):
        raise ApiError(400, "unknown_action", f"the game '{game}' takes '{action}' through its own route only")
    raw = read_small_body(SPIN_BODY_MAX_BYTES)
    payload = load_json(raw) if raw.strip() else {}
    played = Action(action, payload if isinstance(payload, dict) else {})  # not an object: played_once says so

    def work(db_session: Any) -> tuple[PlayResult, dict[str, Any]]:
        result = play(db_session, _registry(), campaign_id, user_id, game, played, db.now, tier)
        view = shopper_view(db_session, result.view, user_id, db.now())
        result = record_draw(db_session, result)
        return result, _action_body(game, action, result, view)

    return played_once(campaign_id, user, work)


def _action_body(game: str, action: str, result: PlayResult, view: dict[str, Any]) -> dict[str, Any]:
    return GameActionResultSchema().dump(
        {
            "game": game,
            "action": action,
            "events": [{"name": event.name, "payload": event.payload} for event in result.events],
            "grants": [
                {"picked": g.picked, "granted": g.granted, "fallback_reason": g.fallback_reason} for g in result.grants
            ],
            "view": view,
            "proof": result.proof,
        }
    )
