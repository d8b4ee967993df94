"""What the Monopoly page's browser tests share: the test board with tasks that earn dice, entering the page as a
shopper, a roll through the page, and the names the page gives to what a roll grants."""

from __future__ import annotations

import copy
from typing import Any

from flask import Flask
from playwright.sync_api import Page, Response, expect
from sqlalchemy import select

from server.models import User
from tests.browser.test_checkin_page import Served
from tests.browser.wheel_support import by_testid
from tests.conftest import launch_token
from tests.e2e.tasks_support import TASKS
from tests.monopoly_boards import PRIZES, monopoly_config

ROLL_TIMEOUT_MS = 15_000  # the dice tumble, then up to a dozen hops and a chance card's move
VENUE = "https://shop.example.com/baitiao"  # the host app's page of the 白条 order task
GAME_GRANTS = {"monopoly.points": "大富翁积分", "monopoly.free_roll": "再掷一次（骰子 +1）"}
ROLL3 = {"key": "roll3", "title": "掷骰子3次", "title_en": "Roll 3 times", "on": "played", "game": "monopoly",
         "action": "roll", "count": 3, "repeat": "daily", "prize": "double"}  # fmt: skip


def board_with_tasks() -> dict[str, Any]:
    """The test board (tests/monopoly_boards.py) with the tasks of tests/e2e/tasks_support.py that earn its dice
    (the 白条 order task links to the host's venue; browsing takes 15 seconds) and one on its own rolls."""
    config = monopoly_config()
    tasks = [copy.deepcopy(task) for task in TASKS if task["key"] != "checkin"]
    next(task for task in tasks if task["key"] == "pay99")["link"] = VENUE
    next(task for task in tasks if task["key"] == "browse")["title_en"] = "Browse the venue for 15 s"
    config["games"]["tasks"] = {"tasks": [*tasks, ROLL3]}
    return config


def with_wheel(config: dict[str, Any]) -> dict[str, Any]:
    """``config`` with a wheel beside the board (its spins tile feeds it)."""
    config["games"]["wheel"] = {"slots": ["thanks"] * 6, "free_spins_per_day": 1, "spin_item": "wheel_spin"}
    return config


def enter(page: Page, served: Served, campaign: int, sub: str, game: str | None = "monopoly") -> None:
    """Launch ``sub`` into ``campaign`` (its board unless ``game`` says otherwise); waits for the board's state."""
    token = launch_token(sub, now=served.clock())
    asked = f"&game={game}" if game else ""
    page.goto(f"{served.base_url}/play/launch?token={token}&campaign={campaign}{asked}")
    page.wait_for_url(f"**/play/{campaign}/monopoly*")
    expect(by_testid(page, "roll-button")).not_to_have_attribute("data-mode", "none")


def shopper_id(app: Flask, sub: str) -> int:
    """The user id of the host's shopper ``sub`` (once they entered)."""
    with app.extensions["carnival.sessions"]() as session:
        return int(session.scalars(select(User.id).where(User.external_id == sub)).one())


def is_roll(response: Response) -> bool:
    """True for the answer to a roll."""
    return response.url.endswith("/games/monopoly/roll") and response.request.method == "POST"


def roll(page: Page, tap: Any) -> dict[str, Any]:
    """Roll by calling ``tap()`` (a click); returns the API's answer once the landing popup is shown."""
    with page.expect_response(is_roll) as answer:
        tap()
    assert answer.value.status == 200, answer.value.text()
    expect(by_testid(page, "landing-dialog")).to_be_visible(timeout=ROLL_TIMEOUT_MS)
    return answer.value.json()


def rolled(answer: dict[str, Any]) -> dict[str, Any]:
    """The roll's event payload (dice, steps, start, end, landings ...)."""
    return next(event["payload"] for event in answer["events"] if event["name"] == "monopoly.rolled")


def grant_name(key: str) -> str:
    """The page's (Chinese) name of a prize key a roll granted."""
    return GAME_GRANTS.get(key) or next(prize["name"] for prize in PRIZES if prize["key"] == key)


def view(page: Page, served: Served, campaign: int, game: str = "monopoly") -> dict[str, Any]:
    """The game view the server has for the signed-in shopper now."""
    answer = page.request.get(f"{served.base_url}/api/play/{campaign}/games/{game}")
    assert answer.ok, answer.text()
    return answer.json()["view"]


def roll_elsewhere(page: Page, served: Served, campaign: int) -> None:
    """Roll from another screen of the same shopper (the API, not this page)."""
    answer = page.request.post(
        f"{served.base_url}/api/play/{campaign}/games/monopoly/roll",
        headers={"Idempotency-Key": "other-screen-roll-0001", "Origin": served.base_url},
        data={},
    )
    assert answer.ok, answer.text()
