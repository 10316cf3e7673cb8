"""The ingest and reprocess flows on a Dask cluster of two local worker processes, reached by
its scheduler address as a multi-machine cluster would be: the same warehouse as the local runner."""

from __future__ import annotations

import os

import pytest

from winnow.demo.server import render_sources, serve_site
from winnow.warehouse.query import run_query

pytestmark = [pytest.mark.prefect, pytest.mark.slow]

# Discovery and fetching stay in the flow's process: one Crawl per run keeps each host's politeness
# (robots.txt once, one rate, one connection budget), which workers each on their own could not.
TASKS_ON_WORKERS = {"extract", "enrich_part", "extract_stored"}
WAREHOUSE = {
    "articles": "select url, title, text from articles order by url",
    "chaff": "select article_id, kind, text from article_chaff order by all",
    "mentions": "select article_id, entity_id, surface_forms, count from mentions order by all",
    "events": "select article_id, event_type, actor1, actor2, location, event_date from events order by all",
}


@pytest.fixture(scope="module")
def dask_cluster(prefect_harness):
    from distributed import Client, LocalCluster

    # The workers report their task runs to the test's Prefect server, as a cluster's workers
    # would to the team's server.
    env = {
        "PREFECT_API_URL": prefect_harness,
        "PREFECT_HOME": os.environ["PREFECT_HOME"],
        "DASK_LOGGING__DISTRIBUTED": "warning",
    }
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, env=env) as cluster,
        Client(cluster) as client,
    ):
        yield cluster.scheduler_address, client


def test_ingest_on_two_dask_workers_loads_what_the_local_runner_loads(dask_cluster, tmp_path):
    from distributed import get_task_stream

    from winnow.flows.ingest import ingest
    from winnow.flows.reprocess import reprocess
    from winnow.schemas.config import RunnerConfig

    address, client = dask_cluster
    with serve_site(port=0) as base_url:
        config = tmp_path / "sources.yaml"
        # Validation runs in the flow's process, beside the loads, and is not what is compared: seconds a batch.
        config.write_text("validation: {enabled: false}\n" + render_sources(base_url), encoding="utf-8")
        local_db, dask_db = tmp_path / "local.duckdb", tmp_path / "dask.duckdb"
        # One publisher's ten articles: three extract batches and their enrichment, enough to spread.
        one = ["harbour-herald"]
        ingest(config_path=str(config), db_path=str(local_db), source_names=one, batch_size=4, extract_workers=1)
        with get_task_stream(client) as stream:
            summary = ingest(
                config_path=str(config),
                db_path=str(dask_db),
                source_names=one,
                batch_size=4,
                runner=RunnerConfig(kind="dask", address=address),
            )
            again = reprocess(
                config_path=str(config),
                db_path=str(dask_db),
                source_names=one,
                batch_size=4,
                runner=RunnerConfig(kind="dask", address=address),
            )

    assert summary.status == "completed" and summary.new == 10 and summary.enriched == 10
    assert again.status == "completed" and again.new == 0 and again.updated == 0
    for table, sql in WAREHOUSE.items():
        local, on_dask = run_query(local_db, sql).rows, run_query(dask_db, sql).rows
        assert on_dask == local and local, table
    # Extraction and enrichment ran on the cluster, spread over both workers; loads never did.
    workers_by_task: dict[str, set[str]] = {}
    for record in stream.data:
        name = _prefect_task_name(record["key"])
        workers_by_task.setdefault(name, set()).add(record["worker"])
    assert TASKS_ON_WORKERS <= set(workers_by_task), workers_by_task
    assert len(set().union(*workers_by_task.values())) == 2
    assert not {"load_batch", "reprocess_batch", "discover"} & set(workers_by_task)


def _prefect_task_name(dask_key: str) -> str:
    """prefect-dask names a Dask key after the Prefect task: `<task name>-<run id hex>`."""
    return dask_key.rsplit("-", 1)[0]
