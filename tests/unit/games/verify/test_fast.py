"""The verifier's fast lanes (games/verify/fast.py and the modules it builds on, games/verify/pipeline.py and
games/verify/worker.py) against the reference verifier (games/verify/reference.py).

The fast lanes only ever accept; so for every input, tampered or odd, ``verify_lines`` must give exactly the
reference's verdict: the same report, or the same first failing line and message. These tests check that on
generated exports and many tampered copies of them, one process and with worker processes, with orjson and
with the standard library's json; and that the canonical JSON written by string formatting is
``json.dumps``'s byte for byte, or not written at all.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import random
import re
import subprocess
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest

from games import verify
from games.campaigns import validate_config
from games.contract import Action, PlayContext, PrizeOutcome
from games.fairness import FairRng, canonical_json, commitment, record_hash, replay
from games.pools import Prize
from games.registry import load_registry
from games.verify import Checkpoint, VerificationError, canonical, fast, pipeline, precomputed, rows, worker
from games.verify.reference import _finish
from games.wheel import Wheel, WheelState
from server.demo import demo_config

ROOT = Path(__file__).resolve().parents[4]
GENESIS = "0" * 64
Outcome = tuple


class SomeRefused:
    """An economy that grants most prizes, sends some to the fallback and refuses a few outright."""

    def __init__(self) -> None:
        self.calls = 0

    def points_balance(self) -> int:
        return 0

    def spend_points(self, points: int, reason: str) -> None:
        raise AssertionError("the spins are free")

    def grant_prize(self, prize: Prize) -> PrizeOutcome:
        self.calls += 1
        if self.calls % 7 == 3:
            return PrizeOutcome(prize.key, "thanks", "out_of_stock")
        if self.calls % 13 == 5:
            return PrizeOutcome(prize.key, None, "budget_exhausted")
        return PrizeOutcome(prize.key, prize.key)


def bench_config() -> Any:
    """The demo config with its ¥1.88 red packet turned into a range red packet (so records hold amount draws)
    and "thanks" and "points_10" on more than one slot."""
    raw = demo_config()
    raw["games"]["wheel"]["slots"] += ["thanks", "points_10", "thanks"]
    for prize in raw["pool"]["prizes"]:
        if prize["key"] == "red_188":
            prize["reward"] = {"kind": "red_packet", "min_fen": 100, "max_fen": 300}
            prize["weight"] = 3000
    return validate_config(load_registry(), raw)


def period_line(key: str, seed: str) -> dict[str, Any]:
    """A period line (docs/fairness.md section 10) revealing ``seed``."""
    return {
        "type": "period", "key": key, "commitment": commitment(seed), "committed_at": "2026-10-31T16:00:00.000000Z",
        "starts_at": "2026-11-01T16:00:00.000000Z", "ends_at": "2026-11-02T16:00:00.000000Z", "server_seed": seed,
    }  # fmt: skip


def checkpoint_line(period: str, count: int, head: str) -> dict[str, Any]:
    """A checkpoint line: after ``count`` records the chain head was ``head``."""
    published = "2026-11-04T16:00:00.000000Z"
    return {"type": "checkpoint", "period": period, "count": count, "head_hash": head, "published_at": published}


def make_export(draws: int, periods: int = 3, server_order: bool = False) -> list[str]:
    """An export (format version 2) of ``draws`` wheel spins over ``periods`` periods, with a checkpoint per
    period; draw lines in canonical JSON, or as the server writes them (``{"type":"draw","record":…}``)."""
    config = bench_config()
    seeds = [hashlib.sha256(f"seed-{i}".encode()).hexdigest() for i in range(periods)]
    keys = [f"2026110{i + 1}-1" for i in range(periods)]
    economy, head, records, checkpoints = SomeRefused(), GENESIS, [], []
    for index, (key, seed) in enumerate(zip(keys, seeds, strict=True)):
        for turn in range(draws * (index + 1) // periods - draws * index // periods):
            rng = FairRng(seed, f"shopper-{turn % 17}", turn // 17)
            ctx = PlayContext(turn % 17, 1, config.games["wheel"], config.pool, rng, None, key, economy)  # type: ignore[arg-type]
            outcome = Wheel().apply(ctx, WheelState(day=key), Action("spin"))
            event, grant = outcome.events[0].payload, outcome.grants[0]
            record = {
                "v": 1, "campaign": 1, "game": "wheel", "user": turn % 17, "config_hash": config.hash,
                "period": key, "commitment": commitment(seed), "client_seed": rng.client_seed, "nonce": turn // 17,
                "draws": [[n, value] for n, value in rng.calls], "prize": grant.picked, "granted": grant.granted,
                "fallback_reason": grant.fallback_reason,
                "detail": {k: v for k, v in event.items() if k in ("slot", "amount_fen")},
                "created_at": "2026-11-01T16:00:00.000000Z", "seq": len(records) + 1, "prev_hash": head,
            }  # fmt: skip
            head = record["hash"] = record_hash(record)
            records.append(record)
        checkpoints.append(checkpoint_line(key, len(records), head))
    lines = [
        {"type": "header", "format": "carnival.draws", "version": 2, "exported_at": "2026-11-05T00:00:00.000000Z",
         "campaign": {"id": 1, "slug": "bench", "name": "白条狂欢季", "timezone": "Asia/Shanghai"}},
        {"type": "config", "hash": config.hash, "config": config.raw},
        *(period_line(key, seed) for key, seed in zip(keys, seeds, strict=True)),
        *checkpoints,
    ]  # fmt: skip
    text = [canonical_json(line).decode() + "\n" for line in lines]
    for record in records:
        body = canonical_json(record).decode()
        text.append(f'{{"type":"draw","record":{body}}}\n' if server_order else f'{{"record":{body},"type":"draw"}}\n')
    text.append(canonical_json({"type": "end", "count": len(records), "head_hash": head}).decode() + "\n")
    return text


EXPORT = make_export(60)
FIRST_DRAW = next(i for i, line in enumerate(EXPORT) if '"type":"draw"' in line)


def outcome(run: Callable[[], verify.Report]) -> Outcome:
    """What a verification came to: the report, or the refusal (any other exception fails the test)."""
    try:
        report = run()
    except VerificationError as error:
        return ("refused", error.line, error.message)
    return ("verified", report.draws, list(report.periods.items()), report.head_hash)


def reference(lines: list[str], published: Iterable[Checkpoint] = ()) -> Outcome:
    return outcome(lambda: verify.reference_verify_lines(lines, list(published)))


def one_process(lines: list[str], published: Iterable[Checkpoint] = ()) -> Outcome:
    return outcome(lambda: verify.verify_lines(lines, list(published), workers=1))


def with_workers(tuning: pipeline.Tuning) -> Callable[..., Outcome]:
    """Verification through worker processes with ``tuning``."""

    def run(lines: list[str], published: Iterable[Checkpoint] = ()) -> Outcome:
        def verified() -> verify.Report:
            verifier = fast.FastVerifier(list(published))
            return _finish(verifier, pipeline.verify_stream(verifier, lines, tuning))

        return outcome(verified)

    return run


# --- The canonical JSON written by string formatting ----------------------------------------------------


def dumps(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def usual_record(rng: random.Random) -> dict[str, Any]:
    """A record of the usual shape with random members (what the fast lanes must write themselves)."""
    word = "".join(rng.choice("abcdefghijklmnopqrstuvwxyzABCXYZ0189 -_:./!#$%&'()*+,;<=>?@[]^`{|}~") for _ in range(9))
    seed = "".join(rng.choice("abcdefghijklmnopqrstuvwxyzABCXYZ0189_-") for _ in range(rng.randrange(1, 65)))
    detail = rng.choice([{}, {"slot": rng.randrange(12)}, {"amount_fen": rng.randrange(1, 10**7)}])
    if rng.random() < 0.5:
        detail = {"amount_fen": rng.randrange(2**63), "slot": rng.randrange(12)}
    return {
        "v": 1, "campaign": rng.randrange(2**63), "game": rng.choice(["wheel", "scratch", word]),
        "user": rng.randrange(10**9), "config_hash": rng.randbytes(32).hex(), "period": word,
        "commitment": rng.randbytes(32).hex(), "client_seed": seed, "nonce": rng.choice([0, 1, 2**63 - 1]),
        "draws": [[rng.randrange(1, 2**32 + 1), rng.randrange(2**32)] for _ in range(rng.randrange(0, 5))],
        "prize": word, "granted": rng.choice([None, word, ""]), "fallback_reason": rng.choice([None, "cap_reached"]),
        "detail": detail, "created_at": "2026-11-23T04:00:00.000000Z", "seq": rng.randrange(1, 10**7),
        "prev_hash": rng.randbytes(32).hex(), "hash": rng.randbytes(32).hex(),
    }  # fmt: skip


class Text(str):
    """A ``str`` subclass: json.dumps writes its characters, formatting might not."""

    def __format__(self, spec: str) -> str:
        return "changed"


class Number(int):
    """An ``int`` subclass."""

    def __format__(self, spec: str) -> str:
        return "7"


ODD_VALUES = [
    True, False, 1.0, 1e300, float("nan"), 2**63, 2**64 + 1, 10**30, -1, -(2**63), "", "é", "谢谢", "a\"b", "a\\b",
    "a\nb", "\x00", "\x1f", "\x7f", "\u2028", "\ud800", None, [], {}, [1, 2], {"slot": 1}, Text("x"), Number(3),
    (1, 2),
]  # fmt: skip


def odd_records(rng: random.Random) -> Iterable[dict[str, Any]]:
    """Records off the usual shape in one place: an odd member value, an odd draw or detail, extra or missing
    members."""
    for key in [*canonical._RECORD_KEYS, "extra"]:
        for value in ODD_VALUES:
            yield usual_record(rng) | {key: value}
    for value in ODD_VALUES:
        yield usual_record(rng) | {"draws": [[3, 1], [value, 0]]}
        yield usual_record(rng) | {"draws": [[3, value]]}
        yield usual_record(rng) | {"draws": [[3, 1, 2]]} | {"detail": {"slot": value}}
        yield usual_record(rng) | {"detail": {"amount_fen": value, "slot": 1}}
        yield usual_record(rng) | {"detail": {"slot": 1, "other": value}}
    for key in canonical._RECORD_KEYS:
        record = usual_record(rng)
        del record[key]
        yield record


def test_the_formatted_canonical_json_is_json_dumps_byte_for_byte() -> None:
    rng = random.Random(20261123)
    for _ in range(3000):
        record = usual_record(rng)
        body = {k: v for k, v in record.items() if k != "hash"}
        assert canonical.canonical_body(record) == dumps(body) == verify._canonical(body)


def test_records_off_the_usual_shape_are_left_to_json_dumps() -> None:
    rng = random.Random(7)
    left = 0
    for record in odd_records(rng):
        written = canonical.canonical_body(record)
        if written is None:
            left += 1
            continue
        # accepted odd values must still be written exactly as json.dumps writes them (e.g. "" or -0-free ints)
        assert written == dumps({k: v for k, v in record.items() if k != "hash"}), record
    assert left > 500
    for value in [True, 1.0, 2**63, -1, "é", 'a"b', "a\\b", "\x7f", "\x00", Text("x"), Number(3), (1, 2)]:
        assert canonical.canonical_body(usual_record(rng) | {"client_seed": value}) is None, value
        assert canonical.canonical_body(usual_record(rng) | {"nonce": value}) is None, value
        assert canonical.canonical_body(usual_record(rng) | {"draws": [[3, value]]}) is None, value
    assert canonical.canonical_body(usual_record(rng) | {"extra": 1}) is None


def test_a_line_matching_the_canonical_grammar_is_canonical_json() -> None:
    """Whatever the grammar lane takes (with its four hashes hex, as the equalities with known hashes that
    follow require), json.loads reads the same values and json.dumps writes the text hashed."""
    rng = random.Random(11)
    taken = 0
    for _ in range(4000):
        record = usual_record(rng)
        record["draws"] = record["draws"][:3] or [[10, 3]]
        record["nonce"], record["campaign"] = rng.randrange(10**18), rng.choice([0, 1, 10**18 - 1, 10**18])
        if "amount_fen" in record["detail"]:
            record["detail"]["amount_fen"] = rng.randrange(10**7)
        body = canonical_json(record).decode()
        line = rng.choice([f'{{"record":{body},"type":"draw"}}', f'{{"type":"draw","record":{body}}}']) + "\n"
        for text in (line, mutated(line, rng)):
            row = rows._canonical_row(text)
            if row is None or not all(re.fullmatch("[0-9a-f]{64}", row[i]) for i in (2, 3, 16, 20)):
                continue
            taken += 1
            parsed = json.loads(text)
            assert parsed["type"] == "draw" and len(parsed) == 2
            got = parsed["record"]
            assert (row[0] + row[17]).encode() == verify._canonical({k: v for k, v in got.items() if k != "hash"})
            assert (row[1], row[2], row[3], row[14], row[16], row[19], row[20], row[21]) == (
                got["client_seed"], got["commitment"], got["config_hash"], got["game"], got["hash"], got["period"],
                got["prev_hash"], got["prize"],
            )  # fmt: skip
            assert (int(row[18]), int(row[22])) == (got["nonce"], got["seq"])
            assert [int(n) for n in row[7:13] if n] == [n for pair in got["draws"] for n in pair]
            quoted = tuple("" if v is None else f'"{v}"' for v in (got["fallback_reason"], got["granted"]))
            assert (row[13], row[15]) == quoted
            assert (row[4], row[5] or row[6]) == tuple(str(got["detail"].get(k, "")) for k in ("amount_fen", "slot"))
    assert taken > 3000


def mutated(text: str, rng: random.Random) -> str:
    """``text`` with a character replaced, inserted or deleted."""
    at = rng.randrange(len(text))
    char = rng.choice('0123456789abcdef -,:{}[]"\\.eE+\x00\x0c\u00e9\ud800\u2028\t\nnulltrue')
    kind = rng.randrange(3)
    if kind == 0:
        return text[:at] + char + text[at + 1 :]
    if kind == 1:
        return text[:at] + char + text[at:]
    return text[:at] + text[at + 1 :]


def test_the_hmac_from_saved_pads_is_hmac_sha256() -> None:
    rng = random.Random(3)
    for size in (0, 1, 32, 63, 64, 65, 100):
        key = rng.randbytes(size)
        period = precomputed.Period("c", key)
        for message in (b"", b"client:0:0", rng.randbytes(200)):
            assert period.block(message) == hmac.digest(key, message, "sha256")


def test_configs_outside_the_fast_lane_are_not_compiled() -> None:
    config = bench_config().raw
    pool = precomputed.compile_pool(config)
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
        assert precomputed.compile_pool({**config, "pool": {**config["pool"], **change}}) is None, change
    assert precomputed.compile_pool([]) is None
    assert precomputed.compile_pool({**config, "games": {"wheel": {"slots": "abc"}}}).slots is None  # type: ignore[union-attr]


# --- Verdicts: the fast lanes against the reference ---------------------------------------------------------


def draw_line(record: dict[str, Any], layout: str = "canonical") -> str:
    if layout == "spaced":
        return json.dumps({"type": "draw", "record": record}) + "\n"
    body = json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return f'{{"record":{body},"type":"draw"}}\n'


def rehashed(
    lines: list[str], at: int, change: dict[str, Any], chain: bool = True, layout: str = "canonical"
) -> list[str]:
    """``lines`` with record line ``at`` changed by ``change`` and hashed again (with ``json.dumps``, floats and
    all); with ``chain``, every later record linked and hashed again, and the end line to match."""
    lines = list(lines)
    head = None
    for index in range(at, len(lines)):
        item = json.loads(lines[index])
        if item["type"] == "draw":
            record = item["record"]
            if index == at:
                record |= change
            elif not chain:
                break
            else:
                record["prev_hash"] = head
            body = json.dumps({k: v for k, v in record.items() if k != "hash"}, sort_keys=True, separators=(",", ":"))
            record["hash"] = hashlib.sha256(body.encode("utf-8", "surrogatepass")).hexdigest()
            head = record["hash"]
            lines[index] = draw_line(record, layout)
        elif item["type"] == "end" and chain:
            lines[index] = json.dumps(item | {"head_hash": head}) + "\n"
    return lines


def tampered(lines: list[str], rng: random.Random) -> list[str]:
    """A random tampering of an export: a character edit, a record edited (and hashed and chained again), lines
    moved, dropped, doubled or inserted, another layout."""
    lines = list(lines)
    draws = [i for i, line in enumerate(lines) if '"type":"draw"' in line]
    at = rng.choice(draws)
    kind = rng.randrange(9)
    if kind == 0:
        lines[at] = mutated(lines[at], rng)
    elif kind == 1:
        key = rng.choice(list(canonical._RECORD_KEYS))
        value = rng.choice([*ODD_VALUES[:-3], 0, 1, 2, 3, 5, 10000, "thanks", "points_10", "red_188", [[10, 1]]])
        lines = rehashed(lines, at, {key: value}, chain=rng.random() < 0.8, layout=rng.choice(["canonical", "spaced"]))
    elif kind == 2:
        other = rng.choice(draws)
        lines[at], lines[other] = lines[other], lines[at]
    elif kind == 3:
        del lines[rng.randrange(len(lines))]
    elif kind == 4:
        lines.insert(
            at, rng.choice([*lines, "\n", "  \t\n", "\x0c\n", "\ufeff\n", "[]\n", "{}\n", '{"type":"draw"}\n'])
        )
    elif kind == 5:
        lines = rehashed(lines, at, {}, layout="spaced")
    elif kind == 6:
        lines[at] = lines[at].replace(
            '"type":"draw"', rng.choice(['"type":"period"', '"type":"end"', '"type":"draw","type":"end"'])
        )
    elif kind == 7:
        lines.insert(
            at,
            json.dumps(checkpoint_line("x", rng.randrange(70), GENESIS)) + "\n",
        )
    else:
        lines = lines[: rng.randrange(len(lines))]
    return lines


def targeted(lines: list[str], after: int = 0) -> Iterable[tuple[str, list[str]]]:
    """Tamperings aimed at each check of a draw, on the first suitable record after line ``after``: each record
    edited and hashed again, and the records after it linked again."""
    records = {i: json.loads(line)["record"] for i, line in enumerate(lines) if i > after and '"type":"draw"' in line}

    def first(test: Callable[[dict[str, Any]], bool]) -> int:
        return next(i for i, record in records.items() if test(record))

    refused = first(lambda r: r["fallback_reason"] is not None and r["granted"] is not None)
    granted = first(lambda r: r["fallback_reason"] is None and r["prize"] != "thanks")
    ranged = first(lambda r: "amount_fen" in r["detail"])
    spread = first(lambda r: r["draws"][-1][0] > 1)
    n, value = records[spread]["draws"][-1]
    slots = bench_config().raw["games"]["wheel"]["slots"]
    showing = [i for i, key in enumerate(slots) if key == (records[spread]["granted"] or "thanks")]
    seeds = {item["key"]: item["server_seed"] for item in map(json.loads, lines) if item["type"] == "period"}
    total = sum(prize["weight"] for prize in bench_config().raw["pool"]["prizes"])

    def redrawn(
        at: int, ranges: list[int], landed: str, slot_at: int = -1, amount: bool = False, **change: Any
    ) -> list[str]:
        """Record ``at`` with draws over ``ranges`` that follow from its seeds, landing on ``landed`` (with draw
        ``slot_at``; with ``amount``, draw 1 is a range red packet's amount)."""
        record = records[at]
        values = replay(seeds[record["period"]], record["client_seed"], record["nonce"], ranges)
        showing = [i for i, key in enumerate(slots) if key == landed]
        detail = {"slot": showing[values[slot_at]]} | ({"amount_fen": 100 + values[1]} if amount else {})
        draws = [[n, value] for n, value in zip(ranges, values, strict=True)]
        return rehashed(lines, at, {"draws": draws, "detail": detail} | change)

    def count(landed: str | None) -> int:
        return len([key for key in slots if key == (landed or "thanks")])

    ranged_landed, landed = records[ranged]["granted"] or "thanks", records[granted]["granted"]
    yield "another pick", redrawn(granted, [total, count("thanks")], "thanks", prize="thanks", granted="thanks")
    yield "another amount range", redrawn(ranged, [total, 202, count(ranged_landed)], ranged_landed, amount=True)
    yield "a draw too many", redrawn(granted, [total, count(landed), 2], landed, slot_at=1)
    yield "granted another prize, refused", rehashed(lines, refused, {"granted": "points_10"})
    yield "granted nothing, refused", rehashed(lines, refused, {"granted": None})
    yield "granted another prize", rehashed(lines, granted, {"granted": "thanks"})
    yield "granted, with a reason", rehashed(lines, granted, {"fallback_reason": "cap_reached"})
    yield "another prize", rehashed(lines, granted, {"prize": "thanks"})
    yield "another slot", rehashed(lines, spread, {"detail": records[spread]["detail"] | {"slot": 0}})

    moved = {
        "draws": [*records[spread]["draws"][:-1], [n, (value + 1) % n]],
        "detail": {"slot": showing[(value + 1) % n]},
    }
    yield "another slot draw", rehashed(lines, spread, moved)  # slot and draw agree, the draw is not the stream's
    yield "another slot range", rehashed(lines, spread, {"draws": [*records[spread]["draws"][:-1], [n + 1, value]]})
    yield "another amount", rehashed(lines, ranged, {"detail": records[ranged]["detail"] | {"amount_fen": 101}})
    yield "an amount too many", rehashed(lines, granted, {"detail": records[granted]["detail"] | {"amount_fen": 101}})
    yield "no amount", rehashed(lines, ranged, {"detail": {"slot": records[ranged]["detail"]["slot"]}})
    yield "another game", rehashed(lines, granted, {"game": "scratch"})
    yield "not linked", rehashed(lines, granted, {"user": 5}, chain=False)
    yield "another seq", rehashed(lines, granted, {"seq": records[granted]["seq"] + 1})
    yield "another commitment", rehashed(lines, granted, {"commitment": GENESIS})
    yield "another config", rehashed(lines, granted, {"config_hash": GENESIS})
    yield "another period", rehashed(lines, granted, {"period": "x"})


def test_targeted_tamperings_get_the_reference_verdict() -> None:
    refusals = set()
    for name, lines in targeted(EXPORT):
        expected = reference(lines)
        assert one_process(lines) == expected, name
        refusals.add(expected[2].split(": ", 1)[-1] if expected[0] == "refused" else expected[0])
    assert len(refusals) >= 12


def test_the_clean_export_verifies_alike() -> None:
    assert one_process(EXPORT) == reference(EXPORT)
    assert reference(EXPORT)[:2] == ("verified", 60)
    server = make_export(60, server_order=True)
    assert one_process(server) == reference(server) == reference(EXPORT)


def test_every_tampering_gets_the_reference_verdict_in_one_process() -> None:
    rng = random.Random(2026)
    verdicts = set()
    for _ in range(400):
        lines = tampered(EXPORT, rng)
        expected = reference(lines)
        assert one_process(lines) == expected, expected
        verdicts.add(expected[0])
    assert verdicts == {"verified", "refused"}


def test_every_tampering_gets_the_reference_verdict_with_the_standard_json(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rows, "loads", json.loads)
    rng = random.Random(404)
    for _ in range(150):
        lines = tampered(EXPORT, rng)
        assert one_process(lines) == reference(lines)


def test_published_checkpoints_get_the_reference_verdict() -> None:
    heads = {json.loads(line)["record"]["seq"]: json.loads(line)["record"]["hash"] for line in EXPORT[FIRST_DRAW:-1]}
    for count, head in [
        (0, GENESIS),
        (0, heads[1]),
        (1, heads[1]),
        (30, heads[30]),
        (30, heads[29]),
        (60, heads[60]),
        (61, GENESIS),
    ]:
        published = [Checkpoint("p", count, head, "published")]
        assert one_process(EXPORT, published) == reference(EXPORT, published)


def test_the_verifier_runs_on_the_standard_library_alone(tmp_path: Path) -> None:
    """Without orjson (it cannot be imported), verdicts are the same."""
    good = tmp_path / "good.jsonl"
    good.write_text("".join(EXPORT), "utf-8")
    bad = tmp_path / "bad.jsonl"
    bad.write_text("".join(rehashed(EXPORT, FIRST_DRAW + 5, {"prize": "thanks"})), "utf-8")
    script = (
        "import sys; sys.modules['orjson'] = None\n"
        "import json\n"
        "from games import verify\n"
        "from games.verify import rows\n"
        "assert rows.loads is json.loads\n"
        "for path in sys.argv[1:]:\n"
        "    try:\n"
        "        report = verify.verify_lines(verify.read_lines(path), workers=1)\n"
        "        print('OK', report.draws, report.head_hash)\n"
        "    except verify.VerificationError as error:\n"
        "        print('FAILED', error)\n"
    )
    ran = subprocess.run([sys.executable, "-c", script, str(good), str(bad)], cwd=ROOT, capture_output=True, text=True)
    assert ran.returncode == 0, ran.stderr
    expected_bad = reference(rehashed(EXPORT, FIRST_DRAW + 5, {"prize": "thanks"}))
    assert ran.stdout.splitlines() == [
        f"OK 60 {reference(EXPORT)[3]}",
        f"FAILED line {expected_bad[1]}: {expected_bad[2]}",
    ]


# --- Worker processes ---------------------------------------------------------------------------------------

BIG = make_export(3000)
SMALL_CHUNKS = pipeline.Tuning(workers=2, chunk_lines=40, parallel_after=30, in_flight=3)


class CountingPipeline(pipeline._Pipeline):
    """A pipeline that counts the chunks taken on the workers' answers."""

    taken = 0

    def apply(self, chunk: pipeline._Chunk) -> None:
        before = self.verifier.report.draws
        super().apply(chunk)
        if chunk.worker is not None and not self.broken and self.verifier.report.draws == before + len(chunk.lines):
            CountingPipeline.taken += 1


def test_workers_verify_a_long_export_as_one_process_does(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "_Pipeline", CountingPipeline)
    CountingPipeline.taken = 0
    assert with_workers(SMALL_CHUNKS)(BIG) == reference(BIG)
    assert CountingPipeline.taken > 60  # the workers did the work
    server = make_export(500, server_order=True)
    assert with_workers(SMALL_CHUNKS)(server) == one_process(server)


def big_tamperings() -> Iterable[tuple[str, list[str], list[Checkpoint]]]:
    """Tamperings of ``BIG`` where the workers are at work: inside a chunk, at its edges, near the end."""
    start = next(i for i, line in enumerate(BIG) if '"type":"draw"' in line)
    heads = [json.loads(line)["record"]["hash"] for line in BIG[start:-1]]
    edge = 30 + 40 * 10  # the first line of a chunk (the pipeline takes over after 30 lines; no barrier after)
    yield "clean", BIG, []
    yield "prize rehashed", rehashed(BIG, edge + 7, {"prize": "red_8888"}), []
    yield "altered", [*BIG[: edge - 1], BIG[edge - 1].replace('"nonce":', '"nonce":1'), *BIG[edge:]], []
    yield "deleted", BIG[:edge] + BIG[edge + 1 :], []
    yield "swapped", [*BIG[: edge - 1], BIG[edge], BIG[edge - 1], *BIG[edge + 1 :]], []
    yield "doubled", [*BIG[:edge], BIG[edge], *BIG[edge:]], []
    yield "blank lines", [*BIG[: edge + 3], "\n", "  \n", *BIG[edge + 3 :]], []
    yield "spaced", rehashed(BIG, edge + 20, {}, layout="spaced"), []
    yield "float", rehashed(BIG, edge + 20, {"nonce": 1.0}), []
    yield "non-ascii seed", rehashed(BIG, edge + 21, {"client_seed": "шопер"}), []
    yield "end inside", [*BIG[: edge + 5], BIG[-1], *BIG[edge + 5 :]], []
    yield "period redefined", [*BIG[: edge + 5], BIG[3], *BIG[edge + 5 :]], []
    yield (
        "disguised period",
        [*BIG[: edge + 5], BIG[4].replace('{"commitment"', '{"record":{},"commitment"'), *BIG[edge + 5 :]],
        [],
    )
    seed = hashlib.sha256(b"another seed").hexdigest()
    redefined = json.dumps(period_line(json.loads(BIG[edge])["record"]["period"], seed)) + "\n"
    yield "period redefined with another seed", [*BIG[: edge + 5], redefined, *BIG[edge + 5 :]], []
    yield "disguised period redefined", [*BIG[: edge + 5], '{"record":{},' + redefined[1:], *BIG[edge + 5 :]], []
    yield (
        "checkpoint line",
        [
            *BIG[: edge + 5],
            json.dumps(checkpoint_line("x", 2000, GENESIS)) + "\n",
            *BIG[edge + 5 :],
        ],
        [],
    )
    p2 = next(i for i, line in enumerate(BIG) if '"period":"20261102-1"' in line and '"type":"draw"' in line)
    moved = json.dumps(period_line("20261102-1", seed)) + "\n"
    disguised = '{"record":{},' + moved[1:]
    yield "period redefined ahead", [*BIG[: p2 - 50], moved, *BIG[p2 - 50 :]], []
    yield "period redefined long ahead", [*BIG[: p2 - 300], moved, *BIG[p2 - 300 :]], []
    yield "disguised period redefined ahead", [*BIG[: p2 - 50], disguised, *BIG[p2 - 50 :]], []
    for name, lines in targeted(BIG, edge):
        yield name, lines, []
    yield "two lines in one", [*BIG[:edge], BIG[edge] + BIG[edge + 1], *BIG[edge + 2 :]], []
    yield "a line and garbage in one", [*BIG[:edge], BIG[edge] + '{"record":1}\n', *BIG[edge + 1 :]], []
    yield "truncated", BIG[:-1], []
    yield "cut mid-line", [*BIG[:-2], BIG[-2][:100]], []
    yield "after end", [*BIG, BIG[-2]], []
    yield "published good", BIG, [Checkpoint("p", 1234, heads[1233], "published")]
    yield "published bad", BIG, [Checkpoint("p", 1234, heads[1232], "published")]
    yield (
        "published at a chunk end",
        BIG,
        [Checkpoint("p", 1234, heads[1233], "published"), Checkpoint("p", edge - start, GENESIS, "published")],
    )
    yield "unlinked at a chunk's start", rehashed(BIG, edge - 1, {"user": 5}, chain=False), []
    yield "published beyond", BIG, [Checkpoint("p", 3001, GENESIS, "published")]


@pytest.mark.parametrize(
    ("name", "lines", "published"), list(big_tamperings()), ids=lambda x: x if isinstance(x, str) else ""
)
def test_workers_give_the_reference_verdict_on_tamperings(
    name: str, lines: list[str], published: list[Checkpoint]
) -> None:
    expected = reference(lines, published)
    assert with_workers(SMALL_CHUNKS)(lines, published) == expected
    assert one_process(lines, published) == expected


def test_without_workers_this_process_does_it_all(monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers that cannot start, or die, leave the verdict to this process: the same one."""
    monkeypatch.setattr(worker, "_SERVE", "import sys; sys.exit(3)")
    bad = rehashed(BIG, 900, {"prize": "thanks"})
    assert with_workers(SMALL_CHUNKS)(BIG) == reference(BIG)
    assert with_workers(SMALL_CHUNKS)(bad) == reference(bad)
    monkeypatch.setattr(worker.sys, "executable", "/nonexistent/python")
    assert with_workers(SMALL_CHUNKS)(bad) == reference(bad)


def test_verify_lines_uses_workers_for_a_long_export(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "_Pipeline", CountingPipeline)
    monkeypatch.setattr(pipeline.Tuning, "default", classmethod(lambda cls, workers=None: SMALL_CHUNKS))
    CountingPipeline.taken = 0
    report = verify.verify_lines(iter(BIG))
    assert ("verified", report.draws, list(report.periods.items()), report.head_hash) == reference(BIG)
    assert CountingPipeline.taken > 0


def test_workers_started_and_never_used_change_nothing() -> None:
    """Workers start halfway to ``parallel_after``: a stream that ends before it still gets the reference's verdict."""
    tuning = pipeline.Tuning(workers=2, chunk_lines=40, parallel_after=100, in_flight=3)
    assert 50 < len(EXPORT) < 100
    bad = rehashed(EXPORT, FIRST_DRAW + 5, {"prize": "thanks"})
    assert with_workers(tuning)(EXPORT) == reference(EXPORT)
    assert with_workers(tuning)(bad) == reference(bad)


def test_a_chunk_whose_lines_hold_other_newlines_is_left_to_this_process() -> None:
    verifier = fast.FastVerifier()
    for number, text in enumerate(BIG[:8], start=1):
        verifier.line(number, text)
    draws = BIG[8:18]
    args = (verifier.pools, verifier.fast_periods)
    assert worker.check_chunk(*args, "".join(draws), 10) is not None
    assert worker.check_chunk(*args, "".join(draws), 9) is None  # ten lines sent as nine: one held a newline
    assert worker.check_chunk(*args, "".join(draws) + '{"record":1}\n', 10) is None


# --- Lines of another shape: the reference refuses them, naming the line, and so does every lane ------------


def header_without_campaign(lines: list[str], at: int) -> list[str]:
    header = json.loads(lines[0])
    del header["campaign"]
    return [json.dumps(header) + "\n", *lines[1:]]


MALFORMED: dict[str, tuple[Callable[[list[str], int], list[str]], str]] = {
    "record []": (lambda lines, at: [*lines[:at], '{"type":"draw","record":[]}\n', *lines[at:]], "draw line: record"),
    'detail "x"': (lambda lines, at: rehashed(lines, at, {"detail": "x"}), "detail must be an object"),
    "detail []": (lambda lines, at: rehashed(lines, at, {"detail": []}), "detail must be an object"),
    "v 99": (lambda lines, at: rehashed(lines, at, {"v": 99}), "unknown record version 99"),
    "floats in draws": (lambda lines, at: rehashed(lines, at, {"draws": [[10.0, 5.0]]}), "draws[0][0] must be"),
    'nonce "0"': (lambda lines, at: rehashed(lines, at, {"nonce": "0"}), 'nonce must be an integer from 0, not "0"'),
    "extra member": (lambda lines, at: rehashed(lines, at, {"extra": 1}), 'unexpected member "extra"'),
    "no campaign": (header_without_campaign, "header line: campaign is missing"),
}


@pytest.mark.parametrize("name", list(MALFORMED))
def test_a_line_of_another_shape_is_refused_in_every_lane(name: str) -> None:
    malform, why = MALFORMED[name]
    for lines, at, lane in ((EXPORT, FIRST_DRAW + 7, one_process), (BIG, 30 + 40 * 10 + 7, with_workers(SMALL_CHUNKS))):
        malformed = malform(lines, at)
        expected = reference(malformed)
        assert expected[0] == "refused" and why in expected[2], expected
        assert expected[1] == (1 if name == "no campaign" else at + 1)
        assert lane(malformed) == expected


# --- A member name twice: json and orjson keep the last, the reference refuses the line, so does every lane --


def repeated(line: str, name: str, value: str) -> str:
    """``line`` with ``"name":value`` written before its first ``name`` member (in any layout)."""
    return re.sub(rf'"{name}"(\s*):', lambda m: f'"{name}"{m[1]}:{value},"{name}"{m[1]}:', line, count=1)


REPEATED: dict[str, tuple[Callable[[str], str], str]] = {
    "another prize first": (lambda line: repeated(line, "prize", '"red_8888"'), "prize"),
    "the same prize twice": (lambda line: line.replace('"prize":', '"prize":"x","prize":', 1), "prize"),
    "another slot first": (lambda line: repeated(line, "slot", "0"), "slot"),
    "type twice": (lambda line: repeated(line, "type", '"draw"'), "type"),
    "another record first": (lambda line: repeated(line, "record", "{}"), "record"),
}


@pytest.mark.parametrize("layout", ["canonical", "spaced"])
@pytest.mark.parametrize("name", list(REPEATED))
def test_a_member_name_twice_is_refused_in_every_lane(name: str, layout: str) -> None:
    """The line is good as json reads it (the last of each name): the fast lanes would take it, were it not for
    the name written twice; the reference refuses it, and every lane gives that verdict."""
    change, member = REPEATED[name]
    for lines, at, lane in ((EXPORT, FIRST_DRAW + 7, one_process), (BIG, 30 + 40 * 10 + 7, with_workers(SMALL_CHUNKS))):
        lines = rehashed(lines, at, {}, layout=layout)
        assert rows._line_row(lines[at]) is not None  # the line as it was: a fast lane takes it
        lines[at] = change(lines[at])
        assert rows._line_row(lines[at]) is None
        expected = reference(lines)
        assert expected == ("refused", at + 1, f'member "{member}" appears twice in one object')
        assert lane(lines) == expected


def test_a_draw_line_with_a_member_beside_type_and_record_is_left_to_the_reference() -> None:
    for layout in ("canonical", "spaced"):
        lines = rehashed(EXPORT, FIRST_DRAW + 7, {}, layout=layout)
        lines[FIRST_DRAW + 7] = json.dumps(json.loads(lines[FIRST_DRAW + 7]) | {"note": 1}) + "\n"
        assert rows._line_row(lines[FIRST_DRAW + 7]) is None
        expected = ("refused", FIRST_DRAW + 8, 'draw line: unexpected member "note"')
        assert one_process(lines) == reference(lines) == expected


def test_names_are_counted_as_written() -> None:
    assert rows._names_written('{"a": {"b":1, "c" :[{"d":"x:y"}]}, "e":"f"}') == 5
    assert rows._names_written('{"a":"\\"b\\":"}') is None  # with escapes the count is not made
