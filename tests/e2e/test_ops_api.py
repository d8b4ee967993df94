"""The ops console API on SQLite and PostgreSQL: drafts, publish, disclosure rules, pause, roles."""

from __future__ import annotations

import copy
import csv
import io
import re
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from server.auth import create_staff
from tests.conftest import Clock, build_app, login


def staff(app: Flask, role: str, username: str) -> FlaskClient:
    """A client signed in as a new staff account."""
    with app.extensions["carnival.sessions"]() as session, session.begin():
        create_staff(session, username, "a-long-password", role, app.extensions["carnival.clock"]())
    client = app.test_client()
    answer = client.post("/api/session/staff", json={"username": username, "password": "a-long-password"})
    assert answer.status_code == 200
    return client


@pytest.fixture
def ops(app: Flask) -> FlaskClient:
    return staff(app, "ops", "olivia")


def new_campaign(ops: FlaskClient, **changes: Any) -> tuple[int, dict[str, Any]]:
    body = ops.get("/api/ops/campaigns/template").json
    body.update(changes)
    created = ops.post("/api/ops/campaigns", json=body)
    assert created.status_code == 201, created.json
    return created.json["id"], body


def draft(ops: FlaskClient, campaign: int) -> tuple[int, dict[str, Any]]:
    detail = ops.get(f"/api/ops/campaigns/{campaign}").json
    return detail["draft"]["revision"], detail["draft"]["body"]


def save(ops: FlaskClient, campaign: int, revision: int, body: dict[str, Any]):  # type: ignore[no-untyped-def]
    return ops.put(f"/api/ops/campaigns/{campaign}/draft", json={"revision": revision, "body": body})


def publish(ops: FlaskClient, campaign: int, revision: int):  # type: ignore[no-untyped-def]
    return ops.post(f"/api/ops/campaigns/{campaign}/publish", json={"revision": revision})


def test_create_edit_publish_and_play(app: Flask, ops: FlaskClient, clock: Clock) -> None:
    campaign, _ = new_campaign(ops, starts_at=clock.now.isoformat())
    revision, body = draft(ops, campaign)
    body["config"]["games"]["wheel"]["free_spins_per_day"] = 5
    saved = save(ops, campaign, revision, body)
    assert saved.status_code == 200 and saved.json["revision"] == revision + 1
    published = publish(ops, campaign, revision + 1)
    assert published.status_code == 200, published.json
    assert published.json["status"] == "active" and len(published.json["version_hash"]) == 64
    shopper = app.test_client()
    login(shopper, "ops-shopper")
    view = shopper.get(f"/api/play/{campaign}/wheel").json
    assert view["free_spins_left"] == 5
    rules = shopper.get(f"/api/campaigns/{campaign}/rules").json
    assert rules["config_hash"] == published.json["version_hash"]
    actions = [e["action"] for e in ops.get(f"/api/ops/campaigns/{campaign}/audit").json]
    assert actions == ["publish", "edit_draft", "create"]


def test_invalid_fields_are_reported_by_path_and_nothing_is_saved(ops: FlaskClient) -> None:
    campaign, _ = new_campaign(ops)
    revision, body = draft(ops, campaign)
    broken = copy.deepcopy(body)
    broken["config"]["pool"]["prizes"][1]["weight"] = -1
    broken["budget_fen"] = -1
    answer = save(ops, campaign, revision, broken)
    assert (answer.status_code, answer.json["error"]) == (422, "invalid_input")
    assert "config.pool.prizes.1.weight" in answer.json["fields"]
    assert "budget_fen" in answer.json["fields"]
    assert draft(ops, campaign) == (revision, body)


def test_concurrent_edits_are_detected(ops: FlaskClient, app: Flask) -> None:
    campaign, _ = new_campaign(ops)
    revision, body = draft(ops, campaign)
    other = staff(app, "ops", "oscar")
    body["name"] = "first edit"
    assert save(other, campaign, revision, body).status_code == 200
    body["name"] = "second edit"
    late = save(ops, campaign, revision, body)
    assert (late.status_code, late.json["error"]) == (409, "draft_changed")
    assert draft(ops, campaign)[1]["name"] == "first edit"
    assert publish(ops, campaign, revision).json["error"] == "draft_changed"


def test_compliance_failures_block_publish(ops: FlaskClient) -> None:
    campaign, body = new_campaign(ops)
    revision, body = draft(ops, campaign)
    body["config"]["pool"]["prizes"][1]["stock"] = None
    del body["config"]["redemption"]
    revision = save(ops, campaign, revision, body).json["revision"]
    refused = publish(ops, campaign, revision)
    assert (refused.status_code, refused.json["error"]) == (422, "publish_refused")
    assert set(refused.json["fields"]) >= {"config.pool.prizes.1.stock", "config.redemption.deadline"}
    assert ops.get(f"/api/ops/campaigns/{campaign}").json["campaign"]["status"] == "draft"


