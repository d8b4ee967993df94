"""Host-app API for gift cards (E-cards): the issued ones waiting for delivery (paged), and the host's confirmation
that it delivered one. Signed like the rest of the host API (:mod:`server.api_host`)."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from economy.gift_cards import issued, mark_delivered
from server import db
from server.api_host import SIGNATURE_HEADERS, SIGNED, require_host_signature
from server.errors import ApiError
from server.models import User
from server.routing import ROW_ID_MAX
from server.schemas import ApiErrorSchema

blp = Blueprint("host-cards", __name__, url_prefix="/api/host", description="The host app's server: gift cards")


class CardQuerySchema(Schema):
    """The page of issued gift cards the host asks for."""

    after = fields.Integer(load_default=0, validate=validate.Range(0, ROW_ID_MAX), metadata={"description": "cursor"})
    limit = fields.Integer(load_default=500, validate=validate.Range(1, 5000))


class HostCardSchema(Schema):
    """A gift card to deliver: to whom (the host's user id), its face value and claim code."""

    id = fields.Integer()
    user = fields.String()
    campaign_id = fields.Integer()
    face_value_fen = fields.Integer()
    code = fields.String()
    state = fields.String(metadata={"description": "issued or delivered"})
    created_at = fields.DateTime()
    delivered_at = fields.DateTime(allow_none=True)


class HostCardPageSchema(Schema):
    """A page of issued gift cards and the cursor of the next (null: last page)."""

    cards = fields.List(fields.Nested(HostCardSchema))
    next = fields.Integer(allow_none=True)


@blp.route("/gift-cards", methods=["GET"])
@require_host_signature
@blp.doc(parameters=SIGNATURE_HEADERS, security=SIGNED)
@blp.arguments(CardQuerySchema, location="query")
@blp.response(200, HostCardPageSchema)
@blp.alt_response(401, schema=ApiErrorSchema, description="missing, stale or invalid signature, unknown key")
def gift_cards(query: dict[str, Any]) -> dict[str, Any]:
    """Gift cards granted and not yet delivered, oldest first; pass ``next`` back as ``after``."""
    db_session = db.session()
    with db_session.begin():
        cards = issued(db_session, query["after"], query["limit"])
        owners = select(User.id, User.external_id).where(User.id.in_({c.user_id for c in cards}))
        hosts = {user_id: external for user_id, external in db_session.execute(owners)}
        page = [_card(card, hosts.get(card.user_id)) for card in cards]
    return {"cards": page, "next": cards[-1].id if len(cards) == query["limit"] else None}


@blp.route("/gift-cards/<int:card_id>/delivered", methods=["POST"])
@require_host_signature
@blp.doc(parameters=SIGNATURE_HEADERS, security=SIGNED)
@blp.response(200, HostCardSchema)
@blp.alt_response(401, schema=ApiErrorSchema, description="missing, stale or invalid signature, unknown key")
@blp.alt_response(404, schema=ApiErrorSchema, description="gift_card_not_found")
def delivered(card_id: int) -> dict[str, Any]:
    """Say a gift card reached its shopper; saying it again changes nothing."""
    db_session = db.session()
    with db_session.begin():
        card = mark_delivered(db_session, card_id, db.now())
        if card is None:
            raise ApiError(404, "gift_card_not_found", f"no gift card {card_id}")
        user = db_session.get(User, card.user_id)
        return _card(card, user.external_id if user else None)


def _card(card: Any, host_user: str | None) -> dict[str, Any]:
    columns = ("id", "campaign_id", "face_value_fen", "code", "state", "created_at", "delivered_at")
    return {"user": host_user, **{name: getattr(card, name) for name in columns}}
