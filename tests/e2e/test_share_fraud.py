"""Share fraud rules through the API, table-driven: each rule refuses its case by code (logged), a clean case goes
through; the velocity rule holds the surplus, which ops approve or reject (in the audit trail); the fraud report
counts refusals by code, top devices and rings, as JSON and CSV."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from flask import Flask

from server.config import DEV_LAUNCH_KEY
from server.launch import sign
from tests.conftest import add_campaign
from tests.e2e.share_support import help_share, share_config, shopper, start
from tests.e2e.test_ops_api import staff

YOUNG, OLD = date(2026, 11, 20), date(2024, 1, 1)  # accounts opened 3 days and years before the test's clock


def started(app: Flask, campaign: int, sub: str, device: str | None = None) -> tuple[str, int]:
    client, user = shopper(app, sub, device)
    answer = start(client, campaign)
    assert answer.status_code == 200, answer.json
    return answer.json["view"]["share"]["code"], user


CASES: dict[str, tuple[dict[str, Any], dict[str, Any], str | None]] = {  # fraud config, helper claims, code
    "clean": ({}, {}, None),
    "flagged": ({}, {"risk": True}, "flagged_account"),
    "flagged allowed": ({"refuse_flagged": False}, {"risk": True}, None),
    "old account": ({"new_users_only": True}, {"joined": OLD}, "not_new_user"),
    "new account": ({"new_users_only": True}, {"joined": YOUNG}, None),
    "no device": ({}, {"device": ""}, "device_unknown"),
    "sharer's device": ({}, {"device": "dev-sharer-0000"}, "own_device"),
    "device rules off": ({"device_rules": False}, {"device": "dev-sharer-0000"}, None),
}


@pytest.mark.parametrize("case", list(CASES))
def test_each_rule_refuses_its_case_and_a_clean_case_goes_through(app: Flask, case: str) -> None:
    fraud, given, code = CASES[case]
    claims = dict(given)  # the table is shared by both databases' runs
    campaign = add_campaign(app, share_config(fraud=fraud))
    link, _ = started(app, campaign, "sharer")
    device = claims.pop("device", None)
    helper, _ = shopper_without_device(app) if device == "" else shopper(app, "helper", device, **claims)
    answer = help_share(helper, campaign, link)
    if code is None:
        assert answer.status_code == 200, answer.json
    else:
        assert (answer.status_code, answer.json["error"]) == (409, code), answer.json
        assert answer.json["message"]  # a sentence the page shows


def shopper_without_device(app: Flask) -> Any:
    """A helper whose launch carried no device claim."""
    client = app.test_client()
    now = app.extensions["carnival.clock"]()
    token = sign(DEV_LAUNCH_KEY, "bare", "无设备", "normal", int(now.timestamp()) + 600)
    answer = client.post("/api/session/launch", json={"token": token})
    return client, answer.json["id"]


def test_device_ring_and_daily_rules_across_shares(app: Flask) -> None:
    campaign = add_campaign(app, share_config(fraud={"helper_daily_max": 2, "ring_daily_max": 2}))
    first, a = started(app, campaign, "ann")
    second, b = started(app, campaign, "bob")
    ann, _ = shopper(app, "ann")
    bob, _ = shopper(app, "bob")
    assert help_share(bob, campaign, first).status_code == 200  # bob helps ann
    assert help_share(ann, campaign, second).status_code == 200  # ann helps bob: 2 between them today
    twin, _ = shopper(app, "bob-twin", "dev-bob-0000")  # bob's phone, another account
    assert help_share(twin, campaign, first).json["error"] == "device_repeat"
    third, _ = started(app, campaign, "cat")
    assert help_share(bob, campaign, third).status_code == 200  # bob's second assist today
    fourth, _ = started(app, campaign, "dan")
    assert help_share(bob, campaign, fourth).json["error"] == "daily_limit"
    app.extensions["carnival.clock"].advance(hours=13)  # 01:00 the next day in Shanghai: dan's share still runs
    again, _ = shopper(app, "bob")
    assert help_share(again, campaign, fourth).status_code == 200  # a new day
    report = staff(app, "ops", "olga").get(f"/api/ops/campaigns/{campaign}/shares/fraud").json
    assert report["refusals"] == {"device_repeat": 1, "daily_limit": 1}
    assert report["top_devices"][0] == {"device": "dev-bob-0000", "attempts": 2}
    assert [(ring["a"], ring["b"]) for ring in report["rings"]] == [(a, b)]


def test_held_assists_wait_for_ops_who_approve_or_reject_them(app: Flask) -> None:
    campaign = add_campaign(app, share_config(fraud={"velocity_per_minute": 2}))
    link, sharer = started(app, campaign, "sharer")
    statuses = []
    for number in range(4):
        answer = help_share(shopper(app, f"quick-{number}")[0], campaign, link)
        statuses.append(answer.json["events"][0]["payload"]["status"])
    assert statuses == ["accepted", "accepted", "held", "held"]
    ops = staff(app, "ops", "olga")
    queue = ops.get(f"/api/ops/campaigns/{campaign}/shares/held").json
    assert [(row["share"], row["helper_host_id"]) for row in queue] == [(1, "quick-2"), (1, "quick-3")]
    approve = {"sharer": sharer, "share": 1, "helper": queue[0]["helper"], "approve": True}
    decided = ops.post(f"/api/ops/campaigns/{campaign}/shares/decisions", json=approve)
    assert decided.status_code == 200 and decided.json == {"decision": "approved", "unlocked": [3]}
    reject = {**approve, "helper": queue[1]["helper"], "approve": False}
    assert ops.post(f"/api/ops/campaigns/{campaign}/shares/decisions", json=reject).json["unlocked"] == []
    twice = ops.post(f"/api/ops/campaigns/{campaign}/shares/decisions", json=reject)
    assert (twice.status_code, twice.json["error"]) == (409, "assist_not_held")
    assert ops.get(f"/api/ops/campaigns/{campaign}/shares/held").json == []
    trail = [entry["action"] for entry in ops.get(f"/api/ops/campaigns/{campaign}/audit").json]
    assert trail[:2] == ["share_rejected", "share_approved"]
    csv_text = ops.get(f"/api/ops/campaigns/{campaign}/shares/fraud.csv").get_data(as_text=True)
    assert csv_text.startswith("\ufeffsection,key,value")


def test_a_share_ends_after_its_hours(app: Flask) -> None:
    campaign = add_campaign(app, share_config(hours=2))
    link, _ = started(app, campaign, "sharer")
    app.extensions["carnival.clock"].advance(hours=2, seconds=1)
    helper, _ = shopper(app, "late")
    assert help_share(helper, campaign, link).json["error"] == "share_expired"


def test_ops_forecast_what_shares_cost_for_an_assist_distribution(app: Flask) -> None:
    ops = staff(app, "ops", "omar")
    config = share_config()
    body = {"pool": config["pool"], "config": config["games"]["share"]}
    none = ops.post(
        "/api/ops/simulate/games/share", json={**body, "audience": {"shares": 1000, "assists_shares": [1.0]}}
    )
    assert none.status_code == 200 and none.json["per_share"]["expected_fen"] == 0  # no assists: nothing unlocked
    all_five = {"shares": 1000, "assists_shares": [0, 0, 0, 0, 0, 1.0], "seed": 1}
    full = ops.post("/api/ops/simulate/games/share", json={**body, "audience": all_five}).json
    assert full["unlocked_share"] == {"3": 1.0, "5": 1.0}
    assert full["per_share"]["expected_fen"] == 300 + 888 + 5 * 2.5  # coupon, red packet, 5 helpers' mean 2.5 fen
    assert full["audience"]["expected_fen"] == full["per_share"]["expected_fen"] * 1000
    bad = ops.post("/api/ops/simulate/games/share", json={**body, "audience": {"shares": 10}})
    assert bad.status_code == 422 and "audience.mean_assists" in bad.json["fields"]
