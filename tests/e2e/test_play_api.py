"""The shopper API through the Flask test client, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask.testing import FlaskClient

from server.auth import create_staff
from tests.conftest import add_campaign, build_app, launch_token, login, seal_logs, single_prize_config, wheel_config


def spin(client: FlaskClient, campaign_id: int, key: str, **kwargs: object):  # type: ignore[no-untyped-def]
    return client.post(f"/api/play/{campaign_id}/wheel/spin", headers={"Idempotency-Key": key}, **kwargs)


def test_spin_lands_on_the_slot_of_the_granted_prize(app, client: FlaskClient) -> None:
    campaign = add_campaign(app, wheel_config())
    login(client, "u-1")
    answer = spin(client, campaign, "spin-000001")
    assert answer.status_code == 200, answer.json
    body = answer.json
    slots = body["wheel"]["slots"]
    assert slots[body["slot"]]["key"] == body["prize"]["key"]
    assert body["wheel"]["free_spins_left"] == 2
    assert (body["proof"]["seq"], body["proof"]["hash"], body["proof"]["nonce"]) == (None, None, 0)
    assert len(body["proof"]["commitment"]) == 64
    assert seal_logs(app) == 1


def test_bad_input_gets_a_json_error_and_changes_nothing(app, client: FlaskClient) -> None:
    campaign = add_campaign(app, wheel_config())
    assert spin(client, campaign, "spin-anon0001").json["error"] == "not_signed_in"
    login(client, "u-2")
    cases = [
        (spin(client, campaign, "spin-badjson1", data="{nope", content_type="application/json"), 400, "invalid_json"),
        (spin(client, campaign, "spin-array001", json=[1, 2]), 400, "invalid_json"),
        (spin(client, 999, "spin-unknown1"), 404, "campaign_not_found"),
        (client.post(f"/api/play/{campaign}/wheel/spin"), 400, "idempotency_key_required"),
        (spin(client, campaign, "short"), 400, "idempotency_key_required"),
        (client.put(f"/api/play/{campaign}/client-seed", json={"client_seed": "no spaces!"}), 422, "invalid_input"),
        (client.post("/api/session/launch", json={}), 422, "invalid_input"),
        (client.post("/api/session/launch", data="{nope", content_type="application/json"), 400, "invalid_json"),
        (client.post("/api/session/staff", data="[1,", content_type="application/json"), 400, "invalid_json"),
        (
            client.put(f"/api/play/{campaign}/client-seed", data="{", content_type="application/json"),
            400,
            "invalid_json",
        ),
    ]
    for answer, status, code in cases:
        assert (answer.status_code, answer.json["error"]) == (status, code), answer.json
        assert answer.json["message"]
    assert client.get("/api/play/wallet").json["history"] == []


def test_spins_run_out_then_points_buy_extra_spins_until_points_run_out(app, client: FlaskClient) -> None:
    config = wheel_config()
    config["games"]["wheel"].update(free_spins_per_day=1, extra_spin_points=50, max_extra_spins_per_day=2)
    config["pool"]["prizes"][0]["weight"] = 10**9  # "thanks" practically always: points stay where spends put them
    campaign = add_campaign(app, config)
    login(client, "u-3")
    assert spin(client, campaign, "spin-free-001").status_code == 200
    refused = spin(client, campaign, "spin-broke-01")
    assert (refused.status_code, refused.json["error"]) == (409, "insufficient_points")
    assert client.get(f"/api/play/{campaign}/wheel").json["free_spins_left"] == 0


def test_no_spins_left_after_the_daily_allowance(app, client: FlaskClient) -> None:
    config = wheel_config()
    config["games"]["wheel"].update(free_spins_per_day=2, extra_spin_points=None, max_extra_spins_per_day=0)
    campaign = add_campaign(app, config)
    login(client, "u-4")
    assert [spin(client, campaign, f"spin-day-{i:04d}").status_code for i in range(2)] == [200, 200]
    refused = spin(client, campaign, "spin-day-9999")
    assert (refused.status_code, refused.json["error"]) == (409, "no_spins_left")
    assert spin(client, campaign, "spin-day-9999").json == refused.json, "a retried refusal answers the same"


def test_next_day_in_the_campaign_zone_restores_free_spins(app, client: FlaskClient, clock) -> None:
    config = wheel_config()
    config["games"]["wheel"].update(free_spins_per_day=1, extra_spin_points=None, max_extra_spins_per_day=0)
    campaign = add_campaign(app, config)
    login(client, "u-5")
    assert spin(client, campaign, "spin-today-01").status_code == 200
    clock.advance(hours=11, minutes=59)  # 23:59 in Shanghai
    assert spin(client, campaign, "spin-today-02").status_code == 409
    clock.advance(minutes=2)  # 00:01 the next day
    assert spin(client, campaign, "spin-tomorrow").status_code == 200


def test_idempotency_key_replays_the_first_answer_and_refuses_another_body(app, client: FlaskClient) -> None:
    campaign = add_campaign(app, wheel_config())
    login(client, "u-6")
    first = spin(client, campaign, "spin-idem-001")
    again = spin(client, campaign, "spin-idem-001")
    assert again.json == first.json and again.headers["Idempotent-Replayed"] == "true"
    other = spin(client, campaign, "spin-idem-001", json={"different": True})
    assert (other.status_code, other.json["error"]) == (422, "idempotency_key_reused")
    assert client.get(f"/api/play/{campaign}/wheel").json["free_spins_left"] == 2


def test_an_ended_campaign_is_refused_as_ended(app, client: FlaskClient, clock) -> None:
    campaign = add_campaign(app, wheel_config())
    login(client, "u-7")
    clock.advance(days=31)
    answer = spin(client, campaign, "spin-late-001")
    assert (answer.status_code, answer.json["error"]) == (409, "campaign_ended")


def test_a_campaign_not_started_yet_is_refused_as_not_started(app, client: FlaskClient, clock) -> None:
    campaign = add_campaign(app, wheel_config(), starts_in=timedelta(hours=2))
    login(client, "u-early")
    answer = spin(client, campaign, "spin-early-001")
    assert (answer.status_code, answer.json["error"]) == (409, "campaign_not_started")
    listed = {c["id"]: c for c in client.get("/api/campaigns").json}
    assert listed[campaign]["lifecycle"] == "scheduled"


def test_expired_and_tampered_launch_tokens_are_refused(client: FlaskClient, clock) -> None:
    expired = client.post("/api/session/launch", json={"token": launch_token("u-8", lifetime=-5, now=clock.now)})
    assert (expired.status_code, expired.json["error"]) == (401, "token_expired")
    token = launch_token("u-8", now=clock.now)
    tampered = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    answer = client.post("/api/session/launch", json={"token": tampered})
    assert (answer.status_code, answer.json["error"]) == (401, "token_invalid")
    assert client.get("/api/session/me").status_code == 401


def test_a_shopper_sees_only_their_own_wallet(app, client: FlaskClient) -> None:
    campaign = add_campaign(app, single_prize_config_points())
    login(client, "u-9")
    spin(client, campaign, "spin-mine-001")
    other = app.test_client()
    login(other, "u-10")
    assert client.get("/api/play/wallet").json["points"] == 100
    assert other.get("/api/play/wallet").json["points"] == 0


def single_prize_config_points() -> dict:  # type: ignore[type-arg]
    return single_prize_config({"key": "pts", "name": "积分", "reward": {"kind": "points", "points": 100}})


def test_staff_cannot_play(app, client: FlaskClient) -> None:
    campaign = add_campaign(app, wheel_config())
    with app.extensions["carnival.sessions"]() as session, session.begin():
        create_staff(session, "ops1", "a-long-password", "ops", app.extensions["carnival.clock"]())
    assert client.post("/api/session/staff", json={"username": "ops1", "password": "wrong-password"}).status_code == 401
    assert (
        client.post("/api/session/staff", json={"username": "ops1", "password": "a-long-password"}).status_code == 200
    )
    answer = spin(client, campaign, "spin-staff-01")
    assert (answer.status_code, answer.json["error"]) == (403, "forbidden")
    assert client.get(f"/api/audit/campaigns/{campaign}/export").status_code == 403


def test_a_shopper_finds_their_records_place_once_sealed_and_only_their_own(app, client: FlaskClient) -> None:
    campaign = add_campaign(app, wheel_config())
    login(client, "u-place")
    proof = spin(client, campaign, "spin-place-01").json["proof"]
    place = f"/api/play/{campaign}/records/{proof['period']}/{proof['nonce']}"
    pending = client.get(place)
    assert pending.status_code == 200
    assert pending.json == {"period": proof["period"], "nonce": 0, "sealed": False, "seq": None, "hash": None}
    seal_logs(app)
    sealed = client.get(place).json
    assert sealed["sealed"] and sealed["seq"] == 1 and len(sealed["hash"]) == 64
    other = app.test_client()
    login(other, "u-other")
    assert other.get(place).status_code == 404 and other.get(place).json["error"] == "record_not_found"
    assert client.get(f"/api/play/{campaign}/records/{proof['period']}/7").status_code == 404
    assert app.test_client().get(place).status_code == 401


def test_a_coupon_spin_says_until_when_the_issued_coupon_is_valid(app, client: FlaskClient, clock) -> None:
    coupon = {"type": "interest_free", "title": "白条3期免息券", "periods": 3, "valid_days": 30}
    prize = {
        "key": "if3",
        "name": "3期免息券",
        "stock": 10,
        "reward": {"kind": "coupon", "cost_fen": 300, "coupon": coupon},
    }
    campaign = add_campaign(app, single_prize_config(prize))
    login(client, "coupon-fan")
    won = spin(client, campaign, "spin-coupon-01").json
    issued = client.get("/api/play/wallet").json["coupons"]
    assert won["prize"]["key"] == "if3" and len(issued) == 1
    assert won["coupon_valid_until"] == issued[0]["valid_until"]
    assert datetime.fromisoformat(won["coupon_valid_until"]) == clock.now + timedelta(days=30)
    nothing = add_campaign(
        app, single_prize_config({"key": "none", "name": "谢谢", "reward": {"kind": "nothing"}}), slug="none"
    )
    assert spin(client, nothing, "spin-coupon-02").json["coupon_valid_until"] is None


def test_the_wheel_view_carries_the_configured_earn_points_address(sqlite_url: str, clock) -> None:
    app = build_app(sqlite_url, clock, CARNIVAL_EARN_POINTS_URL="https://app.example.com/tasks")
    try:
        campaign = add_campaign(app, wheel_config())
        client = app.test_client()
        login(client, "short-of-points")
        assert client.get(f"/api/play/{campaign}/wheel").json["earn_points_url"] == "https://app.example.com/tasks"
    finally:
        app.extensions["carnival.engine"].dispose()
