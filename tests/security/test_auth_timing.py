"""Sign-in timing says nothing about which usernames exist: an unknown user costs the same hashing work."""

from __future__ import annotations

import statistics
import time

from flask.testing import FlaskClient

from tests.conftest import Clock, login
from tests.security.auth_helpers import add_staff, auth_app, staff_login

ROUNDS = 15
TOLERANCE = 2.0  # medians within a factor of 2 (the hash dominates; before, unknown users answered 25x faster)


def _seconds(client: FlaskClient, username: str) -> float:
    started = time.perf_counter()
    answer = staff_login(client, username, "wrong-guess-123")
    elapsed = time.perf_counter() - started
    assert answer.status_code == 401
    return elapsed


def test_unknown_known_disabled_and_shopper_names_take_as_long(sqlite_url: str, clock: Clock) -> None:
    app = auth_app(sqlite_url, clock)
    add_staff(app, "known-staff")
    client = app.test_client()
    login(client, "shopper-name")  # a shopper has no password: same work as anyone
    client = app.test_client()
    names = ("known-staff", "no-such-user", "shopper-name")
    _seconds(client, "no-such-user")  # warm-up (the decoy hash is made once per process)
    samples: dict[str, list[float]] = {name: [] for name in names}
    for _ in range(ROUNDS):  # interleaved, so load on the machine hits every name alike
        for name in names:
            samples[name].append(_seconds(client, name))
    medians = {name: statistics.median(times) for name, times in samples.items()}
    known = medians["known-staff"]
    for name in ("no-such-user", "shopper-name"):
        ratio = medians[name] / known
        assert 1 / TOLERANCE < ratio < TOLERANCE, f"{name}: median {medians[name]:.4f}s vs known {known:.4f}s"
