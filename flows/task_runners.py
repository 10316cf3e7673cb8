"""Where a flow's extract and enrich tasks run: the Prefect task runner the `runner:`
setting names (schemas/config/runner.py), and how work is cut for it.

The DuckDB writes never go to the runner: the flow's own thread loads every batch, so a Dask
worker only needs the network and winnow's code, never the database file.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from prefect import Task
from prefect.client.orchestration import get_client
from prefect.futures import PrefectFuture
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner
from prefect.utilities.annotations import quote

from winnow.flows.extraction_pool import default_workers, warm_up
from winnow.schemas.config import RunnerConfig

# Articles per enrich task on Dask. Each task costs Prefect and Dask bookkeeping, so parts are large
# (bench/ingest.py, 500 pages: the enrich stage took 31 s in parts of 25, 28 s in parts of 100).
# Every batch goes out at once, so a cluster still gets one task per 100 articles to spread.
DASK_ENRICH_PART = 100


class Stages:
    """A started task runner for a run's stages; use as a context manager."""

    def __init__(self, config: RunnerConfig, extract_workers: int | None = None) -> None:
        self.config = config
        self.on_dask = config.kind == "dask"
        # A Dask worker is a process of its own: a pool inside it would only compete for its cores.
        self.extract_workers = 1 if self.on_dask else (extract_workers or default_workers())
        self.runner = _dask_runner(config) if self.on_dask else ThreadPoolTaskRunner()

    def __enter__(self) -> Stages:
        if not self.on_dask:
            warm_up(self.extract_workers)
        self.runner.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.runner.__exit__(*exc)

    def submit(self, task: Task, wait_for: Iterable[PrefectFuture] = (), **parameters: Any) -> PrefectFuture:
        """Run `task(**parameters)` on the runner once `wait_for` are done.

        Locally the parameters are quoted: Prefect would otherwise walk every page and record in
        them looking for futures, which cost more than the load of a batch (bench/backfill.py).
        prefect_dask walks them whatever is done, and rebuilds a quoted value wrongly."""
        if not self.on_dask:
            parameters = {name: quote(value) for name, value in parameters.items()}
        return self.runner.submit(task, parameters, wait_for=list(wait_for) or None)


def _dask_runner(config: RunnerConfig) -> TaskRunner:
    from prefect_dask import DaskTaskRunner  # distributed takes a second to import: only when asked for

    # The scheduler and the local workers log every connection at INFO, and a traceback when a
    # worker's comm closes at shutdown, which is normal there.
    logging.getLogger("distributed").setLevel(logging.WARNING)
    if config.address:
        return DaskTaskRunner(address=config.address)
    workers = config.workers or default_workers()
    cluster: dict[str, Any] = {
        "n_workers": workers,
        "threads_per_worker": 1,
        "processes": config.processes,
        "dashboard_address": None,
    }
    if config.processes:
        # Worker processes report their task runs to this run's Prefect API, even the temporary
        # server a plain script starts (else each worker would start one of its own).
        with get_client(sync_client=True) as client:
            api_url = str(client.api_url)
        cluster["env"] = {"PREFECT_API_URL": api_url, "DASK_LOGGING__DISTRIBUTED": "warning"}
    return DaskTaskRunner(cluster_kwargs=cluster)
