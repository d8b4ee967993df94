"""Shopper API of invitations (邀请有礼): the shopper's invite link, and an invitee's arrival through one (the first
inviter of an invitee wins; the rewards follow from the host's events, :mod:`games.invite.game`)."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields

from games.engine.play import running_campaign
from games.invite.links import accept, code_of
from server import db
from server.api_ops import registry
from server.auth import require_role
from server.errors import SHOPPER_ERRORS, ApiError, documented_role
from server.models import User, mask_name
from server.share_links import new_code, signed

blp = Blueprint("play-invite", __name__, url_prefix="/api/play", description="Shoppers invite friends (邀请有礼)")
CODE = "<string(maxlength=64):code>"


class InviteLinkSchema(Schema):
    """The shopper's invite code and the page to send friends."""

    code = fields.String()
    link = fields.String()


class InvitedSchema(Schema):
    """Who invited the shopper (masked), and whether it is the link they opened (a first inviter stays)."""

    inviter = fields.String()
    this_link = fields.Boolean()


@blp.route("/<int:campaign_id>/invite", methods=["POST"])
@require_role("shopper")
@blp.response(200, InviteLinkSchema)
@documented_role(blp, "shopper", {**SHOPPER_ERRORS, 404: "no such campaign, or it has no invitations"})
def invite_link(campaign_id: int, user: User) -> dict[str, Any]:
    """The shopper's invite link in the campaign (the same one every time)."""
    with db.transaction() as db_session:
        _, config = running_campaign(db_session, registry(), campaign_id, db.now())
        if "invite" not in config.games:
            raise ApiError(404, "game_not_found", "this campaign has no invitations")
        code = code_of(db_session, campaign_id, user.id, new_code())
    return {"code": code, "link": f"/play/launch?campaign={campaign_id}&invite={code}"}


@blp.route(f"/<int:campaign_id>/invite/{CODE}/accept", methods=["POST"])
@require_role("shopper")
@blp.response(200, InvitedSchema)
@documented_role(blp, "shopper", {**SHOPPER_ERRORS, 404: "invite_not_found", 409: "self_invite"})
def accept_invite(campaign_id: int, code: str, user: User) -> dict[str, Any]:
    """Arrive through an invite link: the first inviter of a shopper stays theirs (asking again changes nothing)."""
    if not signed(code):
        raise ApiError(404, "invite_not_found", "this invite link is not valid")
    with db.transaction() as db_session:
        running_campaign(db_session, registry(), campaign_id, db.now())
        invitation, refused = accept(db_session, code, user.id, db.now())
        if invitation is None or invitation.campaign_id != campaign_id:
            status = 409 if refused == "self_invite" else 404
            raise ApiError(status, refused or "invite_not_found", "you cannot accept this invitation")
        inviter = db_session.get(User, invitation.inviter_id)
        this_link = code_of(db_session, campaign_id, invitation.inviter_id, code) == code
        return {"inviter": mask_name(inviter.display_name if inviter else ""), "this_link": this_link}
