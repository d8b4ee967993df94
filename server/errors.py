"""JSON errors: every refusal reaches the UI as ``{"error": code, "message": text}``."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from flask import Flask, Response, jsonify
from flask_smorest import Api, Blueprint
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from games.campaigns.form import flatten
from games.engine.contract import Rejection
from server.schemas import ApiErrorSchema

REJECTION_STATUS = {
    "campaign_not_found": 404,
    "game_not_found": 404,
    "campaign_not_started": 409,
    "campaign_ended": 409,
    "campaign_paused": 409,
    "no_spins_left": 409,
    "insufficient_points": 409,
    "points_on_hold": 409,
    "insufficient_items": 409,
    "already_checked_in": 409,
    "already_granted": 409,
    "invalid_day": 422,
    "invalid_reminder": 422,
    "makeup_unavailable": 422,
    "makeup_today": 422,
    "makeup_future": 422,
    "makeup_before_start": 422,
    "makeup_before_joined": 422,
    "makeup_out_of_window": 422,
    "makeup_monthly_limit": 422,
    "unknown_task": 422,
    "invalid_roll": 422,
    "prop_unavailable": 422,
    "browse_not_started": 409,
    "browse_too_short": 409,
    "share_active": 409,  # share-to-unlock (games/share): starting one, and the refusals of an assist
    "invalid_share": 422,
    "self_assist": 409,
    "share_not_found": 404,
    "share_expired": 409,
    "share_complete": 409,
    "already_assisted": 409,
    "flagged_account": 409,
    "not_new_user": 409,
    "device_unknown": 409,
    "own_device": 409,
    "device_repeat": 409,
    "daily_limit": 409,
    "ring_limit": 409,
    "assist_not_held": 409,
    "invalid_decision": 422,
    "unknown_action": 400,
    "seed_not_committed": 503,
    "period_closed": 503,
}


F = TypeVar("F", bound=Callable[..., Any])

SHOPPER_ERRORS = {401: "not signed in (open the page from the app again)", 403: "signed in without the shopper role"}
SESSION_SCHEME = "session"  # the signed-in session's name in the OpenAPI document's securitySchemes


def documented_errors(blp: Blueprint, described: Mapping[int, str]) -> Callable[[F], F]:
    """Document a view's error answers (``status: when``) in the OpenAPI document, each with the error schema."""

    def decorator(view: F) -> F:
        for status, description in described.items():
            view = blp.alt_response(status, schema=ApiErrorSchema, description=description)(view)
        return view

    return decorator


def role_errors(role: str) -> dict[int, str]:
    """The error answers of a view behind :func:`server.auth.require_role` for ``role``."""
    return {
        401: "not_signed_in: no live session (sign in again)",
        403: f"forbidden: signed in without the {role} role",
    }


def documented_role(blp: Blueprint, role: str, described: Mapping[int, str] | None = None) -> Callable[[F], F]:
    """Document a view behind :func:`server.auth.require_role` for ``role`` in the OpenAPI document: it needs the
    session cookie (``security``) and answers 401 signed out, 403 to another role, and the ``described`` error
    answers (``status: when``), each with the error schema."""

    def decorator(view: F) -> F:
        view = documented_errors(blp, {**role_errors(role), **(described or {})})(view)
        return blp.doc(security=[{SESSION_SCHEME: []}])(view)

    return decorator


def session_scheme(cookie_name: str) -> dict[str, str]:
    """The OpenAPI security scheme of the signed-in session: the signed Flask cookie ``cookie_name`` that
    carries the server-side session token ``sid`` (set by ``POST /api/session/launch`` or ``/staff``)."""
    return {
        "type": "apiKey",
        "in": "cookie",
        "name": cookie_name,
        "description": "the signed session cookie holding the session token (sid); sign in with POST "
        "/api/session/launch (shoppers) or /api/session/staff (ops, auditors). Writes must come from "
        "Carnival's own pages (Sec-Fetch-Site, Origin or Referer).",
    }


class JsonErrorApi(Api):
    """flask-smorest's :class:`~flask_smorest.Api` documenting its default and 422 answers with the body
    every error really has (:class:`ApiErrorSchema`)."""

    ERROR_SCHEMA = ApiErrorSchema


class ApiError(Exception):
    """An error answer with a status, a stable code and a message for the user."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        fields: dict[str, Any] | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.fields = status, code, message, fields
        self.details = details or {}  # more members of the error body (e.g. ``risks``)


def rejection_error(rejection: Rejection) -> ApiError:
    """The API error for a game's or the engine's rejection."""
    return ApiError(REJECTION_STATUS.get(rejection.code, 409), rejection.code, rejection.message)


def error_body(
    code: str, message: str, fields: dict[str, Any] | None = None, details: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The JSON error document."""
    body: dict[str, Any] = {"error": code, "message": message}
    if fields:
        body["fields"] = fields
    return {**body, **(details or {})}


RETRY_AFTER_SECONDS = 1  # a 503 is transient: the client may try again this soon


def _respond(status: int, body: dict[str, Any]) -> tuple[Response, int]:
    response = jsonify(body)
    if status == 503:
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response, status


def register(app: Flask) -> None:
    """Install the JSON error handlers."""

    @app.errorhandler(ApiError)
    def _api_error(error: ApiError) -> tuple[Response, int]:
        return _respond(error.status, error_body(error.code, error.message, error.fields, error.details))

    @app.errorhandler(Rejection)
    def _rejection(rejection: Rejection) -> tuple[Response, int]:
        error = rejection_error(rejection)
        return _respond(error.status, error_body(error.code, error.message))

    @app.errorhandler(ValidationError)
    def _validation(error: ValidationError) -> tuple[Response, int]:
        return _respond(422, error_body("invalid_input", "some fields are invalid", _as_dict(error.messages)))

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> tuple[Response, int]:
        messages = (getattr(error, "data", None) or {}).get("messages")
        if messages and not isinstance(messages.get("json", {}), dict):  # webargs: the body did not parse
            return _respond(400, error_body("invalid_json", "the request body is not valid JSON"))
        if messages:
            fields = {k: v for location in messages.values() for k, v in flatten(location).items()}  # dotted paths
            return _respond(error.code or 400, error_body("invalid_input", "some fields are invalid", fields))
        code = (error.name or "error").lower().replace(" ", "_")
        return _respond(error.code or 500, error_body(code, error.description or error.name))


def _as_dict(messages: Any) -> dict[str, Any]:
    return messages if isinstance(messages, dict) else {"_schema": messages}
