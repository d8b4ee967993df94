"""Share campaigns for the tests: a config, shoppers signed in with device claims, starting and helping shares."""

from __future__ import annotations

import copy
from itertools import count
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from server.config import DEV_LAUNCH_KEY
from server.launch import Claims, sign

_keys = count()
PRIZES = [
    {"key": "coupon", "name": "3期免息券", "weight": 0, "stock": 1000, "reward": {"kind": "coupon", "cost_fen": 300,
     "coupon": {"type": "interest_free", "title": "3期免息", "valid_days": 30, "periods": 3}}},
    {"key": "packet", "name": "8.88元红包", "weight": 0, "stock": 1000,
     "reward": {"kind": "red_packet", "amount_fen": 888}},
    {"key": "points_5", "name": "5积分", "weight": 0, "reward": {"kind": "points", "points": 5}},
    {"key": "thanks", "name": "谢谢参与", "weight": 1, "reward": {"kind": "nothing"}},
]  # fmt: skip


def share_config(**share: Any) -> dict[str, Any]:
    """A share campaign: 3 assists unlock a coupon, 5 a red packet; helpers draw 5 points or nothing (1:1)."""
    thresholds = [{"assists": 3, "prize": "coupon"}, {"assists": 5, "prize": "packet"}]
    helpers = [{"prize": "points_5", "weight": 1}, {"prize": "thanks", "weight": 1}]
    game = {"hours": 24, "thresholds": thresholds, "helper_prizes": helpers, **share}
    return {"pool": {"prizes": copy.deepcopy(PRIZES), "fallback": "thanks"}, "caps": [], "games": {"share": game}}


def shopper(app: Flask, sub: str, device: str | None = None, **claims: Any) -> tuple[FlaskClient, int]:
    """A client signed in as ``sub`` with a device claim (``dev-<sub>`` unless given); its user id."""
    client = app.test_client()
    now = app.extensions["carnival.clock"]()
    claim = Claims(device=device if device is not None else f"dev-{sub}-0000", **claims)
    token = sign(DEV_LAUNCH_KEY, sub, f"用户{sub}", "normal", int(now.timestamp()) + 600, claims=claim)
    answer = client.post("/api/session/launch", json={"token": token})
    assert answer.status_code == 200, answer.json
    return client, answer.json["id"]


def start(client: FlaskClient, campaign: int) -> Any:
    """Start a share."""
    return client.post(f"/api/play/{campaign}/share", headers={"Idempotency-Key": f"share-start-{next(_keys):06d}"})


def help_share(client: FlaskClient, campaign: int, code: str, key: str | None = None) -> Any:
    """Assist the share of ``code``."""
    headers = {"Idempotency-Key": key or f"share-assist-{next(_keys):06d}"}
    return client.post(f"/api/play/{campaign}/share/{code}/assist", headers=headers)
