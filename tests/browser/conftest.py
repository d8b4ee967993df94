"""A real demo server process and headless Chromium pages on a phone-sized viewport."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.services import CHROMIUM_ARGS, chromium_path

PHONE = {"width": 390, "height": 844}
STARTUP_SECONDS = 60

# The `carnival demo` command (migrate, seed, serve), exactly as the console script runs it.
SERVE_DEMO = "import sys; from server.cli import main; sys.argv[0:1] = ['carnival', 'demo']; main()"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _wait_until_up(process: subprocess.Popen[bytes], base_url: str, log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the demo server exited ({process.returncode}):\n{log_path.read_text(errors='replace')}")
        if _answers(f"{base_url}/api/health"):
            return
        time.sleep(0.2)
    pytest.fail(f"the demo server did not answer in {STARTUP_SECONDS}s:\n{log_path.read_text(errors='replace')}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def _development_env(workdir: Path) -> dict[str, str]:
    """The environment of a development server (and its CLI) on ``workdir``'s own SQLite file."""
    env = {**os.environ, "CARNIVAL_ENV": "development", "DATABASE_URL": f"sqlite:///{workdir / 'demo.db'}"}
    env.pop("REDIS_URL", None)
    env["CARNIVAL_RATE_LIMITS"] = "spin=50 per second"  # tests use up a shopper's spins faster than a person can
    env["CARNIVAL_EARN_POINTS_URL"] = "/play/wallet"  # the host app's page for earning points (here: any page)
    return env


@contextmanager
def serving(workdir: Path, code: str) -> Iterator[str]:
    """Run ``python -c code --port PORT`` (a development server on its own SQLite file); yields its URL."""
    port = _free_port()
    env = _development_env(workdir)
    log_path = workdir / "server.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-c", code, "--port", str(port)],
            cwd=Path(__file__).resolve().parents[2],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            base_url = f"http://127.0.0.1:{port}"
            _wait_until_up(process, base_url, log_path)
            yield base_url
        finally:
            _stop(process)


@pytest.fixture(scope="module")
def demo_workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo server's directory: its SQLite file and its log."""
    return tmp_path_factory.mktemp("demo")


@pytest.fixture(scope="module")
def demo_server(demo_workdir: Path) -> Iterator[str]:
    """``carnival demo`` on a free port with its own SQLite file; yields the base URL."""
    chromium_path()  # skip (locally) before starting anything when there is no browser
    with serving(demo_workdir, SERVE_DEMO) as base_url:
        yield base_url


def carnival(workdir: Path, *args: str) -> str:
    """Run the ``carnival`` CLI on the database of the server in ``workdir`` (as ops would on that host);
    returns what it printed. Fails the test when the command fails."""
    result = subprocess.run(
        [sys.executable, "-c", "from server.cli import main; main()", *args],
        cwd=Path(__file__).resolve().parents[2],
        env=_development_env(workdir),
        capture_output=True,
        text=True,
        timeout=STARTUP_SECONDS,
        check=False,
    )
    assert result.returncode == 0, f"carnival {' '.join(args)} failed:\n{result.stdout}{result.stderr}"
    return result.stdout


def watch_errors(page: Page, errors: list[str]) -> None:
    """Collect ``page``'s script errors and the resources its Content-Security-Policy refused."""
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda note: errors.append(note.text) if "Content Security Policy" in note.text else None)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh phone-sized page (own cookies and localStorage); fails the test on any script error or
    Content-Security-Policy violation."""
    with checked_page(browser, viewport=PHONE, is_mobile=True, has_touch=True) as page:
        yield page


DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def console(browser: Browser) -> Iterator[Page]:
    """A fresh desktop page (own cookies); fails the test on any script error or
    Content-Security-Policy violation."""
    with checked_page(browser, viewport=DESKTOP) as page:
        yield page


@contextmanager
def checked_page(browser: Browser, **options: Any) -> Iterator[Page]:
    """A page in a fresh Chinese context made with ``options``; on leaving, fails the test on any script
    error or Content-Security-Policy violation the page met."""
    context = browser.new_context(**{"locale": "zh-CN", **options})
    page = context.new_page()
    errors: list[str] = []
    watch_errors(page, errors)
    try:
        yield page
    finally:
        context.close()
    assert not errors, f"script errors on the page: {errors}"
