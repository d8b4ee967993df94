"""Shopper API: the wheel (view, spin), the client seed, the wallet."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from flask import Response, current_app, jsonify, request
from flask_smorest import Blueprint

from economy.items import items_held
from economy.wallet import coupon_as_of, wallet
from games.engine.contract import Action
from games.engine.play import PlayResult, active_campaign, commit_seeds, play, record_draw, set_client_seed
from games.engine.player_views import game_view, history_with_names, prize_views, shopper_view
from games.fairness import records
from server import db, realtime
from server.auth import require_role
from server.body_limits import read_small_body
from server.errors import SHOPPER_ERRORS, ApiError, documented_role
from server.idempotency import Answer, request_fingerprint, run_once
from server.input_guard import body_limit, load_json
from server.models import User
from server.schemas import ClientSeedSchema, RecordPlaceSchema, SpinResultSchema, WalletSchema, WheelViewSchema

blp = Blueprint("play", __name__, url_prefix="/api/play", description="Shoppers play and see their wallet")

IDEMPOTENCY_HEADER = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": True,
    "schema": {"type": "string"},
    "description": "8-128 characters, new for every new action; retries reuse it",
}


SPIN_BODY_MAX_BYTES = 1024
SPIN_BODY = {
    "required": False,
    "description": f"empty or {{}} (the server decides everything); {SPIN_BODY_MAX_BYTES} bytes at most",
    "content": {"application/json": {"schema": {"type": "object", "additionalProperties": False}}},
}


def _registry() -> Any:
    return current_app.extensions["carnival.registry"]


@blp.route("/<int:campaign_id>/wheel", methods=["GET"])
@require_role("shopper")
@blp.response(200, WheelViewSchema)
@documented_role(blp, "shopper", {**SHOPPER_ERRORS, 404: "no such campaign"})
def wheel(campaign_id: int, user: User) -> dict[str, Any]:
    """The wheel page's state: slots, spins left, points, seeds."""
    db_session = db.session()
    with db_session.begin():
        view = game_view(db_session, _registry(), campaign_id, user.id, "wheel", db.now())
    return {**view, "earn_points_url": current_app.extensions["carnival.settings"].earn_points_url}


@blp.route("/<int:campaign_id>/wheel/spin", methods=["POST"])
@body_limit(SPIN_BODY_MAX_BYTES)
@require_role("shopper")
@blp.doc(parameters=[IDEMPOTENCY_HEADER], requestBody=SPIN_BODY)
@blp.alt_response(200, schema=SpinResultSchema, success=True)
@documented_role(
    blp,
    "shopper",
    {
        400: "the body is not a JSON object, or the Idempotency-Key is missing or not 8-128 characters",
        **SHOPPER_ERRORS,
        404: "no such campaign",
        409: "no spins left, insufficient points, campaign paused or not running, the same key still in progress",
        413: f"a body over {SPIN_BODY_MAX_BYTES} bytes",
        422: "Idempotency-Key reused with another body",
        503: "the period's seed commitment could not be stored yet; retry",
    },
)
def spin(campaign_id: int, user: User) -> Response:
    """Spin once. The server draws, grants and answers where the wheel lands."""
    user_id, tier = user.id, user.tier  # read once: a rolled-back attempt expires the user object

    def work(db_session: Any) -> tuple[PlayResult, dict[str, Any]]:
        result = play(db_session, _registry(), campaign_id, user_id, "wheel", Action("spin"), db.now, tier)
        wheel_now = shopper_view(db_session, result.view, user_id, db.now())
        if result.view.game_view.get("spin_item"):  # only a wheel that takes items reads them
            wheel_now["items_held"] = items_held(db_session, campaign_id, user_id)
        result = record_draw(db_session, result)
        return result, _spin_body(result, wheel_now)

    return played_once(campaign_id, user, work)


def played_once(campaign_id: int, user: User, work: Callable[[Any], tuple[PlayResult, dict[str, Any]]]) -> Response:
    """Run one play ``work`` (a session in, the play's result and answer body out) once per Idempotency-Key,
    committing the period's seed first when the clock is behind; announce the play over Socket.IO after the
    commit. The request body must be empty or a JSON object of at most ``SPIN_BODY_MAX_BYTES``."""
    raw = read_small_body(SPIN_BODY_MAX_BYTES)
    _require_json_object(raw)
    played: list[PlayResult] = []
    user_id = user.id  # read once: a rolled-back attempt expires the user object

    def answered(db_session: Any) -> Answer:
        result, body = work(db_session)
        played.append(result)
        return Answer(200, body)

    fingerprint = request_fingerprint("POST", request.path, raw)
    key = request.headers.get("Idempotency-Key")
    try:
        answer = run_once(db.session(), user_id, key, fingerprint, answered)
    except ApiError as error:
        if error.code != "seed_not_committed":
            raise
        _commit_seeds(campaign_id)  # the clock is behind: commit in a transaction of its own, then draw
        played.clear()
        answer = run_once(db.session(), user_id, key, fingerprint, answered)
    if played and answer.status == 200 and not answer.replayed:
        realtime.announce(user, played[0])
    response = jsonify(answer.body)
    response.status_code = answer.status
    if answer.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response