def test_top_prize_above_50000_yuan_is_refused(ops: FlaskClient) -> None:
    campaign, _ = new_campaign(ops)
    revision, body = draft(ops, campaign)
    body["config"]["pool"]["prizes"][3]["display_value_fen"] = 5_000_001
    answer = save(ops, campaign, revision, body)
    assert answer.status_code == 422
    assert answer.json["fields"]["config.pool.prizes.3.display_value_fen"] == ["a prize may be worth at most ¥50,000"]


def started_campaign(ops: FlaskClient, clock: Clock) -> tuple[int, int, dict[str, Any]]:
    campaign, _ = new_campaign(ops, starts_at=clock.now.isoformat())
    revision, body = draft(ops, campaign)
    assert publish(ops, campaign, revision).status_code == 200
    return campaign, revision, body


@pytest.mark.parametrize(
    ("change", "field", "reason"),
    [
        (lambda c: c["pool"]["prizes"].pop(3), "config.pool.prizes", "would be removed"),
        (lambda c: c["pool"]["prizes"][3].update(weight=5), "config.pool.prizes.3.weight", "odds would fall"),
        (lambda c: c["pool"]["prizes"][3].update(stock=400), "config.pool.prizes.3.stock", "quantity would fall"),
        (lambda c: c["redemption"].update(deadline="2099-01-01"), "config.redemption.deadline", "redemption deadline"),
        (lambda c: c["redemption"].update(deadline="2026-11-30"), "config.redemption.deadline", "redemption deadline"),
        (lambda c: c["caps"][0].update(max_value_fen=1000), "config.caps.0", "would get tighter"),
    ],
)
def test_a_started_campaign_may_not_worsen_disclosures(ops: FlaskClient, clock: Clock, change, field, reason) -> None:  # type: ignore[no-untyped-def]
    campaign, revision, body = started_campaign(ops, clock)
    change(body["config"])
    if reason == "would be removed":
        body["config"]["games"]["wheel"]["slots"] = [
            "thanks",
            "points_20",
            "coupon_if6",
            "thanks",
            "points_20",
            "thanks",
        ]
    revision = save(ops, campaign, revision, body).json["revision"]
    refused = publish(ops, campaign, revision)
    assert refused.status_code == 422
    assert any(reason in message for message in refused.json["fields"][field]), refused.json


def test_a_started_campaign_may_add_stock_prizes_and_odds(ops: FlaskClient, clock: Clock) -> None:
    campaign, revision, body = started_campaign(ops, clock)
    prizes = body["config"]["pool"]["prizes"]
    prizes[3].update(stock=800, weight=20)
    prizes[0]["weight"] = 490  # the fallback gives nothing: its odds may fall (total stays 1000)
    prizes.append(
        {
            "key": "points_50",
            "name": "50积分",
            "weight": 100,
            "stock": 1000,
            "reward": {"kind": "points", "points": 50},
            "display_value_fen": 50,
        }
    )
    body["config"]["games"]["wheel"]["slots"][3] = "points_50"
    revision = save(ops, campaign, revision, body).json["revision"]
    small = {"revision": revision, "audience": {"players_per_day": 100, "draws_per_player": 3}}  # no pre-flight risk
    assert ops.post(f"/api/ops/campaigns/{campaign}/publish", json=small).status_code == 200


def test_pause_answers_paused_and_resume_continues(app: Flask, ops: FlaskClient, clock: Clock) -> None:
    campaign, _, _ = started_campaign(ops, clock)
    shopper = app.test_client()
    login(shopper, "pausing")
    spin = lambda key: shopper.post(f"/api/play/{campaign}/wheel/spin", headers={"Idempotency-Key": key})  # noqa: E731
    assert spin("spin-before-pause").json["proof"]["nonce"] == 0
    assert ops.post(f"/api/ops/campaigns/{campaign}/pause").json["status"] == "paused"
    paused = spin("spin-while-paused")
    assert (paused.status_code, paused.json["error"]) == (409, "campaign_paused")
    assert ops.post(f"/api/ops/campaigns/{campaign}/resume").json["status"] == "active"
    assert spin("spin-after-resume").json["proof"]["nonce"] == 1


