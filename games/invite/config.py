"""Invitations (邀请有礼): the part of a campaign config that says what an invitee's 白条 opening gives both sides,
what the invitee's first purchase and first 白条 payment give the inviter, within which window, and the caps."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from marshmallow import Schema, fields, post_load, validate

KEY = validate.Regexp(r"[a-z0-9_]{1,32}\Z", error="use 1-32 lowercase letters, digits or _")
PRIZE_KEY = {"x-prize-key": True}


def _prize(description: str, required: bool = False) -> fields.String:
    if required:
        return fields.String(required=True, validate=KEY, metadata={**PRIZE_KEY, "description": description})
    return fields.String(
        load_default=None, allow_none=True, validate=KEY, metadata={**PRIZE_KEY, "description": description}
    )


class InviteConfigSchema(Schema):
    """Rewards of an invitation and its limits."""

    window_days = fields.Integer(
        strict=True,
        load_default=7,
        validate=validate.Range(1, 90),
        metadata={"description": "days after the invitation within which the invitee's 白条 opening counts"},
    )
    inviter_prize = _prize("the inviter's prize when the invitee opens 白条", required=True)
    invitee_prize = _prize("the invitee's welcome prize when they open 白条")
    first_baitiao_prize = _prize("the inviter's prize (e.g. a gift card) for the invitee's first 白条 payment")
    first_purchase_points = fields.Integer(
        strict=True,
        load_default=0,
        validate=validate.Range(0, 1_000_000),
        metadata={"description": "the inviter's points for the invitee's first purchase (0: none)"},
    )
    inviter_daily_max = fields.Integer(strict=True, load_default=5, validate=validate.Range(1, 1000))
    inviter_campaign_max = fields.Integer(strict=True, load_default=50, validate=validate.Range(1, 100_000))
    refuse_flagged = fields.Boolean(
        load_default=True, metadata={"description": "no reward when the host flags the invitee or the inviter"}
    )

    @post_load
    def _build(self, data: dict[str, Any], **_: Any) -> InviteConfig:
        return InviteConfig(**data)


@dataclass(frozen=True)
class InviteConfig:
    """A validated invitation config (see :class:`InviteConfigSchema`)."""

    window_days: int
    inviter_prize: str
    invitee_prize: str | None
    first_baitiao_prize: str | None
    first_purchase_points: int
    inviter_daily_max: int
    inviter_campaign_max: int
    refuse_flagged: bool

    def prize_keys(self) -> list[tuple[str, str]]:
        """The pool prizes it names, with their field."""
        named = [("inviter_prize", self.inviter_prize), ("invitee_prize", self.invitee_prize)]
        return [(field, key) for field, key in [*named, ("first_baitiao_prize", self.first_baitiao_prize)] if key]
