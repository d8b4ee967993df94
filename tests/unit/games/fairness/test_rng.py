"""The fair draw (games/fairness/rng.py) and the verifier's own integer routine against docs/fairness.md.

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

from games.engine.contract import Action, PlayContext, PrizeOutcome
from games.fairness import verify
from games.fairness.pools import Prize, load_pool
from games.fairness.rng import (
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
from games.wheel.config import WheelConfig
from games.wheel.game import game as wheel

SPEC = Path(__file__).resolve().parents[4] / "docs" / "fairness.md"


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
    assert set(VECTORS) == {"streams", "rejections", "pick", "canonical", "wheel", "red_packet_range"}
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


def test_the_example_saved_checkpoints_are_read_and_the_example_export_extends_them() -> None:
    saved = fenced(SPEC_TEXT, "A saved checkpoints file of the", "json")
    checkpoints = verify.parse_checkpoints(saved.encode("utf-8"))
    assert [(c.period, c.count) for c in checkpoints] == [("20261123-1", 4)]
    assert verify.verify_lines(EXPORT, checkpoints).head_hash == checkpoints[0].head_hash
    with pytest.raises(verify.CheckpointsError, match=r'^entry 1: count must be an integer from 0, not "4"$'):
        verify.parse_checkpoints(saved.replace('"count":4', '"count":"4"').encode("utf-8"))


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


# --- range red packets: the amount draw (docs/fairness.md section 7) ---------------------------------------

RANGE = VECTORS["red_packet_range"]
RANGE_PERIOD = "20261123-1"


def range_config() -> dict[str, Any]:
    """The campaign config of the ``red_packet_range`` vectors, as an export's config line holds it."""
    prizes = [
        {"key": key, "name": key, "weight": weight, "reward": RANGE["rewards"][key]} for key, weight in RANGE["prizes"]
    ]
    return {
        "pool": {"prizes": prizes, "fallback": RANGE["fallback"]},
        "games": {"wheel": {"slots": RANGE["slots"], "free_spins_per_day": 3}},
    }


@dataclass
class CheckedEconomy(ScriptedEconomy):
    """Also checks that a range red packet reaches the economy with its drawn amount fixed."""

    amount_fen: int | None = None

    def grant_prize(self, prize: Prize) -> PrizeOutcome:
        assert not prize.reward.is_range
        if self.amount_fen is not None:
            assert prize.reward.amount == prize.cost_fen == prize.max_cost_fen == self.amount_fen
        return super().grant_prize(prize)


def test_the_range_vector_prize_draws_amounts_from_min_to_max() -> None:
    lucky = load_pool(range_config()["pool"]).prize("lucky")
    assert lucky.reward.is_range and lucky.amount_choices == 8888 - 88 + 1 == 8801
    assert lucky.cost_fen == Fraction(88 + 8888, 2) and lucky.max_cost_fen == 8888


@pytest.mark.parametrize("spin", RANGE["spins"], ids=lambda s: f"{s['client_seed']}-{s['nonce']}")
def test_range_red_packet_spin_vector(spin: dict[str, Any]) -> None:
    pool = load_pool(range_config()["pool"])
    config = WheelConfig(slots=RANGE["slots"], free_spins_per_day=1, extra_spin_points=None, max_extra_spins_per_day=0)
    rng = FairRng(RANGE["server_seed"], spin["client_seed"], spin["nonce"])
    answer = PrizeOutcome(spin["picked"], spin["granted"], spin["fallback_reason"])
    ctx = PlayContext(1, 1, config, pool, rng, None, "2026-11-23", CheckedEconomy(answer, spin["amount_fen"]))  # type: ignore[arg-type]
    payload = wheel.apply(ctx, wheel.initial_state(), Action("spin")).events[0].payload
    assert [list(call) for call in rng.calls] == spin["draws"]
    assert replay(RANGE["server_seed"], spin["client_seed"], spin["nonce"], [n for n, _ in spin["draws"]]) == [
        v for _, v in spin["draws"]
    ]
    assert payload.get("amount_fen") == spin["amount_fen"]
    assert (payload["slot"], payload["prize"]) == (spin["slot"], spin["landed"])
    if spin["amount_fen"] is not None:
        reward = RANGE["rewards"][spin["picked"]]
        assert spin["draws"][1][0] == reward["max_fen"] - reward["min_fen"] + 1
        assert spin["amount_fen"] == reward["min_fen"] + spin["draws"][1][1]


def first_spin(client_seed: str) -> dict[str, Any]:
    """A spin of the ``red_packet_range`` vectors' config with nonce 0, granted as picked, in the vectors' form."""
    prizes, seed = dict(RANGE["prizes"]), RANGE["server_seed"]
    upper, value = 0, replay(seed, client_seed, 0, [sum(prizes.values())])[0]
    picked = next(key for key, weight in prizes.items() if value < (upper := upper + weight))
    reward = RANGE["rewards"][picked]
    showing = [i for i, key in enumerate(RANGE["slots"]) if key == picked]
    ranges = [sum(prizes.values()), *([reward["max_fen"] - reward["min_fen"] + 1] if "max_fen" in reward else [])]
    ranges.append(len(showing))
    values = replay(seed, client_seed, 0, ranges)
    amount = reward["min_fen"] + values[1] if len(ranges) == 3 else None
    return {
        "client_seed": client_seed, "nonce": 0, "draws": [list(pair) for pair in zip(ranges, values, strict=True)],
        "picked": picked, "amount_fen": amount, "granted": picked, "fallback_reason": None, "landed": picked,
        "slot": showing[values[-1]],
    }  # fmt: skip


