"""Disclosed terms declared field by field: which config fields shoppers are shown and in which direction
a change hurts them.

A game lists its terms in ``disclosed_terms`` (see :class:`games.engine.contract.Game`); the campaign's own terms
(:data:`CAMPAIGN_TERMS`) and a coupon prize's terms (:data:`COUPON_TERMS`) are declared the same way. Once
a campaign has started, :func:`terms_worsening` names every declared field a new config moves in its worse
direction, so a game gets the no-worsening rule by declaring its fields.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any


class Worse(Enum):
    """The direction of a change that hurts shoppers."""

    LOWER = "lower"  # fewer spins, a shorter validity: a fall is worse
    HIGHER = "higher"  # a higher price or minimum order: a rise is worse
    CHANGE = "change"  # a category, a coupon type: any change is worse


@dataclass(frozen=True)
class DisclosedTerm:
    """A config field shown to shoppers.

    :ivar field: the field of the loaded config: an attribute (a game's config object, a coupon template)
        or a key (a game whose schema loads a dict).
    :ivar label: the field in plain words, as ops and shoppers know it ("free spins a day").
    :ivar worse: the direction in which a change hurts shoppers.
    :ivar unset: what an absent value (``None``) counts as when comparing: ``math.inf`` for a price of
        something not offered (dropping it withdraws the offer), ``0`` for a count (periods of a coupon
        type that has none). ``None``: an absent value is compared as it is (only for :attr:`Worse.CHANGE`).
    """

    field: str
    label: str
    worse: Worse
    unset: float | None = None


CAMPAIGN_TERMS = (DisclosedTerm("points_lifetime_days", "the points lifetime (days)", Worse.LOWER),)
"""The campaign config's own terms (the rules page shows how long points last)."""

COUPON_TERMS = (
    DisclosedTerm("type", "the coupon type", Worse.CHANGE),
    DisclosedTerm("category", "the coupon category", Worse.CHANGE),
    DisclosedTerm("valid_days", "the coupon validity (days)", Worse.LOWER),
    DisclosedTerm("min_order_fen", "the coupon minimum order (fen)", Worse.HIGHER, unset=0),
    DisclosedTerm("periods", "the interest-free periods", Worse.LOWER, unset=0),
    DisclosedTerm("threshold_fen", "the full-reduction threshold (fen)", Worse.HIGHER, unset=0),
    DisclosedTerm("amount_fen", "the full-reduction amount (fen)", Worse.LOWER, unset=0),
)
"""A coupon prize's terms: any change of type or category is worse (a coupon for 数码 is not one for 生鲜)."""


def terms_worsening(terms: tuple[DisclosedTerm, ...], before: Any, after: Any) -> list[str]:
    """Why ``after`` is worse than ``before`` for shoppers on the declared ``terms`` (empty: it is not).

    Each reason names the term's label, e.g. "the free spins a day would fall from 5 to 3".
    """
    return [reason for _, reason in worse_terms(terms, before, after)]


def worse_terms(terms: tuple[DisclosedTerm, ...], before: Any, after: Any) -> list[tuple[str, str]]:
    """:func:`terms_worsening`'s reasons, each with the field it is about: ``(field, reason)``."""
    found: list[tuple[str, str]] = []
    for term in terms:
        was, now = _value(before, term.field), _value(after, term.field)
        if not _is_worse(term, was, now):
            continue
        if now is None and term.unset == math.inf:
            found.append((term.field, f"{term.label} would be withdrawn (it was {was})"))
        elif term.worse is Worse.LOWER:
            found.append((term.field, f"{term.label} would fall from {_shown(was, term)} to {_shown(now, term)}"))
        elif term.worse is Worse.HIGHER:
            found.append((term.field, f"{term.label} would rise from {_shown(was, term)} to {_shown(now, term)}"))
        else:
            found.append((term.field, f"{term.label} would change from {_shown(was, term)} to {_shown(now, term)}"))
    return found


def _value(config: Any, field: str) -> Any:
    """A field of a loaded config: an attribute, or a key when the schema loads a mapping."""
    return config.get(field) if isinstance(config, Mapping) else getattr(config, field)


def _is_worse(term: DisclosedTerm, was: Any, now: Any) -> bool:
    if term.worse is Worse.CHANGE:
        return bool(now != was)
    before, after = _compared(was, term), _compared(now, term)
    return after < before if term.worse is Worse.LOWER else after > before


def _compared(value: Any, term: DisclosedTerm) -> Any:
    return term.unset if value is None else value


def _shown(value: Any, term: DisclosedTerm) -> str:
    if value is None:
        return "none" if term.unset is None else str(_compared(value, term))
    return str(value)
