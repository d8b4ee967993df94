"""Host-app API of campaign messages: receipts from the host's push gateway (a delivery reached the phone, or the
shopper tapped it) and a shopper's choice to receive campaign messages or not, made in the host app. Signed like
the rest of the host API."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from games.messages import inbox
from server import db
from server.api_host import SIGNATURE_HEADERS, SIGNED, require_host_signature
from server.schemas import ApiErrorSchema

blp = Blueprint("host-messages", __name__, url_prefix="/api/host", description="The host app's server: messages")


class ReceiptSchema(Schema):
    """What became of one delivery: ``delivered`` to the phone, or ``opened`` (tapped)."""

    id = fields.String(required=True, validate=validate.Length(1, 40), metadata={"description": "carnival-msg-N"})
    status = fields.String(required=True, validate=validate.OneOf(["delivered", "opened"]))


class ReceiptsSchema(Schema):
    """Up to 1,000 receipts."""

    receipts = fields.List(fields.Nested(ReceiptSchema), required=True, validate=validate.Length(1, 1000))


class ReceiptResultsSchema(Schema):
    """Per delivery id: ``recorded``, or ``unknown`` (no such delivery)."""

    results = fields.Dict(keys=fields.String(), values=fields.String())


class ChoiceSchema(Schema):
    """A shopper's choice in the host app."""

    user = fields.String(required=True, validate=validate.Length(1, 64), metadata={"description": "host user id"})
    opted_out = fields.Boolean(required=True)


@blp.route("/messages/receipts", methods=["POST"])
@require_host_signature
@blp.doc(parameters=SIGNATURE_HEADERS, security=SIGNED)
@blp.arguments(ReceiptsSchema)
@blp.response(200, ReceiptResultsSchema)
@blp.alt_response(401, schema=ApiErrorSchema, description="missing, stale or invalid signature, unknown key")
def receipts(body: dict[str, Any]) -> dict[str, Any]:
    """Record receipts (the same receipt again changes nothing)."""
    with db.transaction() as db_session:
        return {"results": inbox.receipts(db_session, body["receipts"], db.now())}


@blp.route("/messages/opt-outs", methods=["POST"])
@require_host_signature
@blp.doc(parameters=SIGNATURE_HEADERS, security=SIGNED)
@blp.arguments(ChoiceSchema)
@blp.response(200, ChoiceSchema)
@blp.alt_response(401, schema=ApiErrorSchema, description="missing, stale or invalid signature, unknown key")
def choice(body: dict[str, Any]) -> dict[str, Any]:
    """The shopper opted out of campaign messages (or back in) in the host app."""
    with db.transaction() as db_session:
        if body["opted_out"]:
            inbox.opt_out(db_session, body["user"], db.now())
        else:
            inbox.opt_in(db_session, body["user"])
    return body
