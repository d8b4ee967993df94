"""Ops API of campaign messages (活动推送): segments (rules, or uploaded host user ids) and their preview, a
campaign's messages (write a draft, then schedule, pause, resume or stop its send, send its dead letters again),
each message's funnel (JSON and CSV) and dead-letter list. Every change lands in the audit trail."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Response, current_app, request
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import func, select

from games.campaigns import admin as campaign_admin
from games.messages import admin
from games.messages.config import MessageConfigSchema, SegmentRulesSchema
from games.messages.funnel import funnel
from games.messages.models import Delivery, Message, Segment
from games.messages.rules import DailyHours, window_opens
from games.messages.sending import idempotency_id, send_again
from server import db
from server.api_ops import actor_name, campaign_or_404
from server.auth import require_role
from server.errors import ApiError, documented_role
from server.forms import describe
from server.idempotency import idempotent
from server.input_guard import body_limit
from server.message_worker import policy_of
from server.models import User
from server.segments import count_members, members_after, upload_members

blp = Blueprint("ops-messages", __name__, url_prefix="/api/ops", description="Ops send campaign messages (活动推送)")
REFUSAL_STATUS = {"not_found": 404, "invalid": 422, "wrong_state": 409}
MAX_UPLOAD = 100_000
UPLOAD_BODY_MAX_BYTES = 8 * 1024 * 1024  # 100,000 ids of up to 64 characters, with line ends and a header
FUNNEL_COLUMNS = ("variant", "batch", "batched", "sent", "delivered", "opened", "visited", "played", "ordered",
                  "orders", "sales_fen")  # fmt: skip


class SegmentInSchema(Schema):
    """A segment: its rules, or ``uploaded`` (members added as a CSV of host user ids)."""

    name = fields.String(required=True, validate=validate.Length(1, 120))
    rules = fields.Nested(SegmentRulesSchema, load_default=dict)
    uploaded = fields.Boolean(load_default=False)


class SegmentOutSchema(Schema):
    """A segment as listed."""

    id = fields.Integer()
    name = fields.String()
    rules = fields.Dict()
    uploaded = fields.Boolean()


class PreviewSchema(Schema):
    """How many members a segment has now, and the first few host user ids."""

    members = fields.Integer()
    sample = fields.List(fields.String())


class MessageInSchema(Schema):
    """A draft message."""

    name = fields.String(required=True, validate=validate.Length(1, 120))
    segment_id = fields.Integer(strict=True, required=True)
    config = fields.Nested(MessageConfigSchema, required=True)


class MessageEditSchema(Schema):
    """A draft's new content and sending."""

    config = fields.Nested(MessageConfigSchema, required=True)


class MessageOutSchema(Schema):
    """A message and where its send stands."""

    id = fields.Integer()
    campaign_id = fields.Integer()
    name = fields.String()
    segment_id = fields.Integer()
    config = fields.Dict()
    state = fields.String(metadata={"description": "draft, scheduled, paused, stopped or done (every batch made)"})
    batches = fields.Integer()
    next_batch_at = fields.DateTime(allow_none=True)
    note = fields.String(allow_none=True, metadata={"description": "why the send paused itself (its guard)"})
    deliveries = fields.Dict(metadata={"description": "deliveries by state: queued, sent, dead, capped, ..."})


@blp.route("/messages/form", methods=["GET"])
@require_role("ops")
@documented_role(blp, "ops")
@blp.response(200)
def message_form(user: User) -> dict[str, Any]:
    """The form descriptions of a message's config and of a segment's rules."""
    return {"message": describe(MessageConfigSchema), "segment": describe(SegmentRulesSchema)}


@blp.route("/segments", methods=["GET"])
@require_role("ops")
@blp.response(200, SegmentOutSchema(many=True))
@documented_role(blp, "ops")
def list_segments(user: User) -> list[dict[str, Any]]:
    """Every segment, newest first."""
    db_session = db.session()
    with db_session.begin():
        return [_segment(s) for s in db_session.scalars(select(Segment).order_by(Segment.id.desc()))]


@blp.route("/segments", methods=["POST"])
@require_role("ops")
@idempotent
@blp.arguments(SegmentInSchema)
@blp.response(201, SegmentOutSchema)
@documented_role(blp, "ops", {422: "invalid input"})
def add_segment(body: dict[str, Any], user: User) -> dict[str, Any]:
    """Add a segment."""
    with db.transaction() as db_session, _refusals():
        segment = admin.create_segment(db_session, body["name"], None if body["uploaded"] else body["rules"], db.now())
        campaign_admin.record(db_session, actor_name(user), None, "segment_added", None, _segment(segment), db.now())
        return _segment(segment)


