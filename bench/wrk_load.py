"""A bench phase driven by wrk (Debian's ``wrk``, a C load generator) instead of Python client threads.

Python threads in the bench's own process share one interpreter lock with each other: at 64 connections they
add their own waits to the latencies they measure and take CPU from the server on a 2-core machine. wrk keeps
``connections`` keep-alive connections busy (closed loop) from 2 threads and measures each answer's latency in C.
Each request is signed in as the next shopper in turn; a POST carries a fresh Idempotency-Key (bench/wrk_load.lua).
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SCRIPT = Path(__file__).with_name("wrk_load.lua")
WRK_THREADS = 2
INSTALL_HINT = "wrk is not installed: apt-get install -y wrk"
THINK_CAP_MS = 1500  # a connection idle for 2 s is closed by gunicorn (its keep-alive), which wrk counts as an error


def think_mean_ms(think_ms: int) -> float:
    """The mean wait of a connection paced with ``think_ms``: an exponential draw of that mean, cut at
    :data:`THINK_CAP_MS` (so below ``think_ms``: 777 ms for 1,000)."""
    return think_ms * (1 - math.exp(-THINK_CAP_MS / think_ms)) if think_ms > 0 else 0.0


@dataclass
class WrkPhase:
    """What wrk saw in one measured phase (the figures a bench phase prints)."""

    name: str
    requests: int = 0
    seconds: float = 0.0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    p99_ms: float = 0.0
    statuses: dict[str, int] = field(default_factory=dict)
    socket_errors: int = 0

    @property
    def errors(self) -> dict[str, int]:
        """Answers other than 200, by status, and connection errors."""
        errors = {status: n for status, n in self.statuses.items() if status != "200"}
        return errors | ({"socket": self.socket_errors} if self.socket_errors else {})

    def summary(self) -> dict[str, object]:
        """The figures printed and emitted as JSON (as the Python client's phases)."""
        ok = self.statuses.get("200", 0)
        return {
            "requests": ok,
            "rps": round(ok / self.seconds, 1) if self.seconds else 0.0,
            "p50_ms": self.p50_ms,
            "p95_ms": self.p95_ms,
            "p99_ms": self.p99_ms,
            "errors": self.errors,
            "client": "wrk",
        }


def require_wrk() -> str:
    """The wrk executable, or exit with how to install it."""
    found = shutil.which("wrk")
    if found is None:
        raise SystemExit(INSTALL_HINT)
    return found


def measure_wrk(
    name: str,
    base_url: str,
    method: str,
    path: str,
    cookies: list[str],
    seconds: float,
    warmup: float,
    connections: int = 64,
    think_ms: int = 0,
) -> WrkPhase:
    """``connections`` connections repeat the request for ``warmup`` seconds unmeasured, then ``seconds``; with
    ``think_ms``, each connection waits a while after an answer before its next request (exponentially
    distributed with mean ``think_ms``, cut at :data:`THINK_CAP_MS`, :func:`think_mean_ms` on average: paced load,
    shoppers reading their page at their own pace, not clients sending as soon as answers come)."""
    wrk = require_wrk()
    with tempfile.TemporaryDirectory(prefix="carnival-wrk-") as folder:
        cookie_file = Path(folder) / "cookies.txt"
        cookie_file.write_text("\n".join(cookies) + "\n")
        if warmup > 0:
            _run(wrk, base_url, method, path, cookie_file, warmup, connections, think_ms)
        figures = _run(wrk, base_url, method, path, cookie_file, seconds, connections, think_ms)
    return WrkPhase(
        name=name,
        requests=int(figures["requests"]),
        seconds=float(figures["seconds"]),
        p50_ms=round(figures["p50_us"] / 1000, 2),
        p95_ms=round(figures["p95_us"] / 1000, 2),
        p99_ms=round(figures["p99_us"] / 1000, 2),
        statuses={str(k): int(v) for k, v in figures["statuses"].items()},
        socket_errors=int(figures["socket_errors"]),
    )


def _run(
    wrk: str, base_url: str, method: str, path: str, cookie_file: Path, seconds: float, connections: int,
    think_ms: int,
) -> dict[str, Any]:  # fmt: skip
    prefix = f"wrk-{uuid.uuid4().hex[:12]}"
    command = [wrk, "-t", str(WRK_THREADS), "-c", str(connections), "-d", f"{max(1, round(seconds))}s",
               "--timeout", "30s", "-s", str(SCRIPT), base_url, "--",
               str(cookie_file), method, path, base_url, prefix, str(WRK_THREADS), str(think_ms),
               str(THINK_CAP_MS)]  # fmt: skip
    finished = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=False)
    lines = [line for line in finished.stdout.splitlines() if line.startswith("{")]
    if finished.returncode != 0 or not lines:
        raise SystemExit(f"wrk failed ({finished.returncode}):\n{finished.stdout}\n{finished.stderr}")
    return json.loads(lines[-1])
