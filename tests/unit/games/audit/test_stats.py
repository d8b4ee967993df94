"""The goodness-of-fit test (games/audit/stats.py) on hand-made and simulated export lines."""

from __future__ import annotations

import json
from fractions import Fraction

import numpy as np
import pytest

from games.audit.stats import stats_from_export

WEIGHTS = [("thanks", 4000), ("pts", 2500), ("pts100", 1200), ("coupon", 1000), ("fr", 800), ("red", 400),
           ("if12", 90), ("red_big", 10)]  # fmt: skip
TOTAL = sum(w for _, w in WEIGHTS)


def config_line(weights: list[tuple[str, int]], config_hash: str = "c1") -> str:
    prizes = [{"key": k, "weight": w} for k, w in weights]
    return json.dumps({"type": "config", "hash": config_hash, "config": {"pool": {"prizes": prizes}}})


def draw_line(seq: int, prize: str, total: int = TOTAL, reason: str | None = None, config_hash: str = "c1") -> str:
    record = {"seq": seq, "config_hash": config_hash, "draws": [[total, 0]], "prize": prize, "fallback_reason": reason}
    return json.dumps({"type": "draw", "record": record})


def export(counts: dict[str, int], weights: list[tuple[str, int]] = WEIGHTS) -> list[str]:
    total = sum(w for _, w in weights)
    picks = [key for key, n in counts.items() for _ in range(n)]
    return [config_line(weights)] + [draw_line(i + 1, key, total) for i, key in enumerate(picks)]


def simulated_counts(probabilities: list[float], draws: int, seed: int) -> dict[str, int]:
    counts = np.random.default_rng(seed).multinomial(draws, probabilities)
    return {key: int(n) for (key, _), n in zip(WEIGHTS, counts, strict=True)}


def test_the_statistic_and_p_value_of_a_small_case_are_exact() -> None:
    (test,) = stats_from_export(export({"a": 60, "b": 40}, [("a", 1), ("b", 1)]))
    assert test.statistic == pytest.approx(4.0) and test.degrees_of_freedom == 1
    assert test.p_value == pytest.approx(0.0455, abs=1e-4) and not test.flagged
    assert [(p.key, p.probability, p.observed, p.expected) for p in test.prizes] == [
        ("a", Fraction(1, 2), 60, 50.0),
        ("b", Fraction(1, 2), 40, 50.0),
    ]


def test_a_fair_log_is_not_flagged() -> None:
    fair = [w / TOTAL for _, w in WEIGHTS]
    for seed in range(5):
        (test,) = stats_from_export(export(simulated_counts(fair, 20_000, seed)))
        assert test.p_value is not None and not test.flagged, (seed, test.p_value)


def test_a_log_that_starves_the_red_packets_is_flagged() -> None:
    biased = [w / TOTAL for _, w in WEIGHTS]
    biased[0], biased[5] = biased[0] + biased[5] / 2, biased[5] / 2  # half the red packets became "thanks"
    (test,) = stats_from_export(export(simulated_counts(biased, 20_000, seed=1)))
    assert test.flagged and test.p_value is not None and test.p_value < 1e-6


def test_rare_prizes_share_one_bin() -> None:
    (test,) = stats_from_export(export({"thanks": 40, "pts": 25, "pts100": 12, "coupon": 10, "fr": 8, "red": 4}))
    assert test.draws == 99  # expected below 5: red (3.96), if12 (0.89), red_big (0.1) are pooled
    assert test.degrees_of_freedom == 5


def test_fallbacks_and_stockouts_are_counted_apart_and_keep_their_picks() -> None:
    lines = [
        config_line(WEIGHTS),
        draw_line(1, "red", reason="out_of_stock"),
        draw_line(2, "red", reason="cap_reached"),
    ]
    lines.append(draw_line(3, "thanks"))
    (test,) = stats_from_export(lines)
    assert {p.key: p.observed for p in test.prizes}["red"] == 2
    assert test.fallbacks == {"out_of_stock": 1, "cap_reached": 1} and test.stockouts == {"red": 1}


def test_each_config_version_is_tested_against_its_own_odds() -> None:
    lines = [config_line([("a", 1), ("b", 1)], "c1"), config_line([("a", 1), ("b", 3)], "c2")]
    lines += [draw_line(1, "a", 2, config_hash="c1"), draw_line(2, "b", 4, config_hash="c2")]
    assert [(t.config_hash, t.draws) for t in stats_from_export(lines)] == [("c1", 1), ("c2", 1)]


def test_bad_lines_are_named() -> None:
    with pytest.raises(ValueError, match="line 2: not valid JSON"):
        stats_from_export([config_line(WEIGHTS), "{oops"])
    with pytest.raises(ValueError, match="line 1: draw 1 names config c9, not exported"):
        stats_from_export([draw_line(1, "a", config_hash="c9")])


def test_draws_that_pick_no_prize_are_left_out_even_when_their_range_is_the_pools() -> None:
    lines = [*export({"thanks": 3, "pts": 2}), draw_line(6, "", TOTAL), draw_line(7, "", TOTAL)]  # check-ins
    (test,) = stats_from_export(lines)
    assert test.draws == 5 and "" not in {p.key for p in test.prizes}
    assert sum(p.observed for p in test.prizes) == 5
