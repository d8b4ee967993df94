"""Through the ops API: once a campaign has started, a new version that worsens a disclosed term (the points
lifetime, a coupon's category or conditions, the wheel's spin terms) is refused naming the term; a better
one publishes."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import Clock
from tests.e2e.test_ops_api import draft, new_campaign, publish, save, staff

DISCLOSED = "already disclosed to shoppers: "


@pytest.fixture
def ops(app: Flask) -> FlaskClient:
    return staff(app, "ops", "terms-ops")


def coupon(config: dict[str, Any]) -> dict[str, Any]:
    return next(p for p in config["pool"]["prizes"] if p["key"] == "coupon_if6")["reward"]["coupon"]


def started(ops: FlaskClient, clock: Clock) -> tuple[int, int, dict[str, Any]]:
    """A campaign published with a 数码 coupon, 365-day points and extra spins, started now."""
    campaign, _ = new_campaign(ops, starts_at=clock.now.isoformat())
    revision, body = draft(ops, campaign)
    body["config"]["points_lifetime_days"] = 365
    coupon(body["config"])["category"] = "数码"
    body["config"]["games"]["wheel"].update(extra_spin_points=20, max_extra_spins_per_day=5)
    revision = save(ops, campaign, revision, body).json["revision"]
    assert publish(ops, campaign, revision).status_code == 200
    return campaign, revision, body


WORSE: list[tuple[Callable[[dict[str, Any]], None], str, str]] = [  # change, the field's path (its end), reason
    (
        lambda c: c.update(points_lifetime_days=1),
        "config.points_lifetime_days",
        "the points lifetime (days) would fall from 365 to 1",
    ),
    (
        lambda c: coupon(c).update(category="生鲜"),
        ".reward.coupon.category",
        "prize 'coupon_if6': the coupon category would change from 数码 to 生鲜",
    ),
    (
        lambda c: coupon(c).update(min_order_fen=10000),
        ".reward.coupon.min_order_fen",
        "prize 'coupon_if6': the coupon minimum order (fen) would rise from 0 to 10000",
    ),
    (
        lambda c: c["games"]["wheel"].update(free_spins_per_day=1),
        "config.games.wheel.free_spins_per_day",
        "game 'wheel': the free spins a day would fall",
    ),
    (
        lambda c: c["games"]["wheel"].update(extra_spin_points=None),
        "config.games.wheel.extra_spin_points",
        "game 'wheel': the points per extra spin would be withdrawn (it was 20)",
    ),
]


def test_a_worse_term_is_refused_by_name_and_a_better_one_publishes(ops: FlaskClient, clock: Clock) -> None:
    campaign, revision, body = started(ops, clock)
    version = ops.get(f"/api/ops/campaigns/{campaign}").json["campaign"]["version_hash"]
    for change, path, reason in WORSE:
        worse = copy.deepcopy(body)
        change(worse["config"])
        revision = save(ops, campaign, revision, worse).json["revision"]
        refused = publish(ops, campaign, revision)
        assert (refused.status_code, refused.json["error"]) == (422, "publish_refused")
        named = [field for field, messages in refused.json["fields"].items() if path in field]
        assert len(named) == 1 and named[0].endswith(path.lstrip(".")), refused.json
        assert any(m.startswith(DISCLOSED + reason) for m in refused.json["fields"][named[0]]), refused.json
    assert ops.get(f"/api/ops/campaigns/{campaign}").json["campaign"]["version_hash"] == version
    better = copy.deepcopy(body)
    better["config"]["points_lifetime_days"] = 400
    better["config"]["games"]["wheel"].update(free_spins_per_day=5, extra_spin_points=10, max_extra_spins_per_day=8)
    coupon(better["config"])["valid_days"] = 60
    revision = save(ops, campaign, revision, better).json["revision"]
    published = publish(ops, campaign, revision)
    assert published.status_code == 200, published.json
    assert ops.get(f"/api/ops/campaigns/{campaign}").json["campaign"]["version_hash"] != version


def test_before_the_start_the_terms_may_still_change(ops: FlaskClient, clock: Clock) -> None:
    campaign, _ = new_campaign(ops)  # the template starts tomorrow
    revision, body = draft(ops, campaign)
    assert publish(ops, campaign, revision).status_code == 200
    body["config"]["points_lifetime_days"] = 1
    body["config"]["games"]["wheel"]["free_spins_per_day"] = 1
    revision = save(ops, campaign, revision, body).json["revision"]
    assert publish(ops, campaign, revision).status_code == 200
