"""The server's English field messages appear in Chinese in the Chinese console (server-text.js) and
as the server sent them in the English one."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_ops_console import WEIGHT, by_testid, create_campaign, field, field_error, is_draft_save

pytestmark = pytest.mark.browser


def refused_message(console: Page) -> str:
    """Save the draft, expect a refusal; returns the server's message for the weight field."""
    with console.expect_response(is_draft_save) as refused:
        by_testid(console, "save-draft").click()
    assert refused.value.status == 422
    return str(refused.value.json()["fields"][WEIGHT][0])


def test_a_field_message_is_chinese_in_chinese_and_as_sent_in_english(console: Page, demo_server: str) -> None:
    create_campaign(console, demo_server)
    field(console, WEIGHT).fill("-1")

    message = refused_message(console)
    assert message == "weight is a whole number from 0 to 1,000,000,000"
    expect(field_error(console, WEIGHT)).to_contain_text("权重是 0 到 1,000,000,000 之间的整数")
    expect(field_error(console, WEIGHT)).not_to_contain_text(message)

    by_testid(console, "lang-switch").click()
    expect(console.locator("html")).to_have_attribute("lang", "en")
    message = refused_message(console)

    expect(field_error(console, WEIGHT)).to_contain_text(message)
    expect(field_error(console, WEIGHT)).not_to_contain_text("权重")


def test_the_odds_panel_names_an_invalid_field_in_words_in_the_panels_language(console: Page, demo_server: str) -> None:
    create_campaign(console, demo_server)
    field(console, WEIGHT).fill("-1")  # the live odds are asked for the invalid pool
    problem = by_testid(console, "odds-error").locator("li")
    expect(problem).to_have_text("奖品 2 · 权重: 权重是 0 到 1,000,000,000 之间的整数")
    expect(by_testid(console, "odds-error")).not_to_contain_text("config.pool")

    by_testid(console, "lang-switch").click()
    field(console, WEIGHT).fill("-2")
    expect(problem).to_have_text("Prize 2 · Weight: weight is a whole number from 0 to 1,000,000,000")


def test_an_invalid_draft_is_not_sent_again_while_other_fields_are_edited(console: Page, demo_server: str) -> None:
    create_campaign(console, demo_server)
    field(console, WEIGHT).fill("-1")
    expect(by_testid(console, "odds-error")).to_be_visible()
    console.wait_for_timeout(800)  # the preview's own answer for the invalid draft
    asked: list[str] = []
    console.on("request", lambda r: asked.append(r.url) if r.url.endswith(("/odds", "/rules-preview")) else None)

    field(console, "config.pool.prizes.2.name").fill("六期免息券")  # not what the server refused
    field(console, "name").fill("另一个名字")
    console.wait_for_timeout(1000)
    assert asked == []  # nothing sent: the draft still cannot validate

    field(console, WEIGHT).fill("300")  # the refused field: ask again
    expect(by_testid(console, "odds-error")).to_have_count(0)
    assert any(url.endswith("/odds") for url in asked)
