"""Big cost simulations as background jobs: a bounded thread pool inside the server process, progress by
simulated day, results kept in memory for :data:`KEEP_SECONDS` after they finish.

A job is visible only to the account that started it, under an unguessable id. Jobs live in this process:
with several server processes, the answer to ``GET /api/ops/simulate/jobs/ID`` must come from the process
that accepted the job (sticky sessions, as Socket.IO needs anyway); a restart forgets them.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from flask import Flask

WORKERS = 1
"""Simulations running at once (each keeps one core busy)."""
MAX_PENDING = 4
"""Jobs queued or running at once, over all accounts; one more is refused until one finishes."""
MAX_PENDING_PER_OWNER = 2
"""Jobs queued or running at once for one account."""
KEEP_SECONDS = 3600.0
"""How long a finished job's result stays readable."""

Work = Callable[[Callable[[int], None]], dict[str, Any]]
"""A job's work: called with a progress callback (days simulated), returns the simulation's view."""

log = logging.getLogger(__name__)


class JobsBusy(Exception):
    """Too many simulations are queued or running; try again when one finishes."""


@dataclass
class SimulationJob:
    """One background simulation and how far it got."""

    id: str
    owner: int
    days: int
    status: str = "queued"  # queued, running, done, failed
    days_done: int = 0
    result: dict[str, Any] | None = None
    error: str | None = None
    finished_at: float | None = None
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def pending(self) -> bool:
        """Queued or running."""
        return self.status in ("queued", "running")

    def snapshot(self) -> dict[str, Any]:
        """The job as ``GET .../jobs/ID`` shows it (progress from 0 to 1)."""
        with self.lock:
            return {
                "id": self.id,
                "status": self.status,
                "days": self.days,
                "days_done": self.days_done,
                "progress": self.days_done / self.days if self.days else 1.0,
                "result": self.result,
                "error": self.error,
            }


class SimulationJobs:
    """The process's background simulations."""

    def __init__(self, workers: int = WORKERS, clock: Callable[[], float] = time.monotonic) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="simulation")
        self._jobs: dict[str, SimulationJob] = {}
        self._lock = threading.Lock()
        self._clock = clock

    def submit(self, owner: int, days: int, work: Work) -> SimulationJob:
        """Queue ``work`` for ``owner``. :raises JobsBusy: too many jobs pending, overall or for ``owner``."""
        with self._lock:
            self._forget_old()
            pending = [job for job in self._jobs.values() if job.pending]
            if len(pending) >= MAX_PENDING or sum(job.owner == owner for job in pending) >= MAX_PENDING_PER_OWNER:
                raise JobsBusy("too many simulations are running; wait for one to finish")
            job = SimulationJob(id=secrets.token_urlsafe(16), owner=owner, days=days)
            self._jobs[job.id] = job
        self._pool.submit(self._run, job, work)
        return job

    def get(self, job_id: str, owner: int) -> SimulationJob | None:
        """``owner``'s job ``job_id``, or ``None`` (unknown, forgotten, or someone else's)."""
        with self._lock:
            self._forget_old()
            job = self._jobs.get(job_id)
        return job if job is not None and job.owner == owner else None

    def shutdown(self) -> None:
        """Stop taking jobs; queued ones are dropped, running ones finish."""
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _forget_old(self) -> None:
        cutoff = self._clock() - KEEP_SECONDS
        for key in [k for k, job in self._jobs.items() if job.finished_at is not None and job.finished_at < cutoff]:
            del self._jobs[key]

    def _run(self, job: SimulationJob, work: Work) -> None:
        with job.lock:
            job.status = "running"
        try:
            result, status, error = work(lambda days: _advance(job, days)), "done", None
        except Exception:  # a job never takes the worker down; the reason is logged, the owner told
            log.exception("simulation job %s failed", job.id)
            result, status, error = None, "failed", "the simulation failed"
        with job.lock:
            job.result, job.status, job.error, job.finished_at = result, status, error, self._clock()


def _advance(job: SimulationJob, days: int) -> None:
    with job.lock:
        job.days_done = days
    time.sleep(0)  # let request threads run between simulated days (and yield under a cooperative server)


def init_app(app: Flask) -> None:
    """Give the app its background simulations (``app.extensions['carnival.simulation_jobs']``)."""
    app.extensions["carnival.simulation_jobs"] = SimulationJobs()
