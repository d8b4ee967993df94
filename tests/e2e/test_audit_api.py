"""The auditors' workspace API: the campaigns with their period and draw counts, and the odds test of a
campaign's export (the same as ``carnival audit stats`` on the exported file)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from flask import Flask
from sqlalchemy import func, select

from games.audit.stats import PickTally, fit_test, stats_from_export
from games.fairness.verify import read_lines
from games.models import SeedPeriod
from server.schemas import FitTestSchema
from tests.conftest import Clock, add_campaign, login, wheel_config
from tests.e2e.audit_exports import DRAWS, export, play_and_reveal
from tests.e2e.test_ops_api import staff


def test_auditors_list_published_campaigns_with_periods_and_draws(app: Flask, clock: Clock) -> None:
    campaign = play_and_reveal(app, clock)
    quiet = add_campaign(app, wheel_config(), slug="quiet")
    with app.extensions["carnival.sessions"]() as session:
        periods = session.scalar(select(func.count()).where(SeedPeriod.campaign_id == campaign))
    listed = staff(app, "auditor", "ann").get("/api/audit/campaigns").json
    assert [c["id"] for c in listed] == [campaign, quiet]
    played, idle = listed
    assert played["slug"] == "test" and played["name"] == "测试活动" and played["status"] == "active"
    assert (played["periods"], played["revealed_periods"], played["draws"]) == (periods, 1, DRAWS + 1)
    assert (idle["revealed_periods"], idle["draws"]) == (0, 0)


def test_the_odds_test_is_the_one_of_the_export(app: Flask, clock: Clock, tmp_path: Path) -> None:
    campaign = play_and_reveal(app, clock)
    path = tmp_path / "draws.jsonl"
    export(app, campaign, path)
    answer = staff(app, "auditor", "abe").get(f"/api/audit/campaigns/{campaign}/stats")
    assert answer.status_code == 200
    assert answer.json == FitTestSchema(many=True).dump(stats_from_export(read_lines(str(path))))
    (test,) = answer.json
    assert test["draws"] == DRAWS and sum(p["observed"] for p in test["prizes"]) == DRAWS
    assert test["p_value"] is None and test["flagged"] is False  # 12 draws: too few to test
    thanks = next(p for p in test["prizes"] if p["key"] == "thanks")
    assert (thanks["odds_numerator"], thanks["odds_denominator"]) == (2, 5) and thanks["probability"] == 0.4


def test_a_flagged_test_is_dumped_with_its_p_value() -> None:
    tally = PickTally(1000, Counter(red=400, thanks=600))
    dumped = FitTestSchema().dump(fit_test("c1", [("thanks", 1), ("red", 1)], tally))
    assert dumped["flagged"] is True and dumped["p_value"] < 0.001 and dumped["statistic"] == 40.0
    picks = [(p["key"], p["observed"], p["expected"]) for p in dumped["prizes"]]
    assert picks == [("thanks", 600, 500), ("red", 400, 500)]
    assert json.dumps(dumped)  # plain JSON: no Fractions left


def test_only_auditors_read_the_workspace_api(app: Flask, clock: Clock) -> None:
    campaign = add_campaign(app, wheel_config())
    paths = ["/api/audit/campaigns", f"/api/audit/campaigns/{campaign}/stats"]
    assert [app.test_client().get(path).status_code for path in paths] == [401, 401]
    ops = staff(app, "ops", "omar")
    assert [ops.get(path).status_code for path in paths] == [403, 403]
    shopper = app.test_client()
    login(shopper, "shopper-stats")
    assert [shopper.get(path).status_code for path in paths] == [403, 403]
    assert staff(app, "auditor", "abby").get("/api/audit/campaigns/999/stats").status_code == 404
