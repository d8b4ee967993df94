"""The canonical JSON the fast lanes write by string formatting (games/fairness/verify/canonical.py) is ``json.dumps``'s
byte for byte, or not written at all; and what the canonical grammar lane reads (games/fairness/verify/rows.py) is what
``json.loads`` reads, with the text hashed being ``json.dumps``'s."""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterable
from typing import Any

from games.fairness import verify
from games.fairness.rng import canonical_json
from games.fairness.verify import canonical, rows
from tests.unit.games.fairness.verify.tamperings import ODD_JSON_VALUES, mutated


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


ODD_VALUES = [*ODD_JSON_VALUES, Text("x"), Number(3), (1, 2)]


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
