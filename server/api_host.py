"""Host-app API (server to server): redeem a shopper's coupon at checkout, list the coupons an order may use.

Every request is signed with a host API key (docs/integration.md, "Redeeming coupons"):
``X-Carnival-Key-Id`` names the key of ``CARNIVAL_HOST_KEYS`` (without it: the legacy
``CARNIVAL_LAUNCH_SECRET``), ``X-Carnival-Timestamp`` is Unix seconds, within 5 minutes of Carnival's
clock, and ``X-Carnival-Signature`` the base64url (no padding) HMAC-SHA256 of
``v1.<timestamp>.<METHOD>.<path[?query]>.<hex SHA-256 of the raw body>``, signed like a launch token.
"""

from __future__ import annotations

import hashlib
import hmac
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any, TypeVar, cast

from flask import current_app, request
from flask_smorest import Blueprint
from sqlalchemy import select
from sqlalchemy.orm import Session

from economy import coupons
from economy.errors import Refusal
from economy.wallet import coupon_as_of
from games.commerce.events import take_events
from games.models import Campaign
from server import db
from server.checkin_reminders import parse_cursor, reminders_page
from server.errors import ApiError
from server.input_guard import body_limit
from server.keys import Key
from server.launch import signature
from server.models import User
from server.schemas import ApiErrorSchema
from server.schemas_host import (
    HostCouponListSchema,
    HostCouponQuerySchema,
    HostEventBatchResultSchema,
    HostEventBatchSchema,
    HostRedeemSchema,
    HostReminderListSchema,
    HostReminderQuerySchema,
    RedemptionSchema,
)

blp = Blueprint(
    "host",
    __name__,
    url_prefix="/api/host",
    description="The host app's server: coupons at checkout, check-in reminders",
)

F = TypeVar("F", bound=Callable[..., Any])
KEY_ID_HEADER = "X-Carnival-Key-Id"
TIMESTAMP_HEADER = "X-Carnival-Timestamp"
SIGNATURE_HEADER = "X-Carnival-Signature"
EVENTS_BODY_MAX_BYTES = 1024 * 1024  # 1,000 events of about a kilobyte
MAX_SKEW_SECONDS = 300
REFUSAL_STATUS = {
    "coupon_not_found": 404,
    "coupon_used": 409,
    "coupon_expired": 409,
    "coupon_not_yet_valid": 409,
    "order_below_minimum": 422,
    "category_not_covered": 422,
    "order_ref_reused": 422,
}
SIGNATURE_HEADERS = [
    {
        "name": KEY_ID_HEADER,
        "in": "header",
        "required": False,
        "schema": {"type": "string"},
        "description": "the id of the CARNIVAL_HOST_KEYS key that signed the request",
    },
    {"name": TIMESTAMP_HEADER, "in": "header", "required": True, "schema": {"type": "string"}},
    {
        "name": SIGNATURE_HEADER,
        "in": "header",
        "required": True,
        "schema": {"type": "string"},
        "description": "base64url HMAC-SHA256 of v1.<timestamp>.<METHOD>.<path[?query]>.<hex SHA-256 of body>",
    },
]

#: The signature as OpenAPI security schemes (both headers together authenticate a request; the key id only
#: chooses the key, so it stays a parameter).
SECURITY_SCHEMES = {
    "hostTimestamp": {
        "type": "apiKey",
        "in": "header",
        "name": TIMESTAMP_HEADER,
        "description": "Unix seconds, within 5 minutes of Carnival's clock",
    },
    "hostSignature": {
        "type": "apiKey",
        "in": "header",
        "name": SIGNATURE_HEADER,
        "description": "base64url (no padding) HMAC-SHA256, with the host API key named by X-Carnival-Key-Id, of "
        "v1.<timestamp>.<METHOD>.<path[?query]>.<hex SHA-256 of the raw body> (docs/integration.md)",
    },
}
SIGNED = [{name: [] for name in SECURITY_SCHEMES}]  # an operation's security: every scheme above, together


