"""Launch tokens: how a host app hands a signed-in shopper to Carnival (docs/integration.md).

A token is ``v1.<payload>.<signature>``: ``payload`` is the base64url (no padding) of a JSON
object, ``signature`` the base64url of HMAC-SHA256(secret, "v1." + payload). The payload names the
key it was signed with (``kid``) and carries a one-time id (``jti``); a token lives at most 10 minutes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from server.input_guard import UNSTORABLE
from server.keys import Key, Keyring

PURPOSE = "carnival.launch"
VERSION = "v1"
MAX_LIFETIME_SECONDS = 10 * 60
JTI_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,128}")
TIER = re.compile(r"[a-z0-9_]{1,16}")  # the host's member tier codes (by default normal, silver, gold, diamond)
DEVICE = re.compile(r"[A-Za-z0-9_=+/-]{8,128}")  # a hash of the shopper's device id, as the host computes it
ZONE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_+/-]{0,63}")  # an IANA name (Asia/Shanghai, Etc/GMT+8), no path tricks


class LaunchTokenError(ValueError):
    """A token that may not start a session; ``code`` says why."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Launch:
    """A verified shopper from the host app."""

    user_id: str
    name: str
    tier: str
    expires_at: int
    jti: str
    device: str | None = None
    risk: bool = False
    joined: date | None = None
    timezone: str | None = None


@dataclass(frozen=True)
class Claims:
    """What the host may also say of a shopper: for the fraud rules of shares and invitations a hash of their
    device id (``device``), whether its risk system flags them (``risk``) and when their account was opened
    (``joined``); for campaign messages their time zone (``tz``, an IANA name such as ``Asia/Shanghai``)."""

    device: str | None = None
    risk: bool = False
    joined: date | None = None
    timezone: str | None = None


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def signature(secret: str, payload: str) -> str:
    """The base64url (unpadded) HMAC-SHA256 of ``v1.<payload>`` with ``secret``: what launch tokens and host-app
    requests are signed with."""
    return _b64(hmac.new(secret.encode(), f"{VERSION}.{payload}".encode(), hashlib.sha256).digest())


def sign(
    key: Key, user_id: str, name: str, tier: str, expires_at: int, jti: str | None = None, claims: Claims = Claims()
) -> str:
    """A launch token for one shopper, valid until ``expires_at`` (Unix seconds), signed with ``key`` and
    named by its ``kid``; ``jti`` defaults to a fresh random id; ``claims`` adds ``device``, ``risk``,
    ``joined`` and ``tz`` when set."""
    body: dict[str, Any] = {"purpose": PURPOSE, "sub": user_id, "name": name, "tier": tier, "exp": expires_at}
    body["jti"] = jti if jti is not None else secrets.token_urlsafe(16)
    body |= {"device": claims.device} if claims.device else {}
    body |= {"risk": True} if claims.risk else {}
    body |= {"joined": claims.joined.isoformat()} if claims.joined else {}
    body |= {"tz": claims.timezone} if claims.timezone else {}
    if key.kid is not None:
        body["kid"] = key.kid
    payload = _b64(json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode())
    return f"{VERSION}.{payload}.{signature(key.secret, payload)}"


def verify(keys: Keyring, token: str, now: datetime) -> Launch:
    """Check the key, signature, purpose, expiry and fields. :raises LaunchTokenError: naming the problem."""
    parts = token.split(".")
    if len(parts) != 3 or parts[0] != VERSION:
        raise LaunchTokenError("token_malformed", "the launch token is malformed")
    body = _decode(parts[1])
    key = _key(keys, body.get("kid"))
    if not hmac.compare_digest(signature(key.secret, parts[1]).encode(), parts[2].encode("utf-8", "replace")):
        raise LaunchTokenError("token_invalid", "the launch token's signature is invalid")
    if body.get("purpose") != PURPOSE:
        raise LaunchTokenError("token_wrong_purpose", "this token is not a Carnival launch token")
    return _launch(body, int(now.timestamp()))


