"""Launch tokens: how a host app hands a signed-in shopper to Carnival (docs/integration.md).

A token is ``v1.<payload>.<signature>``: ``payload`` is the base64url (no padding) of a JSON
object, ``signature`` the base64url of HMAC-SHA256(secret, "v1." + payload).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from server.input_guard import UNSTORABLE

PURPOSE = "carnival.launch"
VERSION = "v1"
MAX_LIFETIME_SECONDS = 24 * 3600
TIERS = ("normal", "silver", "gold", "diamond")


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


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def signature(secret: str, payload: str) -> str:
    """The base64url (unpadded) HMAC-SHA256 of ``v1.<payload>`` with ``secret``: what launch tokens and host-app
    requests are signed with."""
    return _b64(hmac.new(secret.encode(), f"{VERSION}.{payload}".encode(), hashlib.sha256).digest())


def sign(secret: str, user_id: str, name: str, tier: str, expires_at: int) -> str:
    """A launch token for one shopper, valid until ``expires_at`` (Unix seconds)."""
    body = {"purpose": PURPOSE, "sub": user_id, "name": name, "tier": tier, "exp": expires_at}
    payload = _b64(json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode())
    return f"{VERSION}.{payload}.{signature(secret, payload)}"


def verify(secret: str, token: str, now: datetime) -> Launch:
    """Check signature, purpose, expiry and fields. :raises LaunchTokenError: naming the problem."""
    parts = token.split(".")
    if len(parts) != 3 or parts[0] != VERSION:
        raise LaunchTokenError("token_malformed", "the launch token is malformed")
    if not hmac.compare_digest(signature(secret, parts[1]).encode(), parts[2].encode("utf-8", "replace")):
        raise LaunchTokenError("token_invalid", "the launch token's signature is invalid")
    body = _decode(parts[1])
    if body.get("purpose") != PURPOSE:
        raise LaunchTokenError("token_wrong_purpose", "this token is not a Carnival launch token")
    return _launch(body, int(now.timestamp()))


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
        raise LaunchTokenError("token_invalid", "the launch token lives longer than 24 hours")
    if not _text(user_id):
        raise LaunchTokenError("token_invalid", "the launch token's sub must be a user id of 1-64 characters")
    if not _text(name) or tier not in TIERS:
        raise LaunchTokenError("token_invalid", f"the launch token needs a name and a tier in {', '.join(TIERS)}")
    return Launch(user_id=user_id, name=name, tier=tier, expires_at=expires_at)


def _text(value: Any) -> bool:
    """A string of 1-64 characters that a database can store (no NUL, no unpaired surrogate)."""
    return isinstance(value, str) and 1 <= len(value) <= 64 and not UNSTORABLE.search(value)
