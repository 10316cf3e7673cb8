"""Crash safety: a real `winnow run` killed with SIGKILL during fetch, another during load; the
next run finishes the work. Each batch is one DuckDB transaction (frontier, pages, articles
together) and DuckDB replays its WAL on open, so a kill loses at most the batch in hand, which is
still due in the frontier; the run a kill left 'running' is marked 'crashed' by the next run."""

from __future__ import annotations

import time
from contextlib import ExitStack
from datetime import timedelta

import pytest

from tests.support.records import T0
from tests.support.winnow_process import (
    assert_clean,
    count,
    holder_pid,
    kill,
    killable_run,
    run_winnow,
    wait_for,
    winnow_env,
    write_bench_config,
)
from winnow.demo.server import serve_site
from winnow.flows.page_batches import BATCH_WAIT_ENV
from winnow.schemas.records import RunSummary
from winnow.warehouse import runs
from winnow.warehouse.query import run_query

PAGES = 100
RATE = 25.0  # pages per second: 4 s of fetching, time to kill the run in it
# The run killed during load loads a batch once its first page has waited this long, the others
# after the default 5 s: the run killed during fetch must have loaded nothing yet.
LOAD_KILL_BATCH_WAIT_S = "1"


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


@pytest.mark.slow
def test_runs_killed_during_fetch_and_during_load_leave_the_next_run_a_whole_database(prefect_harness, tmp_path):
    env = winnow_env(tmp_path, prefect_harness)
    db = tmp_path / "w.duckdb"
    with serve_site(port=0, copies=PAGES) as base_url, ExitStack() as killed_runs:
        config = tmp_path / "sources.yaml"
        write_bench_config(config, base_url, PAGES, RATE)
        args = ["run", "--config", str(config), "--db", str(db)]

        # Killed during fetch: discovery has queued every URL, and the first batch is being fetched.
        during_fetch = killed_runs.enter_context(killable_run(args, tmp_path, env))
        wait_for(lambda: count(db, "select count(*) from frontier") == PAGES, during_fetch, "URLs queued")
        time.sleep(1.0)
        kill(during_fetch)
        assert count(db, "select count(*) from articles") == 0
        assert count(db, "select count(*) from frontier where state = 'pending'") == PAGES  # all still due

        # Killed during load: the first moment it holds the file after its first batch is in.
        load_env = {**env, BATCH_WAIT_ENV: LOAD_KILL_BATCH_WAIT_S}
        during_load = killed_runs.enter_context(killable_run(args, tmp_path, load_env))
        wait_for(lambda: (count(db, "select count(*) from articles") or 0) > 0, during_load, "a batch loaded")
        wait_for(lambda: holder_pid(db) == during_load.pid, during_load, "the next write")
        kill(during_load)
        loaded = count(db, "select count(*) from articles")  # DuckDB replays the WAL on this open
        assert 0 < loaded < PAGES
        assert count(db, "select count(*) from frontier where state = 'fetched'") == loaded

        # The pages left, at once: the rate only gave the kills above their time.
        write_bench_config(config, base_url, PAGES, 1000.0)
        finishing = run_winnow(args, tmp_path, env)
    assert_clean(finishing)
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