def test_odds_and_simulation(ops: FlaskClient) -> None:
    body = ops.get("/api/ops/campaigns/template").json
    odds = ops.post("/api/ops/odds", json={"pool": body["config"]["pool"], "expected_draws": 100_000}).json
    assert [row["odds"] for row in odds["rows"]] == ["3/5", "3/10", "9/100", "1/100"]
    red = odds["rows"][3]
    assert red["expected_picked"] == 1000 and red["expected_granted"] == 500 and red["disclosed_quantity"] == 500
    bad = ops.post("/api/ops/odds", json={"pool": {"prizes": [], "fallback": "x"}})
    assert bad.status_code == 422 and "config.pool.prizes" in bad.json["fields"]
    simulation = ops.post(
        "/api/ops/simulate",
        json={
            "pool": body["config"]["pool"],
            "players_per_day": 1000,
            "draws_per_player": 3,
            "days": 10,
            "budget_fen": 50_000,
            "runs": 200,
            "seed": 7,
        },
    ).json
    assert simulation["cost_p99_fen"] <= 50_000 and simulation["budget_exhausted_probability"] == 1.0
    assert len(simulation["histogram"]) == 30 and len(simulation["daily_cost_mean_fen"]) == 10


def test_the_simulation_applies_the_pools_daily_caps(ops: FlaskClient) -> None:
    pool = ops.get("/api/ops/campaigns/template").json["config"]["pool"]
    request = {"pool": pool, "players_per_day": 1000, "draws_per_player": 10, "days": 5, "runs": 100, "seed": 3}
    free = ops.post("/api/ops/simulate", json=request).json
    one_point_prize = [{"key": "few", "per": "day", "max_count": 1}]  # one grant of anything a shopper a day
    capped = ops.post("/api/ops/simulate", json={**request, "caps": one_point_prize}).json
    assert capped["cost_mean_fen"] < 0.5 * free["cost_mean_fen"]
    bad = ops.post("/api/ops/simulate", json={**request, "caps": [{"key": "few", "per": "week", "max_count": 1}]})
    assert bad.status_code == 422 and bad.json["fields"] == {"config.caps.0.per": ["Must be one of: day, campaign."]}
    unknown = ops.post("/api/ops/simulate", json={**request, "caps": [{**one_point_prize[0], "prize": "nope"}]})
    assert unknown.json["fields"] == {"config.caps": ["cap 'few' names unknown prize 'nope'"]}


def test_schemas_describe_every_game(ops: FlaskClient) -> None:
    described = ops.get("/api/ops/schemas").json
    wheel = {f["name"]: f for f in described["games"]["wheel"]["fields"]}
    assert wheel["slots"]["minItems"] == 6 and wheel["free_spins_per_day"]["maximum"] == 100_000


def csv_rows(answer: Any) -> list[list[str]]:
    """The rows of a CSV report, after checking its type and its byte order mark (for Excel)."""
    assert answer.status_code == 200 and answer.mimetype == "text/csv", answer.get_data(as_text=True)
    text = answer.get_data().decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_reports_are_csv(app: Flask, ops: FlaskClient, clock: Clock) -> None:
    campaign, _, _ = started_campaign(ops, clock)
    shopper = app.test_client()
    login(shopper, "reported")
    for i in range(3):
        shopper.post(f"/api/play/{campaign}/wheel/spin", headers={"Idempotency-Key": f"spin-report-{i}"})
    daily = csv_rows(ops.get(f"/api/ops/campaigns/{campaign}/reports/daily.csv"))
    assert daily[0] == ["日期（北京时间）", "抽奖次数", "参与人数", "兜底次数", "发放次数", "成本（元）"]
    assert daily[1][:3] == ["2026-11-23", "3", "1"]
    grants = csv_rows(ops.get(f"/api/ops/campaigns/{campaign}/reports/grants.csv"))
    metrics = ops.get(f"/api/ops/campaigns/{campaign}/metrics").json
    assert len(grants) - 1 == sum(metrics["grants_by_kind"].values())
    assert metrics["draws_total"] == 3 and metrics["players"] == 1
    spent = sum(int(row[-1].replace(".", "")) for row in grants[1:])
    assert f"{spent // 100}.{spent % 100:02d}" == daily[1][-1] and spent == metrics["budget_spent_fen"]


def free_spins(shopper: FlaskClient, campaign: int) -> list[dict[str, Any]]:
    """Spin until the shopper's spins run out; the answers of the spins made."""
    made: list[dict[str, Any]] = []
    for i in range(100):
        answer = shopper.post(f"/api/play/{campaign}/wheel/spin", headers={"Idempotency-Key": f"spin-{i:04}"})
        if answer.status_code != 200:
            break
        made.append(answer.json)
    return made


