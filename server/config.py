"""Configuration from the environment, checked at start-up."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import SplitResult, urlsplit

DEV_LAUNCH_SECRET = "carnival-demo-launch-secret-do-not-use-in-production"
MIN_SECRET_LENGTH = 32
DEFAULT_MAX_CONTENT_LENGTH = 1024 * 1024
WEAK_SECRETS = {"secret", "changeme", "change-me", "dev", "development", "password", DEV_LAUNCH_SECRET}


class ConfigError(RuntimeError):
    """The server refuses to start with this configuration."""


@dataclass(frozen=True)
class Settings:
    """The settings Carnival reads (see README, "Configuration")."""

    env: str
    database_url: str
    redis_url: str | None
    secret_key: str
    launch_secret: str
    timezone: str
    socketio_channel: str
    frame_ancestors: tuple[str, ...] = ()
    proxy_hops: int = 0
    max_content_length: int = DEFAULT_MAX_CONTENT_LENGTH

    @property
    def development(self) -> bool:
        """Development and testing accept generated secrets and show the demo login page."""
        return self.env in ("development", "testing")


def settings_from(environ: dict[str, str] | os._Environ[str], instance_path: Path) -> Settings:
    """Read settings from ``environ``. :raises ConfigError: on a missing or weak secret outside development."""
    env = environ.get("CARNIVAL_ENV", "production")
    if env not in ("development", "testing", "production"):
        raise ConfigError(f"CARNIVAL_ENV must be development, testing or production, not '{env}'")
    development = env in ("development", "testing")
    return Settings(
        env=env,
        database_url=environ.get("DATABASE_URL") or f"sqlite:///{instance_path / 'carnival.db'}",
        redis_url=environ.get("REDIS_URL") or None,
        secret_key=_secret(environ, "SECRET_KEY", development, secrets.token_hex(32)),
        launch_secret=_secret(environ, "CARNIVAL_LAUNCH_SECRET", development, DEV_LAUNCH_SECRET),
        timezone=environ.get("CARNIVAL_TIMEZONE", "Asia/Shanghai"),
        socketio_channel=environ.get("CARNIVAL_SOCKETIO_CHANNEL", "carnival"),
        frame_ancestors=web_origins(environ.get("CARNIVAL_FRAME_ANCESTORS", ""), "CARNIVAL_FRAME_ANCESTORS"),
        proxy_hops=_count(environ, "CARNIVAL_PROXY_HOPS", 0, 0),
        max_content_length=_count(environ, "CARNIVAL_MAX_CONTENT_LENGTH", DEFAULT_MAX_CONTENT_LENGTH, 1024),
    )


def web_origins(value: str, name: str) -> tuple[str, ...]:
    """The origins (``https://host[:port]``) listed in ``value``, separated by spaces or commas.

    :raises ConfigError: when an entry is not a bare http(s) origin (no path, query, wildcard or user).
    """
    origins = []
    for entry in value.replace(",", " ").split():
        parts = urlsplit(entry)
        if not _bare_origin(parts) or "*" in entry:
            raise ConfigError(f"{name}: '{entry}' is not an origin like https://app.example.com")
        origins.append(f"{parts.scheme}://{parts.netloc.lower()}")
    return tuple(origins)


def _bare_origin(parts: SplitResult) -> bool:
    """An http(s) scheme and a host with a valid port, and nothing else (no path, query, fragment or user)."""
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/"):
        return False
    if parts.query or parts.fragment or "@" in parts.netloc:
        return False
    try:
        return parts.port != 0
    except ValueError:
        return False


def _count(environ: dict[str, str] | os._Environ[str], name: str, default: int, minimum: int) -> int:
    value = environ.get(name, "").strip()
    if not value:
        return default
    if not (value.isascii() and value.isdigit()) or int(value) < minimum:
        raise ConfigError(f"{name} must be a whole number of at least {minimum}, not '{value}'")
    return int(value)


def _secret(environ: dict[str, str] | os._Environ[str], name: str, development: bool, dev_default: str) -> str:
    value = environ.get(name, "")
    if development:
        return value or dev_default
    if not value:
        raise ConfigError(f"{name} is not set; outside development it must be a random string of 32+ characters")
    if len(value) < MIN_SECRET_LENGTH or value.lower() in WEAK_SECRETS or len(set(value)) < 8:
        raise ConfigError(f"{name} is too weak; use a random string of {MIN_SECRET_LENGTH}+ characters")
    return value


def flask_config(settings: Settings) -> dict[str, Any]:
    """The Flask and flask-smorest settings derived from ``settings``."""
    return {
        "SECRET_KEY": settings.secret_key,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SECURE": not settings.development,
        "MAX_CONTENT_LENGTH": settings.max_content_length,
        "API_TITLE": "Carnival",
        "API_VERSION": "1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/",
        "OPENAPI_JSON_PATH": "openapi.json",
        "OPENAPI_SWAGGER_UI_PATH": "docs",
        "OPENAPI_SWAGGER_UI_URL": "/vendor/swagger-ui-dist/",
    }
