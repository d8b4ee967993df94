"""``carnival user create/disable/enable/passwd/role``: clear messages, non-zero exits, the audit trail."""

from __future__ import annotations

import os

import pytest
from click.testing import Result
from flask import Flask

from server.cli import cli
from tests.conftest import Clock, login
from tests.security.auth_helpers import PASSWORD, add_staff, audit_actions, auth_app, staff_login


@pytest.fixture
def app(sqlite_url: str, clock: Clock) -> Flask:
    """The app on SQLite with the default session lifetimes."""
    return auth_app(sqlite_url, clock)


def run(app: Flask, *args: str, stdin: str | None = None) -> Result:
    try:
        return app.test_cli_runner().invoke(cli, list(args), input=stdin)
    finally:
        os.environ.pop("FLASK_RUN_FROM_CLI", None)


def test_disable_and_enable(app: Flask) -> None:
    add_staff(app)
    client = app.test_client()
    staff_login(client)
    disabled = run(app, "user", "disable", "olivia")
    assert disabled.exit_code == 0 and "account 'olivia' disabled; its sessions have ended" in disabled.output
    assert client.get("/api/session/me").status_code == 401
    assert staff_login(client).status_code == 401
    enabled = run(app, "user", "enable", "olivia")
    assert enabled.exit_code == 0 and "account 'olivia' enabled" in enabled.output
    assert staff_login(client).status_code == 200


def test_passwd_applies_the_policy_and_ends_sessions(app: Flask) -> None:
    add_staff(app)
    client = app.test_client()
    staff_login(client)
    weak = run(app, "user", "passwd", "olivia", stdin="password1234\npassword1234\n")
    assert weak.exit_code == 1 and "one of the most common" in weak.output
    assert client.get("/api/session/me").status_code == 200
    changed = run(app, "user", "passwd", "olivia", stdin="walnut-harbour-77\nwalnut-harbour-77\n")
    assert changed.exit_code == 0 and "password of 'olivia' changed" in changed.output
    assert client.get("/api/session/me").status_code == 401
    assert staff_login(client, password=PASSWORD).status_code == 401
    assert staff_login(client, password="walnut-harbour-77").status_code == 200


def test_role_changes_the_role_and_ends_sessions(app: Flask) -> None:
    add_staff(app)
    client = app.test_client()
    staff_login(client)
    changed = run(app, "user", "role", "olivia", "auditor")
    assert changed.exit_code == 0 and "'olivia' is now auditor" in changed.output
    assert client.get("/api/ops/campaigns").status_code == 401
    assert staff_login(client).json["role"] == "auditor"
    assert client.get("/api/ops/campaigns").status_code == 403


@pytest.mark.parametrize(
    ("args", "exit_code", "message"),
    [
        (("user", "disable", "nobody"), 1, "there is no staff account 'nobody'"),
        (("user", "enable", "nobody"), 1, "there is no staff account 'nobody'"),
        (("user", "role", "nobody", "ops"), 1, "there is no staff account 'nobody'"),
        (("user", "role", "olivia", "shopper"), 2, "'shopper' is not one of 'ops', 'auditor'"),
        (("user", "role", "olivia"), 2, "Choose from"),
        (("user", "disable"), 2, "Missing argument 'USERNAME'"),
    ],
)
def test_bad_input_exits_non_zero_with_a_clear_message(
    app: Flask, args: tuple[str, ...], exit_code: int, message: str
) -> None:
    add_staff(app)
    result = run(app, *args)
    assert result.exit_code == exit_code and message in result.output, result.output


def test_a_shopper_is_no_staff_account(app: Flask) -> None:
    login(app.test_client(), "shopper-cli")
    refused = run(app, "user", "disable", "shopper-cli")
    assert refused.exit_code == 1 and "there is no staff account 'shopper-cli'" in refused.output


@pytest.mark.parametrize(
    ("username", "password", "message"),
    [
        ("bob", "short-pass", "at least 12 characters"),
        ("bob", "aaaaaaaaaaaaaaaa", "at least 5 different characters"),
        ("bob", "qwertyuiop123", "one of the most common"),
        ("bob", "Password2024!!", "one of the most common"),
        ("robert-smith", "Robert-Smith99", "may not be the username"),
        ("robert-smith", "htims-trebor", "may not be the username"),
    ],
)
def test_create_refuses_weak_passwords(app: Flask, username: str, password: str, message: str) -> None:
    result = run(app, "user", "create", "--username", username, "--role", "ops", stdin=f"{password}\n{password}\n")
    assert result.exit_code == 1 and message in result.output, result.output
    assert staff_login(app.test_client(), username, password).status_code == 401


def test_every_account_change_and_sign_in_is_in_the_audit_trail(app: Flask) -> None:
    password = "lantern-meadow-19"
    created = run(app, "user", "create", "--username", "olivia", "--role", "ops", stdin=f"{password}\n{password}\n")
    assert created.exit_code == 0, created.output
    client = app.test_client()
    assert staff_login(client, password="not-the-password").status_code == 401
    assert staff_login(client, password=password).status_code == 200
    client.post("/api/session/logout")
    for args in (("disable", "olivia"), ("enable", "olivia"), ("role", "olivia", "auditor")):
        assert run(app, "user", *args).exit_code == 0
    assert run(app, "user", "passwd", "olivia", stdin="copper-kettle-88\ncopper-kettle-88\n").exit_code == 0
    trail = audit_actions(app)
    assert [action for _, action in trail] == [
        "user_create",
        "login_failed",
        "login",
        "logout",
        "user_disable",
        "user_enable",
        "user_role",
        "user_passwd",
    ]
    assert all(actor.startswith("cli") for actor, action in trail if action.startswith("user_"))
    assert all(actor == "olivia" for actor, action in trail if not action.startswith("user_"))
    assert staff_login(app.test_client(), password="copper-kettle-88").json["role"] == "auditor"


def test_the_ops_audit_api_shows_sign_ins(app: Flask) -> None:
    add_staff(app)
    client = app.test_client()
    staff_login(client)
    entries = client.get("/api/ops/audit").json
    assert entries[0]["action"] == "login" and entries[0]["actor"] == "olivia"
    assert entries[0]["after"]["ip"] == "127.0.0.1" and entries[0]["campaign_id"] is None
