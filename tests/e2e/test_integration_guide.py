"""docs/integration.md: its worked example really opens a session, its reference token verifies, and the
host page's auto-submitting form starts a session from the host's origin only."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

from server.config import DEV_LAUNCH_KEY
from server.keys import Key, Keyring
from server.launch import sign, verify
from tests.conftest import Clock, add_campaign, build_app, launch_token, wheel_config

GUIDE = (Path(__file__).resolve().parents[2] / "docs" / "integration.md").read_text(encoding="utf-8")
FROM_THE_APP = {"Sec-Fetch-Site": "none"}  # what a web view sends when it loads a URL itself


def fenced_after(heading: str, language: str) -> str:
    """The first ``language`` code block after ``heading`` in the guide."""
    section = GUIDE[GUIDE.index(heading) :]
    match = re.search(rf"```{language}\n(.*?)```", section, re.DOTALL)
    assert match, f"no {language} block after {heading}"
    return match.group(1)


class FormReader(HTMLParser):
    """The action and the named inputs of the one form in a page."""

    def __init__(self) -> None:
        super().__init__()
        self.action, self.method, self.fields = "", "", {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "form":
            self.action, self.method = attributes["action"] or "", attributes["method"] or ""
        elif tag == "input" and attributes.get("name"):
            self.fields[attributes["name"]] = attributes.get("value") or ""


def test_the_worked_example_signs_a_token_that_opens_the_wheel(sqlite_url: str, tmp_path: Path) -> None:
    app = build_app(sqlite_url, Clock(now=datetime.now(UTC)))  # the example signs with the real time
    campaign = add_campaign(app, wheel_config())
    script = tmp_path / "launch_url.py"
    script.write_text(fenced_after("## 3. A worked example", "python"), encoding="utf-8")
    env = {"CARNIVAL_URL": "http://carnival.test", "PATH": "/usr/bin"}  # the demo key by default
    printed = subprocess.run(
        [sys.executable, str(script), str(campaign)], env=env, capture_output=True, text=True, check=True
    ).stdout.strip()
    url = urlsplit(printed)
    assert (url.scheme, url.netloc, url.path) == ("http", "carnival.test", "/play/launch")
    client = app.test_client()
    opened = client.get(f"{url.path}?{url.query}", headers=FROM_THE_APP)
    assert opened.status_code == 302 and opened.headers["Location"] == f"/play/{campaign}"
    me = client.get("/api/session/me").json
    assert (me["display_name"], me["tier"], me["role"]) == ("王小明", "gold", "shopper")
    again = app.test_client().get(f"{url.path}?{url.query}", headers=FROM_THE_APP)
    assert again.status_code == 401 and 'data-error-code="token_used"' in again.get_data(as_text=True)


def test_a_token_signed_with_another_secret_is_refused_on_the_launch_page(sqlite_url: str) -> None:
    app = build_app(sqlite_url, Clock(now=datetime.now(UTC)))
    token = launch_token("u-1", "王", "gold", lifetime=60, key=Key("demo", "another-secret-of-the-host-app-0123456789"))
    client = app.test_client()
    refused = client.get(f"/play/launch?token={token}&campaign=1", headers=FROM_THE_APP)
    assert refused.status_code == 401 and "signature" in refused.get_data(as_text=True)
    assert client.get("/api/session/me").status_code == 401


def test_the_language_asked_for_at_launch_is_kept(sqlite_url: str) -> None:
    app = build_app(sqlite_url, Clock(now=datetime.now(UTC)))
    token = launch_token("u-2", "Li", lifetime=60)
    opened = app.test_client().get(f"/play/launch?token={token}&campaign=3&lang=en", headers=FROM_THE_APP)
    assert opened.headers["Location"] == "/play/3?lang=en"


def test_the_reference_token_is_what_the_server_signs_and_verifies() -> None:
    reference = next(line for line in GUIDE.splitlines() if line.startswith("v1.ey"))
    jti = "b5d0f0c6-4d7e-4a57-9f0e-6a1c2e3d4f50"
    assert sign(DEV_LAUNCH_KEY, "u-10086", "Wang", "gold", 1893456000, jti=jti) == reference
    launch = verify(Keyring((DEV_LAUNCH_KEY,)), reference, datetime.fromtimestamp(1893456000 - 300, UTC))
    assert (launch.user_id, launch.name, launch.tier, launch.jti) == ("u-10086", "Wang", "gold", jti)


def test_the_host_pages_form_starts_a_session_from_a_listed_origin_only(sqlite_url: str) -> None:
    host = "https://m.shop.example"
    app = build_app(sqlite_url, Clock(now=datetime.now(UTC)), CARNIVAL_LAUNCH_ORIGINS=host)
    campaign = add_campaign(app, wheel_config())
    form = FormReader()
    page = fenced_after("- **From one of your H5 pages**", "html")
    form.feed(page.replace("{{ token }}", launch_token("u-3", "张三", lifetime=60)).replace('"7"', f'"{campaign}"'))
    assert form.method == "post" and urlsplit(form.action).path == "/play/launch"
    client = app.test_client()
    posted = client.post("/play/launch", data=form.fields, headers={"Origin": host, "Sec-Fetch-Site": "cross-site"})
    assert posted.status_code == 303 and posted.headers["Location"] == f"/play/{campaign}"
    assert client.get("/api/session/me").json["display_name"] == "张三"
    form.fields["token"] = launch_token("u-4", "李四", lifetime=60)
    elsewhere = {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}
    stranger = app.test_client()
    refused = stranger.post("/play/launch", data=form.fields, headers=elsewhere)
    assert refused.status_code == 403 and 'data-error-code="launch_not_from_host"' in refused.get_data(as_text=True)
    assert stranger.get("/api/session/me").status_code == 401
