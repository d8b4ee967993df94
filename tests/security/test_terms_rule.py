"""Disclosed terms may not get worse after the start, field by field: the campaign's points lifetime, a
coupon prize's conditions and category, the wheel's spin terms, and a game's terms declared through the
plugin contract (games/engine/disclosed_terms.py, games/campaigns/disclosure.py; no I/O)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pytest

from games.campaigns.config import CampaignConfig, validate_config
from games.campaigns.disclosure import worsening
from games.engine.disclosed_terms import COUPON_TERMS, DisclosedTerm, Worse, terms_worsening
from games.engine.registry import Registry, RegistryError, check_contract
from games.wheel.game import Wheel
from games.wheel.game import game as wheel
from tests.plugins.coin.game import Coin
from tests.unit.games.campaigns.test_disclosure import changed, config, prize, raw_config, worse

Change = Callable[[dict[str, Any]], None]


def coupon(**terms: Any) -> Change:
    """A change setting the coupon prize's coupon ``terms``."""
    return lambda raw: prize(raw, "coupon")["reward"]["coupon"].update(terms)


def spins(**terms: Any) -> Change:
    """A change setting the wheel's ``terms``."""
    return lambda raw: raw["games"]["wheel"].update(terms)


def lifetime(days: int) -> Change:
    return lambda raw: raw.update(points_lifetime_days=days)


def full_reduction(**terms: Any) -> Change:
    """A change making the coupon a 满减 coupon (threshold ¥100, ¥10 off, then ``terms``)."""
    shape = {"type": "full_reduction", "title": "满100减10", "valid_days": 30, "threshold_fen": 10000}
    return lambda raw: prize(raw, "coupon")["reward"].update(coupon={**shape, "amount_fen": 1000, **terms})


def both(*changes: Change) -> Change:
    def change(raw: dict[str, Any]) -> None:
        for one in changes:
            one(raw)

    return change


BASE = both(
    coupon(category="数码", periods=6), spins(free_spins_per_day=5, extra_spin_points=50, max_extra_spins_per_day=3)
)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lifetime(1), "the points lifetime (days) would fall from 365 to 1"),
        (coupon(category="生鲜"), "prize 'coupon': the coupon category would change from 数码 to 生鲜"),
        (coupon(category=None), "prize 'coupon': the coupon category would change from 数码 to none"),
        (coupon(valid_days=7), "prize 'coupon': the coupon validity (days) would fall from 30 to 7"),
        (coupon(min_order_fen=9900), "prize 'coupon': the coupon minimum order (fen) would rise from 0 to 9900"),
        (coupon(periods=3), "prize 'coupon': the interest-free periods would fall from 6 to 3"),
        (full_reduction(category="数码"), "prize 'coupon': the coupon type would change from interest_free to"),
        (spins(free_spins_per_day=3), "game 'wheel': the free spins a day would fall from 5 to 3"),
        (spins(max_extra_spins_per_day=0), "game 'wheel': the extra spins a day would fall from 3 to 0"),
        (spins(extra_spin_points=80), "game 'wheel': the points per extra spin would rise from 50 to 80"),
        (spins(extra_spin_points=None), "game 'wheel': the points per extra spin would be withdrawn (it was 50)"),
    ],
)
def test_each_disclosed_term_may_not_get_worse(change: Change, reason: str) -> None:
    reasons = worse(changed(BASE), changed(both(BASE, change)))
    assert any(r.startswith(reason) for r in reasons), reasons


@pytest.mark.parametrize(
    "change",
    [
        lifetime(730),
        coupon(valid_days=60, min_order_fen=0, periods=12),
        spins(free_spins_per_day=6, max_extra_spins_per_day=5, extra_spin_points=20),
    ],
)
def test_better_terms_publish(change: Change) -> None:
    assert worse(changed(BASE), changed(both(BASE, change))) == []


def test_offering_extra_spins_where_there_were_none_is_better() -> None:
    assert worse(changed(spins(extra_spin_points=None)), changed(spins(extra_spin_points=10))) == []


def test_a_category_where_the_coupon_had_none_is_worse() -> None:
    assert worse(config(raw_config()), changed(coupon(category="生鲜"))) == [
        "prize 'coupon': the coupon category would change from none to 生鲜"
    ]


@pytest.mark.parametrize(
    ("terms", "reason"),
    [
        ({"threshold_fen": 20000}, "the full-reduction threshold (fen) would rise from 10000 to 20000"),
        ({"amount_fen": 500}, "the full-reduction amount (fen) would fall from 1000 to 500"),
    ],
)
def test_a_full_reduction_coupon_keeps_its_threshold_and_amount(terms: dict[str, Any], reason: str) -> None:
    assert worse(changed(full_reduction()), changed(full_reduction(**terms))) == [f"prize 'coupon': {reason}"]


def test_every_coupon_condition_is_declared() -> None:
    assert {t.field for t in COUPON_TERMS} == {
        "type",
        "category",
        "valid_days",
        "min_order_fen",
        "periods",
        "threshold_fen",
        "amount_fen",
    }


# --- a game's own terms, through the plugin contract ------------------------------------------------------


def _with_coin() -> Registry:
    registry = Registry()
    registry.register(wheel)
    registry.register(Coin())
    return registry


def _coin_config(registry: Registry, **coin: Any) -> CampaignConfig:
    raw = raw_config()
    config(raw)  # fills the wheel's slots
    raw["games"]["coin"] = coin
    return validate_config(registry, raw)


def test_a_game_gets_the_rule_by_declaring_its_terms() -> None:
    registry = _with_coin()
    old, new = _coin_config(registry, flips_per_day=3), _coin_config(registry, flips_per_day=2)
    assert worsening(old, new, registry) == ["game 'coin': the flips a day would fall from 3 to 2"]
    assert worsening(new, old, registry) == []


def test_removing_a_game_from_a_started_campaign_is_worse() -> None:
    registry = _with_coin()
    without = validate_config(registry, config(raw_config()).raw)
    assert worsening(_coin_config(registry), without, registry) == ["the game 'coin' would be removed"]


def test_the_registry_requires_declared_terms() -> None:
    class Undeclared(Wheel):
        disclosed_terms = None  # type: ignore[assignment]

    with pytest.raises(RegistryError, match="disclosed_terms"):
        check_contract(Undeclared())


def test_declared_terms_must_be_fields_of_the_config_schema() -> None:
    class Misdeclared(Wheel):
        disclosed_terms = (DisclosedTerm("spins_per_hour", "spins an hour", Worse.LOWER),)

    with pytest.raises(RegistryError, match="spins_per_hour"):
        check_contract(Misdeclared())


def test_a_price_not_offered_counts_as_infinite() -> None:
    price = (DisclosedTerm("extra_spin_points", "the points per extra spin", Worse.HIGHER, unset=math.inf),)
    offered, withdrawn = changed(spins(extra_spin_points=50)), changed(spins(extra_spin_points=None))
    assert terms_worsening(price, offered.games["wheel"], withdrawn.games["wheel"]) != []
    assert terms_worsening(price, withdrawn.games["wheel"], offered.games["wheel"]) == []
