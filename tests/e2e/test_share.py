"""Share-to-unlock through the API: a share and its link, helpers' assists unlocking thresholds once, 30 helpers at
the same instant on a share needing 3, a double tap, refusals by rule (logged for the fraud report), the sharer
told live, and a helper's draw in the log."""

from __future__ import annotations

import threading
from collections import Counter

from flask import Flask
from sqlalchemy import select

from economy.models import Grant
from economy.rewards import Reward, RewardKind
from economy.service import GrantRequest, grant
from games.models import DrawRecord
from games.share.models import ShareLog
from tests.conftest import add_campaign, seal_logs
from tests.e2e.audit_exports import run
from tests.e2e.share_support import help_share, share_config, shopper, start

RACERS = 30


def unlock_grants(app: Flask, campaign: int) -> list[str]:
    with app.extensions["carnival.sessions"]() as session:
        where = (Grant.campaign_id == campaign, Grant.key.like("%:share:share:%"))
        return list(session.scalars(select(Grant.prize_key).where(*where).order_by(Grant.id)))


def logged(app: Flask) -> Counter[str]:
    with app.extensions["carnival.sessions"]() as session:
        return Counter(f"{r}:{c}" if c else r for r, c in session.execute(select(ShareLog.result, ShareLog.code)))


def test_assists_unlock_each_threshold_once_and_helpers_draw(app: Flask) -> None:
    campaign = add_campaign(app, share_config())
    sharer, _ = shopper(app, "sharer-1")
    started = start(sharer, campaign)
    assert started.status_code == 200, started.json
    code = started.json["view"]["share"]["code"]
    assert started.json["link"] == f"/play/{campaign}/share/{code}" and "sharer" not in code
    for number in range(6):
        helper, _ = shopper(app, f"helper-{number}")
        landing = helper.get(f"/api/play/{campaign}/share/{code}").json
        assert landing["refusal"] is None or number == 5, landing
        answer = help_share(helper, campaign, code)
        if number < 5:
            assert answer.status_code == 200, answer.json
            payload = answer.json["events"][0]["payload"]
            assert (payload["status"], payload["valid"]) == ("accepted", number + 1)
            assert answer.json["proof"]["nonce"] == 0  # the helper's own draw
        else:
            assert (answer.status_code, answer.json["error"]) == (409, "share_complete")
    assert unlock_grants(app, campaign) == ["coupon", "packet"]
    seal_logs(app)
    with app.extensions["carnival.sessions"]() as session:
        records = list(session.scalars(select(DrawRecord).where(DrawRecord.campaign_id == campaign)))
    assert len(records) == 5 and all('"sharer"' in r.record_json for r in records)


def test_30_helpers_at_once_on_a_share_needing_3_unlock_it_once_with_an_exact_count(app: Flask) -> None:
    campaign = add_campaign(app, share_config(thresholds=[{"assists": 3, "prize": "coupon"}]))
    sharer, _ = shopper(app, "sharer-2")
    code = start(sharer, campaign).json["view"]["share"]["code"]
    helpers = [shopper(app, f"racer-{n}")[0] for n in range(RACERS)]
    gate, answers = threading.Barrier(RACERS), [None] * RACERS

    def go(index: int) -> None:
        gate.wait(10)
        answer = help_share(helpers[index], campaign, code)
        answers[index] = answer.json.get("error") or answer.json["events"][0]["payload"]["status"]

    threads = [threading.Thread(target=go, args=(n,)) for n in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert Counter(answers) == {"accepted": 3, "share_complete": RACERS - 3}
    assert unlock_grants(app, campaign) == ["coupon"]
    view = sharer.get(f"/api/play/{campaign}/games/share").json["view"]
    assert view["share"]["valid"] == 3 and view["share"]["unlocked"] == [3]
    assert logged(app) == {"accepted": 3, "refused:share_complete": RACERS - 3}


def test_a_double_tap_is_one_assist(app: Flask) -> None:
    campaign = add_campaign(app, share_config())
    sharer, _ = shopper(app, "sharer-3")
    code = start(sharer, campaign).json["view"]["share"]["code"]
    helper, _ = shopper(app, "tapper")
    gate, answers = threading.Barrier(2), [None, None]

    def tap(index: int) -> None:
        gate.wait(10)
        answers[index] = help_share(helper, campaign, code).json

    threads = [threading.Thread(target=tap, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    results = sorted(a.get("error") or a["events"][0]["payload"]["status"] for a in answers)  # type: ignore[union-attr]
    assert results == ["accepted", "already_assisted"]
    again = help_share(helper, campaign, code, key="same-key-0001")
    replay = help_share(helper, campaign, code, key="same-key-0001")
    assert again.json == replay.json and replay.headers.get("Idempotent-Replayed") == "true"
    assert sharer.get(f"/api/play/{campaign}/games/share").json["view"]["share"]["valid"] == 1


def test_a_forged_or_unknown_link_and_the_private_actions_are_refused(app: Flask) -> None:
    campaign = add_campaign(app, share_config())
    sharer, _ = shopper(app, "sharer-4")
    code = start(sharer, campaign).json["view"]["share"]["code"]
    helper, _ = shopper(app, "prober")
    forged = code[:-1] + ("A" if code[-1] != "A" else "B")
    assert help_share(helper, campaign, forged).status_code == 404
    assert help_share(helper, campaign, "not-a-code").json["error"] == "share_not_found"
    direct = helper.post(f"/api/play/{campaign}/games/share/decide", json={"share": 1, "helper": 1, "approve": True},
                         headers={"Idempotency-Key": "direct-decide-01"})  # fmt: skip
    assert (direct.status_code, direct.json["error"]) == (400, "unknown_action")
    second = start(sharer, campaign)
    assert (second.status_code, second.json["error"]) == (409, "share_active")


def test_shares_reconcile_and_a_forged_unlock_is_named(app: Flask) -> None:
    campaign = add_campaign(app, share_config())
    sharer, sharer_id = shopper(app, "sharer-5")
    code = start(sharer, campaign).json["view"]["share"]["code"]
    for number in range(3):
        assert help_share(shopper(app, f"helper-r{number}")[0], campaign, code).status_code == 200
    ok = "OK: the draw log, the grants and the budget agree"
    assert ok in run(app, "audit", "reconcile", "--campaign", str(campaign)).output
    with app.extensions["carnival.sessions"]() as session, session.begin():
        forged = GrantRequest(
            key=f"game:{campaign}:{sharer_id}:share:share:1:unlock:5", campaign_id=campaign, user_id=sharer_id,
            prize_key="packet", reward=Reward(RewardKind.RED_PACKET, 888), cost_fen=888, day="2026-11-23",
        )  # fmt: skip
        grant(session, forged, app.extensions["carnival.clock"]())
    output = run(app, "audit", "reconcile", "--campaign", str(campaign)).output
    assert "a share grant (share:1:unlock:5) that no share unlocked" in output, output
