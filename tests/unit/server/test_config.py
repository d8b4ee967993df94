"""Start-up configuration: secrets are required and checked outside development."""

from __future__ import annotations

from pathlib import Path

import pytest

from server.config import DEV_HOST_KEY, DEV_LAUNCH_KEY, DEV_LAUNCH_SECRET, ConfigError, settings_from
from server.keys import Key

STRONG = "k3Jq9vT2xLm8Pz4Rw7Yb1Nc6Hd5Gf0Sa"


def test_development_generates_what_is_missing(tmp_path: Path) -> None:
    settings = settings_from({"CARNIVAL_ENV": "development"}, tmp_path)
    assert settings.development and len(settings.secret_key) == 64
    assert settings.launch_keys.keys == (DEV_LAUNCH_KEY,) and settings.host_keys.keys == (DEV_HOST_KEY,)
    assert settings.database_url == f"sqlite:///{tmp_path / 'carnival.db'}"
    assert settings.redis_url is None and settings.timezone == "Asia/Shanghai"


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({}, "SECRET_KEY is not set"),
        ({"SECRET_KEY": "secret"}, "SECRET_KEY is too weak"),
        ({"SECRET_KEY": "a" * 40}, "SECRET_KEY is too weak"),
        ({"SECRET_KEY": STRONG}, "CARNIVAL_LAUNCH_KEYS is not set"),
        ({"SECRET_KEY": STRONG, "CARNIVAL_LAUNCH_SECRET": DEV_LAUNCH_SECRET}, "CARNIVAL_LAUNCH_SECRET is too weak"),
        ({"CARNIVAL_ENV": "staging"}, "CARNIVAL_ENV must be"),
    ],
)
def test_production_refuses_missing_or_weak_secrets(tmp_path: Path, environ: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        settings_from(environ, tmp_path)


def test_production_accepts_strong_secrets(tmp_path: Path) -> None:
    environ = {"SECRET_KEY": STRONG, "CARNIVAL_LAUNCH_SECRET": STRONG[::-1], "DATABASE_URL": "postgresql://x/y"}
    settings = settings_from(environ, tmp_path)
    assert not settings.development and settings.database_url == "postgresql://x/y"
    legacy = Key(None, STRONG[::-1])  # the one legacy secret signs launch tokens and host requests alike
    assert settings.launch_keys.keys == (legacy,) and settings.host_keys.keys == (legacy,)


@pytest.mark.parametrize("address", ["https://app.example.com/tasks?from=wheel", "/play/wallet"])
def test_an_earn_points_address_is_an_https_page_or_a_path_here(tmp_path: Path, address: str) -> None:
    settings = settings_from({"CARNIVAL_ENV": "development", "CARNIVAL_EARN_POINTS_URL": address}, tmp_path)
    assert settings.earn_points_url == address
    assert settings_from({"CARNIVAL_ENV": "development"}, tmp_path).earn_points_url is None


@pytest.mark.parametrize(
    "address", ["javascript:alert(1)", "http://app.example.com/tasks", "//evil.example.com", "tasks", "https://"]
)
def test_any_other_earn_points_address_is_refused_at_start_up(tmp_path: Path, address: str) -> None:
    with pytest.raises(ConfigError, match="CARNIVAL_EARN_POINTS_URL"):
        settings_from({"CARNIVAL_ENV": "development", "CARNIVAL_EARN_POINTS_URL": address}, tmp_path)