def sign_request(secret: str, timestamp: str, method: str, path: str, body: bytes) -> str:
    """The ``X-Carnival-Signature`` of a request; ``path`` includes ``?query`` when there is one."""
    return signature(secret, f"{timestamp}.{method.upper()}.{path}.{hashlib.sha256(body).hexdigest()}")


def _signed_path() -> str:
    """The path the host app sent (under the prefix Carnival is served at) and its raw query string."""
    path, query = request.script_root + request.path, request.query_string.decode("latin-1")
    return f"{path}?{query}" if query else path


def _check_signature() -> None:
    timestamp = request.headers.get(TIMESTAMP_HEADER, "")
    given = request.headers.get(SIGNATURE_HEADER, "")
    if not timestamp or not given:
        raise ApiError(401, "signature_missing", f"sign the request with {TIMESTAMP_HEADER} and {SIGNATURE_HEADER}")
    if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12):
        raise ApiError(401, "signature_invalid", f"{TIMESTAMP_HEADER} must be Unix seconds")
    if abs(db.now().timestamp() - int(timestamp)) > MAX_SKEW_SECONDS:
        raise ApiError(401, "timestamp_stale", f"{TIMESTAMP_HEADER} is more than 5 minutes from Carnival's clock")
    secret = _host_key(request.headers.get(KEY_ID_HEADER)).secret
    expected = sign_request(secret, timestamp, request.method, _signed_path(), request.get_data())
    if not hmac.compare_digest(expected.encode(), given.encode("utf-8", "replace")):
        raise ApiError(401, "signature_invalid", "the request's signature is invalid")


def _host_key(kid: str | None) -> Key:
    """The configured host API key named ``kid`` (``None``: the legacy unnamed key). :raises ApiError: 401."""
    key = current_app.extensions["carnival.settings"].host_keys.find(kid)
    if key is None:
        named = f"{KEY_ID_HEADER} '{kid[:40]}'" if kid is not None else f"no {KEY_ID_HEADER}"
        raise ApiError(401, "key_unknown", f"the request names {named}, which Carnival does not accept")
    return key


def require_host_signature(view: F) -> F:
    """Decorate a view so only requests signed by the host app reach it (401 otherwise)."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        _check_signature()
        return view(*args, **kwargs)

    return cast(F, wrapped)


@contextmanager
def _refusals_as_errors() -> Iterator[None]:
    try:
        yield
    except Refusal as refusal:
        raise ApiError(REFUSAL_STATUS.get(refusal.code, 409), refusal.code, refusal.message) from refusal


def _shopper_id(db_session: Session, host_user: str) -> int | None:
    query = select(User.id).where(User.external_id == host_user, User.role == "shopper")
    return db_session.execute(query).scalar_one_or_none()


@blp.route("/coupons/redeem", methods=["POST"])
@require_host_signature
@blp.doc(parameters=SIGNATURE_HEADERS, security=SIGNED)
@blp.arguments(HostRedeemSchema)
@blp.response(
    200,
    RedemptionSchema,
    headers={"Idempotent-Replayed": {"description": "true on a replay", "schema": {"type": "string"}}},
)
@blp.alt_response(401, schema=ApiErrorSchema, description="missing, stale or invalid signature, unknown key")
@blp.alt_response(404, schema=ApiErrorSchema, description="coupon_not_found (or not this user's)")
@blp.alt_response(409, schema=ApiErrorSchema, description="coupon_used, coupon_expired, coupon_not_yet_valid")
@blp.alt_response(422, schema=ApiErrorSchema, description="order_below_minimum, category_not_covered, bad input")
def redeem(body: dict[str, Any]) -> tuple[dict[str, Any], int, dict[str, str]]:
    """Use a shopper's coupon on an order. Retrying with the same ``order_ref`` answers the first redemption."""
    order = coupons.Order(body["order_ref"], body["order_fen"], body["category"])
    db_session = db.session()
    with _refusals_as_errors(), db_session.begin():
        user_id = _shopper_id(db_session, body["user"])
        redemption = coupons.redeem(db_session, user_id, body["coupon_id"], order, db.now())
    answer = {"user": body["user"], "order_ref": order.ref, "coupon": coupon_as_of(redemption.coupon, db.now())}
    return answer, 200, ({"Idempotent-Replayed": "true"} if redemption.replayed else {})


