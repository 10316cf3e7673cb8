"""Two writing runs on one database: the second stops at once with a message naming the first,
and nothing is written twice. The run lock is an flock, so a dead holder blocks nobody."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest

from tests.support.winnow_process import assert_clean, finish, start_winnow, winnow_env
from winnow.demo.server import render_sources, serve_site
from winnow.flows.extraction_pool import WORKERS_ENV
from winnow.warehouse.query import run_query
from winnow.warehouse.run_lock import RunLocked, lock_path, run_lock

HOLD_LOCK = """
import sys, time
from winnow.warehouse.run_lock import run_lock
with run_lock(sys.argv[1], "ingest", "run-held"):
    print("held", flush=True)
    time.sleep(600)
"""


def _hold_in_another_process(db) -> subprocess.Popen:
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(db)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline() == "held\n"
    return holder


def test_a_second_run_stops_naming_the_first_and_a_killed_holder_blocks_nobody(tmp_path):
    db = tmp_path / "w.duckdb"
    holder = _hold_in_another_process(db)
    try:
        started = time.monotonic()
        with pytest.raises(RunLocked) as locked, run_lock(db, "reprocess", wait_s=0.5):
            pass
        assert 0.5 <= time.monotonic() - started < 3
        assert f"another run is writing to {db}: ingest run run-held (pid {holder.pid}, since " in str(locked.value)
        assert "WINNOW_RUN_LOCK_WAIT" in str(locked.value)
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    with run_lock(db, "ingest", "run-2", wait_s=0):  # the kernel released the dead holder's lock
        assert '"run_id": "run-2"' in lock_path(db).read_text()
    assert lock_path(db).read_text() == ""  # released: it names nobody


def test_the_lock_is_reentrant_within_a_process(tmp_path):
    db = tmp_path / "w.duckdb"
    with run_lock(db, "ingest", wait_s=0):  # as the CLI takes it, before the flow run has an id
        with run_lock(db, "ingest", "run-1", wait_s=0):  # as the flow takes it
            assert '"run_id": "run-1"' in lock_path(db).read_text()
        holder = subprocess.run(
            [sys.executable, "-c", HOLD_LOCK.replace("600", "0"), str(db)], capture_output=True, text=True
        )
        assert "RunLocked" in holder.stderr and "run run-1" in holder.stderr  # still held after the inner block


@pytest.mark.slow
def test_two_ingests_started_at_once(prefect_harness, tmp_path):
    # No extraction pool (two Python starts in the winner's run): the lock is what is tested.
    env = {**winnow_env(tmp_path, prefect_harness), WORKERS_ENV: "1"}
    db = tmp_path / "w.duckdb"
    with serve_site(port=0) as base_url:
        config = tmp_path / "sources.yaml"
        # Validation and enrichment are not what is tested: seconds of the winner's run each.
        checks_off = "validation:\n  enabled: false\nenrich:\n  enabled: false\n"
        config.write_text(checks_off + render_sources(base_url), encoding="utf-8")
        args = ["run", "--config", str(config), "--db", str(db)]
        first, second = start_winnow(args, tmp_path, env), start_winnow(args, tmp_path, env)
        finished = {process.pid: finish(process) for process in (first, second)}

    loser_pid, loser = next((pid, run) for pid, run in finished.items() if run.returncode != 0)
    winner_pid, winner = next((pid, run) for pid, run in finished.items() if pid != loser_pid)
    assert_clean(winner)
    assert loser.returncode == 1 and "Traceback" not in loser.stdout + loser.stderr
    assert f"error: another run is writing to {db}: ingest (pid {winner_pid}, since " in loser.stderr
    assert run_query(db, "select status, new from runs").rows == [("completed", 30)], winner.stdout + winner.stderr
    assert run_query(db, "select count(*), count(distinct url) from articles").rows == [(30, 30)]
    assert run_query(db, "select count(*) - count(distinct url) from frontier").rows == [(0,)]
