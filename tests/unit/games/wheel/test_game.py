"""The wheel plugin against a fake economy port: no database, no clock, no randomness of its own."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest
from marshmallow import ValidationError

from games.engine.contract import Action, PlayContext, PrizeOutcome, Rejection
from games.fairness.pools import Prize, load_pool
from games.fairness.rng import FairRng
from games.wheel.config import WheelConfig, WheelConfigSchema
from games.wheel.game import WheelState, game

POOL = load_pool(
    {
        "prizes": [
            {
                "key": "big",
                "name": "大奖",
                "weight": 1,
                "stock": 1,
                "reward": {"kind": "red_packet", "amount_fen": 8888},
                "broadcast": True,
            },
            {"key": "pts", "name": "积分", "weight": 5, "reward": {"kind": "points", "points": 10}},
            {"key": "thanks", "name": "谢谢", "weight": 4, "reward": {"kind": "nothing"}},
        ],
        "fallback": "thanks",
    }
)
CONFIG = WheelConfig(
    slots=["big", "pts", "thanks", "pts", "thanks", "pts"],
    free_spins_per_day=1,
    extra_spin_points=50,
    max_extra_spins_per_day=2,
)


@dataclass
class FakeEconomy:
    points: int = 0
    refuse: str | None = None
    spent: list[int] = field(default_factory=list)

    def points_balance(self) -> int:
        return self.points

    def spend_points(self, points: int, reason: str) -> None:
        self.points -= points
        self.spent.append(points)

    def grant_prize(self, prize: Prize) -> PrizeOutcome:
        if self.refuse and prize.key != POOL.fallback_key:
            return PrizeOutcome(prize.key, POOL.fallback_key, self.refuse)
        return PrizeOutcome(prize.key, prize.key)


def context(economy: FakeEconomy, nonce: int = 0) -> PlayContext:
    rng = FairRng("ab" * 32, "client", nonce)
    now = datetime(2026, 11, 23, 4, tzinfo=UTC)
    return PlayContext(1, 1, CONFIG, POOL, rng, now, "2026-11-23", economy)


def test_spin_uses_a_free_spin_then_lands_on_a_slot_of_the_granted_prize() -> None:
    ctx = context(FakeEconomy())
    outcome = game.apply(ctx, WheelState(), Action("spin"))
    payload = outcome.events[0].payload
    assert outcome.state == WheelState(day="2026-11-23", free_used=1)
    assert CONFIG.slots[payload["slot"]] == outcome.grants[0].granted
    assert POOL.pick(ctx.rng.calls[0][1]).key == payload["picked"]
    assert ctx.rng.calls[0][0] == POOL.total_weight


def test_a_new_day_restores_free_spins() -> None:
    outcome = game.apply(context(FakeEconomy()), WheelState(day="2026-11-22", free_used=1), Action("spin"))
    assert outcome.state.free_used == 1 and outcome.state.day == "2026-11-23"


def test_extra_spin_costs_points() -> None:
    economy = FakeEconomy(points=120)
    outcome = game.apply(context(economy), WheelState(day="2026-11-23", free_used=1), Action("spin"))
    assert economy.spent == [50] and outcome.state.extra_used == 1


def test_refusals_draw_nothing() -> None:
    poor = context(FakeEconomy(points=49))
    with pytest.raises(Rejection) as refused:
        game.apply(poor, WheelState(day="2026-11-23", free_used=1), Action("spin"))
    assert refused.value.code == "insufficient_points" and poor.rng.calls == []
    done = context(FakeEconomy(points=500))
    with pytest.raises(Rejection) as exhausted:
        game.apply(done, WheelState(day="2026-11-23", free_used=1, extra_used=2), Action("spin"))
    assert exhausted.value.code == "no_spins_left" and done.rng.calls == []


def test_fallback_lands_on_a_fallback_slot_and_is_not_broadcast() -> None:
    for nonce in range(20):
        ctx = context(FakeEconomy(refuse="out_of_stock"), nonce)
        outcome = game.apply(ctx, WheelState(), Action("spin"))
        payload = outcome.events[0].payload
        assert CONFIG.slots[payload["slot"]] == outcome.grants[0].granted
        if payload["picked"] != "thanks":
            assert payload["fallback_reason"] == "out_of_stock" and not outcome.events[0].broadcast


def test_config_check_names_missing_and_unknown_slots() -> None:
    bad = WheelConfig(
        slots=["pts", "nope", "thanks", "pts", "thanks", "pts"],
        free_spins_per_day=1,
        extra_spin_points=None,
        max_extra_spins_per_day=0,
    )
    problems = game.check_config(bad, POOL)["slots"]
    assert "slot 2 shows unknown prize 'nope'" in problems
    assert "prize 'big' has no slot on the wheel" in problems


def test_unknown_action_is_rejected() -> None:
    with pytest.raises(Rejection, match="no action"):
        game.apply(context(FakeEconomy()), WheelState(), Action("jump"))


# --- range red packets: the second draw ---------------------------------------------------------------

LUCKY: dict[str, object] = {"kind": "red_packet", "min_fen": 100, "max_fen": 199}
RANGE_POOL = load_pool(
    {
        "prizes": [
            {"key": "lucky", "name": "随机红包", "weight": 9, "reward": LUCKY},
            {"key": "pts", "name": "积分", "weight": 5, "reward": {"kind": "points", "points": 10}},
            {"key": "thanks", "name": "谢谢", "weight": 1, "reward": {"kind": "nothing"}},
        ],
        "fallback": "thanks",
    }
)
RANGE_CONFIG = WheelConfig(
    slots=["lucky", "pts", "thanks", "lucky", "pts", "lucky"],
    free_spins_per_day=1,
    extra_spin_points=None,
    max_extra_spins_per_day=0,
)


@dataclass
class OfferedEconomy(FakeEconomy):
    """Records every prize offered; refuses the range red packet when ``refuse`` is set."""

    offered: list[Prize] = field(default_factory=list)

    def grant_prize(self, prize: Prize) -> PrizeOutcome:
        self.offered.append(prize)
        if self.refuse and prize.key == "lucky":
            return PrizeOutcome(prize.key, "thanks", self.refuse)
        return PrizeOutcome(prize.key, prize.key)


def range_spin(nonce: int, economy: OfferedEconomy) -> tuple[PlayContext, dict[str, object]]:
    """One spin of the range pool; returns the context (its rng calls) and the event payload."""
    rng = FairRng("cd" * 32, "range-client", nonce)
    ctx = PlayContext(1, 1, RANGE_CONFIG, RANGE_POOL, rng, datetime(2026, 11, 23, 4, tzinfo=UTC), "2026-11-23", economy)
    return ctx, game.apply(ctx, WheelState(), Action("spin")).events[0].payload


def test_a_range_red_packet_draws_its_amount_second_and_the_slot_third() -> None:
    picked = 0
    for nonce in range(60):
        economy = OfferedEconomy()
        ctx, payload = range_spin(nonce, economy)
        if payload["picked"] != "lucky":
            continue
        picked += 1
        (total, _), (choices, value), (slots, slot_value) = ctx.rng.calls
        assert (total, choices, slots) == (15, 100, 3)
        assert payload["amount_fen"] == 100 + value and payload["slot"] == [0, 3, 5][slot_value]
        offered = economy.offered[0]
        assert not offered.reward.is_range
        assert offered.reward.amount == offered.cost_fen == offered.max_cost_fen == payload["amount_fen"]
    assert picked, "weight 9 of 15: some of 60 spins pick it"


def test_other_prizes_draw_no_amount() -> None:
    for nonce in range(60):
        ctx, payload = range_spin(nonce, OfferedEconomy())
        if payload["picked"] != "lucky":
            assert len(ctx.rng.calls) == 2 and "amount_fen" not in payload


def test_a_refused_range_red_packet_still_drew_its_amount_and_lands_on_the_fallback() -> None:
    for nonce in range(60):
        ctx, payload = range_spin(nonce, OfferedEconomy(refuse="budget_exhausted"))
        if payload["picked"] == "lucky":
            assert len(ctx.rng.calls) == 3 and payload["amount_fen"] == 100 + ctx.rng.calls[1][1]
            assert payload["prize"] == "thanks" and payload["fallback_reason"] == "budget_exhausted"
            assert RANGE_CONFIG.slots[payload["slot"]] == "thanks" and ctx.rng.calls[2][0] == 1


def test_range_amounts_stay_within_min_and_max_and_reach_both_ends() -> None:
    amounts = {range_spin(n, OfferedEconomy())[1].get("amount_fen") for n in range(2000)} - {None}
    assert min(amounts) == 100 and max(amounts) == 199 and len(amounts) == 100


@pytest.mark.parametrize("count", [0, 5, 13, 20])
def test_a_wheel_has_6_to_12_slots(count: int) -> None:
    with pytest.raises(ValidationError) as refused:
        WheelConfigSchema().load({"slots": ["pts"] * count})
    assert refused.value.messages["slots"] == ["a wheel has 6 to 12 slots"]


@pytest.mark.parametrize("count", [6, 12])
def test_6_and_12_slots_are_wheels(count: int) -> None:
    assert len(WheelConfigSchema().load({"slots": ["pts"] * count}).slots) == count