def range_spins() -> list[dict[str, Any]]:
    """The vector spins as an export holds them: carol's spin with nonce 1 after her spin with nonce 0 (a
    shopper's nonces in a period go 0, 1, 2, ...)."""
    return [*RANGE["spins"][:2], first_spin("carol-seed"), RANGE["spins"][2]]


RANGE_USERS = {"bob-seed": 1, "carol-seed": 2}


def range_export(change: dict[str, Any] | None = None, at: int = 2, draws: list[list[int]] | None = None) -> list[str]:
    """An export of the vector spins (:func:`range_spins`, chained, hashed); ``change`` updates record ``at``'s
    detail and ``draws`` replaces its draws."""
    config = range_config()
    seed = RANGE["server_seed"]
    lines = [
        {
            "type": "header",
            "format": "carnival.draws",
            "version": 1,
            "exported_at": "2026-11-23T16:00:05.000000Z",
            "campaign": {"id": 1, "slug": "example", "name": "示例活动", "timezone": "Asia/Shanghai"},
        },
        {"type": "config", "hash": content_hash(config), "config": config},
        {
            "type": "period",
            "key": RANGE_PERIOD,
            "commitment": commitment(seed),
            "committed_at": "2026-11-22T04:00:00.000000Z",
            "starts_at": "2026-11-22T16:00:00.000000Z",
            "ends_at": "2026-11-23T16:00:00.000000Z",
            "server_seed": seed,
        },
    ]
    head = "0" * 64
    spins = range_spins()
    for seq, spin in enumerate(spins, start=1):
        detail = {"slot": spin["slot"]} | ({} if spin["amount_fen"] is None else {"amount_fen": spin["amount_fen"]})
        if seq == at and change:
            detail |= change
        body = {
            "v": 1,
            "campaign": 1,
            "seq": seq,
            "game": "wheel",
            "user": RANGE_USERS[spin["client_seed"]],
            "created_at": "2026-11-23T04:00:01.250000Z",
            "config_hash": content_hash(config),
            "period": RANGE_PERIOD,
            "commitment": commitment(seed),
            "client_seed": spin["client_seed"],
            "nonce": spin["nonce"],
            "draws": draws if seq == at and draws else spin["draws"],
            "prize": spin["picked"],
            "granted": spin["granted"],
            "fallback_reason": spin["fallback_reason"],
            "detail": detail,
            "prev_hash": head,
        }
        head = record_hash(body)
        lines.append({"type": "draw", "record": body | {"hash": head}})
    lines.append({"type": "end", "count": len(spins), "head_hash": head})
    return [canonical_json(line).decode() for line in lines]


def test_the_verifier_checks_the_amount_draw_of_the_range_vectors() -> None:
    report = verify.verify_lines(range_export())
    assert report.draws == 4 and report.periods == {RANGE_PERIOD: 4}


@pytest.mark.parametrize(
    ("at", "change", "why"),
    [
        (2, {"amount_fen": 5794}, "record seq 2: amount_fen 5794 but the draw gives 5793"),
        (2, {"amount_fen": None}, "record seq 2: detail.amount_fen must be an integer from 0, not null"),
        (4, {"amount_fen": 8888}, "record seq 4: amount_fen 8888 but the draw gives 8619"),  # refused, still checked
        (1, {"amount_fen": 88}, "record seq 1: an amount_fen for a prize without an amount range"),
    ],
)
def test_the_verifier_refuses_an_amount_that_does_not_follow_from_the_draw(
    at: int, change: dict[str, Any], why: str
) -> None:
    with pytest.raises(verify.VerificationError) as refused:
        verify.verify_lines(range_export(change, at))
    assert (refused.value.line, refused.value.message) == (3 + at, why)


def forged_draws(ranges: list[int]) -> list[list[int]]:
    """Draws of record 2's seeds that follow from the stream, over other ``ranges``."""
    spin = RANGE["spins"][1]
    values = replay(RANGE["server_seed"], spin["client_seed"], spin["nonce"], ranges)
    return [[n, v] for n, v in zip(ranges, values, strict=True)]


@pytest.mark.parametrize(
    ("ranges", "why"),
    [
        ([10, 8800, 2], "record seq 2: second draw range is not the 8801 amounts of the red packet"),
        ([10, 2], "record seq 2: second draw range is not the 8801 amounts of the red packet"),
        ([10, 8801, 2, 2], "record seq 2: a wheel spin has 3 draws, not 4"),
    ],
)
def test_the_verifier_refuses_draws_that_follow_from_the_seeds_but_not_the_spec(ranges: list[int], why: str) -> None:
    draws = forged_draws(ranges)
    amount = {"amount_fen": 88 + draws[1][1]} if ranges[1] == 8801 else {}
    with pytest.raises(verify.VerificationError) as refused:
        verify.verify_lines(range_export(amount, 2, draws))
    assert (refused.value.line, refused.value.message) == (5, why)
