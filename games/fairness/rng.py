"""The provably-fair draw (see docs/fairness.md, which this module implements exactly).

Draw bytes are HMAC-SHA256(key=server seed bytes, message="<client_seed>:<nonce>:<cursor>");
integers come from 4-byte big-endian words by rejection sampling, so there is no modulo bias.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

GENESIS_HASH = "0" * 64
MAX_RANGE = 2**32
CLIENT_SEED_PATTERN = re.compile(r"\A[A-Za-z0-9_-]{1,64}\Z")  # \Z: "$" would accept a final newline


def new_server_seed() -> str:
    """A fresh secret server seed: 32 random bytes as 64 lowercase hex characters."""
    return secrets.token_hex(32)


def new_client_seed() -> str:
    """A default client seed for a shopper who has not chosen one (16 hex characters)."""
    return secrets.token_hex(8)


def commitment(server_seed: str) -> str:
    """The public commitment to a server seed: SHA-256 of its 32 bytes, as hex."""
    return hashlib.sha256(bytes.fromhex(server_seed)).hexdigest()


def is_valid_client_seed(client_seed: str) -> bool:
    """Client seeds are 1 to 64 characters of ``A-Z a-z 0-9 _ -``."""
    return bool(CLIENT_SEED_PATTERN.match(client_seed))


def draw_block(server_seed: str, client_seed: str, nonce: int, cursor: int) -> bytes:
    """The 32 draw bytes of block ``cursor`` for one (server seed, client seed, nonce)."""
    message = f"{client_seed}:{nonce}:{cursor}".encode("ascii")
    return hmac.new(bytes.fromhex(server_seed), message, hashlib.sha256).digest()


def words(server_seed: str, client_seed: str, nonce: int) -> Iterator[int]:
    """The endless stream of 32-bit big-endian words of one draw, block after block."""
    cursor = 0
    while True:
        block = draw_block(server_seed, client_seed, nonce, cursor)
        for offset in range(0, 32, 4):
            yield int.from_bytes(block[offset : offset + 4], "big")
        cursor += 1


def below(stream: Iterator[int], n: int) -> int:
    """A uniform integer in ``[0, n)`` from ``stream`` by rejection sampling.

    :raises ValueError: unless ``1 <= n <= 2**32``.
    """
    if not 1 <= n <= MAX_RANGE:
        raise ValueError(f"range must be 1..2^32, got {n}")
    limit = MAX_RANGE - MAX_RANGE % n
    for word in stream:
        if word < limit:
            return word % n
    raise AssertionError("unreachable: the word stream never ends")


@dataclass
class FairRng:
    """One draw's random stream; every integer it gives is logged in ``calls`` as ``(n, value)``."""

    server_seed: str
    client_seed: str
    nonce: int
    calls: list[tuple[int, int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._stream = words(self.server_seed, self.client_seed, self.nonce)

    def below(self, n: int) -> int:
        """A uniform integer in ``[0, n)``, recorded for the draw record."""
        value = below(self._stream, n)
        self.calls.append((n, value))
        return value


def replay(server_seed: str, client_seed: str, nonce: int, ranges: list[int]) -> list[int]:
    """The integers a draw with these seeds gives for the successive ``ranges``."""
    stream = words(server_seed, client_seed, nonce)
    return [below(stream, n) for n in ranges]


def canonical_json(value: Any) -> bytes:
    """Canonical JSON: keys sorted, no spaces, UTF-8, no floats (see docs/fairness.md)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode("utf-8")


def content_hash(value: Any) -> str:
    """SHA-256 hex of the canonical JSON of ``value`` (config versions, records)."""
    return hashlib.sha256(canonical_json(value)).hexdigest()


def record_hash(record: dict[str, Any]) -> str:
    """The hash of a draw record: the content hash of every field but ``hash``."""
    return content_hash({k: v for k, v in record.items() if k != "hash"})
