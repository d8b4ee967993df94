"""docs/integration.md: its worked example really opens a session, and its reference token verifies."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from server.config import DEV_LAUNCH_SECRET
from server.launch import sign, verify
from tests.conftest import Clock, add_campaign, build_app, wheel_config

GUIDE = (Path(__file__).resolve().parents[2] / "docs" / "integration.md").read_text(encoding="utf-8")


def fenced_after(heading: str, language: str) -> str:
    """The first ``language`` code block after ``heading`` in the guide."""
    section = GUIDE[GUIDE.index(heading) :]
    match = re.search(rf"```{language}\n(.*?)```", section, re.DOTALL)
    assert match, f"no {language} block after {heading}"
    return match.group(1)


def test_the_worked_example_signs_a_token_that_opens_the_wheel(sqlite_url: str, tmp_path: Path) -> None:
    app = build_app(sqlite_url, Clock(now=datetime.now(UTC)))  # the example signs with the real time
    campaign = add_campaign(app, wheel_config())
    script = tmp_path / "launch_url.py"
    script.write_text(fenced_after("## 3. A worked example", "python"), encoding="utf-8")
    env = {"CARNIVAL_URL": "http://carnival.test", "CARNIVAL_LAUNCH_SECRET": DEV_LAUNCH_SECRET, "PATH": "/usr/bin"}
    printed = subprocess.run(
        [sys.executable, str(script), str(campaign)], env=env, capture_output=True, text=True, check=True
    ).stdout.strip()
    url = urlsplit(printed)
    assert (url.scheme, url.netloc, url.path) == ("http", "carnival.test", "/play/launch")
    client = app.test_client()
    opened = client.get(f"{url.path}?{url.query}")
    assert opened.status_code == 302 and opened.headers["Location"] == f"/play/{campaign}"
    me = client.get("/api/session/me").json
    assert (me["display_name"], me["tier"], me["role"]) == ("王小明", "gold", "shopper")


def test_a_token_signed_with_another_secret_is_refused_on_the_launch_page(sqlite_url: str) -> None:
    app = build_app(sqlite_url, Clock(now=datetime.now(UTC)))
    token = sign(
        "another-secret-of-the-host-app-0123456789", "u-1", "王", "gold", int(datetime.now(UTC).timestamp()) + 60
    )
    client = app.test_client()
    refused = client.get(f"/play/launch?token={token}&campaign=1")
    assert refused.status_code == 401 and "signature" in refused.get_data(as_text=True)
    assert client.get("/api/session/me").status_code == 401


def test_the_language_asked_for_at_launch_is_kept(sqlite_url: str) -> None:
    app = build_app(sqlite_url, Clock(now=datetime.now(UTC)))
    token = sign(DEV_LAUNCH_SECRET, "u-2", "Li", "normal", int(datetime.now(UTC).timestamp()) + 60)
    opened = app.test_client().get(f"/play/launch?token={token}&campaign=3&lang=en")
    assert opened.headers["Location"] == "/play/3?lang=en"


def test_the_reference_token_is_what_the_server_signs_and_verifies() -> None:
    reference = next(line for line in GUIDE.splitlines() if line.startswith("v1.ey"))
    assert sign(DEV_LAUNCH_SECRET, "u-10086", "Wang", "gold", 1893456000) == reference
    launch = verify(DEV_LAUNCH_SECRET, reference, datetime.fromtimestamp(1893456000 - 3600, UTC))
    assert (launch.user_id, launch.name, launch.tier) == ("u-10086", "Wang", "gold")
