"""Signing in: shoppers with a host-app launch token, staff with a password."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from server import auth, db, signin
from server.errors import SESSION_SCHEME, ApiError
from server.launch_guard import spend, verified_launch
from server.models import User
from server.schemas import ApiErrorSchema, LaunchSchema, MeSchema, StaffLoginSchema

blp = Blueprint("session", __name__, url_prefix="/api/session", description="Sign in and out")


def launch_shopper(token: str) -> User:
    """Verify a launch token, spend its one-time id and start the shopper's session.

    :raises ApiError: 401 with the reason (``token_used`` for a token that started a session before).
    """
    launch = verified_launch(token)
    db_session = db.session()
    with db_session.begin():
        spend(db_session, launch)
        user = auth.shopper_from_launch(db_session, launch)
        auth.start_session(db_session, user)
    return user


@blp.route("/launch", methods=["POST"])
@blp.arguments(LaunchSchema)
@blp.response(200, MeSchema)
@blp.alt_response(401, schema=ApiErrorSchema, description="expired, tampered, used, unknown-key or wrong-purpose token")
def launch(body: dict[str, Any]) -> User:
    """Start a shopper session from the host app's signed launch token."""
    return launch_shopper(body["token"])


@blp.route("/staff", methods=["POST"])
@blp.arguments(StaffLoginSchema)
@blp.response(200, MeSchema)
@blp.alt_response(401, schema=ApiErrorSchema, description="wrong username or password")
@blp.alt_response(429, schema=ApiErrorSchema, description="too many attempts or wrong passwords; see Retry-After")
def staff_login(body: dict[str, Any]) -> User:
    """Sign an ops or auditor account in (locked for a while after repeated wrong passwords)."""
    return signin.sign_in_staff(body["username"], body["password"])


@blp.route("/me", methods=["GET"])
@blp.response(200, MeSchema)
@blp.alt_response(401, schema=ApiErrorSchema, description="not_signed_in: no live session")
@blp.doc(security=[{SESSION_SCHEME: []}])
def me() -> User:
    """The signed-in user."""
    user = auth.current_user()
    if user is None:
        raise ApiError(401, "not_signed_in", "please open this page from the app again")
    return user


@blp.route("/logout", methods=["POST"])
@blp.response(204)
def logout() -> None:
    """End the session: it is revoked on the server, so the old cookie no longer works."""
    signin.sign_out()
