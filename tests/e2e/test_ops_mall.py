"""What the ops console's mall page reads besides the goods: each good's sale state on the app's clock (coming,
on sale, ended, sold out: the same as shoppers see) in the list and in the answers of an add or an edit, and the
form description of a good (its fields, kinds and limits, from the schema the API validates with)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Flask

from tests.conftest import Clock, add_campaign, wheel_config
from tests.e2e.test_ops_api import staff

GOOD = {"name": "蓝牙耳机", "kind": "physical", "category": "实物", "points_price": 3000, "value_fen": 9900,
        "stock_left": 2}  # fmt: skip


def sales(goods: list[dict[str, Any]]) -> dict[str, str]:
    return {good["name"]: good["sale"] for good in goods}


def test_the_list_says_each_goods_sale_state_on_the_apps_clock(app: Flask, clock: Clock) -> None:
    campaign = add_campaign(app, wheel_config())
    ops = staff(app, "ops", "mall-ops")
    url = f"/api/ops/campaigns/{campaign}/mall/goods"
    window = {
        "starts_at": (clock() + timedelta(hours=1)).isoformat(),
        "ends_at": (clock() + timedelta(hours=3)).isoformat(),
    }
    added = ops.post(url, json={**GOOD, "name": "限时", **window})
    assert (added.status_code, added.json["sale"]) == (201, "coming")
    ops.post(url, json={**GOOD, "name": "常驻"})
    gone = ops.post(url, json={**GOOD, "name": "售罄"}).json
    edited = ops.put(f"{url}/{gone['id']}", json={**GOOD, "name": "售罄", "stock_left": 0, "expected_stock_left": 2})
    assert (edited.status_code, edited.json["sale"], edited.json["stock_total"]) == (200, "sold_out", 2)
    assert sales(ops.get(url).json) == {"限时": "coming", "常驻": "on_sale", "售罄": "sold_out"}
    clock.advance(hours=2)
    assert sales(ops.get(url).json)["限时"] == "on_sale"
    clock.advance(hours=1)
    assert sales(ops.get(url).json)["限时"] == "ended"


def test_the_form_description_of_a_good_follows_its_schema(app: Flask) -> None:
    form = staff(app, "ops", "mall-form").get("/api/ops/mall/form")
    assert form.status_code == 200
    fields = {field["name"]: field for field in form.json["fields"]}
    assert list(fields)[:3] == ["name", "name_en", "kind"]
    assert fields["kind"]["enum"] == ["physical", "coupon", "red_packet", "gift_card", "virtual"]
    assert (fields["value_fen"]["minimum"], fields["value_fen"]["maximum"]) == (1, 50_000)  # the ¥500 rule
    assert (fields["min_tier_rank"]["minimum"], fields["min_tier_rank"]["maximum"]) == (0, 3)
    assert fields["starts_at"]["format"] == "date-time" and fields["starts_at"]["nullable"]
    assert "sale" not in fields and "expected_stock_left" not in fields  # what ops send when adding
    assert app.test_client().get("/api/ops/mall/form").status_code == 401
