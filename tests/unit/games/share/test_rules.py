"""The pure rules of shares: every fraud rule refuses its case and lets a clean case through (one table), the
velocity rule holds the surplus, thresholds unlock once, ops decide held assists."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from games.share.config import ShareConfig, ShareConfigSchema
from games.share.rules import (
    ACCEPTED,
    HELD,
    REFUSALS,
    REJECTED,
    Helped,
    Helper,
    ShareState,
    assist,
    decide,
    refusal,
    start,
)

NOW = datetime(2026, 12, 6, 4, tzinfo=UTC)
TODAY = "2026-12-06"
SHARER, HELPER = 1, 2


def config(**fraud: Any) -> ShareConfig:
    raw = {"hours": 24, "thresholds": [{"assists": 3, "prize": "coupon"}, {"assists": 5, "prize": "packet"}],
           "fraud": {"new_users_only": False, **fraud}}  # fmt: skip
    loaded: ShareConfig = ShareConfigSchema().load(raw)
    return loaded


def sharer_state(cfg: ShareConfig) -> ShareState:
    return start(cfg, ShareState(), "code-0001", "sharer-device", NOW - timedelta(hours=1))


CLEAN = Helper(HELPER, "helper-device", risk=False, joined=date(2026, 12, 1))
Case = Callable[[ShareConfig, Helper, ShareState, ShareState], tuple[ShareConfig, Helper, ShareState, ShareState, int]]


def helped_by(state: ShareState, helper: int, device: str, at: datetime = NOW) -> ShareState:
    """``state`` whose first share received an assist from ``helper`` on ``device``."""
    done = assist(config(), Helper(helper, device), ShareState(), SHARER, state, 1, at, TODAY)
    return done.sharer_state


CASES: dict[str, tuple[Case, str]] = {
    "self_assist": (lambda c, h, hs, ss: (c, replace(h, user_id=SHARER), hs, ss, 1), "self_assist"),
    "no such share": (lambda c, h, hs, ss: (c, h, hs, ss, 2), "share_not_found"),
    "expired": (
        lambda c, h, hs, ss: (
            config(),
            h,
            hs,
            start(config(), ShareState(), "c" * 8, None, NOW - timedelta(hours=25)),
            1,
        ),
        "share_expired",
    ),
    "complete": (lambda c, h, hs, ss: (c, h, hs, _complete(ss), 1), "share_complete"),
    "twice": (lambda c, h, hs, ss: (c, h, hs, helped_by(ss, HELPER, "other-device"), 1), "already_assisted"),
    "flagged": (lambda c, h, hs, ss: (c, replace(h, risk=True), hs, ss, 1), "flagged_account"),
    "old account": (lambda c, h, hs, ss: (config(new_users_only=True, new_user_days=3), h, hs, ss, 1), "not_new_user"),
    "no device": (lambda c, h, hs, ss: (c, replace(h, device=None), hs, ss, 1), "device_unknown"),
    "own device": (lambda c, h, hs, ss: (c, replace(h, device="sharer-device"), hs, ss, 1), "own_device"),
    "device again": (lambda c, h, hs, ss: (c, h, hs, helped_by(ss, 9, "helper-device"), 1), "device_repeat"),
    "daily cap": (lambda c, h, hs, ss: (config(helper_daily_max=2), h, _gave(hs, 2, to=7), ss, 1), "daily_limit"),
    "ring": (
        lambda c, h, hs, ss: (config(ring_daily_max=2), h, _gave(hs, 1, to=SHARER), _gave(ss, 1, to=HELPER), 1),
        "ring_limit",
    ),
}


def _complete(state: ShareState) -> ShareState:
    for helper in range(10, 15):
        state = helped_by(state, helper, f"device-{helper:04d}")
    return state


def _gave(state: ShareState, count: int, to: int) -> ShareState:
    return ShareState(state.shares, state.helped + [Helped(to, 1, NOW.isoformat(), TODAY)] * count, state.devices)


@pytest.mark.parametrize("case", list(CASES))
def test_each_fraud_rule_refuses_its_case(case: str) -> None:
    change, expected = CASES[case]
    cfg, helper, helper_state, sharer, number = change(config(), CLEAN, ShareState(), sharer_state(config()))
    assert refusal(cfg, helper, helper_state, SHARER, sharer, number, NOW, TODAY) == expected


def test_the_table_covers_every_refusal_and_a_clean_case_passes() -> None:
    assert sorted(code for _, code in CASES.values()) == sorted(REFUSALS)
    assert refusal(config(), CLEAN, ShareState(), SHARER, sharer_state(config()), 1, NOW, TODAY) is None
    new_user = config(new_users_only=True, new_user_days=30)
    assert refusal(new_user, CLEAN, ShareState(), SHARER, sharer_state(new_user), 1, NOW, TODAY) is None
    relaxed = config(device_rules=False, refuse_flagged=False)
    odd = replace(CLEAN, device=None, risk=True)
    assert refusal(relaxed, odd, ShareState(), SHARER, sharer_state(relaxed), 1, NOW, TODAY) is None


def test_thresholds_unlock_once_as_valid_assists_reach_them() -> None:
    cfg, state, unlocked = config(), sharer_state(config()), []
    for helper in range(10, 16):
        done = assist(cfg, Helper(helper, f"d-{helper:06d}"), ShareState(), SHARER, state, 1, NOW, TODAY)
        state, unlocked = done.sharer_state, unlocked + list(done.unlocked)
        assert done.status == ACCEPTED
    assert unlocked == [3, 5] and state.shares[0].valid() == 6


def test_beyond_the_velocity_limit_assists_are_held_and_ops_decide() -> None:
    cfg, state = config(velocity_per_minute=2), sharer_state(config())
    statuses = []
    for helper in range(10, 14):
        done = assist(cfg, Helper(helper, f"d-{helper:06d}"), ShareState(), SHARER, state, 1, NOW, TODAY)
        state, statuses = done.sharer_state, [*statuses, done.status]
    assert statuses == [ACCEPTED, ACCEPTED, HELD, HELD]
    state, unlocked = decide(cfg, state, 1, 12, approve=True)
    assert unlocked == (3,)
    state, unlocked = decide(cfg, state, 1, 13, approve=False)
    assert unlocked == () and [a.status for a in state.shares[0].assists] == [ACCEPTED] * 3 + [REJECTED]
    with pytest.raises(ValueError, match="assist_not_held"):
        decide(cfg, state, 1, 13, approve=True)


def test_a_new_share_waits_for_the_last_to_end() -> None:
    state = sharer_state(config())
    with pytest.raises(ValueError, match="share_active"):
        start(config(), state, "code-0002", None, NOW)
    later = start(config(), state, "code-0002", None, NOW + timedelta(hours=24))
    assert [s.number for s in later.shares] == [1, 2]


def test_the_spec_worked_example_of_a_helpers_draw() -> None:
    from games.fairness.rng import FairRng
    from games.share.replay import replay

    seed = "65522ffc81e0df2fa83dc41d75d6e337e1b5d33038eee32ab756471770234b15"
    view = replay.config_view({"games": {"share": {"helper_prizes": [{"prize": "points_5", "weight": 1},
                                                                      {"prize": "thanks", "weight": 3}]}}})  # fmt: skip
    assert view is not None
    for client_seed, expected in (("heidi-seed", [[4, 0], 0]), ("ivan-seed", [[4, 3], 1])):
        rng = FairRng(seed, client_seed, 0)
        value = rng.below(4)
        assert [[4, value], replay.check(view, "", [[4, value]], 0, {"pick": expected[1]})] == [expected[0], None]
        assert (
            replay.draw_grants(view, [[4, value]], 0, {"pick": expected[1]})[0][0]
            == ("points_5", "thanks")[expected[1]]
        )