def _commit_seeds(campaign_id: int) -> None:
    db_session = db.session()
    with db_session.begin():
        commit_seeds(db_session, campaign_id, db.now())


def _require_json_object(raw: bytes) -> None:
    if not raw.strip():
        return
    if not isinstance(load_json(raw), dict):
        raise ApiError(400, "invalid_json", "the request body must be a JSON object")


@cache
def _spin_result_schema() -> SpinResultSchema:
    """One schema for every spin's answer (building a schema is costly; dumping with one is thread-safe)."""
    return SpinResultSchema()


def _spin_body(result: PlayResult, wheel_now: dict[str, Any]) -> dict[str, Any]:
    spun = result.events[0].payload
    prize = prize_views(result.view.config)[spun["prize"]]
    return _spin_result_schema().dump(
        {
            "slot": spun["slot"],
            "prize": prize,
            "picked": spun["picked"],
            "fallback_reason": spun["fallback_reason"],
            "amount_fen": spun.get("amount_fen") if spun["fallback_reason"] is None else None,
            "coupon_valid_until": _coupon_valid_until(result, spun["prize"]),
            "proof": result.proof,
            "wheel": wheel_now,
        }
    )


def _coupon_valid_until(result: PlayResult, granted: str) -> datetime | None:
    """Until when the coupon this spin issued is valid (the economy issues it valid from the draw's moment for
    its template's days); None when no coupon was granted."""
    if result.facts is None or result.facts.granted != granted:
        return None
    coupon = result.view.config.pool.prize(granted).reward.coupon
    return None if coupon is None else result.facts.created_at + timedelta(days=coupon.valid_days)


@blp.route("/<int:campaign_id>/records/<string:period>/<int(min=0):nonce>", methods=["GET"])
@require_role("shopper")
@blp.response(200, RecordPlaceSchema)
@documented_role(
    blp, "shopper", {**SHOPPER_ERRORS, 404: "you made no draw with this period and nonce in this campaign"}
)
def record_place(campaign_id: int, period: str, nonce: int, user: User) -> dict[str, Any]:
    """Your draw's place in the log (sequence number and hash), once sealed: a spin's proof has them null."""
    db_session = db.session()
    with db_session.begin():
        found = records.place_of(db_session, campaign_id, user.id, period[:32], nonce)
        if found is None:
            raise ApiError(404, "record_not_found", "no draw of yours has this period and nonce")
        place = {"seq": found.seq, "hash": found.hash, "sealed": found.seq is not None}
        return {"period": found.period_key, "nonce": found.nonce, **place}


@blp.route("/<int:campaign_id>/client-seed", methods=["PUT"])
@require_role("shopper")
@blp.arguments(ClientSeedSchema)
@blp.response(200, ClientSeedSchema)
@documented_role(blp, "shopper", {**SHOPPER_ERRORS, 404: "no such campaign", 409: "campaign paused or not running"})
def client_seed(body: dict[str, str], campaign_id: int, user: User) -> dict[str, str]:
    """Choose the client seed mixed into your next draws."""
    db_session = db.session()
    with db_session.begin():
        active_campaign(db_session, campaign_id, db.now())
        player = set_client_seed(db_session, campaign_id, user.id, body["client_seed"])
        return {"client_seed": player.client_seed}


@blp.route("/wallet", methods=["GET"])
@require_role("shopper")
@blp.response(200, WalletSchema)
@documented_role(blp, "shopper", SHOPPER_ERRORS)
def my_wallet(user: User) -> dict[str, Any]:
    """Points (and what expires soon), red packets, coupons, play items, history."""
    db_session = db.session()
    with db_session.begin():
        now = db.now()
        found = wallet(db_session, user.id, now)
        coupons = [coupon_as_of(c, now) for c in found.coupons]
        return {
            "points": found.points,
            "points_owed": found.points_owed,
            "cash_fen": found.cash_fen,
            "coupons": coupons,
            "gift_cards": [
                {"face_value_fen": c.face_value_fen, "state": c.state, "created_at": c.created_at}
                for c in found.gift_cards
            ],
            "items": [{"campaign_id": c, "item": item, "count": n} for c, item, n in found.items],
            "points_expiring": [{"points": p, "expires_at": at} for p, at in found.points_expiring],
            "history": history_with_names(db_session, _registry(), found.history),
        }