def winning_spins(app: Flask, campaign: int, prefix: str) -> tuple[FlaskClient, str, list[dict[str, Any]]]:
    """The first of up to 12 new shoppers (host app user ids ``prefix-N``) to win something with their free
    spins: their client, their host app user id and their winning spins."""
    for n in range(12):
        shopper, host_user = app.test_client(), f"{prefix}-{n}"
        login(shopper, host_user)
        won = [spin for spin in free_spins(shopper, campaign) if spin["prize"]["kind"] != "nothing"]
        if won:
            return shopper, host_user, won
    raise AssertionError("no shopper won anything")


def test_the_grants_report_names_prizes_draws_and_host_users(app: Flask, ops: FlaskClient, clock: Clock) -> None:
    campaign, _, body = started_campaign(ops, clock)
    shopper, host_user, won = winning_spins(app, campaign, "host-user")
    zh, en = (
        csv_rows(ops.get(f"/api/ops/campaigns/{campaign}/reports/grants.csv", query_string={"lang": lang}))
        for lang in ("zh", "en")
    )
    assert zh[0][:5] == ["发放编号", "发放时间（北京时间）", "日期（北京时间）", "抽奖链序号", "宿主 App 用户ID"]
    assert en[0][:4] == ["Grant", "Granted at (Beijing time)", "Day (Beijing time)", "Draw seq (chain)"]
    assert en[0][4:] == [
        "Host app user ID",
        "Prize key",
        "Prize name",
        "Reward kind",
        "Points",
        "Red packet (yuan)",
        "Cost (yuan)",
    ]
    prizes = {p["key"]: p for p in body["config"]["pool"]["prizes"]}
    rows = [(zh_row, en_row) for zh_row, en_row in zip(zh[1:], en[1:], strict=True) if zh_row[4] == host_user]
    for (row, row_en), spin in zip(rows, won, strict=True):
        proof = spin["proof"]
        place = shopper.get(f"/api/play/{campaign}/records/{proof['period']}/{proof['nonce']}").json
        assert place["sealed"] and row[3] == str(place["seq"])  # the report sealed the log
        assert row[1] == "2026-11-23 12:00:00" and row[2] == "2026-11-23"
        prize = prizes[spin["prize"]["key"]]
        assert (row[5], row[6], row_en[6]) == (prize["key"], prize["name"], prize.get("name_en") or prize["name"])
        assert row_en[7] == prize["reward"]["kind"].replace("_", " ") and re.fullmatch(r"\d+\.\d\d", row[-1])
        if prize["reward"]["kind"] == "points":
            assert (row[8], row[9]) == (str(prize["reward"]["points"]), "")


def test_report_times_are_in_the_campaigns_time_zone(sqlite_url: str, clock: Clock) -> None:
    app = build_app(sqlite_url, clock, CARNIVAL_TIMEZONE="Europe/Berlin")
    ops = staff(app, "ops", "bernd")
    campaign, _, _ = started_campaign(ops, clock)
    winning_spins(app, campaign, "berliner")
    daily = csv_rows(ops.get(f"/api/ops/campaigns/{campaign}/reports/daily.csv?lang=en"))
    assert daily[0][0] == "Day (Europe/Berlin)" and daily[1][0] == "2026-11-23"
    grants = csv_rows(ops.get(f"/api/ops/campaigns/{campaign}/reports/grants.csv?lang=zh"))
    assert grants[0][1] == "发放时间（Europe/Berlin）" and grants[1][1] == "2026-11-23 05:00:00"  # 04:00 UTC
    assert ops.get(f"/api/ops/campaigns/{campaign}/reports/daily.csv?lang=fr").status_code == 422


ROUTES = [
    ("get", "/api/ops/campaigns"),
    ("post", "/api/ops/campaigns"),
    ("get", "/api/ops/campaigns/template"),
    ("get", "/api/ops/campaigns/1"),
    ("put", "/api/ops/campaigns/1/draft"),
    ("post", "/api/ops/campaigns/1/publish"),
    ("post", "/api/ops/campaigns/1/pause"),
    ("post", "/api/ops/campaigns/1/resume"),
    ("get", "/api/ops/audit"),
    ("get", "/api/ops/campaigns/1/audit"),
    ("get", "/api/ops/schemas"),
    ("post", "/api/ops/odds"),
    ("post", "/api/ops/simulate"),
    ("get", "/api/ops/campaigns/1/metrics"),
    ("get", "/api/ops/campaigns/1/reports/grants.csv"),
    ("get", "/api/ops/campaigns/1/reports/daily.csv"),
]


