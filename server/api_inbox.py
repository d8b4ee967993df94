"""Shopper API of campaign messages: the in-app inbox (newest first, the unread count for the badge), opening a
message (counted as opened; the answer names the campaign page it opens), the landing on that page (counted as
visited), and opting out of campaign messages or back in."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from economy import ledger
from games.messages import inbox
from server import db
from server.auth import require_role
from server.errors import SHOPPER_ERRORS, ApiError, documented_role
from server.models import User

blp = Blueprint("play-inbox", __name__, url_prefix="/api/play", description="Shoppers' in-app messages")
EXPIRING_DAYS = 30


class InboxQuerySchema(Schema):
    """The language the messages are shown in."""

    lang = fields.String(load_default="zh", validate=validate.OneOf(["zh", "en"]))


class InboxItemSchema(Schema):
    """A message in the inbox."""

    id = fields.Integer()
    campaign_id = fields.Integer()
    title = fields.String()
    body = fields.String()
    image = fields.String(allow_none=True)
    link = fields.String(metadata={"description": "the campaign page it opens (this site's path)"})
    sent_at = fields.DateTime()
    read = fields.Boolean()


class InboxSchema(Schema):
    """The inbox: its messages, how many are unread, and whether the shopper opted out."""

    items = fields.List(fields.Nested(InboxItemSchema))
    unread = fields.Integer()
    opted_out = fields.Boolean()


class OptedOutSchema(Schema):
    """Whether the shopper opted out of campaign messages."""

    opted_out = fields.Boolean()


class OpenedSchema(Schema):
    """Where an opened message leads."""

    link = fields.String()


@blp.route("/inbox", methods=["GET"])
@require_role("shopper")
@blp.arguments(InboxQuerySchema, location="query")
@blp.response(200, InboxSchema)
@documented_role(blp, "shopper", SHOPPER_ERRORS)
def my_inbox(query: dict[str, Any], user: User) -> dict[str, Any]:
    """The shopper's in-app messages, newest first, in their language."""
    db_session = db.session()
    with db_session.begin():
        now = db.now()
        held, expiring = ledger.points_held(db_session, user.id, now, now + timedelta(days=EXPIRING_DAYS))
        values = {"name": user.display_name, "points": held, "expiring_points": expiring}
        items = inbox.inbox(db_session, user.external_id or "", query["lang"], values)
        return {"items": items, "unread": inbox.unread(items),
                "opted_out": inbox.opted_out(db_session, user.external_id or "")}  # fmt: skip


@blp.route("/inbox/<int:delivery_id>/<any(opened, visited):stage>", methods=["POST"])
@require_role("shopper")
@blp.response(200, OpenedSchema)
@documented_role(blp, "shopper", {**SHOPPER_ERRORS, 404: "message_not_found"})
def mark(delivery_id: int, stage: str, user: User) -> dict[str, Any]:
    """The shopper opened the message (``opened``) or landed on the page it links to (``visited``); the first time
    counts, again changes nothing."""
    with db.transaction() as db_session:
        link = inbox.mark(db_session, delivery_id, user.external_id or "", user.id, stage, db.now())
        if link is None:
            raise ApiError(404, "message_not_found", "this message is not in your inbox")
    return {"link": link}


@blp.route("/inbox/<any('opt-out', 'opt-in'):choice>", methods=["POST"])
@require_role("shopper")
@blp.response(200, OptedOutSchema)
@documented_role(blp, "shopper", SHOPPER_ERRORS)
def choose(choice: str, user: User) -> dict[str, Any]:
    """No more campaign messages (``opt-out``), or campaign messages again (``opt-in``)."""
    with db.transaction() as db_session:
        if choice == "opt-out":
            inbox.opt_out(db_session, user.external_id or "", db.now())
        else:
            inbox.opt_in(db_session, user.external_id or "")
    return {"opted_out": choice == "opt-out"}
