"""The wheel's part of a campaign config: slots showing the pool's prizes, free and extra spins a day."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from marshmallow import Schema, fields, post_load, validate


class WheelConfigSchema(Schema):
    """The wheel's part of a campaign config."""

    slots = fields.List(
        fields.String(),
        required=True,
        validate=validate.Length(6, 12, error="a wheel has 6 to 12 slots"),
        metadata={
            "description": "the prize shown on each slot, clockwise; every prize needs one",
            "x-prize-slots": True,  # the console keeps it following the pool (web/static/ops/prize-slots.js)
        },
    )
    free_spins_per_day = fields.Integer(strict=True, load_default=1, validate=validate.Range(0, 100_000))
    extra_spin_points = fields.Integer(
        strict=True, load_default=None, allow_none=True, validate=validate.Range(1, 1_000_000)
    )
    max_extra_spins_per_day = fields.Integer(strict=True, load_default=0, validate=validate.Range(0, 1000))
    spin_item = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Regexp(r"^[a-z0-9_]{1,32}$", error="an item key is 1 to 32 lowercase letters, digits or _"),
        metadata={
            "description": "a play item (e.g. wheel_spin, granted by prizes, tasks or milestones) that pays for a spin"
            " once the day's free spins are used, before points"
        },
    )

    @post_load
    def _build(self, data: dict[str, Any], **_: Any) -> WheelConfig:
        return WheelConfig(**data)


@dataclass(frozen=True)
class WheelConfig:
    """Slots (prize keys, clockwise from the top), free spins a day, the price of an extra spin, and the item
    that pays for a spin (``None``: none)."""

    slots: list[str]
    free_spins_per_day: int
    extra_spin_points: int | None
    max_extra_spins_per_day: int
    spin_item: str | None = None
