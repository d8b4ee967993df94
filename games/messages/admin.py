"""What ops do with campaign messages: write segments and messages, and start, pause, resume or stop a send.

A message is written while a ``draft``; ``schedule`` starts its send (its first batch at its start, or now);
``pause`` holds both the batches and the deliveries queued (``resume`` goes on); ``stop`` ends the send for good:
no more batches, and the deliveries still queued are ``stopped`` (those a worker is posting at that moment are
its to settle: sent if the gateway took them, else stopped). A send ``done`` may still be paused or stopped while
deliveries of it wait for a retry. Every function runs inside the caller's
transaction and raises :class:`MessageRefusal` for what cannot be done."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from marshmallow import ValidationError
from sqlalchemy import or_, update
from sqlalchemy.orm import Session

from economy.db import is_postgresql
from games.messages.config import MessageConfigSchema, SegmentRulesSchema
from games.messages.models import Delivery, Message, Segment

MOVES = {"schedule": ("draft",), "pause": ("scheduled", "done"), "resume": ("paused",),
         "stop": ("scheduled", "paused", "done")}  # fmt: skip
"""What each move may start from: a send ``done`` (every batch made) may still have deliveries queued."""


class MessageRefusal(Exception):
    """Ops asked for what cannot be done; ``code`` says what (``not_found``, ``invalid``, ``wrong_state``)."""

    def __init__(self, code: str, message: str, fields: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code, self.fields = code, fields or {}


def checked(schema: Any, body: dict[str, Any]) -> dict[str, Any]:
    """``body`` loaded by ``schema``. :raises MessageRefusal: ``invalid``, with each field's problems."""
    try:
        return schema.load(body)
    except ValidationError as error:
        raise MessageRefusal("invalid", "some fields are invalid", error.normalized_messages()) from error


def create_segment(session: Session, name: str, rules: dict[str, Any] | None, now: datetime) -> Segment:
    """A segment of ``rules``, or (``None``) one whose members are uploaded."""
    loaded = {} if rules is None else checked(SegmentRulesSchema(), rules)
    segment = Segment(name=name, rules_json=json.dumps(loaded, sort_keys=True), uploaded=rules is None,
                      created_at=now, updated_at=now)  # fmt: skip
    session.add(segment)
    session.flush()
    return segment


def create_message(
    session: Session, campaign_id: int, name: str, segment_id: int, config: dict[str, Any], now: datetime
) -> Message:
    """A draft message to ``segment_id``'s members."""
    if session.get(Segment, segment_id) is None:
        raise MessageRefusal("not_found", f"no segment {segment_id}")
    loaded = checked(MessageConfigSchema(), config)
    message = Message(campaign_id=campaign_id, name=name, segment_id=segment_id,
                      config_json=json.dumps(MessageConfigSchema().dump(loaded), sort_keys=True, ensure_ascii=False),
                      state="draft", cursor="", batches=0, judged=0, created_at=now, updated_at=now)  # fmt: skip
    session.add(message)
    session.flush()
    return message


def edit_message(session: Session, message_id: int, config: dict[str, Any], now: datetime) -> Message:
    """Replace a draft's content and sending."""
    message = _locked(session, message_id)
    if message.state != "draft":
        raise MessageRefusal("wrong_state", "only a draft may be edited: this message is being sent")
    loaded = checked(MessageConfigSchema(), config)
    message.config_json = json.dumps(MessageConfigSchema().dump(loaded), sort_keys=True, ensure_ascii=False)
    message.updated_at = now
    return message


def move(session: Session, message_id: int, action: str, now: datetime) -> Message:
    """``schedule``, ``pause``, ``resume`` or ``stop`` a message's send."""
    message = _locked(session, message_id)
    if message.state not in MOVES[action]:
        raise MessageRefusal("wrong_state", f"a message that is {message.state} cannot be told to {action}")
    if action == "schedule":
        starts = json.loads(message.config_json).get("starts_at")
        message.next_batch_at = max(now, datetime.fromisoformat(starts)) if starts else now
    if action == "resume":  # ops saw the guard's note: the next batch goes out
        message.next_batch_at, message.note = max(now, message.next_batch_at or now), None
    if action == "stop":
        unleased = or_(Delivery.lease_until.is_(None), Delivery.lease_until <= now)  # a worker's: it settles them
        session.execute(
            update(Delivery)
            .where(Delivery.message_id == message.id, Delivery.state == "queued", unleased)
            .values(state="stopped", lease=None, lease_until=None)
            .execution_options(synchronize_session=False)
        )
        message.next_batch_at = None
    message.state = {"schedule": "scheduled", "pause": "paused", "resume": "scheduled", "stop": "stopped"}[action]
    message.updated_at = now
    return message


def _locked(session: Session, message_id: int) -> Message:
    message = session.get(Message, message_id, with_for_update=is_postgresql(session), populate_existing=True)
    if message is None:
        raise MessageRefusal("not_found", f"no message {message_id}")
    return message
