"""Shopper API of share-to-unlock (分享助力): start a share (its link code made here), a helper's landing (what they
give and get, and whether the rules let them), and an assist (the helper and the sharer locked together, every
attempt logged for the fraud report, the sharer told live)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from flask import Response, current_app
from flask_smorest import Blueprint
from sqlalchemy import select
from sqlalchemy.orm import Session

from games.engine.contract import Action, Profile
from games.engine.play import PlayResult, campaign_viewer, play, record_draw, running_campaign
from games.engine.player_views import prize_views, shopper_view
from games.models import GameState
from games.share.links import Attempt, Found, log, record_code, resolve
from games.share.rules import REFUSALS, Helper, refusal
from server import db
from server.api_play import IDEMPOTENCY_HEADER, played_once
from server.auth import require_role
from server.errors import SHOPPER_ERRORS, ApiError, documented_role
from server.models import User, mask_name
from server.realtime import PLAY, user_room
from server.schemas import GameActionResultSchema
from server.share_links import new_code, signed

blp = Blueprint("play-share", __name__, url_prefix="/api/play", description="Shoppers share and help (分享助力)")
GAME = "share"
CODE = "<string(maxlength=64):code>"


def _registry() -> Any:
    return current_app.extensions["carnival.registry"]


def profile_of(user: User) -> Profile:
    """What the host's launch token last said of ``user``."""
    return Profile(user.device_hash, user.risk_flag, user.host_joined_on)


@blp.route("/<int:campaign_id>/share", methods=["POST"])
@require_role("shopper")
@blp.doc(parameters=[IDEMPOTENCY_HEADER])
@blp.alt_response(200, schema=GameActionResultSchema, success=True)
@documented_role(blp, "shopper", {**SHOPPER_ERRORS, 404: "no such campaign or share game", 409: "share_active"})
def start_share(campaign_id: int, user: User) -> Response:
    """Start a share: its link code (opaque, signed, expiring with the share) is in ``view.share.code`` and the
    page to send friends in ``link``."""
    user_id, tier, profile, code = user.id, user.tier, profile_of(user), new_code()

    def work(db_session: Session) -> tuple[PlayResult, dict[str, Any]]:
        result = play(db_session, _registry(), campaign_id, user_id, GAME, Action("start", {"code": code}), db.now,
                      tier, profile)  # fmt: skip
        started = result.events[0].payload
        expires = datetime.fromisoformat(started["expires_at"])
        record_code(db_session, code, Found(campaign_id, user_id, started["number"], expires))
        return result, _body("start", result, shopper_view(db_session, result.view, user_id, db.now()), code)

    return played_once(campaign_id, user, work)


@blp.route(f"/<int:campaign_id>/share/{CODE}", methods=["GET"])
@require_role("shopper")
@documented_role(blp, "shopper", {**SHOPPER_ERRORS, 404: "share_not_found"})
def landing(campaign_id: int, code: str, user: User) -> dict[str, Any]:
    """A helper's landing: whose share (masked), its progress and thresholds, what a helper may draw, and the
    reason the rules would refuse this shopper's help now (``refusal``, null when they may help)."""
    db_session = db.session()
    with db_session.begin():
        found = _found(db_session, campaign_id, code)
        campaign, config = running_campaign(db_session, _registry(), campaign_id, db.now())
        game, share_config = _registry().get(GAME), config.games[GAME]
        sharer_state, helper_state = (_state(db_session, game, campaign_id, who) for who in (found.sharer_id, user.id))
        sharer = db_session.get(User, found.sharer_id)
        viewer = campaign_viewer(campaign, db.now(), "")
        helper = Helper(user.id, user.device_hash, user.risk_flag, user.host_joined_on)
        why = refusal(share_config, helper, helper_state, found.sharer_id, sharer_state, found.number, db.now(),
                      viewer.today)  # fmt: skip
        share = sharer_state.share(found.number)
        prizes = prize_views(config)
        return {
            "campaign_name": campaign.name,
            "campaign_name_en": campaign.name_en,
            "sharer": mask_name(sharer.display_name if sharer else ""),
            "share": None if share is None else {"valid": share.valid(), "expires_at": share.expires_at},
            "goal": share_config.goal,
            "thresholds": [{"assists": t.assists, "prize": prizes[t.prize]} for t in share_config.thresholds],
            "helper_prizes": [{"prize": prizes[p.prize], "weight": p.weight} for p in share_config.helper_prizes],
            "refusal": why,
        }


