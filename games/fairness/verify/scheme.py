"""The published scheme as the reference verifier reads it (docs/fairness.md): its constants, canonical JSON
and content hashes (section 8), the integers drawn from the seeds (sections 5 and 6) and the weighted pick.

Standard library only, and none of the engine's code: what is checked is the published scheme, not our
implementation of it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

GENESIS = "0" * 64
FORMAT = "carnival.draws"
EXPORT_VERSION = 2  # 2 added checkpoint lines
SUPPORTED_VERSIONS = (1, 2)
RECORD_VERSIONS = (1,)
FALLBACK_REASONS = ("out_of_stock", "cap_reached", "budget_exhausted")
RANGE_MAX = 2**32


def _content_hash(value: Any) -> str | None:
    """docs/fairness.md section 8; ``None`` when a string holds a lone surrogate (it has no UTF-8 form)."""
    try:
        return hashlib.sha256(_canonical(value)).hexdigest()
    except UnicodeEncodeError:
        return None


def _canonical(value: Any) -> bytes:
    """Canonical JSON (section 8) as UTF-8. :raises UnicodeEncodeError: for a lone surrogate."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _integers(server_seed: str, client_seed: str, nonce: int, ranges: list[int]) -> list[int]:
    """Sections 5 and 6: an integer below each ``n`` of ``ranges``, from one stream. :raises ValueError: for an
    ``n`` outside 1..2^32 (a record's are checked before)."""
    key = bytes.fromhex(server_seed)
    out: list[int] = []
    cursor, offset, block = 0, 32, b""
    for n in ranges:
        if not 1 <= n <= RANGE_MAX:
            raise ValueError(f"range {n} outside 1..2^32")
        limit = RANGE_MAX - (RANGE_MAX % n)
        while True:
            if offset == 32:
                block = hmac.new(key, f"{client_seed}:{nonce}:{cursor}".encode(), hashlib.sha256).digest()
                cursor, offset = cursor + 1, 0
            word = int.from_bytes(block[offset : offset + 4], "big")
            offset += 4
            if word < limit:
                out.append(word % n)
                break
    return out


def _pick(prizes: list[tuple[str, int]], value: int) -> str:
    """The prize whose weight bucket holds ``value`` (below the total weight: the caller checked)."""
    upper = 0
    for key, weight in prizes:
        upper += weight
        if value < upper:
            return key
    raise AssertionError(f"value {value} beyond the total weight {upper}")
