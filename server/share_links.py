"""Share link codes: opaque (random, naming no shopper), signed (a forged code is refused before any lookup) and
expiring (the share's end is stored with it, :mod:`games.share.links`); a rotated ``SECRET_KEY`` still accepts the
codes its fallbacks signed. A code is ``<random>.<tag>``: 12 random
bytes and an HMAC-SHA256 tag of them under a key derived from ``SECRET_KEY``, both base64url."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

from flask import current_app

CODE = re.compile(r"[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{11}")
PURPOSE = b"carnival.share-link"


def _tag(random_part: str, secret: str | None = None) -> str:
    key_text = secret if secret is not None else current_app.extensions["carnival.settings"].secret_key
    key = hmac.new(key_text.encode(), PURPOSE, hashlib.sha256).digest()
    digest = hmac.new(key, random_part.encode(), hashlib.sha256).digest()[:8]
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def new_code() -> str:
    """A fresh share link code."""
    random_part = secrets.token_urlsafe(12)
    return f"{random_part}.{_tag(random_part)}"


def signed(code: str) -> bool:
    """Whether ``code`` is one this server made (its shape and its tag, under ``SECRET_KEY`` or a fallback still
    accepted after a rotation)."""
    if not CODE.fullmatch(code):
        return False
    random_part, tag = code.split(".")
    settings = current_app.extensions["carnival.settings"]
    keys = (settings.secret_key, *settings.secret_key_fallbacks)
    return any(hmac.compare_digest(_tag(random_part, key), tag) for key in keys)
