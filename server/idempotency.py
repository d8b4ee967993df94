"""Idempotency keys for state-changing requests.

Same key + same body -> the first answer (replayed); same key + another body -> 422;
first request still running -> 409. The answer is stored in the same transaction as the work.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from games.contract import Rejection
from server import db
from server.errors import ApiError, error_body, rejection_error
from server.models import IdempotencyKey

KEY_PATTERN = re.compile(r"^[A-Za-z0-9_.:-]{8,128}$")


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

    :raises ApiError: ``idempotency_key_required`` (400), ``idempotency_key_reused`` (422),
        ``request_in_progress`` (409).
    """
    if key is None or not KEY_PATTERN.match(key):
        raise ApiError(400, "idempotency_key_required", "send an Idempotency-Key header of 8-128 characters")
    earlier = _claim(db_session, user_id, key, fingerprint)
    if earlier is not None:
        return earlier
    where = (IdempotencyKey.user_id == user_id, IdempotencyKey.key == key)
    try:
        with db_session.begin():
            answer = work(db_session)
            _finish(db_session, where, answer)
        return answer
    except (ApiError, Rejection) as error:
        api_error = error if isinstance(error, ApiError) else rejection_error(error)
        answer = Answer(api_error.status, error_body(api_error.code, api_error.message, api_error.fields))
        with db_session.begin():
            _finish(db_session, where, answer)
        return answer
    except BaseException:
        db_session.rollback()
        with db_session.begin():
            db_session.execute(delete(IdempotencyKey).where(*where))
        raise


def _claim(db_session: Session, user_id: int, key: str, fingerprint: str) -> Answer | None:
    try:
        with db_session.begin():
            db_session.add(IdempotencyKey(user_id=user_id, key=key, request_hash=fingerprint, created_at=db.now()))
        return None
    except IntegrityError:
        db_session.rollback()
    with db_session.begin():
        row = db_session.scalars(
            select(IdempotencyKey).where(IdempotencyKey.user_id == user_id, IdempotencyKey.key == key)
        ).one()
    if row.request_hash != fingerprint:
        raise ApiError(422, "idempotency_key_reused", "this Idempotency-Key was used for a different request")
    if row.status != "done" or row.response_body is None or row.response_status is None:
        raise ApiError(409, "request_in_progress", "the first request with this Idempotency-Key is still running")
    return Answer(row.response_status, json.loads(row.response_body), replayed=True)


def _finish(db_session: Session, where: tuple[Any, ...], answer: Answer) -> None:
    db_session.execute(
        update(IdempotencyKey)
        .where(*where)
        .values(status="done", response_status=answer.status, response_body=json.dumps(answer.body, ensure_ascii=False))
    )
