"""Check-in campaigns for the tests: a config, a signed-in shopper of a tier, and the check-in actions."""

from __future__ import annotations

from itertools import count
from typing import Any

from flask.testing import FlaskClient

from tests.conftest import launch_token

_keys = count()


def checkin_config(
    tiers: list[dict[str, Any]] | None = None, makeup: dict[str, Any] | None = None, **checkin: Any
) -> dict[str, Any]:
    """A check-in campaign: ``streak7`` (50 points, weight 0: granted only by the 7-day milestone), ``spins``
    (3 wheel spins, also weight 0) and thanks; 普通 members get a fixed 10 points a day unless ``tiers`` says
    otherwise; make-ups of the last 3 days for 20 points, at most 2 a month."""
    prizes = [
        {
            "key": "streak7",
            "name": "连签7天 50积分",
            "weight": 0,
            "stock": 1000,
            "reward": {"kind": "points", "points": 50},
        },
        {"key": "spins", "name": "3 次抽奖", "weight": 0, "reward": {"kind": "item", "item": "wheel_spin", "count": 3}},
        {"key": "thanks", "name": "谢谢参与", "weight": 1, "reward": {"kind": "nothing"}},
    ]
    default_tiers = [
        {"code": "normal", "name": "普通会员", "points_min": 10, "points_max": 10},
        {"code": "gold", "name": "金牌会员", "points_min": 30, "points_max": 40},
    ]
    return {
        "pool": {"prizes": prizes, "fallback": "thanks"},
        "caps": [],
        "games": {
            "checkin": {
                "tiers": tiers or default_tiers,
                "milestones": [{"kind": "streak", "days": 7, "prize": "streak7"}],
                "makeup": makeup or {"window_days": 3, "monthly_max": 2, "price_points": 20},
                **checkin,
            }
        },
    }


def login_tier(client: FlaskClient, sub: str, tier: str = "normal") -> int:
    """Sign a shopper of ``tier`` in on ``client``; returns their user id."""
    now = client.application.extensions["carnival.clock"]()
    response = client.post("/api/session/launch", json={"token": launch_token(sub, tier=tier, now=now)})
    assert response.status_code == 200, response.json
    return response.json["id"]


def act(client: FlaskClient, campaign: int, action: str, body: dict[str, Any] | None = None) -> Any:
    """One check-in action, with a fresh Idempotency-Key."""
    headers = {"Idempotency-Key": f"checkin-{next(_keys):06d}"}
    return client.post(f"/api/play/{campaign}/games/checkin/{action}", json=body or {}, headers=headers)


def view(client: FlaskClient, campaign: int) -> dict[str, Any]:
    """The shopper's check-in view."""
    answer = client.get(f"/api/play/{campaign}/games/checkin")
    assert answer.status_code == 200, answer.json
    return answer.json["view"]
