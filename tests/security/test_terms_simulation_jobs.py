"""Background simulations (server/simulation_jobs.py): a bounded pool, a bounded queue, progress, failures
reported without taking the worker down, results forgotten an hour after they finish."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from server import simulation_jobs
from server.simulation_jobs import JobsBusy, SimulationJob, SimulationJobs

WAIT_SECONDS = 10


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def jobs(clock: Clock) -> Iterator[SimulationJobs]:
    running = SimulationJobs(workers=1, clock=clock)
    yield running
    running.shutdown()


def finished(job: SimulationJob) -> dict[str, Any]:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        shown = job.snapshot()
        if shown["status"] in ("done", "failed"):
            return shown
        time.sleep(0.01)
    raise AssertionError("the job did not finish")


def blocked(gate: threading.Event) -> Callable[[Callable[[int], None]], dict[str, Any]]:
    def work(progress: Callable[[int], None]) -> dict[str, Any]:
        progress(1)
        gate.wait(WAIT_SECONDS)
        progress(2)
        return {"cost_median_fen": 1.0}

    return work


def test_a_job_reports_progress_then_its_result(jobs: SimulationJobs) -> None:
    gate = threading.Event()
    job = jobs.submit(owner=1, days=2, work=blocked(gate))
    deadline = time.monotonic() + WAIT_SECONDS
    while job.snapshot()["days_done"] < 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert {k: job.snapshot()[k] for k in ("status", "days_done", "progress")} == {
        "status": "running",
        "days_done": 1,
        "progress": 0.5,
    }
    gate.set()
    assert finished(job)["result"] == {"cost_median_fen": 1.0}


def test_one_account_may_have_two_jobs_pending_and_all_accounts_four(jobs: SimulationJobs) -> None:
    gate = threading.Event()
    try:
        for _ in range(simulation_jobs.MAX_PENDING_PER_OWNER):
            jobs.submit(owner=1, days=2, work=blocked(gate))
        with pytest.raises(JobsBusy):
            jobs.submit(owner=1, days=2, work=blocked(gate))
        jobs.submit(owner=2, days=2, work=blocked(gate))
        jobs.submit(owner=3, days=2, work=blocked(gate))
        with pytest.raises(JobsBusy):
            jobs.submit(owner=4, days=2, work=blocked(gate))
    finally:
        gate.set()


def test_a_failed_job_says_so_and_the_worker_goes_on(jobs: SimulationJobs, caplog: pytest.LogCaptureFixture) -> None:
    def broken(progress: Callable[[int], None]) -> dict[str, Any]:
        raise MemoryError("no room")

    failed = finished(jobs.submit(owner=1, days=1, work=broken))
    assert (failed["status"], failed["error"], failed["result"]) == ("failed", "the simulation failed", None)
    assert "simulation job" in caplog.text
    assert finished(jobs.submit(owner=1, days=1, work=lambda progress: {"ok": 1}))["status"] == "done"


def test_a_finished_job_is_kept_for_an_hour_for_its_owner_only(jobs: SimulationJobs, clock: Clock) -> None:
    job = jobs.submit(owner=1, days=1, work=lambda progress: {"ok": 1})
    finished(job)
    assert jobs.get(job.id, owner=2) is None
    clock.now += simulation_jobs.KEEP_SECONDS
    assert jobs.get(job.id, owner=1) is job
    clock.now += 1
    assert jobs.get(job.id, owner=1) is None
