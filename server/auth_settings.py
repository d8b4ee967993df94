"""Sign-in settings read from the environment: session lifetimes and rate limits (README, "Configuration")."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from limits import parse_many

Environ = Mapping[str, str] | os._Environ[str]

#: Each rate limit's name and its default, in Flask-Limiter's notation (several separated by ``;``).
DEFAULT_RATE_LIMITS: dict[str, str] = {
    "login": "10 per minute;100 per hour",  # staff sign-in attempts per client IP
    "login_failures_user": "5 per 15 minutes",  # wrong passwords per username before it is locked
    "login_failures_ip": "20 per hour",  # wrong passwords per client IP before it is locked
    "launch": "120 per minute",  # shopper launches per client IP (carrier NAT puts many shoppers on one IP)
    "host": "50 per second",  # host-app API calls per client IP
    "spin": "3 per second;120 per minute",  # plays per shopper
    "socket": "120 per minute",  # Socket.IO connections per client IP (carrier NAT, as for launches)
}


class AuthSettingError(ValueError):
    """A sign-in setting that cannot be used."""


@dataclass(frozen=True)
class SessionPolicy:
    """How long sessions live: an absolute lifetime from sign-in and an idle timeout, per audience."""

    staff_lifetime: timedelta = timedelta(hours=8)
    staff_idle: timedelta = timedelta(minutes=30)
    shopper_lifetime: timedelta = timedelta(hours=12)
    shopper_idle: timedelta = timedelta(hours=2)

    def lifetime(self, role: str) -> timedelta:
        """The absolute lifetime of a session of ``role``."""
        return self.shopper_lifetime if role == "shopper" else self.staff_lifetime

    def idle(self, role: str) -> timedelta:
        """The idle timeout of a session of ``role``."""
        return self.shopper_idle if role == "shopper" else self.staff_idle


def session_policy_from(environ: Environ) -> SessionPolicy:
    """The session policy from ``CARNIVAL_{STAFF,SHOPPER}_SESSION_HOURS`` and ``..._IDLE_MINUTES``.

    :raises AuthSettingError: on a value that is not a positive number.
    """
    default = SessionPolicy()
    return SessionPolicy(
        staff_lifetime=_duration(environ, "CARNIVAL_STAFF_SESSION_HOURS", "hours", default.staff_lifetime),
        staff_idle=_duration(environ, "CARNIVAL_STAFF_IDLE_MINUTES", "minutes", default.staff_idle),
        shopper_lifetime=_duration(environ, "CARNIVAL_SHOPPER_SESSION_HOURS", "hours", default.shopper_lifetime),
        shopper_idle=_duration(environ, "CARNIVAL_SHOPPER_IDLE_MINUTES", "minutes", default.shopper_idle),
    )


def _duration(environ: Environ, name: str, unit: str, default: timedelta) -> timedelta:
    text = environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0 < value < 1e6:
        raise AuthSettingError(f"{name} must be a positive number of {unit}, not '{text}'")
    return timedelta(**{unit: value})


def rate_limits_from(environ: Environ) -> dict[str, str]:
    """The rate limits: the defaults, with those named in ``CARNIVAL_RATE_LIMITS`` replaced.

    ``CARNIVAL_RATE_LIMITS`` is a comma-separated list of ``name=limit`` (``login=5 per minute;50 per day,
    spin=2/second``).

    :raises AuthSettingError: on an unknown name or a limit that does not parse.
    """
    limits = dict(DEFAULT_RATE_LIMITS)
    for entry in filter(None, (part.strip() for part in environ.get("CARNIVAL_RATE_LIMITS", "").split(","))):
        name, _, value = (text.strip() for text in entry.partition("="))
        if name not in limits:
            raise AuthSettingError(f"CARNIVAL_RATE_LIMITS: unknown limit '{name}' (known: {', '.join(limits)})")
        try:
            parse_many(value)
        except ValueError as error:
            raise AuthSettingError(f"CARNIVAL_RATE_LIMITS: '{name}={value}' is not a rate limit") from error
        limits[name] = value
    return limits
