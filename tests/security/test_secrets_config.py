"""Secrets at start-up: strong ones only (judged by length, estimated entropy and runs), and separate
secrets for session cookies, launch tokens and host API calls."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest

from server.config import ConfigError, settings_from
from server.keys import Key, entropy_bits, is_strong

STRONG = [secrets.token_urlsafe(32) for _ in range(4)]


def production(**environ: str) -> dict[str, str]:
    """A production environment with strong, separate keys, changed by ``environ``."""
    base = {
        "SECRET_KEY": STRONG[0],
        "CARNIVAL_LAUNCH_KEYS": f"l1:{STRONG[1]}",
        "CARNIVAL_HOST_KEYS": f"h1:{STRONG[2]}",
    }
    return {**base, **environ}


@pytest.mark.parametrize(
    "weak",
    [
        "abcdefgh" * 4,  # 32 characters of 8 letters: 96 bits
        "abcdefghijklmnopqrstuvwxyz012345",  # all distinct, but a run
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "Passw0rd" * 5,
        secrets.token_hex(8),  # too short
    ],
)
def test_weak_secrets_are_refused_with_the_rule(tmp_path: Path, weak: str) -> None:
    for environ in (
        production(SECRET_KEY=weak),
        production(CARNIVAL_LAUNCH_KEYS=f"l1:{weak}"),
        production(CARNIVAL_HOST_KEYS=f"h2:{STRONG[3]},h1:{weak}"),
        production(SECRET_KEY_FALLBACKS=weak),
    ):
        with pytest.raises(ConfigError, match="too weak: a secret needs 32\\+ characters and 128\\+ bits"):
            settings_from(environ, tmp_path)


def test_32_random_bytes_always_pass() -> None:
    samples = [secrets.token_urlsafe(32) for _ in range(2000)] + [secrets.token_hex(32) for _ in range(2000)]
    assert all(is_strong(sample) for sample in samples)
    assert entropy_bits("abcdefgh" * 4) == 96


def test_production_reads_named_keys_first_signing(tmp_path: Path) -> None:
    environ = production(CARNIVAL_LAUNCH_KEYS=f"l2:{STRONG[3]}, l1:{STRONG[1]}")
    settings = settings_from(environ, tmp_path)
    assert settings.launch_keys.signing == Key("l2", STRONG[3])
    assert settings.launch_keys.find("l1") == Key("l1", STRONG[1]) and settings.launch_keys.find(None) is None
    assert settings.host_keys.keys == (Key("h1", STRONG[2]),)


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        (production(CARNIVAL_HOST_KEYS=""), "CARNIVAL_HOST_KEYS is not set"),
        (production(CARNIVAL_LAUNCH_KEYS=""), "CARNIVAL_LAUNCH_KEYS is not set"),
        (production(CARNIVAL_LAUNCH_KEYS=STRONG[1]), "must be 'kid:secret,kid:secret'"),
        (production(CARNIVAL_LAUNCH_KEYS=f"bad kid:{STRONG[1]}"), "must be 'kid:secret,kid:secret'"),
        (production(CARNIVAL_LAUNCH_KEYS=f"l1:{STRONG[1]},l1:{STRONG[3]}"), "names key id 'l1' twice"),
        (production(CARNIVAL_HOST_KEYS=f"h1:{STRONG[1]}"), "must each use their own secrets"),
        (production(SECRET_KEY=STRONG[2]), "must each use their own secrets"),
        (production(SECRET_KEY_FALLBACKS=STRONG[0]), "must each use their own secrets"),
    ],
)
def test_missing_malformed_or_shared_keys_are_refused(tmp_path: Path, environ: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        settings_from(environ, tmp_path)


def test_the_legacy_launch_secret_alone_still_serves_both(tmp_path: Path) -> None:
    environ = {"SECRET_KEY": STRONG[0], "CARNIVAL_LAUNCH_SECRET": STRONG[1]}
    settings = settings_from(environ, tmp_path)
    assert settings.launch_keys.keys == settings.host_keys.keys == (Key(None, STRONG[1]),)
    with pytest.raises(ConfigError, match="CARNIVAL_LAUNCH_SECRET is too weak"):
        settings_from({**environ, "CARNIVAL_LAUNCH_SECRET": "abcdefgh" * 4}, tmp_path)
