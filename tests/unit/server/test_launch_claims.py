"""The host's optional claims in a launch token (a device hash, a risk flag, the account's opening day for the
fraud rules of shares and invitations; a time zone for campaign messages): carried when well formed, refused by
name when not, absent by default."""

from __future__ import annotations

import base64
import json
from datetime import UTC, date, datetime
from typing import Any

import pytest

from server.config import DEV_LAUNCH_KEY
from server.keys import Keyring
from server.launch import Claims, LaunchTokenError, sign, signature, verify

NOW = datetime(2026, 12, 6, 12, tzinfo=UTC)
RING = Keyring((DEV_LAUNCH_KEY,))


def token(**claims: Any) -> str:
    return sign(DEV_LAUNCH_KEY, "u-1", "小明", "normal", int(NOW.timestamp()) + 60, claims=Claims(**claims))


def raw_token(**extra: Any) -> str:
    """A token whose payload holds ``extra`` as given (no checks on the way in)."""
    body = {"purpose": "carnival.launch", "sub": "u-1", "name": "小明", "tier": "normal",
            "exp": int(NOW.timestamp()) + 60, "jti": "j" * 16, "kid": DEV_LAUNCH_KEY.kid, **extra}  # fmt: skip
    payload = base64.urlsafe_b64encode(json.dumps(body).encode()).rstrip(b"=").decode()
    return f"v1.{payload}.{signature(DEV_LAUNCH_KEY.secret, payload)}"


def test_claims_are_carried_when_given_and_absent_by_default() -> None:
    launch = verify(RING, token(device="dev-hash-0001", risk=True, joined=date(2026, 11, 30)), NOW)
    assert (launch.device, launch.risk, launch.joined) == ("dev-hash-0001", True, date(2026, 11, 30))
    plain = verify(RING, token(), NOW)
    assert (plain.device, plain.risk, plain.joined, plain.timezone) == (None, False, None, None)
    assert verify(RING, token(timezone="America/New_York"), NOW).timezone == "America/New_York"


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        ({"device": "short"}, "device"),
        ({"device": "has spaces in it"}, "device"),
        ({"device": 12345678}, "device"),
        ({"risk": "yes"}, "risk"),
        ({"joined": "2026-13-01"}, "joined"),
        ({"joined": "yesterday"}, "joined"),
        ({"joined": 20261130}, "joined"),
        ({"tz": "Mars/Olympus_Mons"}, "tz"),
        ({"tz": "../../etc/passwd"}, "tz"),
        ({"tz": "Asia/Shanghai\u0000"}, "tz"),
        ({"tz": 8}, "tz"),
    ],
)
def test_a_bad_claim_is_refused_by_name(extra: dict[str, Any], named: str) -> None:
    with pytest.raises(LaunchTokenError) as refused:
        verify(RING, raw_token(**extra), NOW)
    assert refused.value.code == "token_invalid" and named in refused.value.message
