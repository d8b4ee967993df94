"""Generated exports and the verifier lanes, shared by the tests of the fast lanes (games/fairness/verify/).

The exports are built once per session (:func:`small_export`, :func:`big_export`): tests copy them before
changing a line. Every lane (:func:`reference`, :func:`one_process`, :func:`with_workers`) answers with an
:data:`Outcome`, the report or the refusal, to compare with the reference's. Tamperers: tamperings.py.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from games.campaigns.config import validate_config
from games.engine.contract import Action, PlayContext, PrizeOutcome
from games.engine.registry import load_registry
from games.fairness import verify
from games.fairness.pools import Prize
from games.fairness.rng import FairRng, canonical_json, commitment, record_hash
from games.fairness.verify import Checkpoint, VerificationError, fast, pipeline
from games.fairness.verify.reference import _finish
from games.wheel.game import Wheel, WheelState
from server.demo import demo_config

ROOT = Path(__file__).resolve().parents[5]
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


def make_export(
    draws: int, periods: int = 3, server_order: bool = False, spins: dict[int, tuple[str, int]] | None = None
) -> list[str]:
    """An export (format version 2) of ``draws`` wheel spins over ``periods`` periods, with a checkpoint per
    period; draw lines in canonical JSON, or as the server writes them (``{"type":"draw","record":…}``). 17
    shoppers spin in turn, each with their client seed and the next nonce of the period, but the records whose
    ``seq`` ``spins`` names, which draw with the client seed and nonce it gives (their content follows)."""
    config = bench_config()
    seeds = [hashlib.sha256(f"seed-{i}".encode()).hexdigest() for i in range(periods)]
    keys = [f"2026110{i + 1}-1" for i in range(periods)]
    economy, head, records, checkpoints = SomeRefused(), GENESIS, [], []
    for index, (key, seed) in enumerate(zip(keys, seeds, strict=True)):
        for turn in range(draws * (index + 1) // periods - draws * index // periods):
            rng = FairRng(seed, *(spins or {}).get(len(records) + 1, (f"shopper-{turn % 17}", turn // 17)))
            ctx = PlayContext(turn % 17, 1, config.games["wheel"], config.pool, rng, None, key, economy)  # type: ignore[arg-type]
            outcome = Wheel().apply(ctx, WheelState(day=key), Action("spin"))
            event, grant = outcome.events[0].payload, outcome.grants[0]
            record = {
                "v": 1, "campaign": 1, "game": "wheel", "user": turn % 17, "config_hash": config.hash,
                "period": key, "commitment": commitment(seed), "client_seed": rng.client_seed, "nonce": rng.nonce,
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


@functools.cache
def small_export() -> list[str]:
    """``make_export(60)``, built once per session."""
    return make_export(60)


@functools.cache
def big_export() -> list[str]:
    """``make_export(3000)``, built once per session: long enough for worker processes."""
    return make_export(3000)


def first_draw(lines: list[str]) -> int:
    """The index of the first draw line of ``lines``."""
    return next(i for i, line in enumerate(lines) if '"type":"draw"' in line)


SMALL_CHUNKS = pipeline.Tuning(workers=2, chunk_lines=40, parallel_after=30, in_flight=3)


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
