"""Tasks through the play API: a check-in counts toward a task on plays, the shopper's page reports browsing (a
low-trust task: timed by the server and capped), and the task list shows progress."""

from __future__ import annotations

from itertools import count

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import Clock, add_campaign
from tests.e2e.checkin_support import act, login_tier
from tests.e2e.tasks_support import holdings, tasks_config

_keys = count()


def tasks_action(client: FlaskClient, campaign: int, action: str, task: str) -> tuple[int, dict[str, object]]:
    headers = {"Idempotency-Key": f"tasks-{next(_keys):06d}"}
    answer = client.post(f"/api/play/{campaign}/games/tasks/{action}", json={"task": task}, headers=headers)
    return answer.status_code, answer.json


def task_list(client: FlaskClient, campaign: int) -> dict[str, dict[str, object]]:
    answer = client.get(f"/api/play/{campaign}/games/tasks")
    assert answer.status_code == 200, answer.json
    return {task["key"]: task for task in answer.json["view"]["tasks"]}


def test_a_check_in_completes_the_daily_check_in_task(app: Flask, client: FlaskClient) -> None:
    campaign = add_campaign(app, tasks_config())
    login_tier(client, "u-20")
    assert task_list(client, campaign)["checkin"]["done"] == 0
    assert act(client, campaign, "check_in").status_code == 200
    assert holdings(app, campaign, "u-20")[2] == 2
    assert task_list(client, campaign)["checkin"]["done"] == 1


def test_browsing_counts_only_after_its_seconds_and_at_most_twice_a_day(
    app: Flask, client: FlaskClient, clock: Clock
) -> None:
    campaign = add_campaign(app, tasks_config())
    login_tier(client, "u-21")
    status, body = tasks_action(client, campaign, "browse_done", "browse")
    assert (status, body["error"]) == (409, "browse_not_started")
    for _ in range(3):
        assert tasks_action(client, campaign, "browse_start", "browse")[0] == 200
        clock.advance(seconds=10)
        status, body = tasks_action(client, campaign, "browse_done", "browse")
        assert (status, body["error"]) == (409, "browse_too_short")
        clock.advance(seconds=5)
        status, body = tasks_action(client, campaign, "browse_done", "browse")
        assert status == 200, body
    assert holdings(app, campaign, "u-21")[2] == 4  # two completions of 2 dice: the third browse earns nothing
    assert task_list(client, campaign)["browse"]["done"] == 2


def test_a_task_the_page_cannot_report_is_refused(app: Flask, client: FlaskClient) -> None:
    campaign = add_campaign(app, tasks_config())
    login_tier(client, "u-22")
    status, body = tasks_action(client, campaign, "browse_start", "pay99")
    assert (status, body["error"]) == (422, "unknown_task")
