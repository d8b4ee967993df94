"""The request's session (server/db.py): statements committed alone before the request's transaction, on SQLite
and PostgreSQL."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, insert, select

from economy.models import Account
from server import db


def accounts_named(app: Flask, owner: str) -> int:
    """Accounts of ``owner`` as another connection sees them (what is committed)."""
    with app.extensions["carnival.sessions"]() as other:
        return other.scalar(select(func.count()).select_from(Account).where(Account.owner == owner)) or 0


def add_account(owner: str) -> None:
    db.session().execute(insert(Account).values(owner=owner, asset="points", balance=0, allow_negative=False))


def test_statements_alone_commit_each_on_postgresql_and_the_next_transaction_stays_whole(
    app: Flask, database_url: str
) -> None:
    postgresql = database_url.startswith("postgresql")
    with app.test_request_context("/"):
        db.statements_alone()
        add_account("alone:1")
        if postgresql:  # committed by itself: no BEGIN or COMMIT round trips
            assert accounts_named(app, "alone:1") == 1
        db.session().rollback()  # SQLite keeps its usual transaction (a reader there would wait for the writer)
        assert accounts_named(app, "alone:1") == (1 if postgresql else 0)
        with pytest.raises(RuntimeError), db.transaction():  # the request's transaction: all or nothing again
            add_account("whole:1")
            add_account("whole:2")
            raise RuntimeError("refused")
    assert accounts_named(app, "whole:1") == accounts_named(app, "whole:2") == 0
