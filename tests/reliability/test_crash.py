"""Crash safety: a real `winnow run` killed with SIGKILL during fetch, another during load; the
next run finishes the work. Each batch is one DuckDB transaction (frontier, pages, articles
together) and DuckDB replays its WAL on open, so a kill loses at most the batch in hand, which is
still due in the frontier; the run a kill left 'running' is marked 'crashed' by the next run."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, suppress
from datetime import timedelta
from pathlib import Path

import pytest

from tests.flows.test_cli import WINNOW, _assert_clean, _run_winnow
from tests.reliability.ingest_process import count, holder_pid, winnow_env, write_bench_config
from tests.warehouse.conftest import T0
from winnow.demo.server import serve_site
from winnow.schemas.records import RunSummary
from winnow.warehouse import runs
from winnow.warehouse.query import run_query

PAGES = 300  # two batches: 200, then 100
RATE = 25.0  # pages per second: the first batch takes 8 s to fetch, time to kill the run in it


def test_a_run_left_running_is_marked_crashed_by_the_next_one(tmp_path):
    db = tmp_path / "w.duckdb"
    assert runs.start_run(db, RunSummary("run-1", T0, sources=["news"]), "ingest") == []
    crashed = runs.start_run(db, RunSummary("run-2", T0 + timedelta(hours=1), sources=["news"]), "ingest")
    assert crashed == [("run-1", "ingest", T0)]
    assert run_query(db, "select run_id, status from runs order by run_id").rows == [
        ("run-1", "crashed"),
        ("run-2", "running"),
    ]
    # A flow run Prefect retries (the same id) starts over; it did not crash.
    assert runs.start_run(db, RunSummary("run-2", T0 + timedelta(hours=2), sources=["news"]), "ingest") == []


@contextmanager
def _killable_run(args: list[str], cwd: Path, env: dict[str, str]) -> Iterator[subprocess.Popen]:
    """A `winnow` process in a process group of its own, its output in a file: its extraction
    workers outlive a SIGKILL of it (as they would in production) and would hold a pipe open.
    They are ended with the group when the block exits, and not before: the next run must not
    be hindered by them."""
    with open(cwd / f"winnow-{time.monotonic_ns()}.log", "w+") as output:
        run = subprocess.Popen(
            [str(WINNOW), *args], cwd=cwd, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
        run.output = output
        try:
            yield run
        finally:
            with suppress(ProcessLookupError):
                os.killpg(run.pid, signal.SIGKILL)
            run.wait()


def _wait_for(condition: Callable[[], bool], run: subprocess.Popen, what: str, timeout_s: float = 240) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if run.poll() is not None:
            run.output.seek(0)
            pytest.fail(f"the run ended before {what}:\n{run.output.read()}")
        if time.monotonic() > deadline:
            pytest.fail(f"no {what} after {timeout_s:g} s")
        time.sleep(0.02)


def _kill(run: subprocess.Popen) -> None:
    """SIGKILL the winnow process itself (not its group): the harshest end, its workers left behind."""
    os.kill(run.pid, signal.SIGKILL)
    assert run.wait() == -signal.SIGKILL


@pytest.mark.slow
def test_runs_killed_during_fetch_and_during_load_leave_the_next_run_a_whole_database(prefect_api, tmp_path):
    env = winnow_env(tmp_path, prefect_api)
    db = tmp_path / "w.duckdb"
    with serve_site(port=0, copies=PAGES) as base_url, ExitStack() as killed_runs:
        config = tmp_path / "sources.yaml"
        write_bench_config(config, base_url, PAGES, RATE)
        args = ["run", "--config", str(config), "--db", str(db)]

        # Killed during fetch: discovery has queued every URL, and the first batch is being fetched.
        during_fetch = killed_runs.enter_context(_killable_run(args, tmp_path, env))
        _wait_for(lambda: count(db, "select count(*) from frontier") == PAGES, during_fetch, "URLs queued")
        time.sleep(1.0)
        _kill(during_fetch)
        assert count(db, "select count(*) from articles") == 0
        assert count(db, "select count(*) from frontier where state = 'pending'") == PAGES  # all still due

        # Killed during load: the first moment it holds the file after its first batch is in.
        during_load = killed_runs.enter_context(_killable_run(args, tmp_path, env))
        _wait_for(lambda: (count(db, "select count(*) from articles") or 0) > 0, during_load, "a batch loaded")
        _wait_for(lambda: holder_pid(db) == during_load.pid, during_load, "the next write")
        _kill(during_load)
        loaded = count(db, "select count(*) from articles")  # DuckDB replays the WAL on this open
        assert 0 < loaded < PAGES
        assert count(db, "select count(*) from frontier where state = 'fetched'") == loaded

        finishing = _run_winnow(args, tmp_path, env)
    _assert_clean(finishing)
    assert "did not finish (its process died): marked crashed" in finishing.stderr

    def rows(sql: str) -> list[tuple]:
        return run_query(db, sql).rows

    assert [status for (status,) in rows("select status from runs order by started_at")] == [
        "crashed",
        "crashed",
        "completed",
    ]
    assert rows("select new from runs where status = 'completed'") == [(PAGES - loaded,)]
    assert rows("select count(*), count(distinct article_id), count(distinct url) from articles") == [
        (PAGES, PAGES, PAGES)
    ]
    assert rows("select count(*), count(distinct url) from pages") == [(PAGES, PAGES)]
    assert rows("select state, count(*), count(distinct url) from frontier group by state") == [
        ("fetched", PAGES, PAGES)
    ]  # every URL discovered is in one final state
    # Each page was loaded once: the fetches of the killed runs' unloaded batches left no trace.
    assert rows("select count(*), count(distinct url) from fetch_log where kind = 'page'") == [(PAGES, PAGES)]
