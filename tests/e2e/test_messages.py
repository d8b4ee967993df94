"""Campaign messages through the API: ops write segments (rules and uploads) and see their preview, write a
message and start its send; the worker makes the batch; the shopper's inbox shows it (unread, in their language,
their name filled in), opening it and landing on its page count in the funnel with the plays and orders that
follow; the host's receipts and opt-outs; refusals in words."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from server.config import DEV_LAUNCH_KEY
from server.launch import Claims, sign
from server.message_worker import work_once
from server.models import User
from tests.conftest import Clock, add_campaign, launch_token, wheel_config
from tests.e2e.audit_exports import run
from tests.e2e.test_host_api import signed
from tests.e2e.test_ops_api import staff

MESSAGE = {"title": {"zh": "{name}，转盘开奖啦", "en": "{name}, the wheel is on"},
           "body": {"zh": "你有 {points} 积分", "en": "You hold {points} points"},
           "channels": ["in_app"], "link": "?tab=wheel"}  # fmt: skip


def shopper(app: Flask, sub: str, name: str = "小明", tier: str = "normal") -> FlaskClient:
    client = app.test_client()
    token = launch_token(sub, name, tier=tier, now=app.extensions["carnival.clock"]())
    answer = client.post("/api/session/launch", json={"token": token})
    assert answer.status_code == 200, answer.json
    return client


def sent_message(app: Flask, ops: FlaskClient, campaign: int, segment: int, **config: Any) -> int:
    made = ops.post(f"/api/ops/campaigns/{campaign}/messages",
                    json={"name": "开奖提醒", "segment_id": segment, "config": {**MESSAGE, **config}})  # fmt: skip
    assert made.status_code == 201, made.json
    assert ops.post(f"/api/ops/messages/{made.json['id']}/schedule").json["state"] == "scheduled"
    work_once(app, app.extensions["carnival.clock"](), None)
    return int(made.json["id"])


def test_a_segment_is_previewed_and_its_in_app_message_reaches_the_inbox(app: Flask, clock: Clock) -> None:
    campaign = add_campaign(app, wheel_config())
    ops = staff(app, "ops", "msg-ops")
    gold, normal = shopper(app, "m-gold", "金卡", tier="gold"), shopper(app, "m-normal")
    segment = ops.post("/api/ops/segments", json={"name": "金卡会员", "rules": {"tiers": ["gold", "diamond"]}})
    assert segment.status_code == 201, segment.json
    preview = ops.get(f"/api/ops/segments/{segment.json['id']}/preview").json
    assert preview == {"members": 1, "sample": ["m-gold"]}
    message = sent_message(app, ops, campaign, segment.json["id"])

    box = gold.get("/api/play/inbox").json
    assert (box["unread"], box["items"][0]["title"], box["items"][0]["body"]) == (1, "金卡，转盘开奖啦", "你有 0 积分")
    assert gold.get("/api/play/inbox?lang=en").json["items"][0]["title"] == "金卡, the wheel is on"
    assert normal.get("/api/play/inbox").json == {"items": [], "unread": 0, "opted_out": False}
    delivery = box["items"][0]["id"]
    opened = gold.post(f"/api/play/inbox/{delivery}/opened")
    assert opened.json["link"] == f"/play/{campaign}?tab=wheel&msg={delivery}"
    assert gold.get("/api/play/inbox").json["unread"] == 0
    assert normal.post(f"/api/play/inbox/{delivery}/opened").status_code == 404  # not theirs

    gold.post(f"/api/play/inbox/{delivery}/visited")
    spun = gold.post(f"/api/play/{campaign}/wheel/spin", headers={"Idempotency-Key": "after-message-1"})
    assert spun.status_code == 200, spun.json
    total = ops.get(f"/api/ops/messages/{message}/funnel").json["total"]
    assert {k: total[k] for k in ("batched", "sent", "opened", "visited", "played")} == dict.fromkeys(
        ("batched", "sent", "opened", "visited", "played"), 1
    )
    csv_text = ops.get(f"/api/ops/messages/{message}/funnel.csv").get_data(as_text=True)
    assert csv_text.splitlines()[-1].startswith("total,,1,1,0,1,1,1,0,0,0")


def test_an_uploaded_segment_takes_a_csv_and_the_host_reports_receipts_and_orders(app: Flask, clock: Clock) -> None:
    campaign = add_campaign(app, wheel_config())
    ops = staff(app, "ops", "msg-upload")
    segment = ops.post("/api/ops/segments", json={"name": "名单", "uploaded": True}).json
    url = f"/api/ops/segments/{segment['id']}/members"
    upload = ops.post(url, data="user\nu-1\nu-2\nu-2\n", content_type="text/csv")
    assert upload.json == {"added": 2, "read": 3}
    assert ops.post(url, data="", content_type="text/csv").json["error"] == "invalid_csv"
    assert ops.get(f"/api/ops/segments/{segment['id']}/preview").json["members"] == 2
    message = sent_message(app, ops, campaign, segment["id"], channels=["app_push", "in_app"])
    assert ops.get(f"/api/ops/campaigns/{campaign}/messages").json[0]["deliveries"] == {"queued": 2}

    host = app.test_client()
    receipts = signed(host, "POST", "/api/host/messages/receipts", {"receipts": [
        {"id": f"carnival-msg-{i}", "status": "opened"} for i in (1, 999)]})  # fmt: skip
    assert receipts.json["results"] == {"carnival-msg-1": "recorded", "carnival-msg-999": "unknown"}
    odd = signed(
        host, "POST", "/api/host/messages/receipts", {"receipts": [{"id": "carnival-msg-²", "status": "opened"}]}
    )
    assert odd.json["results"] == {"carnival-msg-²": "unknown"}
    assert ops.get(f"/api/ops/messages/{message}/funnel").json["total"]["sent"] == 1  # the receipt: it was sent
    assert signed(host, "POST", "/api/host/messages/opt-outs", {"user": "u-2", "opted_out": True}).status_code == 200
    huge = ops.post(url, data="u-" + "x" * 200_000 + "\n", content_type="text/csv")
    assert (huge.status_code, huge.json["error"]) == (422, "invalid_csv")


def test_an_upload_of_100000_ids_is_taken_whole_and_a_larger_body_is_refused(app: Flask, clock: Clock) -> None:
    ops = staff(app, "ops", "msg-big-upload")
    segment = ops.post("/api/ops/segments", json={"name": "十万名单", "uploaded": True}).json["id"]
    url = f"/api/ops/segments/{segment}/members"
    body = "user\n" + "".join(f"host-user-{i:07d}\n" for i in range(100_000))
    assert len(body.encode()) > app.config["MAX_CONTENT_LENGTH"]  # larger than any other request may be
    upload = ops.post(url, data=body, content_type="text/csv")
    assert upload.status_code == 200, upload.json
    assert upload.json == {"added": 100_000, "read": 100_000}
    assert ops.get(f"/api/ops/segments/{segment}/preview").json["members"] == 100_000
    over = ops.post(url, data="u\n" * (4 * 1024 * 1024 + 1), content_type="text/csv")
    assert (over.status_code, over.json["error"]) == (413, "body_too_large")
    as_json = app.test_client().post(url, data=body, content_type="application/json")  # parsed before the role
    assert (as_json.status_code, as_json.json["error"]) == (413, "body_too_large")  # check: the usual bound
    assert ops.get(f"/api/ops/segments/{segment}/preview").json["members"] == 100_000


def test_an_opted_out_shopper_is_skipped_and_a_capped_one_too(app: Flask, clock: Clock) -> None:
    campaign = add_campaign(app, wheel_config())
    ops = staff(app, "ops", "msg-cap")
    quiet = shopper(app, "m-quiet")
    shopper(app, "m-busy")
    assert quiet.post("/api/play/inbox/opt-out").json == {"opted_out": True}
    everyone = ops.post("/api/ops/segments", json={"name": "所有人"}).json["id"]
    first = sent_message(app, ops, campaign, everyone)
    clock.advance(minutes=1)
    second = sent_message(app, ops, campaign, everyone)
    clock.advance(minutes=1)
    third = sent_message(app, ops, campaign, everyone)
    listed = {m["id"]: m["deliveries"] for m in ops.get(f"/api/ops/campaigns/{campaign}/messages").json}
    assert listed[first] == listed[second] == {"sent": 1, "opted_out": 1}
    assert listed[third] == {"capped": 1, "opted_out": 1}  # two a day
    assert quiet.get("/api/play/inbox").json["opted_out"] is True
    clock.advance(days=1)
    assert quiet.post("/api/play/inbox/opt-in").json == {"opted_out": False}


def test_bad_messages_and_moves_are_refused_in_words(app: Flask, clock: Clock) -> None:
    campaign = add_campaign(app, wheel_config())
    ops = staff(app, "ops", "msg-bad")
    segment = ops.post("/api/ops/segments", json={"name": "所有人"}).json["id"]
    url = f"/api/ops/campaigns/{campaign}/messages"
    bad = ops.post(url, json={"name": "x", "segment_id": segment,
                              "config": {**MESSAGE, "title": {"zh": "{nam}"}, "window": "19-21"}})  # fmt: skip
    assert bad.status_code == 422
    assert bad.json["fields"]["config.title.zh"] == ["unknown variable 'nam': use name, points or expiring_points"]
    assert "HH:MM-HH:MM" in bad.json["fields"]["config.window"][0]
    night = ops.post(url, json={"name": "x", "segment_id": segment, "config": {**MESSAGE, "window": "23:00-06:00"}})
    assert (night.status_code, night.json["error"]) == (422, "window_in_quiet_hours")
    assert "22:00-08:00" in night.json["fields"]["config.window"][0]
    missing = ops.post(url, json={"name": "x", "segment_id": 999, "config": MESSAGE})
    assert (missing.status_code, missing.json["error"]) == (404, "not_found")
    made = ops.post(url, json={"name": "x", "segment_id": segment, "config": MESSAGE}).json["id"]
    paused = ops.post(f"/api/ops/messages/{made}/pause")
    assert (paused.status_code, paused.json["error"]) == (409, "wrong_state")
    assert ops.post(f"/api/ops/messages/{made}/schedule").status_code == 200
    draft = ops.post(url, json={"name": "y", "segment_id": segment, "config": MESSAGE}).json
    closed = ops.put(f"/api/ops/messages/{draft['id']}", json={"config": {**MESSAGE, "window": "22:30-23:00"}})
    assert (closed.status_code, closed.json["error"]) == (422, "window_in_quiet_hours")
    kept = {m["id"]: m for m in ops.get(f"/api/ops/campaigns/{campaign}/messages").json}[draft["id"]]
    assert kept["config"]["window"] == draft["config"]["window"] == "00:00-00:00"  # the refused edit left nothing
    edited = ops.put(f"/api/ops/messages/{made}", json={"config": MESSAGE})
    assert (edited.status_code, edited.json["error"]) == (409, "wrong_state")
    blind = {**MESSAGE, "guard": {"stage": "delivered", "min_percent": 10}}  # in-app only: no receipts to watch
    guarded = ops.post(url, json={"name": "x", "segment_id": segment, "config": blind})
    assert guarded.status_code == 422 and "no delivery receipts" in str(guarded.json["fields"])
    rules = ops.post("/api/ops/segments", json={"name": "x", "rules": {"tiers": ["platinum"]}})
    assert rules.status_code == 422
    upload = ops.post(f"/api/ops/segments/{segment}/members", data="u-1\n", content_type="text/csv")
    assert (upload.status_code, upload.json["error"]) == (409, "not_uploaded")
    assert [s["name"] for s in ops.get("/api/ops/segments").json] == ["所有人"]  # the refused one was not kept


def test_the_worker_command_works_one_round_and_says_what_it_did(app: Flask, clock: Clock) -> None:
    campaign = add_campaign(app, wheel_config())
    ops = staff(app, "ops", "msg-cli")
    shopper(app, "m-cli")
    segment = ops.post("/api/ops/segments", json={"name": "所有人"}).json["id"]
    made = ops.post(f"/api/ops/campaigns/{campaign}/messages",
                    json={"name": "x", "segment_id": segment, "config": MESSAGE}).json["id"]  # fmt: skip
    ops.post(f"/api/ops/messages/{made}/schedule")
    first = run(app, "worker", "--once")
    assert (first.exit_code, first.output.strip()) == (0, "batches 1, sent 0, failed 0")  # in-app: no gateway post
    assert run(app, "worker", "--once").output.strip() == "batches 0, sent 0, failed 0"
    assert ops.get(f"/api/ops/campaigns/{campaign}/messages").json[0]["deliveries"] == {"sent": 1}


def test_a_launch_with_a_time_zone_keeps_it_for_the_shoppers_messages(app: Flask, clock: Clock) -> None:
    def launch(claims: Claims) -> Any:
        token = sign(DEV_LAUNCH_KEY, "m-abroad", "小美", "normal", int(clock.now.timestamp()) + 600, claims=claims)
        return app.test_client().post("/api/session/launch", json={"token": token})

    assert launch(Claims(timezone="Europe/Paris")).status_code == 200
    assert launch(Claims()).status_code == 200  # a launch without the claim keeps the last one known
    with app.extensions["carnival.sessions"]() as session:
        assert session.scalars(select(User.timezone).where(User.external_id == "m-abroad")).one() == "Europe/Paris"
    refused = launch(Claims(timezone="Nowhere/Land"))
    assert (refused.status_code, refused.json["error"]) == (401, "token_invalid")
