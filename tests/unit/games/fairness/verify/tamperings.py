"""Tamperings of generated exports (tests/unit/games/fairness/verify/exports.py), shared by the tests of the fast lanes:
a character edited, a record edited and hashed again (and the chain after it), lines moved, dropped or added,
and edits aimed at each check of a draw."""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Callable, Iterable
from typing import Any

from games.fairness.rng import replay
from games.fairness.verify import canonical
from tests.unit.games.fairness.verify.exports import GENESIS, bench_config, checkpoint_line

# The odd member values JSON can hold (tests/unit/games/fairness/verify/test_canonical.py adds values it cannot).
ODD_JSON_VALUES = [
    True, False, 1.0, 1e300, float("nan"), 2**63, 2**64 + 1, 10**30, -1, -(2**63), "", "é", "谢谢", "a\"b", "a\\b",
    "a\nb", "\x00", "\x1f", "\x7f", "\u2028", "\ud800", None, [], {}, [1, 2], {"slot": 1},
]  # fmt: skip


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
        value = rng.choice([*ODD_JSON_VALUES, 0, 1, 2, 3, 5, 10000, "thanks", "points_10", "red_188", [[10, 1]]])
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
