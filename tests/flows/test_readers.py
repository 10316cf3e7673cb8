"""Readers while writing: queries in a loop during a real ingest (another process) never fail,
and the ingest never fails because of them: each side holds the file briefly and waits its turn."""

from __future__ import annotations

import os
import time

import pytest

from tests.support.winnow_process import assert_clean, finish, start_winnow
from winnow.demo.server import render_sources, serve_site
from winnow.flows.extraction_pool import WORKERS_ENV
from winnow.warehouse.db import WarehouseMissing
from winnow.warehouse.query import run_query

pytestmark = [pytest.mark.prefect, pytest.mark.slow]


def test_queries_in_a_loop_during_an_ingest_never_fail(prefect_harness, tmp_path):
    env = {name: value for name, value in os.environ.items() if not name.startswith("PREFECT_")}
    env.update(PREFECT_HOME=str(tmp_path / "prefect-home"), PREFECT_API_URL=prefect_harness, NO_COLOR="1")
    env[WORKERS_ENV] = "1"  # no extraction pool: two Python starts and spaCy models, not what is tested
    db = tmp_path / "w.duckdb"
    counts: list[int] = []
    with serve_site(port=0) as base_url:
        config = tmp_path / "sources.yaml"
        # GX's import and checks (seconds of the run's CPU) are not what is tested; the loads and
        # the enrichment's writes are.
        config.write_text("validation: {enabled: false}\n" + render_sources(base_url), encoding="utf-8")
        ingest = start_winnow(["run", "--config", str(config), "--db", str(db)], tmp_path, env)
        while ingest.poll() is None:
            try:
                counts.append(run_query(db, "select count(*) from articles").rows[0][0])
            except WarehouseMissing:  # the run has not created the file yet
                pass
            time.sleep(0.1)  # each read is ~15-20 ms of CPU, taken from the run under test
        finished = finish(ingest)

    assert_clean(finished)
    assert len(counts) >= 10, counts  # the reader really read while the run wrote
    assert counts == sorted(counts) and counts[-1] == 30  # it saw the articles arrive, never an error
    assert run_query(db, "select status, new from runs").rows == [("completed", 30)]