@blp.route("/coupons", methods=["GET"])
@require_host_signature
@blp.doc(parameters=SIGNATURE_HEADERS, security=SIGNED)
@blp.arguments(HostCouponQuerySchema, location="query")
@blp.response(200, HostCouponListSchema)
@blp.alt_response(401, schema=ApiErrorSchema, description="missing, stale or invalid signature, unknown key")
@blp.alt_response(422, schema=ApiErrorSchema, description="no user, or a bad order_fen or category")
def user_coupons(query: dict[str, Any]) -> dict[str, Any]:
    """The ``user``'s coupons an order of ``order_fen`` in ``category`` may use now (an omitted one: any).

    The user is a query parameter, not part of the path, so that the signed query is byte for byte what
    was sent whatever characters the host's user ids hold."""
    db_session = db.session()
    with db_session.begin():
        user_id = _shopper_id(db_session, query["user"])
        found = coupons.usable_coupons(db_session, user_id, db.now(), query.get("order_fen"), query.get("category"))
        return {"user": query["user"], "coupons": [coupon_as_of(coupon, db.now()) for coupon in found]}


@blp.route("/checkin/reminders", methods=["GET"])
@require_host_signature
@blp.doc(parameters=SIGNATURE_HEADERS, security=SIGNED)
@blp.arguments(HostReminderQuerySchema, location="query")
@blp.response(200, HostReminderListSchema)
@blp.alt_response(401, schema=ApiErrorSchema, description="missing, stale or invalid signature, unknown key")
@blp.alt_response(422, schema=ApiErrorSchema, description="no day, or a bad day, cursor or limit")
def checkin_reminders(query: dict[str, Any]) -> dict[str, Any]:
    """The shoppers who asked to be reminded to check in on ``day`` and have not yet, a page at a time, for the
    host's push service."""
    db_session = db.session()
    with db_session.begin():
        return reminders_page(db_session, query["day"], parse_cursor(query["after"]), query["limit"])


@blp.route("/events", methods=["POST"])
@body_limit(EVENTS_BODY_MAX_BYTES)
@require_host_signature
@blp.doc(parameters=SIGNATURE_HEADERS, security=SIGNED)
@blp.arguments(HostEventBatchSchema)
@blp.response(200, HostEventBatchResultSchema)
@blp.alt_response(401, schema=ApiErrorSchema, description="missing, stale or invalid signature, unknown key")
@blp.alt_response(404, schema=ApiErrorSchema, description="campaign_not_found")
@blp.alt_response(413, schema=ApiErrorSchema, description=f"a body over {EVENTS_BODY_MAX_BYTES} bytes")
@blp.alt_response(422, schema=ApiErrorSchema, description="no campaign, or no events, or more than 1,000")
def events(body: dict[str, Any]) -> dict[str, Any]:
    """Report what shoppers did in the host app, a batch of up to 1,000 events for one campaign. Each event is
    answered on its own: accepted, duplicate (its id was taken with the same body: it counts once) or refused
    with a code (invalid_event, unknown_type, outside_campaign, event_id_reused). Send a batch again after a
    timeout: what was stored answers ``duplicate``."""
    db_session = db.session()
    with db_session.begin():
        campaign = db_session.get(Campaign, body["campaign"])
        if campaign is None or campaign.version_id is None:
            raise ApiError(404, "campaign_not_found", f"no campaign {body['campaign']}")
        results = take_events(db_session, campaign, body["events"], db.now())
    counts = Counter(result.result for result in results)
    return {
        "accepted": counts["accepted"],
        "duplicates": counts["duplicate"],
        "refused": counts["refused"],
        "results": [
            {"id": r.id, "result": r.result, "error": r.error, "message": r.message, "fields_": r.fields}
            for r in results
        ],
    }
