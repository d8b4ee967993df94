"""A game registered later (tests/plugins/coin.py) appears in the console without console code: it can
be added to a draft, gets a settings form from its schema with its defaults, shows its own validation
messages next to its fields, and can be removed again."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import serving
from tests.browser.test_ops_console import by_testid, create_campaign, field, field_error, is_draft_save
from tests.services import chromium_path

pytestmark = pytest.mark.browser

SERVE_WITH_COIN = """
import sys
from server import create_app, db
from server.demo import seed_demo
from server.migrate import upgrade
from tests.plugins.coin.game import Coin

app = create_app()
app.extensions["carnival.registry"].register(Coin())
with app.app_context():
    upgrade(app.extensions["carnival.settings"].database_url)
    with db.session().begin():
        seed_demo(db.session(), app.extensions["carnival.registry"], db.now())
app.extensions["socketio"].run(app, host="127.0.0.1", port=int(sys.argv[2]), allow_unsafe_werkzeug=True)
"""
FLIPS = "config.games.coin.flips_per_day"


@pytest.fixture(scope="module")
def coin_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A development server whose registry also holds the coin game."""
    chromium_path()
    with serving(tmp_path_factory.mktemp("coin"), SERVE_WITH_COIN) as base_url:
        yield base_url


def test_a_later_game_is_added_validated_and_removed_in_the_console(console: Page, coin_server: str) -> None:
    campaign = create_campaign(console, coin_server)
    expect(by_testid(console, "remove-game-wheel")).to_be_disabled()  # the only game stays
    by_testid(console, "add-game-key").select_option("coin")
    by_testid(console, "add-game").click()
    expect(by_testid(console, "game-coin")).to_be_visible()
    expect(field(console, FLIPS)).to_have_value("2")  # the schema's default

    field(console, FLIPS).fill("0")
    with console.expect_response(is_draft_save) as refused:
        by_testid(console, "save-draft").click()
    assert refused.value.status == 422
    assert refused.value.json()["fields"][FLIPS] == [
        "Must be greater than or equal to 1 and less than or equal to 100."
    ]
    expect(field_error(console, FLIPS)).to_contain_text("必须在 1 到 100 之间")  # the coin schema's own message

    field(console, FLIPS).fill("5")
    with console.expect_response(is_draft_save) as saved:
        by_testid(console, "save-draft").click()
    assert saved.value.status == 200
    games = console.request.get(f"{coin_server}/api/ops/campaigns/{campaign}").json()["draft"]["body"]["config"]
    assert games["games"]["coin"]["flips_per_day"] == 5

    by_testid(console, "remove-game-coin").click()
    expect(by_testid(console, "game-coin")).to_have_count(0)
    expect(by_testid(console, "add-game-key")).to_be_visible()
