"""Idempotency keys for state-changing requests.

Same key + same body -> the first answer (replayed); same key + another body -> 422. The key and its answer
are written in the same transaction as the work (one transaction per request, no separate claim), except a
"try again" answer (503): it is not stored, so a retry with the same key runs anew.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache, wraps
from typing import Any

from flask import Response, make_response, request
from sqlalchemy import Select, bindparam, delete, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from games.engine.contract import Rejection
from server import db
from server.errors import ApiError, error_body, rejection_error
from server.models import IdempotencyKey

KEY_PATTERN = re.compile(r"^[A-Za-z0-9_.:-]{8,128}$")
STALE_CLAIM = timedelta(seconds=30)
TRY_AGAIN = 503  # a transient refusal: answered, not stored


@dataclass(frozen=True)
class Answer:
    """An HTTP answer: status, JSON body, and whether it is a replay of a stored one."""

    status: int
    body: dict[str, Any]
    replayed: bool = False


def request_fingerprint(method: str, path: str, body: bytes) -> str:
    """SHA-256 of what makes two requests "the same"."""
    return hashlib.sha256(f"{method} {path}\n".encode() + body).hexdigest()


def run_once(
    db_session: Session, user_id: int, key: str | None, fingerprint: str, work: Callable[[Session], Answer]
) -> Answer:
    """Run ``work`` once per (user, key), in one transaction with the stored answer.

    The key is written with its answer at the end of the work's transaction: a request that dies before
    committing leaves nothing behind, and a retry runs anew. A twin running at the same moment waits for the
    shopper's lock, then finds the key taken when it stores its own answer: its work rolls back and it
    answers the first one's answer. A refusal (4xx) is stored in a transaction of its own after the work
    rolled back; a "try again" (503) is not stored.

    :raises ApiError: ``idempotency_key_required`` (400), ``idempotency_key_reused`` (422),
        ``request_in_progress`` (409: a claim an older server version left running, for 30 seconds).
    """
    if key is None or not KEY_PATTERN.match(key):
        raise ApiError(400, "idempotency_key_required", "send an Idempotency-Key header of 8-128 characters")
    try:
        with db_session.begin():
            earlier = _earlier(db_session, user_id, key, fingerprint)
            if earlier is not None:
                return earlier
            answer = work(db_session)
            _store(db_session, user_id, key, fingerprint, answer)
        return answer
    except _KeyTaken:
        return _answer_of_twin(db_session, user_id, key, fingerprint)
    except (ApiError, Rejection) as error:
        db_session.rollback()
        api_error = error if isinstance(error, ApiError) else rejection_error(error)
        if api_error.status == TRY_AGAIN:
            raise api_error from None
        return _store_refusal(db_session, user_id, key, fingerprint, api_error)


class _KeyTaken(Exception):
    """A twin request stored an answer under the key first (raised to roll the work back)."""


def _earlier(db_session: Session, user_id: int, key: str, fingerprint: str) -> Answer | None:
    """The answer stored under the key, if any.

    :raises ApiError: 422 for another request's key, 409 for a fresh claim left running by an older version.
    """
    row = db_session.scalars(_key_query(), {"user_id": user_id, "key": key}).one_or_none()
    if row is None:
        return None
    if row.request_hash != fingerprint:
        raise ApiError(422, "idempotency_key_reused", "this Idempotency-Key was used for a different request")
    if row.status == "done" and row.response_body is not None and row.response_status is not None:
        return Answer(row.response_status, json.loads(row.response_body), replayed=True)
    if db.now() - row.created_at < STALE_CLAIM:
        raise ApiError(409, "request_in_progress", "the first request with this Idempotency-Key is still running")
    db_session.delete(row)  # a claim whose request died long ago: this one runs in its place
    db_session.flush()
    return None


@cache
def _key_query() -> Select[tuple[IdempotencyKey]]:
    """Built once (every keyed request runs it)."""
    return select(IdempotencyKey).where(
        IdempotencyKey.user_id == bindparam("user_id"), IdempotencyKey.key == bindparam("key")
    )


def _store(db_session: Session, user_id: int, key: str, fingerprint: str, answer: Answer) -> None:
    """Write the key with its answer.

    :raises _KeyTaken: when a twin wrote it first (the caller's transaction then rolls back).
    """
    row = {
        "user_id": user_id,
        "key": key,
        "request_hash": fingerprint,
        "status": "done",
        "response_status": answer.status,
        "response_body": json.dumps(answer.body, ensure_ascii=False),
        "created_at": db.now(),
    }
    try:
        db_session.execute(insert(IdempotencyKey.__table__), row)
    except IntegrityError:
        raise _KeyTaken from None


def _answer_of_twin(db_session: Session, user_id: int, key: str, fingerprint: str) -> Answer:
    db_session.rollback()
    with db_session.begin():
        earlier = _earlier(db_session, user_id, key, fingerprint)
    if earlier is None:
        raise ApiError(409, "request_in_progress", "the first request with this Idempotency-Key is still running")
    return earlier


def _store_refusal(db_session: Session, user_id: int, key: str, fingerprint: str, error: ApiError) -> Answer:
    answer = Answer(error.status, error_body(error.code, error.message, error.fields, error.details))
    try:
        with db_session.begin():
            if (earlier := _earlier(db_session, user_id, key, fingerprint)) is not None:
                return earlier
            _store(db_session, user_id, key, fingerprint, answer)
    except _KeyTaken:
        return _answer_of_twin(db_session, user_id, key, fingerprint)
    return answer


def idempotent(view: Callable[..., Any]) -> Callable[..., Any]:
    """Honour an optional Idempotency-Key on a state-changing view that takes ``user`` (place it under
    ``require_role``, above the view's argument and response decorators, which then give a response).

    With a key, the view's :func:`server.db.transaction` blocks join one transaction that also stores the
    answer, so the work and its key commit together: a retry with the same key and body gets the first
    answer (``Idempotent-Replayed: true``), with another body 422, and a twin running at the same moment
    rolls back and answers the first one's answer. Refusals (4xx) are stored like answers; a "try again"
    (503) is not. Without a key, the view runs as it is.
    """

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        key = request.headers.get("Idempotency-Key")
        if key is None:
            return view(*args, **kwargs)
        user_id = kwargs["user"].id
        fingerprint = request_fingerprint(request.method, request.path, request.get_data())
        answer = run_once(db.session(), user_id, key, fingerprint, lambda _: _answer_of(view, args, kwargs))
        return _response(answer)

    return wrapped


def _answer_of(view: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Answer:
    """Run ``view`` inside the caller's transaction (:func:`server.db.joining`)."""
    with db.joining():
        response = make_response(view(*args, **kwargs))
    return Answer(response.status_code, response.get_json())


def _response(answer: Answer) -> Response:
    response = make_response(answer.body, answer.status)
    if answer.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response


KEEP_DAYS = 7  # how long answers stay replayable by default: a client retries within minutes


def purge_before(db_session: Session, before: datetime) -> int:
    """Forget every key first seen before ``before`` (answered or abandoned); returns how many. A request
    retried with a forgotten key runs anew, so keep keys far longer than any client retries."""
    purged = db_session.execute(delete(IdempotencyKey).where(IdempotencyKey.created_at < before))
    return int(purged.rowcount)  # type: ignore[attr-defined]