@blp.route("/segments/<int:segment_id>/members", methods=["POST"])
@body_limit(UPLOAD_BODY_MAX_BYTES)
@require_role("ops")
@blp.doc(
    requestBody={
        "required": True,
        "content": {"text/csv": {"schema": {"type": "string"}}},
        "description": "host user ids, one per line (a header `user` allowed), at most 100,000",
    }
)
@blp.response(200)
@documented_role(blp, "ops", {404: "segment_not_found", 409: "not_uploaded", 413: "over 8 MiB", 422: "invalid_csv"})
def upload(segment_id: int, user: User) -> dict[str, Any]:
    """Add members to an uploaded segment: the body is a CSV (``text/csv``) of host user ids, one per line, a
    header ``user`` allowed; ids already in are kept once."""
    ids = _csv_ids(request.get_data(cache=False, as_text=True))
    with db.transaction() as db_session:
        segment = _segment_or_404(segment_id)
        if not segment.uploaded:
            raise ApiError(409, "not_uploaded", "this segment is defined by rules: upload into an uploaded segment")
        added = upload_members(db_session, segment_id, ids)
        campaign_admin.record(db_session, actor_name(user), None, "segment_uploaded", None,
                              {"segment": segment_id, "added": added}, db.now())  # fmt: skip
    return {"added": added, "read": len(ids)}


@blp.route("/segments/<int:segment_id>/preview", methods=["GET"])
@require_role("ops")
@blp.response(200, PreviewSchema)
@documented_role(blp, "ops", {404: "segment_not_found"})
def preview(segment_id: int, user: User) -> dict[str, Any]:
    """How many members the segment has now, and its first ten host user ids."""
    db_session = db.session()
    with db_session.begin():
        segment = _segment_or_404(segment_id)
        now = db.now()
        sample = [m.external_id for m in members_after(db_session, segment, now, "", 10)]
        return {"members": count_members(db_session, segment, now), "sample": sample}


@blp.route("/campaigns/<int:campaign_id>/messages", methods=["GET"])
@require_role("ops")
@blp.response(200, MessageOutSchema(many=True))
@documented_role(blp, "ops", {404: "campaign_not_found"})
def list_messages(campaign_id: int, user: User) -> list[dict[str, Any]]:
    """The campaign's messages, newest first, with their deliveries by state."""
    db_session = db.session()
    with db_session.begin():
        campaign_or_404(campaign_id)
        query = select(Message).where(Message.campaign_id == campaign_id).order_by(Message.id.desc())
        return [_message(db_session, m) for m in db_session.scalars(query)]


@blp.route("/campaigns/<int:campaign_id>/messages", methods=["POST"])
@require_role("ops")
@idempotent
@blp.arguments(MessageInSchema)
@blp.response(201, MessageOutSchema)
@documented_role(
    blp, "ops", {404: "campaign_not_found, not_found (segment)", 422: "invalid input, window_in_quiet_hours"}
)
def add_message(body: dict[str, Any], campaign_id: int, user: User) -> dict[str, Any]:
    """Write a draft message to a segment."""
    config = MessageConfigSchema().dump(body["config"])
    with db.transaction() as db_session, _refusals():
        campaign_or_404(campaign_id)
        _refuse_closed_window(config)
        message = admin.create_message(db_session, campaign_id, body["name"], body["segment_id"], config, db.now())
        shown = _message(db_session, message)
        campaign_admin.record(db_session, actor_name(user), campaign_id, "message_added", None, shown, db.now())
        return shown


@blp.route("/messages/<int:message_id>", methods=["PUT"])
@require_role("ops")
@idempotent
@blp.arguments(MessageEditSchema)
@blp.response(200, MessageOutSchema)
@documented_role(
    blp, "ops", {404: "not_found", 409: "wrong_state (no longer a draft)", 422: "invalid input, window_in_quiet_hours"}
)
def edit_message(body: dict[str, Any], message_id: int, user: User) -> dict[str, Any]:
    """Change a draft's content and sending."""
    config = MessageConfigSchema().dump(body["config"])
    with db.transaction() as db_session, _refusals():
        before = _message(db_session, _message_or_404(message_id))
        message = admin.edit_message(db_session, message_id, config, db.now())  # a draft's, else wrong_state
        _refuse_closed_window(config)  # the transaction rolls the edit back
        after = _message(db_session, message)
        campaign_admin.record(db_session, actor_name(user), message.campaign_id, "message_edited", before, after,
                              db.now())  # fmt: skip
        return after


@blp.route("/messages/<int:message_id>/<any(schedule, pause, resume, stop, resend):step>", methods=["POST"])
@require_role("ops")
@idempotent
@blp.response(200, MessageOutSchema)
@documented_role(blp, "ops", {404: "not_found", 409: "wrong_state"})
def act(message_id: int, step: str, user: User) -> dict[str, Any]:
    """Start (``schedule``), ``pause``, ``resume`` or ``stop`` the send, or ``resend`` its dead letters."""
    with db.transaction() as db_session, _refusals():
        message = _message_or_404(message_id)
        before = message.state
        if step == "resend":
            count = send_again(db_session, message_id, db.now())
            after: Any = {"state": message.state, "requeued": count}
        else:
            after = {"state": admin.move(db_session, message_id, step, db.now()).state}
        campaign_admin.record(db_session, actor_name(user), message.campaign_id, f"message_{step}",
                              {"message": message_id, "state": before}, {"message": message_id, **after},
                              db.now())  # fmt: skip
        return _message(db_session, message)


