"""The ops console follows a large simulation run as a background job: a progress bar with the days done,
then the charts of its result. The server's answers are the real ones but
for the job's (202 and its polls), which the test stages so that it needs no minute-long simulation."""

from __future__ import annotations

import json
from typing import Any

import pytest
from playwright.sync_api import Page, Route, expect

from tests.browser.test_ops_console import by_testid, create_campaign

pytestmark = pytest.mark.browser

DAYS = 30


def job(days_done: int, result: dict[str, Any] | None = None) -> dict[str, Any]:
    status = "done" if result is not None else "running"
    return {
        "id": "job-1",
        "status": status,
        "days": DAYS,
        "days_done": days_done,
        "progress": days_done / DAYS,
        "result": result,
        "error": None,
    }


def test_a_background_simulation_shows_its_progress_then_its_charts(console: Page, demo_server: str) -> None:
    create_campaign(console, demo_server)
    real: dict[str, Any] = {}
    polls: list[int] = []

    def start(route: Route) -> None:  # the real simulation, answered as a job that has just begun
        real["result"] = route.fetch().json()
        route.fulfill(status=202, content_type="application/json", body=json.dumps(job(3)))

    def poll(route: Route) -> None:
        polls.append(len(polls))
        answer = job(15) if len(polls) < 4 else job(DAYS, real["result"])
        route.fulfill(status=200, content_type="application/json", body=json.dumps(answer))

    console.route("**/api/ops/campaigns/*/simulate", start)
    console.route("**/api/ops/simulate/jobs/job-1", poll)
    by_testid(console, "run-simulation").click()

    expect(by_testid(console, "sim-progress")).to_be_visible()
    expect(by_testid(console, "sim-message")).to_contain_text("已完成 15/30 天")
    expect(by_testid(console, "chart-histogram")).to_be_visible()
    expect(by_testid(console, "sim-progress")).to_be_hidden()
    expect(by_testid(console, "sim-median")).to_contain_text("¥")
    assert len(polls) >= 4
