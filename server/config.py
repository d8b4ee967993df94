"""Configuration from the environment, checked at start-up."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import SplitResult, urlsplit

from games.messages.rules import DailyHours
from server.auth_settings import (
    AuthSettingError,
    SessionPolicy,
    rate_limits_from,
    session_policy_from,
)
from server.keys import STRENGTH_RULE, Key, Keyring, is_strong, parse_keyring

DEV_LAUNCH_SECRET = "carnival-demo-launch-secret-do-not-use-in-production"
DEV_HOST_SECRET = "carnival-demo-host-api-secret-do-not-use-in-production"
DEV_LAUNCH_KEY = Key("demo", DEV_LAUNCH_SECRET)
DEV_HOST_KEY = Key("demo", DEV_HOST_SECRET)
WEAK_SECRETS = {"secret", "changeme", "change-me", "dev", "development", "password", DEV_LAUNCH_SECRET, DEV_HOST_SECRET}
DEFAULT_MAX_CONTENT_LENGTH = 1024 * 1024

Environ = dict[str, str] | os._Environ[str]


class ConfigError(RuntimeError):
    """The server refuses to start with this configuration."""


@dataclass(frozen=True)
class Settings:
    """The settings Carnival reads (see README, "Configuration")."""

    env: str
    database_url: str
    redis_url: str | None
    secret_key: str
    secret_key_fallbacks: tuple[str, ...]
    launch_keys: Keyring
    host_keys: Keyring
    launch_origins: frozenset[str]
    timezone: str
    socketio_channel: str
    sessions: SessionPolicy
    rate_limits: dict[str, str]
    sockets_per_ip: int = 200
    sockets_per_user: int = 8
    trusted_proxies: int = 0
    frame_ancestors: tuple[str, ...] = ()
    max_content_length: int = DEFAULT_MAX_CONTENT_LENGTH
    clock_seconds: int = 0
    db_pool_size: int = 10
    db_pool_timeout: int = 5
    db_transaction_pooler: bool = False
    earn_points_url: str | None = None  # where the host app lets shoppers earn points (the wheel links to it)
    push_gateway_url: str | None = None  # where campaign messages go to the host's push gateway (None: in-app only)
    message_daily_cap: int = 2  # campaign messages a shopper may be sent a day, over all campaigns
    quiet_hours: str = "22:00-08:00"  # when no campaign message goes out (the campaign's local time), or "none"

    @property
    def development(self) -> bool:
        """Development and testing accept generated secrets and show the demo login page."""
        return self.env in ("development", "testing")


def settings_from(environ: Environ, instance_path: Path) -> Settings:
    """Read settings from ``environ``. :raises ConfigError: on a missing or weak secret outside development."""
    env = environ.get("CARNIVAL_ENV", "production")
    if env not in ("development", "testing", "production"):
        raise ConfigError(f"CARNIVAL_ENV must be development, testing or production, not '{env}'")
    development = env in ("development", "testing")
    try:
        sessions, rate_limits = session_policy_from(environ), rate_limits_from(environ)
    except AuthSettingError as error:
        raise ConfigError(str(error)) from error
    settings = Settings(
        env=env,
        database_url=environ.get("DATABASE_URL") or f"sqlite:///{instance_path / 'carnival.db'}",
        redis_url=environ.get("REDIS_URL") or None,
        secret_key=_secret(environ, "SECRET_KEY", development, secrets.token_hex(32)),
        secret_key_fallbacks=_fallbacks(environ, development),
        launch_keys=_keyring(environ, "CARNIVAL_LAUNCH_KEYS", development, DEV_LAUNCH_KEY),
        host_keys=_keyring(environ, "CARNIVAL_HOST_KEYS", development, DEV_HOST_KEY),
        launch_origins=frozenset(environ.get("CARNIVAL_LAUNCH_ORIGINS", "").replace(",", " ").split()),
        timezone=environ.get("CARNIVAL_TIMEZONE", "Asia/Shanghai"),
        socketio_channel=environ.get("CARNIVAL_SOCKETIO_CHANNEL", "carnival"),
        sessions=sessions,
        rate_limits=rate_limits,
        sockets_per_ip=_count(environ, "CARNIVAL_SOCKETS_PER_IP", 200, minimum=1),
        sockets_per_user=_count(environ, "CARNIVAL_SOCKETS_PER_USER", 8, minimum=1),
        trusted_proxies=_count(environ, "CARNIVAL_TRUSTED_PROXIES", 0, minimum=0),
        frame_ancestors=web_origins(environ.get("CARNIVAL_FRAME_ANCESTORS", ""), "CARNIVAL_FRAME_ANCESTORS"),
        max_content_length=_count(environ, "CARNIVAL_MAX_CONTENT_LENGTH", DEFAULT_MAX_CONTENT_LENGTH, 1024),
        clock_seconds=_count(environ, "CARNIVAL_CLOCK_SECONDS", 0 if env == "testing" else 1, minimum=0),
        db_pool_size=_count(environ, "CARNIVAL_DB_POOL_SIZE", 10, minimum=1),
        db_pool_timeout=_count(environ, "CARNIVAL_DB_POOL_TIMEOUT", 5, minimum=1),
        db_transaction_pooler=_flag(environ, "CARNIVAL_DB_TRANSACTION_POOLER"),
        earn_points_url=_page_address(environ, "CARNIVAL_EARN_POINTS_URL"),
        push_gateway_url=_gateway_address(environ, "CARNIVAL_PUSH_GATEWAY_URL"),
        message_daily_cap=_count(environ, "CARNIVAL_MESSAGE_DAILY_CAP", 2, minimum=0),
        quiet_hours=_daily_hours(environ, "CARNIVAL_QUIET_HOURS", "22:00-08:00"),
    )
    _require_separate_secrets(settings)
    return settings


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


def _page_address(environ: Environ, name: str) -> str | None:
    """An https address (or a path on this site) to link shoppers to; None when unset.

    :raises ConfigError: for anything else (another scheme, such as javascript:, or a host-less address).
    """
    value = environ.get(name, "").strip()
    if not value:
        return None
    parts = urlsplit(value)
    on_this_site = not parts.scheme and not parts.netloc and value.startswith("/") and not value.startswith("//")
    if not (on_this_site or (parts.scheme == "https" and parts.hostname and "@" not in parts.netloc)):
        raise ConfigError(f"{name}: '{value}' is not an https:// address or a path starting with /")
    return value


def _gateway_address(environ: Environ, name: str) -> str | None:
    """An http(s) address Carnival posts to, or ``None`` when unset."""
    value = environ.get(name, "").strip()
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"{name} must be an http(s) address, not '{value[:80]}'")
    return value


def _daily_hours(environ: Environ, name: str, default: str) -> str:
    """``HH:MM-HH:MM`` (a span of each day), or ``none``."""
    value = environ.get(name, default).strip()
    if value.lower() == "none":
        return "none"
    try:
        DailyHours.parse(value)
    except ValueError as error:
        raise ConfigError(f"{name} must be HH:MM-HH:MM, e.g. 22:00-08:00, or none, not '{value[:40]}'") from error
    return value


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


def _count(environ: Environ, name: str, default: int, minimum: int) -> int:
    """A whole number setting. :raises ConfigError: when it is not a whole number >= ``minimum``."""
    value = environ.get(name, "").strip()
    if not value:
        return default
    if not (value.isascii() and value.isdigit()) or int(value) < minimum:
        raise ConfigError(f"{name} must be a whole number of at least {minimum}, not '{value}'")
    return int(value)


def _flag(environ: Environ, name: str) -> bool:
    """A yes/no setting: ``1`` or ``0`` (unset: no). :raises ConfigError: on anything else."""
    value = environ.get(name, "").strip()
    if value not in ("", "0", "1"):
        raise ConfigError(f"{name} must be 0 or 1, not '{value}'")
    return value == "1"


def _secret(environ: Environ, name: str, development: bool, dev_default: str) -> str:
    value = environ.get(name, "")
    if development:
        return value or dev_default
    if not value:
        raise ConfigError(f"{name} is not set; outside development {STRENGTH_RULE}")
    _require_strong(name, value)
    return value


def _require_strong(name: str, value: str) -> None:
    if value.lower() in WEAK_SECRETS or not is_strong(value):
        raise ConfigError(f"{name} is too weak: {STRENGTH_RULE}")


def _fallbacks(environ: Environ, development: bool) -> tuple[str, ...]:
    """``SECRET_KEY_FALLBACKS``: earlier session keys, comma-separated, that still verify cookies."""
    fallbacks = tuple(part.strip() for part in environ.get("SECRET_KEY_FALLBACKS", "").split(",") if part.strip())
    for value in fallbacks if not development else ():
        _require_strong("SECRET_KEY_FALLBACKS", value)
    return fallbacks


def _keyring(environ: Environ, name: str, development: bool, dev_default: Key) -> Keyring:
    """The named keys of ``name`` followed by the legacy unnamed ``CARNIVAL_LAUNCH_SECRET``, if set."""
    try:
        named = parse_keyring(name, environ[name]) if environ.get(name) else ()
    except ValueError as error:
        raise ConfigError(str(error)) from error
    legacy = environ.get("CARNIVAL_LAUNCH_SECRET", "")
    keys = named + ((Key(None, legacy),) if legacy else ())
    if development:
        return Keyring(keys or (dev_default,))
    if not keys:
        raise ConfigError(f"{name} is not set: give it as 'kid:secret,...' ({STRENGTH_RULE})")
    for key in keys:
        _require_strong(name if key.kid else "CARNIVAL_LAUNCH_SECRET", key.secret)
    return Keyring(keys)


def _require_separate_secrets(settings: Settings) -> None:
    """Session cookies, launch tokens and host API calls never share a secret (the legacy
    ``CARNIVAL_LAUNCH_SECRET`` excepted: it is one variable that serves both of the latter)."""
    named = [key.secret for key in settings.launch_keys.keys + settings.host_keys.keys if key.kid is not None]
    legacy = {key.secret for key in settings.launch_keys.keys + settings.host_keys.keys if key.kid is None}
    used = [settings.secret_key, *settings.secret_key_fallbacks, *named, *legacy]
    if len(used) != len(set(used)):
        raise ConfigError(
            "SECRET_KEY, SECRET_KEY_FALLBACKS, CARNIVAL_LAUNCH_KEYS and CARNIVAL_HOST_KEYS must each use "
            "their own secrets: one secret appears twice"
        )


def flask_config(settings: Settings) -> dict[str, Any]:
    """The Flask and flask-smorest settings derived from ``settings``."""
    return {
        "SECRET_KEY": settings.secret_key,
        "SECRET_KEY_FALLBACKS": list(settings.secret_key_fallbacks),
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