@blp.route(f"/<int:campaign_id>/share/{CODE}/assist", methods=["POST"])
@require_role("shopper")
@blp.doc(parameters=[IDEMPOTENCY_HEADER])
@blp.alt_response(200, schema=GameActionResultSchema, success=True)
@documented_role(
    blp, "shopper", {**SHOPPER_ERRORS, 404: "share_not_found", 409: "a fraud rule's code (share_expired, ...)"}
)
def assist(campaign_id: int, code: str, user: User) -> Response:
    """Help a friend's share: the helper and the sharer are locked together; the answer says whether the assist
    counted (``accepted``), waits for review (``held``) or was refused (409 with the rule's code), and what the
    helper drew."""
    user_id, tier, profile, name = user.id, user.tier, profile_of(user), user.display_name  # read before commits
    db_session = db.session()
    with db_session.begin():
        found = _found(db_session, campaign_id, code)
    attempt = Attempt(campaign_id, found.sharer_id, found.number, user_id, profile.device, "accepted")

    def work(session: Session) -> tuple[PlayResult, dict[str, Any]]:
        action = Action("assist", {"share": found.number, "name": mask_name(name)})
        result = play(session, _registry(), campaign_id, user_id, GAME, action, db.now, tier, profile,
                      partner=found.sharer_id)  # fmt: skip
        log(session, Attempt(**{**attempt.__dict__, "result": result.events[0].payload["status"]}), db.now())
        result = record_draw(session, result)
        return result, _body("assist", result, shopper_view(session, result.view, user_id, db.now()), code)

    response = played_once(campaign_id, user, work)
    _after_assist(response, attempt, found, name)
    return response


def _after_assist(response: Response, attempt: Attempt, found: Found, helper_name: str) -> None:
    """Log a refusal (its transaction rolled back) and tell the sharer of an assist that counted or waits."""
    if response.headers.get("Idempotent-Replayed"):
        return
    body = response.get_json(silent=True) or {}
    if response.status_code >= 400 and body.get("error") in REFUSALS:
        db_session = db.session()
        with db_session.begin():
            log(db_session, Attempt(**{**attempt.__dict__, "result": "refused", "code": body["error"]}), db.now())
    elif response.status_code == 200:
        payload = body["events"][0]["payload"]
        socketio = current_app.extensions["socketio"]
        told = {"helper": mask_name(helper_name), "status": payload["status"], "valid": payload["valid"],
                "goal": payload["goal"], "share": found.number}  # fmt: skip
        socketio.emit("share.assisted", told, namespace=PLAY, to=user_room(found.sharer_id))


def _found(db_session: Session, campaign_id: int, code: str) -> Found:
    found = resolve(db_session, code) if signed(code) else None
    if found is None or found.campaign_id != campaign_id:
        raise ApiError(404, "share_not_found", "this share link is not valid")
    return found


def _state(db_session: Session, game: Any, campaign_id: int, user_id: int) -> Any:
    where = (GameState.campaign_id == campaign_id, GameState.user_id == user_id, GameState.game == GAME)
    row = db_session.scalars(select(GameState).where(*where)).one_or_none()
    return game.load_state(json.loads(row.state_json)) if row else game.initial_state()


def _body(action: str, result: PlayResult, view: dict[str, Any], code: str) -> dict[str, Any]:
    body = GameActionResultSchema().dump(
        {
            "game": GAME,
            "action": action,
            "events": [{"name": e.name, "payload": e.payload} for e in result.events],
            "grants": [
                {"picked": g.picked, "granted": g.granted, "fallback_reason": g.fallback_reason} for g in result.grants
            ],
            "view": view,
            "proof": result.proof,
        }
    )
    return {**body, "link": f"/play/{result.campaign_id}/share/{code}"}
