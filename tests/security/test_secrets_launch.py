"""Login CSRF: a launch link opened from another site signs nobody in by itself, and a launch token
starts one session only (a used ``jti`` is kept in SQL until the token expires)."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from server.cli import cli
from server.models import UsedLaunchToken
from tests.conftest import Clock, build_app, launch_token
from tests.integration.test_races import race

CROSS_SITE = {"Sec-Fetch-Site": "cross-site"}
FROM_THE_APP = {"Sec-Fetch-Site": "none"}


def browser(app: Flask) -> FlaskClient:
    """A client that sends only the headers a test gives it (no ``Sec-Fetch-Site`` of its own)."""
    client = app.test_client()
    client.environ_base.pop("HTTP_SEC_FETCH_SITE", None)
    return client


def signed_in(client: FlaskClient) -> bool:
    return client.get("/api/session/me").status_code == 200


def used_tokens(app: Flask) -> int:
    with app.extensions["carnival.sessions"]() as session:
        return session.scalar(select(func.count()).select_from(UsedLaunchToken)) or 0


def test_a_launch_link_followed_from_another_site_only_asks_to_confirm(app: Flask, clock: Clock) -> None:
    token = launch_token("attacker-1", "攻击者", now=clock.now)
    victim = browser(app)
    for headers in (CROSS_SITE, {"Sec-Fetch-Site": "same-site"}, {}, {"Referer": "https://evil.example/x"}):
        page = victim.get(f"/play/launch?token={token}&campaign=5&lang=en", headers=headers)
        text = page.get_data(as_text=True)
        assert page.status_code == 200 and 'data-testid="launch-confirmation"' in text, headers
        assert "攻**" in text and "攻击者" not in text  # the account is named, masked
        assert not signed_in(victim)
    assert used_tokens(app) == 0  # showing the page does not spend the token
    confirmed = victim.post(
        "/play/launch", data={"token": token, "campaign": "5", "lang": "en"}, headers={"Sec-Fetch-Site": "same-origin"}
    )
    assert confirmed.status_code == 303 and confirmed.headers["Location"] == "/play/5?lang=en"
    assert signed_in(victim) and used_tokens(app) == 1


def test_a_cross_site_post_of_a_launch_is_refused(app: Flask, clock: Clock) -> None:
    victim = browser(app)
    for headers in (
        {**CROSS_SITE, "Origin": "https://evil.example"},
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {},
    ):
        answer = victim.post("/play/launch", data={"token": launch_token("attacker-2", now=clock.now)}, headers=headers)
        assert answer.status_code == 403, headers
        assert 'data-error-code="launch_not_from_host"' in answer.get_data(as_text=True)
        assert not signed_in(victim)
    assert used_tokens(app) == 0


def test_a_bad_token_is_refused_before_any_confirmation(app: Flask, clock: Clock) -> None:
    expired = launch_token("u-1", lifetime=-1, now=clock.now)
    answer = app.test_client().get(f"/play/launch?token={expired}", headers=CROSS_SITE)
    assert answer.status_code == 401 and 'data-error-code="token_expired"' in answer.get_data(as_text=True)


def test_the_app_its_own_pages_and_listed_host_pages_launch_at_once(sqlite_url: str) -> None:
    clock = Clock(now=datetime.now(UTC))
    app = build_app(sqlite_url, clock, CARNIVAL_LAUNCH_ORIGINS="https://m.shop.example")
    for headers in (
        FROM_THE_APP,
        {"Sec-Fetch-Site": "same-origin"},
        {**CROSS_SITE, "Referer": "https://m.shop.example/banner?id=1"},
        {"Referer": "http://localhost/dev/login"},  # a browser without Sec-Fetch-Site, from Carnival's own page
    ):
        client = app.test_client()
        answer = client.get(f"/play/launch?token={launch_token('u-2', now=clock.now)}&campaign=2", headers=headers)
        assert (answer.status_code, answer.headers.get("Location")) == (302, "/play/2"), headers
        assert signed_in(client)
    app.extensions["carnival.engine"].dispose()


def test_a_token_starts_one_session_only(app: Flask, clock: Clock) -> None:
    token = launch_token("u-3", now=clock.now)
    first = app.test_client()
    assert first.post("/api/session/launch", json={"token": token}).status_code == 200
    replayed = app.test_client()
    again = replayed.post("/api/session/launch", json={"token": token})
    assert (again.status_code, again.json["error"]) == (401, "token_used")
    page = replayed.get(f"/play/launch?token={token}", headers=FROM_THE_APP)
    assert page.status_code == 401 and 'data-error-code="token_used"' in page.get_data(as_text=True)
    assert not signed_in(replayed) and signed_in(first)


def test_of_concurrent_launches_with_one_token_exactly_one_signs_in(app: Flask, clock: Clock) -> None:
    token = launch_token("u-4", now=clock.now)
    clients = [app.test_client() for _ in range(8)]
    answers = race(clients, lambda c: c.post("/api/session/launch", json={"token": token}).status_code)
    assert Counter(answers) == {200: 1, 401: 7}
    assert sum(signed_in(c) for c in clients) == 1


def test_tokens_are_short_lived_and_carry_a_jti(app: Flask, clock: Clock) -> None:
    client = app.test_client()
    too_long = client.post("/api/session/launch", json={"token": launch_token("u-5", lifetime=601, now=clock.now)})
    assert (too_long.status_code, too_long.json["error"]) == (401, "token_invalid")
    assert "10 minutes" in too_long.json["message"]


def test_a_cross_site_text_form_cannot_post_json_to_the_launch_api(app: Flask, clock: Clock) -> None:
    body = json.dumps({"token": launch_token("attacker-3", now=clock.now), "x": "="})  # as a text/plain form sends it
    victim = browser(app)
    answer = victim.post("/api/session/launch", data=body, content_type="text/plain", headers=CROSS_SITE)
    assert answer.status_code == 403 and not signed_in(victim)  # a write from another site
    same_site = victim.post("/api/session/launch", data=body, content_type="text/plain")
    assert same_site.status_code == 422 and not signed_in(victim)  # and JSON only as JSON


def test_expired_used_tokens_are_purged_by_the_cli(app: Flask, clock: Clock) -> None:
    app.test_client().post("/api/session/launch", json={"token": launch_token("u-6", lifetime=60, now=clock.now)})
    runner = app.test_cli_runner()
    assert "forgot 0 expired launch tokens" in runner.invoke(cli, ["launches", "purge"]).output
    clock.advance(seconds=61)
    assert "forgot 1 expired launch tokens" in runner.invoke(cli, ["launches", "purge"]).output
    assert used_tokens(app) == 0
