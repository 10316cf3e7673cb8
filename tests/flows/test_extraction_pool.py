"""The extraction pool's workers do not outlive the pipeline's process: after a SIGKILL of it
they exit on their own, rather than run on as orphans holding memory and cores. They run nicer
than the pipeline, and WINNOW_EXTRACT_WORKERS sets how many there are."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PIPELINE = """
import os, sys, time
from winnow.flows.extraction_pool import _shared_pool

if __name__ == "__main__":
    pool = _shared_pool(2)
    pids = set()
    while len(pids) < 2:
        pids |= {future.result() for future in [pool.submit(os.getpid) for _ in range(8)]}
    print(" ".join(map(str, sorted(pids))), flush=True)
    time.sleep(600)
"""


def running(pid: int) -> bool:
    try:
        return "State:\tZ" not in Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False


def test_workers_exit_when_the_pipeline_is_killed(tmp_path):
    script = tmp_path / "pipeline.py"
    script.write_text(PIPELINE)
    pipeline = subprocess.Popen(
        [sys.executable, str(script)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
    )
    try:
        workers = [int(pid) for pid in pipeline.stdout.readline().split()]
        assert len(workers) == 2 and all(running(pid) for pid in workers)
    finally:
        pipeline.send_signal(signal.SIGKILL)
        pipeline.wait()

    deadline = time.monotonic() + 10
    while any(running(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [pid for pid in workers if running(pid)]


def test_workers_run_nicer_than_the_pipeline():
    from winnow.flows.extraction_pool import WORKER_NICENESS, _shared_pool

    nicer = [_shared_pool(2).submit(os.nice, 0) for _ in range(4)]
    assert {future.result() for future in nicer} == {os.nice(0) + WORKER_NICENESS}


def test_winnow_extract_workers_sets_how_many_workers_a_run_uses(monkeypatch):
    from winnow.flows.extraction_pool import WORKERS_ENV, default_workers

    monkeypatch.delenv(WORKERS_ENV, raising=False)
    assert default_workers() == len(os.sched_getaffinity(0))  # one per core this process may use
    for workers in (1, 3):  # 1: no pool, the run's own process does the work
        monkeypatch.setenv(WORKERS_ENV, str(workers))
        assert default_workers() == workers
