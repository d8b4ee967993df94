"""Secrets and key rings: the strength every secret must have, and named keys that rotate without downtime.

A key ring is written ``kid:secret,kid:secret``: the first key signs (what Carnival itself signs), every
key verifies, and a token or request names the key it was signed with by its key id (``kid``).
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from dataclasses import dataclass

MIN_SECRET_LENGTH = 32
MIN_ENTROPY_BITS = 128
MAX_RUN_SHARE = 0.5
KID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,32}")
GENERATE = "python3 -c 'import secrets; print(secrets.token_urlsafe(32))'"
STRENGTH_RULE = (
    f"a secret needs {MIN_SECRET_LENGTH}+ characters and {MIN_ENTROPY_BITS}+ bits of estimated entropy "
    "(its length times the Shannon entropy of its characters' frequencies), and at most half of its "
    "neighbouring characters may be repeats or steps like 'aa' or 'ab'; "
    f"use 32 random bytes from a CSPRNG, e.g. {GENERATE}"
)


@dataclass(frozen=True)
class Key:
    """A secret and the id it is named by; ``kid`` is ``None`` for a legacy key that tokens do not name."""

    kid: str | None
    secret: str


@dataclass(frozen=True)
class Keyring:
    """Keys that verify (all of them) and the one that signs (the first)."""

    keys: tuple[Key, ...]

    @property
    def signing(self) -> Key:
        """The key Carnival signs with. :raises LookupError: on an empty ring."""
        if not self.keys:
            raise LookupError("the key ring is empty")
        return self.keys[0]

    def find(self, kid: str | None) -> Key | None:
        """The key named ``kid`` (``None``: the legacy unnamed key), or ``None`` when it is not configured."""
        return next((key for key in self.keys if key.kid == kid), None)


def entropy_bits(secret: str) -> float:
    """An estimate of ``secret``'s entropy: its length times the Shannon entropy of its character frequencies."""
    if not secret:
        return 0.0
    counts = Counter(secret).values()
    per_character = -sum(count / len(secret) * math.log2(count / len(secret)) for count in counts)
    return len(secret) * per_character


def _run_share(secret: str) -> float:
    """The share of neighbouring characters that repeat or step by one (``aa``, ``ab``, ``ba``)."""
    pairs = list(itertools.pairwise(secret))
    return sum(abs(ord(a) - ord(b)) <= 1 for a, b in pairs) / len(pairs) if pairs else 1.0


def is_strong(secret: str) -> bool:
    """Whether ``secret`` meets :data:`STRENGTH_RULE`."""
    return (
        len(secret) >= MIN_SECRET_LENGTH
        and entropy_bits(secret) >= MIN_ENTROPY_BITS
        and _run_share(secret) <= MAX_RUN_SHARE
    )


def parse_keyring(name: str, text: str) -> tuple[Key, ...]:
    """The keys of ``kid:secret,kid:secret`` (read from variable ``name``). :raises ValueError: naming the problem."""
    keys: list[Key] = []
    for entry in (part.strip() for part in text.split(",")):
        kid, colon, secret = entry.partition(":")
        if not colon or not KID_PATTERN.fullmatch(kid) or not secret:
            raise ValueError(f"{name} must be 'kid:secret,kid:secret' with key ids of 1-32 letters, digits, '-' or '_'")
        if any(key.kid == kid for key in keys):
            raise ValueError(f"{name} names key id '{kid}' twice")
        keys.append(Key(kid, secret))
    return tuple(keys)