@blp.route("/messages/<int:message_id>/funnel", methods=["GET"])
@require_role("ops")
@blp.response(200)
@documented_role(blp, "ops", {404: "not_found"})
def message_funnel(message_id: int, user: User) -> dict[str, Any]:
    """The funnel per variant and batch, per variant, and in all (sent, delivered, opened, visited, played,
    ordered, orders, sales in fen)."""
    db_session = db.session()
    with db_session.begin():
        _message_or_404(message_id)
        return funnel(db_session, message_id)


@blp.route("/messages/<int:message_id>/funnel.csv", methods=["GET"])
@require_role("ops")
@blp.alt_response(200, description="CSV (UTF-8 with BOM): one row per variant and batch, then the total",
                  schema={"type": "string"}, content_type="text/csv", success=True)  # fmt: skip
@documented_role(blp, "ops", {404: "not_found"})
def message_funnel_csv(message_id: int, user: User) -> Response:
    """The funnel as CSV: a row per variant and batch, then ``total``."""
    db_session = db.session()
    with db_session.begin():
        _message_or_404(message_id)
        found = funnel(db_session, message_id)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(FUNNEL_COLUMNS)
    for row in [*found["rows"], {**found["total"], "variant": "total", "batch": ""}]:
        writer.writerow([row[c] for c in FUNNEL_COLUMNS])
    headers = {"Content-Disposition": f'attachment; filename="message-{message_id}-funnel.csv"'}
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv", headers=headers)


@blp.route("/messages/<int:message_id>/dead", methods=["GET"])
@require_role("ops")
@blp.response(200)
@documented_role(blp, "ops", {404: "not_found"})
def dead_letters(message_id: int, user: User) -> dict[str, Any]:
    """The deliveries given up on (the first 200), with the gateway's last answer."""
    db_session = db.session()
    with db_session.begin():
        _message_or_404(message_id)
        query = select(Delivery).where(Delivery.message_id == message_id, Delivery.state == "dead")
        rows = db_session.scalars(query.order_by(Delivery.id).limit(200))
        return {"dead": [{"id": idempotency_id(d.id), "user": d.external_id, "attempts": d.attempts,
                          "last_error": d.last_error} for d in rows]}  # fmt: skip


def _segment(segment: Segment) -> dict[str, Any]:
    return {"id": segment.id, "name": segment.name, "rules": json.loads(segment.rules_json),
            "uploaded": segment.uploaded}  # fmt: skip


def _message(db_session: Any, message: Message) -> dict[str, Any]:
    counted = db_session.execute(
        select(Delivery.state, func.count()).where(Delivery.message_id == message.id).group_by(Delivery.state)
    )
    return {"id": message.id, "campaign_id": message.campaign_id, "name": message.name,
            "segment_id": message.segment_id, "config": json.loads(message.config_json), "state": message.state,
            "batches": message.batches, "next_batch_at": message.next_batch_at, "note": message.note,
            "deliveries": {state: count for state, count in counted}}  # fmt: skip


def _segment_or_404(segment_id: int) -> Segment:
    segment = db.session().get(Segment, segment_id)
    if segment is None:
        raise ApiError(404, "segment_not_found", f"no segment {segment_id}")
    return segment


def _message_or_404(message_id: int) -> Message:
    message = db.session().get(Message, message_id)
    if message is None:
        raise ApiError(404, "not_found", f"no message {message_id}")
    return message


def _csv_ids(text: str) -> list[str]:
    """The host user ids of an uploaded CSV (first column; a ``user`` header skipped). :raises ApiError: 422."""
    try:
        return _ids_of(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    except csv.Error as error:
        raise ApiError(422, "invalid_csv", f"the file is not a CSV of host user ids: {error}") from error


def _ids_of(rows: Any) -> list[str]:
    ids = []
    for number, row in enumerate(rows, start=1):
        value = row[0].strip() if row else ""
        if not value or (number == 1 and value.lower() in ("user", "user_id", "host_user_id")):
            continue
        if len(value) > 64 or not value.isprintable():
            raise ApiError(422, "invalid_csv", f"line {number}: a host user id is 1-64 printable characters")
        ids.append(value)
    if not ids or len(ids) > MAX_UPLOAD:
        raise ApiError(422, "invalid_csv", f"send 1 to {MAX_UPLOAD:,} host user ids, one per line")
    return ids


def _refuse_closed_window(config: dict[str, Any]) -> None:
    """:raises ApiError: 422 ``window_in_quiet_hours`` when the window lies wholly in the quiet hours."""
    quiet = policy_of(current_app).quiet_hours
    if not window_opens(DailyHours.parse(config["window"]), quiet):
        error = ApiError(
            422, "window_in_quiet_hours", f"the window lies wholly in the quiet hours ({quiet}): it would never open"
        )
        error.fields = {"config.window": [error.message]}
        raise error


@contextmanager
def _refusals() -> Iterator[None]:
    """Turn :class:`MessageRefusal` into an API error (the transaction rolls back)."""
    try:
        yield
    except admin.MessageRefusal as refusal:
        raise ApiError(
            REFUSAL_STATUS[refusal.code], refusal.code, str(refusal), fields=refusal.fields or None
        ) from refusal
