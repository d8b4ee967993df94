"""The production set-up's connection pooler: the app through PgBouncer in transaction mode, raced."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from server.config import ConfigError, settings_from
from tests.conftest import Clock, add_campaign, build_app, single_prize_config
from tests.integration.test_races import RED_PACKET, check_invariants, race, records, shoppers, spin_once
from tests.services import fresh_postgres_database, pgbouncer_in_front_of


@pytest.fixture
def pooled_app(clock: Clock) -> Iterator[Flask]:
    with fresh_postgres_database() as url, pgbouncer_in_front_of(url) as pooled_url:
        app = build_app(pooled_url, clock, CARNIVAL_DB_TRANSACTION_POOLER="1")
        yield app
        app.extensions["carnival.engine"].dispose()


def test_spins_through_pgbouncer_keep_stock_and_every_nonce(pooled_app: Flask) -> None:
    campaign = add_campaign(pooled_app, single_prize_config({**RED_PACKET, "stock": 20}))
    answers = race(shoppers(pooled_app, 100), spin_once(campaign))
    assert [status for status, _ in answers] == [200] * 100
    again = race(shoppers(pooled_app, 10, same_user=True), spin_once(campaign))  # one shopper, many statements
    assert [status for status, _ in again] == [200] * 10
    outcomes = Counter((r.granted_key, r.fallback_reason) for r in records(pooled_app, campaign))
    assert outcomes == {("red", None): 20, ("thanks", "out_of_stock"): 90}
    check_invariants(pooled_app)


def test_the_pooler_setting_is_0_or_1(tmp_path: Path) -> None:
    assert settings_from({"CARNIVAL_ENV": "testing"}, tmp_path).db_transaction_pooler is False
    assert settings_from(
        {"CARNIVAL_ENV": "testing", "CARNIVAL_DB_TRANSACTION_POOLER": "1"}, tmp_path
    ).db_transaction_pooler
    with pytest.raises(ConfigError, match="CARNIVAL_DB_TRANSACTION_POOLER must be 0 or 1"):
        settings_from({"CARNIVAL_ENV": "testing", "CARNIVAL_DB_TRANSACTION_POOLER": "yes"}, tmp_path)
