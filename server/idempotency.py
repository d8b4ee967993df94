"""Idempotency keys for state-changing requests.

Same key + same body -> the first answer (replayed); same key + another body -> 422;
first request still running -> 409. The answer is stored in the same transaction as the work, except a
"try again" answer (503): it is not stored, so a retry with the same key runs anew.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from games.contract import Rejection
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
    """Run ``work`` (inside one transaction) once per (user, key).

    A claim still "running" after :data:`STALE_CLAIM` belongs to a request whose process died before
    committing (its work rolled back with it), so a retry takes the claim over. Each claim is known by
    its time: only the current owner may store an answer, so a late first request cannot also commit.

    :raises ApiError: ``idempotency_key_required`` (400), ``idempotency_key_reused`` (422),
        ``request_in_progress`` (409).
    """
    if key is None or not KEY_PATTERN.match(key):
        raise ApiError(400, "idempotency_key_required", "send an Idempotency-Key header of 8-128 characters")
    claimed_at = db.now()
    earlier = _claim(db_session, user_id, key, fingerprint, claimed_at)
    if earlier is not None:
        return earlier
    mine = (IdempotencyKey.user_id == user_id, IdempotencyKey.key == key, IdempotencyKey.created_at == claimed_at)
    try:
        with db_session.begin():
            answer = work(db_session)
            _finish(db_session, mine, answer)
        return answer
    except (ApiError, Rejection) as error:
        api_error = error if isinstance(error, ApiError) else rejection_error(error)
        if api_error.status == TRY_AGAIN:
            _release(db_session, mine)
            raise api_error from None
        answer = Answer(api_error.status, error_body(api_error.code, api_error.message, api_error.fields))
        with db_session.begin():
            _finish(db_session, mine, answer, raise_if_lost=False)
        return answer
    except BaseException:
        _release(db_session, mine)
        raise


def _release(db_session: Session, mine: tuple[Any, ...]) -> None:
    """Give the claim up (the work rolled back): a retry with the same key runs the request anew."""
    db_session.rollback()
    with db_session.begin():
        db_session.execute(delete(IdempotencyKey).where(*mine, IdempotencyKey.status == "running"))


def _claim(db_session: Session, user_id: int, key: str, fingerprint: str, claimed_at: datetime) -> Answer | None:
    try:
        with db_session.begin():
            db_session.add(IdempotencyKey(user_id=user_id, key=key, request_hash=fingerprint, created_at=claimed_at))
        return None
    except IntegrityError:
        db_session.rollback()
    with db_session.begin():
        row = db_session.scalars(
            select(IdempotencyKey).where(IdempotencyKey.user_id == user_id, IdempotencyKey.key == key)
        ).one()
        if row.request_hash != fingerprint:
            raise ApiError(422, "idempotency_key_reused", "this Idempotency-Key was used for a different request")
        if row.status == "done" and row.response_body is not None and row.response_status is not None:
            return Answer(row.response_status, json.loads(row.response_body), replayed=True)
        if claimed_at - row.created_at >= STALE_CLAIM and _take_over(db_session, row, claimed_at):
            return None
    raise ApiError(409, "request_in_progress", "the first request with this Idempotency-Key is still running")


def _take_over(db_session: Session, row: IdempotencyKey, claimed_at: datetime) -> bool:
    """Move a stale running claim to ``claimed_at``; False when another retry got there first."""
    taken = db_session.execute(
        update(IdempotencyKey)
        .where(
            IdempotencyKey.id == row.id, IdempotencyKey.status == "running", IdempotencyKey.created_at == row.created_at
        )
        .values(created_at=claimed_at)
        .execution_options(synchronize_session=False)
    )
    return taken.rowcount == 1  # type: ignore[attr-defined]


def _finish(db_session: Session, mine: tuple[Any, ...], answer: Answer, raise_if_lost: bool = True) -> None:
    stored = db_session.execute(
        update(IdempotencyKey)
        .where(*mine, IdempotencyKey.status == "running")
        .values(status="done", response_status=answer.status, response_body=json.dumps(answer.body, ensure_ascii=False))
        .execution_options(synchronize_session=False)
    )
    if stored.rowcount != 1 and raise_if_lost:  # type: ignore[attr-defined]
        raise ApiError(409, "request_in_progress", "a retry with this Idempotency-Key took over; its answer counts")
