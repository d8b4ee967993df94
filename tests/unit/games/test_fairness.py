"""The fair draw (games/fairness.py) and the verifier's own integer routine against docs/fairness.md.

The test vectors are read from the spec itself, so the spec, the engine and the independent verifier
cannot drift apart without a test failing.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
from collections import Counter
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from games import verify
from games.contract import Action, PlayContext, PrizeOutcome
from games.fairness import (
    FairRng,
    below,
    canonical_json,
    commitment,
    content_hash,
    draw_block,
    is_valid_client_seed,
    record_hash,
    replay,
    words,
)
from games.pools import Prize, load_pool
from games.wheel import WheelConfig
from games.wheel import game as wheel

SPEC = Path(__file__).resolve().parents[3] / "docs" / "fairness.md"


def fenced(text: str, heading: str, language: str) -> str:
    """The first fenced block of ``language`` after ``heading`` in the spec."""
    start = text.index(heading)
    opening = f"```{language}\n"
    body = text.index(opening, start) + len(opening)
    return text[body : text.index("```", body)]


SPEC_TEXT = SPEC.read_text(encoding="utf-8")
VECTORS: dict[str, Any] = json.loads(fenced(SPEC_TEXT, "## Test vectors", "json"))
EXPORT = fenced(SPEC_TEXT, "### Example export", "jsonl").splitlines()


def test_the_spec_holds_every_kind_of_vector() -> None:
    assert set(VECTORS) == {"streams", "rejections", "pick", "canonical", "wheel"}
    assert len(VECTORS["streams"]) >= 3 and len(VECTORS["rejections"]) >= 2
    assert len(EXPORT) == 8


@pytest.mark.parametrize("vector", VECTORS["streams"], ids=lambda v: v["client_seed"])
def test_commitment_blocks_and_words(vector: dict[str, Any]) -> None:
    seed, client, nonce = vector["server_seed"], vector["client_seed"], vector["nonce"]
    assert commitment(seed) == vector["commitment"] == hashlib.sha256(bytes.fromhex(seed)).hexdigest()
    for cursor, (message, block) in enumerate(zip(vector["messages"], vector["blocks"], strict=True)):
        assert message == f"{client}:{nonce}:{cursor}"
        assert hmac.new(bytes.fromhex(seed), message.encode("ascii"), hashlib.sha256).hexdigest() == block
        assert draw_block(seed, client, nonce, cursor).hex() == block
    assert list(itertools.islice(words(seed, client, nonce), 16)) == vector["words"]
    as_bytes = b"".join(bytes.fromhex(block) for block in vector["blocks"])
    assert [int.from_bytes(as_bytes[i : i + 4], "big") for i in range(0, 64, 4)] == vector["words"]


@pytest.mark.parametrize("vector", VECTORS["streams"], ids=lambda v: v["client_seed"])
def test_successive_integers_of_one_stream(vector: dict[str, Any]) -> None:
    seed, client, nonce = vector["server_seed"], vector["client_seed"], vector["nonce"]
    ranges = [n for n, _ in vector["draws"]]
    expected = [value for _, value in vector["draws"]]
    assert replay(seed, client, nonce, ranges) == expected
    assert verify._integers(seed, client, nonce, ranges) == expected
    rng = FairRng(seed, client, nonce)
    assert [rng.below(n) for n in ranges] == expected
    assert rng.calls == [tuple(pair) for pair in vector["draws"]]


@pytest.mark.parametrize("vector", VECTORS["rejections"], ids=lambda v: str(v["nonce"]))
def test_rejection_sampling_discards_words_at_or_above_the_limit(vector: dict[str, Any]) -> None:
    seed, client, nonce, n = vector["server_seed"], vector["client_seed"], vector["nonce"], vector["n"]
    assert vector["limit"] == 2**32 - 2**32 % n
    consumed = vector["words"]
    assert len(consumed) == vector["rejected"] + 1 and vector["rejected"] >= 1
    assert all(word >= vector["limit"] for word in consumed[:-1]) and consumed[-1] < vector["limit"]
    assert vector["value"] == consumed[-1] % n
    stream = words(seed, client, nonce)
    assert below(stream, n) == vector["value"]
    following = next(stream)
    assert list(itertools.islice(words(seed, client, nonce), len(consumed) + 1)) == [*consumed, following]
    assert verify._integers(seed, client, nonce, [n]) == [vector["value"]]
    assert verify._integers(seed, client, nonce, [n, 2**32]) == [vector["value"], following]


def test_a_draw_that_crosses_into_the_next_block() -> None:
    crossing = next(v for v in VECTORS["rejections"] if v["rejected"] >= 8)
    block_1 = draw_block(crossing["server_seed"], crossing["client_seed"], crossing["nonce"], 1)
    assert crossing["words"][8] == int.from_bytes(block_1[:4], "big")


def test_pick_vector() -> None:
    vector = VECTORS["pick"]
    pool = load_pool(
        {
            "prizes": [
                {"key": key, "name": key, "weight": weight, "reward": {"kind": "nothing"}}
                for key, weight in vector["prizes"]
            ],
            "fallback": vector["prizes"][-1][0],
        }
    )
    assert pool.total_weight == vector["total"] == len(vector["values"])
    for value, key in vector["values"]:
        assert pool.pick(value).key == key
        assert verify._pick([tuple(p) for p in vector["prizes"]], value) == key


@pytest.mark.parametrize("vector", VECTORS["canonical"])
def test_canonical_json_vector(vector: dict[str, Any]) -> None:
    text = canonical_json(vector["value"])
    assert text.decode("utf-8") == vector["json"]
    assert verify._canonical(vector["value"]) == text
    assert hashlib.sha256(text).hexdigest() == content_hash(vector["value"]) == vector["sha256"]


@dataclass
class ScriptedEconomy:
    """Answers each grant as the vector says the economy did."""

    answer: PrizeOutcome

    def points_balance(self) -> int:
        return 0

    def spend_points(self, points: int, reason: str) -> None:
        raise AssertionError("the vector's spins are free")

    def grant_prize(self, prize: Prize) -> PrizeOutcome:
        assert prize.key == self.answer.picked
        return self.answer


@pytest.mark.parametrize("spin", VECTORS["wheel"]["spins"], ids=lambda s: f"{s['client_seed']}-{s['nonce']}")
def test_wheel_spin_vector(spin: dict[str, Any]) -> None:
    vector = VECTORS["wheel"]
    pool = load_pool(
        {
            "prizes": [
                {"key": key, "name": key, "weight": weight, "reward": {"kind": "nothing"}}
                for key, weight in vector["prizes"]
            ],
            "fallback": vector["fallback"],
        }
    )
    config = WheelConfig(slots=vector["slots"], free_spins_per_day=1, extra_spin_points=None, max_extra_spins_per_day=0)
    rng = FairRng(vector["server_seed"], spin["client_seed"], spin["nonce"])
    economy = ScriptedEconomy(PrizeOutcome(spin["picked"], spin["granted"], spin["fallback_reason"]))
    ctx = PlayContext(1, 1, config, pool, rng, None, "2026-11-23", economy)  # type: ignore[arg-type]
    outcome = wheel.apply(ctx, wheel.initial_state(), Action("spin"))
    assert [list(call) for call in rng.calls] == spin["draws"]
    assert outcome.events[0].payload["slot"] == spin["slot"]
    assert outcome.events[0].payload["prize"] == spin["landed"]
    assert vector["slots"][spin["slot"]] == spin["landed"]


def test_the_example_export_verifies_and_matches_the_wheel_vectors() -> None:
    report = verify.verify_lines(EXPORT)
    assert report.draws == 4 and report.periods == {"20261123-1": 4}
    items = [json.loads(line) for line in EXPORT]
    config = next(i for i in items if i["type"] == "config")
    assert content_hash(config["config"]) == config["hash"]
    records = [i["record"] for i in items if i["type"] == "draw"]
    assert all(record_hash(r) == r["hash"] for r in records)
    assert report.head_hash == records[-1]["hash"] == items[-1]["head_hash"]
    spins = VECTORS["wheel"]["spins"]
    assert [(r["client_seed"], r["nonce"], r["draws"], r["detail"]["slot"]) for r in records] == [
        (s["client_seed"], s["nonce"], s["draws"], s["slot"]) for s in spins
    ]


def test_below_six_is_uniform() -> None:
    """60,000 draws of below(6) from fixed seeds; chi-square (5 degrees of freedom) below 20.52 (p = 0.001)."""
    draws = 60_000
    counts = Counter(FairRng("5e" * 32, "uniformity", nonce).below(6) for nonce in range(draws))
    expected = draws / 6
    chi_square = sum((counts[value] - expected) ** 2 / expected for value in range(6))
    assert set(counts) == set(range(6))
    assert chi_square < 20.52, counts


def test_no_modulo_bias_for_a_range_that_does_not_divide_2_to_the_32() -> None:
    """n = 3 * 2^30: plain ``word % n`` would give values below 2^30 half the time instead of a third."""
    n, draws = 3 * 2**30, 30_000
    stream = words("c4" * 32, "bias", 0)
    low = sum(below(stream, n) < 2**30 for _ in range(draws))
    assert abs(Fraction(low, draws) - Fraction(1, 3)) < Fraction(2, 100), low  # 7 standard deviations


def test_range_limits() -> None:
    stream = words("00" * 32, "limits", 0)
    first, second = itertools.islice(words("00" * 32, "limits", 0), 2)
    assert below(stream, 1) == 0, "n = 1 gives 0"
    assert below(stream, 2**32) == second, "n = 1 consumed the first word; 2^32 gives the word itself"
    assert first != second
    for bad in (0, -1, 2**32 + 1):
        with pytest.raises(ValueError, match="range"):
            below(words("00" * 32, "limits", 0), bad)
        with pytest.raises(ValueError, match="range"):
            verify._integers("00" * 32, "limits", 0, [bad])


@pytest.mark.parametrize("client_seed", ["a", "Z", "0", "my-lucky_seed-2026", "x" * 64, "3b9f1c0d7e2a4f68"])
def test_valid_client_seeds(client_seed: str) -> None:
    assert is_valid_client_seed(client_seed)


@pytest.mark.parametrize("client_seed", ["", "x" * 65, "has space", "colon:seed", "dot.seed", "中文", "tab\t", "a\n"])
def test_invalid_client_seeds(client_seed: str) -> None:
    assert not is_valid_client_seed(client_seed)


def test_canonical_json_sorts_keys_at_every_level_and_writes_utf8() -> None:
    value = {"b": {"y": 1, "x": [{"d": None, "c": True}]}, "a": "谢谢参与"}
    text = canonical_json(value)
    assert text == '{"a":"谢谢参与","b":{"x":[{"c":true,"d":null}],"y":1}}'.encode()
    assert "谢".encode() in text and b"\\u" not in text
    assert canonical_json({"b": 1, "a": 2}) == canonical_json({"a": 2, "b": 1})


def test_canonical_json_refuses_non_finite_numbers() -> None:
    with pytest.raises(ValueError):
        canonical_json({"x": float("nan")})


def test_record_hash_covers_everything_but_the_hash() -> None:
    record = {"seq": 1, "prize": "pts", "prev_hash": "0" * 64}
    sealed = {**record, "hash": record_hash(record)}
    assert record_hash(sealed) == sealed["hash"] == content_hash(record)
    assert record_hash({**sealed, "prize": "big"}) != sealed["hash"]