def _key(keys: Keyring, kid: object) -> Key:
    """The configured key the token names (no ``kid``: the legacy unnamed key)."""
    key = keys.find(kid) if kid is None or isinstance(kid, str) else None
    if key is None:
        named = "no key id" if kid is None else f"key id {json.dumps(kid)[:40]}"
        raise LaunchTokenError("key_unknown", f"the launch token names {named}, which Carnival does not accept")
    return key


def _decode(payload: str) -> dict[str, Any]:
    try:
        body = json.loads(_unb64(payload))
    except (binascii.Error, ValueError, RecursionError) as error:
        raise LaunchTokenError("token_malformed", "the launch token's payload is not JSON") from error
    if not isinstance(body, dict):
        raise LaunchTokenError("token_malformed", "the launch token's payload is not an object")
    return body


def _launch(body: dict[str, Any], now: int) -> Launch:
    expires_at, user_id, name, tier = body.get("exp"), body.get("sub"), body.get("name"), body.get("tier")
    if not isinstance(expires_at, int) or expires_at <= now:
        raise LaunchTokenError("token_expired", "the launch token has expired; reopen the page from the app")
    if expires_at - now > MAX_LIFETIME_SECONDS:
        raise LaunchTokenError("token_invalid", "the launch token lives longer than 10 minutes")
    if not _text(user_id):
        raise LaunchTokenError("token_invalid", "the launch token's sub must be a user id of 1-64 characters")
    if not _text(name) or not isinstance(tier, str) or not TIER.fullmatch(tier):
        raise LaunchTokenError(
            "token_invalid", "the launch token needs a name and a tier code of 1-16 lowercase letters, digits or _"
        )
    jti = body.get("jti")
    if not isinstance(jti, str) or not JTI_PATTERN.fullmatch(jti):
        raise LaunchTokenError("token_invalid", "the launch token's jti must be 16-128 letters, digits, '-' or '_'")
    claims = _claims(body)
    return Launch(user_id, name, tier, expires_at, jti, claims.device, claims.risk, claims.joined, claims.timezone)


def _claims(body: dict[str, Any]) -> Claims:
    """The optional claims: ``device`` (8-128 of A-Z a-z 0-9 _ = + / -), ``risk`` (true or false), ``joined``
    (YYYY-MM-DD) and ``tz`` (an IANA time zone). :raises LaunchTokenError: ``token_invalid`` naming a bad one."""
    device, risk, joined = body.get("device"), body.get("risk", False), body.get("joined")
    if device is not None and not (isinstance(device, str) and DEVICE.fullmatch(device)):
        raise LaunchTokenError("token_invalid", "the launch token's device must be 8-128 of A-Z a-z 0-9 _ = + / -")
    if not isinstance(risk, bool):
        raise LaunchTokenError("token_invalid", "the launch token's risk must be true or false")
    try:
        opened = date.fromisoformat(joined) if isinstance(joined, str) and len(joined) == 10 else None
    except ValueError:
        opened = None
    if joined is not None and opened is None:
        raise LaunchTokenError("token_invalid", "the launch token's joined must be a date, YYYY-MM-DD")
    return Claims(device, risk, opened, _timezone(body.get("tz")))


def _timezone(name: object) -> str | None:
    """The ``tz`` claim: an IANA time zone name, or absent. :raises LaunchTokenError: for anything else."""
    if name is None:
        return None
    if isinstance(name, str) and ZONE_NAME.fullmatch(name):
        try:
            ZoneInfo(name)
            return name
        except (ZoneInfoNotFoundError, ValueError):
            pass
    raise LaunchTokenError("token_invalid", "the launch token's tz must be an IANA time zone, e.g. Asia/Shanghai")


def _text(value: Any) -> bool:
    """A string of 1-64 characters that a database can store (no NUL, no unpaired surrogate)."""
    return isinstance(value, str) and 1 <= len(value) <= 64 and not UNSTORABLE.search(value)
