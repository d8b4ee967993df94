"""The API docs page (Swagger UI) runs under the pages' Content-Security-Policy: it shows the operations
and nothing it loads is refused (the ``console`` fixture fails the test on a refusal or a script error)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_the_api_docs_show_the_spin_operation(console: Page, demo_server: str) -> None:
    console.goto(f"{demo_server}/docs")
    expect(console.locator(".swagger-ui .info .title")).to_contain_text("Carnival", timeout=15_000)
    expect(console.locator(".opblock-summary-path", has_text="/wheel/spin")).to_be_visible()
