"""Alembic migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

import server.tables  # noqa: F401  (every table's model)
from economy.db import Base, make_engine
from server.migrate import upgrade


def test_upgrade_head_matches_the_models(database_url: str) -> None:
    upgrade(database_url)
    engine = make_engine(database_url)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert differences == []


def test_revision_0020_gives_sent_deliveries_their_attribution_end_queued_ones_their_contact_day(
    database_url: str,
) -> None:
    upgrade(database_url, "0019")
    engine = make_engine(database_url)
    sent_at, made_at = datetime(2026, 12, 1, 19, 30, 15, 123456), datetime(2026, 12, 1)
    late = datetime(2026, 12, 1, 17, 0)  # 01:00 on 12-02 in Shanghai
    statements = [
        "INSERT INTO campaigns (id, slug, name, timezone, starts_at, ends_at, status) VALUES "
        "(1, 'c', 'c', 'Asia/Shanghai', :made, :made, 'draft')",
        "INSERT INTO segments (id, name, rules_json, uploaded, created_at, updated_at) VALUES "
        "(1, 's', '{}', false, :made, :made)",
        "INSERT INTO messages (id, campaign_id, name, segment_id, config_json, state, cursor, batches, judged, "
        "created_at, updated_at) VALUES (1, 1, 'm', 1, '{}', 'sending', '', 1, 0, :made, :made)",
        "INSERT INTO deliveries (message_id, batch, external_id, variant, state, attempts, created_at, sent_at, "
        "sales_fen) VALUES (1, 1, 'sent', 'A', 'sent', 1, :made, :sent, 0), "
        "(1, 1, 'queued', 'A', 'queued', 0, :late, NULL, 0)",
    ]
    with engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement), {"made": made_at, "sent": sent_at, "late": late})
    upgrade(database_url)
    with engine.connect() as connection:
        found = dict(connection.execute(text("SELECT external_id, attributed_until FROM deliveries")).all())
        days = dict(connection.execute(text("SELECT external_id, contact_day FROM deliveries")).all())
    engine.dispose()
    until = found["sent"] if isinstance(found["sent"], datetime) else datetime.fromisoformat(found["sent"])
    assert (until, found["queued"]) == (sent_at + timedelta(days=7), None)
    assert days == {"sent": None, "queued": "2026-12-02"}  # a queued one took its batch day's contact