def test_shoppers_and_auditors_cannot_reach_any_ops_route(app: Flask, client: FlaskClient) -> None:
    login(client, "curious-shopper")
    auditor = staff(app, "auditor", "audrey")
    anonymous = app.test_client()
    for method, path in ROUTES:
        for who, expected in ((client, 403), (auditor, 403), (anonymous, 401)):
            answer = getattr(who, method)(path, json={})
            assert answer.status_code == expected, (method, path, answer.json)


def test_new_campaigns_take_the_configured_time_zone(sqlite_url: str, clock: Clock) -> None:
    app = build_app(sqlite_url, clock, CARNIVAL_TIMEZONE="Europe/Berlin")
    ops = staff(app, "ops", "berta")
    assert ops.get("/api/ops/campaigns/template").json["timezone"] == "Europe/Berlin"
    body = ops.get("/api/ops/campaigns/template").json
    del body["timezone"]
    created = ops.post("/api/ops/campaigns", json=body).json
    assert ops.get(f"/api/ops/campaigns/{created['id']}").json["draft"]["body"]["timezone"] == "Europe/Berlin"


def test_malformed_json_to_an_ops_route_is_a_400(ops: FlaskClient) -> None:
    campaign, _ = new_campaign(ops)
    for answer in (
        ops.post("/api/ops/campaigns", data="{nope", content_type="application/json"),
        ops.post(f"/api/ops/campaigns/{campaign}/publish", data="[", content_type="application/json"),
    ):
        assert (answer.status_code, answer.json["error"]) == (400, "invalid_json"), answer.json


def stock_of(app: Flask, campaign: int, prize: str) -> int:
    from economy.limits import stock_levels

    with app.extensions["carnival.sessions"]() as session:
        return stock_levels(session, campaign)[prize].total


def test_a_refused_publish_changes_nothing(app: Flask, ops: FlaskClient, clock: Clock) -> None:
    campaign, revision, body = started_campaign(ops, clock)
    before = ops.get(f"/api/ops/campaigns/{campaign}").json["campaign"]
    body["ends_at"] = (clock.now + timedelta(days=3)).isoformat()  # 30 days were disclosed
    body["budget_fen"] = 5_000_000
    body["config"]["pool"]["prizes"][3]["stock"] = 900  # more stock is fine, but comes with the shorter run
    revision = save(ops, campaign, revision, body).json["revision"]
    refused = publish(ops, campaign, revision)
    assert refused.status_code == 422 and any("end earlier" in m for m in refused.json["fields"]["ends_at"])
    assert ops.get(f"/api/ops/campaigns/{campaign}").json["campaign"] == before
    assert stock_of(app, campaign, body["config"]["pool"]["prizes"][3]["key"]) == 500


def test_publishing_an_earlier_version_again_restores_its_stock(app: Flask, ops: FlaskClient) -> None:
    campaign, _ = new_campaign(ops)  # starts tomorrow: anything may change before then
    key = draft(ops, campaign)[1]["config"]["pool"]["prizes"][3]["key"]
    hashes = []
    for stock in (500, 900, 500):
        revision, body = draft(ops, campaign)
        body["config"]["pool"]["prizes"][3]["stock"] = stock
        revision = save(ops, campaign, revision, body).json["revision"]
        assert publish(ops, campaign, revision).status_code == 200
        hashes.append(ops.get(f"/api/ops/campaigns/{campaign}").json["campaign"]["version_hash"])
        assert stock_of(app, campaign, key) == stock
    assert hashes[0] == hashes[2] != hashes[1]


def test_the_audit_trail_keeps_before_and_after_of_a_publish_and_no_idle_resume(ops: FlaskClient, clock: Clock) -> None:
    campaign, revision, body = started_campaign(ops, clock)
    first_hash = ops.get(f"/api/ops/campaigns/{campaign}").json["campaign"]["version_hash"]
    body["budget_fen"] = body["budget_fen"] * 2
    body["config"]["pool"]["prizes"][3]["stock"] = 600
    revision = save(ops, campaign, revision, body).json["revision"]
    assert publish(ops, campaign, revision).status_code == 200
    assert ops.post(f"/api/ops/campaigns/{campaign}/resume").json["status"] == "active"  # was not paused
    entries = ops.get(f"/api/ops/campaigns/{campaign}/audit").json
    assert [e["action"] for e in entries] == ["publish", "edit_draft", "publish", "create"]
    latest, first = entries[0], entries[2]
    assert first["before"] is None and first["after"]["version"] == first_hash
    assert latest["before"]["version"] == first_hash and latest["before"]["budget_fen"] == body["budget_fen"] // 2
    assert latest["after"]["budget_fen"] == body["budget_fen"] and latest["after"]["version"] != first_hash
