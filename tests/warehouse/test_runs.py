from datetime import timedelta

from tests.support.records import T0
from winnow.schemas.records import RunSummary
from winnow.warehouse import runs
from winnow.warehouse.query import run_query


def test_a_run_is_recorded_at_start_and_finish(db_path):
    summary = RunSummary(run_id="run-1", started_at=T0, sources=["news", "other"])
    runs.start_run(db_path, summary, "ingest")
    assert run_query(db_path, "select flow, status, finished_at from runs").rows == [("ingest", "running", None)]
    summary.status, summary.finished_at, summary.fetched, summary.new, summary.seconds = (
        "completed",
        T0 + timedelta(seconds=9),
        12,
        10,
        9.0,
    )
    runs.finish_run(db_path, summary)
    row = run_query(db_path, "select status, finished_at, sources, fetched, new, seconds from runs").rows
    assert row == [("completed", T0 + timedelta(seconds=9), ["news", "other"], 12, 10, 9.0)]
