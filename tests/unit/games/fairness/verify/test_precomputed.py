"""The precomputed parts of the fast lanes (games/fairness/verify/precomputed.py): HMAC from saved pads, and the pools
compiled from a config (or not, when the config is outside the fast lane)."""

from __future__ import annotations

import hmac
import random

from games.fairness.verify import precomputed
from games.fairness.verify.outcomes import installed_replays
from tests.unit.games.fairness.verify.exports import bench_config


def test_the_hmac_from_saved_pads_is_hmac_sha256() -> None:
    rng = random.Random(3)
    for size in (0, 1, 32, 63, 64, 65, 100):
        key = rng.randbytes(size)
        period = precomputed.Period("c", key)
        for message in (b"", b"client:0:0", rng.randbytes(200)):
            assert period.block(message) == hmac.digest(key, message, "sha256")


REPLAYS = installed_replays()


def test_configs_outside_the_fast_lane_are_not_compiled() -> None:
    config = bench_config().raw
    pool = precomputed.compile_pool(config, REPLAYS)
    assert pool is not None and pool.total == sum(p["weight"] for p in config["pool"]["prizes"])
    assert pool.ranges["red_188"] == (100, 300) and pool.ranges["thanks"] is None
    for change in (
        {"fallback": None},
        {"prizes": []},
        {"prizes": [{"key": "a", "weight": True, "reward": {}}]},
        {"prizes": [{"key": "a", "weight": 0, "reward": {}}]},
        {"prizes": [{"key": 1, "weight": 1, "reward": {}}]},
        {"prizes": [{"key": "a", "weight": 1, "reward": []}]},
        {"prizes": [{"key": "a", "weight": 1, "reward": {"max_fen": 5}}]},
        {"prizes": [{"key": "a", "weight": 1.0, "reward": {}}]},
    ):
        assert precomputed.compile_pool({**config, "pool": {**config["pool"], **change}}, REPLAYS) is None, change
    assert precomputed.compile_pool([], REPLAYS) is None
    no_slots = precomputed.compile_pool({**config, "games": {"wheel": {"slots": "abc"}}}, REPLAYS)
    assert no_slots is not None and "wheel" not in no_slots.games
