"""Access to the real services tests need: PostgreSQL (directly and through PgBouncer), Redis, Chromium.

Locally a missing service skips its tests with the reason; with CARNIVAL_REQUIRE_SERVICES=1
(set by .ci/run) a missing service fails them instead.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

PG_ADMIN_URL = os.environ.get("CARNIVAL_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("CARNIVAL_TEST_REDIS", "redis://127.0.0.1:6379/15")
CHROMIUM = os.environ.get("CARNIVAL_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def services_required() -> bool:
    """True when absent services must fail the run (CI)."""
    return os.environ.get("CARNIVAL_REQUIRE_SERVICES") == "1"


def unavailable(reason: str) -> None:
    """Skip locally, fail on CI."""
    if services_required():
        pytest.fail(f"required service unavailable: {reason}")
    pytest.skip(reason)


def _pg_admin_connection():  # type: ignore[no-untyped-def]
    import psycopg

    try:
        return psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        unavailable(f"PostgreSQL at {PG_ADMIN_URL} is not reachable ({error.__class__.__name__})")
        raise


@contextmanager
def fresh_postgres_database() -> Iterator[str]:
    """A new, empty PostgreSQL database for one test; dropped afterwards. Yields its URL."""
    name = f"carnival_test_{uuid.uuid4().hex[:12]}"
    admin = _pg_admin_connection()
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def redis_url() -> str:
    """The URL of a reachable Redis (database 15, flushed)."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.flushdb()
    except redis.RedisError as error:
        unavailable(f"Redis at {REDIS_URL} is not reachable ({error.__class__.__name__})")
    finally:
        client.close()
    return REDIS_URL


def chromium_path() -> str:
    """The Chromium binary for browser tests."""
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        unavailable(f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)")
    return CHROMIUM


NODE = os.environ.get("CARNIVAL_TEST_NODE", "node")
NODE_MAJOR = 20


def node_path() -> str:
    """Node.js (20 or later), which runs the auditors' JavaScript verifier in tests."""
    import subprocess

    path = shutil.which(NODE)
    if path is None:
        unavailable(f"Node.js not found ({NODE}); install Node {NODE_MAJOR}")
        raise AssertionError("unreachable")
    version = subprocess.run([path, "--version"], capture_output=True, text=True, check=False).stdout.strip()
    if int(version.lstrip("v").split(".")[0] or 0) < NODE_MAJOR:
        unavailable(f"Node.js {version} at {path} is older than {NODE_MAJOR}")
    return path


PGBOUNCER = os.environ.get("CARNIVAL_TEST_PGBOUNCER", "/usr/sbin/pgbouncer")


@contextmanager
def pgbouncer_in_front_of(database_url: str) -> Iterator[str]:
    """PgBouncer in transaction mode (Debian's package) on a free port of 127.0.0.1 in front of the
    PostgreSQL database of ``database_url``; yields the URL that goes through it, and stops it afterwards."""
    if not os.path.exists(PGBOUNCER):
        unavailable(f"PgBouncer not found at {PGBOUNCER} (apt-get install -y pgbouncer)")
    name = database_url.rsplit("/", 1)[1]
    with tempfile.TemporaryDirectory(prefix="carnival-pgbouncer-") as folder:
        os.chmod(folder, 0o777)  # started as root, PgBouncer drops to the postgres user (-u)
        port = _free_port()
        config = Path(folder) / "pgbouncer.ini"
        config.write_text(_pgbouncer_ini(name, port, folder))
        (Path(folder) / "users.txt").write_text('"postgres" ""\n')
        user = ["-u", "postgres"] if os.geteuid() == 0 else []
        process = subprocess.Popen([PGBOUNCER, *user, str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            _wait_for_port(port, process)
            yield f"postgresql://postgres@127.0.0.1:{port}/{name}"
        finally:
            process.terminate()
            process.communicate(timeout=10)  # also closes the stderr pipe


def _pgbouncer_ini(name: str, port: int, folder: str) -> str:
    return f"""[databases]
{name} = host=127.0.0.1 port=5432 dbname={name} user=postgres

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = trust
auth_file = {folder}/users.txt
pool_mode = transaction
max_client_conn = 1000
default_pool_size = 20
pidfile = {folder}/pgbouncer.pid
logfile = {folder}/pgbouncer.log
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for_port(port: int, process: subprocess.Popen[bytes], timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            error = process.stderr.read().decode(errors="replace") if process.stderr else ""
            raise RuntimeError(f"PgBouncer exited with {process.returncode}: {error}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"PgBouncer did not listen on port {port} within {timeout} s")
