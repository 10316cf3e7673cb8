"""Extraction and enrichment on every core: a process pool shared by the tasks of one process.

trafilatura and spaCy's Python parts run under the GIL, so threads do not add cores; processes
do. The workers live as long as the process, so each loads the spaCy model once.
On a Dask cluster each worker is its own process, so tasks there run with one worker (flows/task_runners.py).
"""

from __future__ import annotations

import atexit
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from winnow.schemas.config import EnrichOptions, ExtractOptions
from winnow.schemas.config.environment import number_from_environment
from winnow.schemas.records import Article, EnrichInput, Enrichment, ExtractionFailure
from winnow.transforms.extract import PageInput, extract_batch

Item = TypeVar("Item")
Result = TypeVar("Result")

# The workers run this much nicer than the pipeline's process: on a machine with as many busy
# workers as cores, the flow's one thread (which loads every batch and hands the workers the
# next) would otherwise get a share of a core, and the workers wait on it at the end of a run.
WORKER_NICENESS = 5
# How many workers a run extracts and enriches on, unless its flow is given a number: by default
# one per core it may run on. WINNOW_EXTRACT_WORKERS sets it: fewer on a machine shared with other
# work, or in a container whose CPU quota is less than the cores it sees; 1 runs the work in the
# run's own process, with no pool (each worker costs a Python start and its own spaCy model).
WORKERS_ENV = "WINNOW_EXTRACT_WORKERS"

_pool: ProcessPoolExecutor | None = None
_pool_size = 0
_pool_lock = threading.Lock()
logger = logging.getLogger(__name__)


def default_workers() -> int:
    """$WINNOW_EXTRACT_WORKERS if set, else one worker per core this process may run on."""
    value = number_from_environment(WORKERS_ENV, minimum=1, whole=True)
    if value is not None:
        return int(value)
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def warm_up(workers: int) -> None:
    """Start the workers now, without waiting, so their imports overlap discovery and fetching."""
    if workers > 1:
        try:
            pool = _shared_pool(workers)
            for _ in range(workers):
                pool.submit(_ready)
        except (BrokenProcessPool, OSError):
            _discard_pool()  # the work will say so, or be done without the pool


def _ready() -> None:
    """Runs in a worker: importing this module (and trafilatura) is the work."""


def _start_worker(pipeline_pid: int) -> None:
    """Runs in each worker as it starts: when the pipeline's process is gone (killed, say), the
    worker exits too instead of running on as an orphan, holding its memory and cores; and it
    runs WORKER_NICENESS nicer than the pipeline.

    The worker ignores SIGTERM and SIGINT: sent to the whole process group (`timeout`, Ctrl-C),
    they are the pipeline's to handle (flows/stopping.py), and it needs its workers to finish
    the batch in hand."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.nice(WORKER_NICENESS)

    def watch() -> None:
        while True:
            time.sleep(1)
            try:
                os.kill(pipeline_pid, 0)
            except ProcessLookupError:
                os._exit(1)

    threading.Thread(target=watch, name="exit-with-pipeline", daemon=True).start()


def extract_pages(pages: list[PageInput], options: ExtractOptions, workers: int) -> list[Article | ExtractionFailure]:
    """Extract pages on `workers` processes (in this process when 1), keeping their order."""
    return _in_parts(extract_batch, pages, options, workers)


def enrich_articles(articles: list[EnrichInput], options: EnrichOptions, workers: int) -> list[Enrichment]:
    """Enrich articles on `workers` processes (in this process when 1), keeping their order."""
    from winnow.transforms.enrich.enricher import enrich_batch  # spaCy is imported only where enrichment runs

    return _in_parts(enrich_batch, articles, options, workers)


def _in_parts(
    work: Callable[[list[Item], Any], list[Result]], items: list[Item], options: Any, workers: int
) -> list[Result]:
    """`work(part, options)` over one part of `items` per worker, results in the items' order."""
    if workers <= 1 or len(items) < 2:
        return work(items, options)
    chunk = -(-len(items) // workers)
    parts = [items[i : i + chunk] for i in range(0, len(items), chunk)]
    try:
        return [result for part in _shared_pool(workers).map(work, parts, [options] * len(parts)) for result in part]
    except (BrokenProcessPool, OSError) as broken:
        # A worker died (killed by a signal to the process group as it started, or out of
        # memory): this batch is done here, in this process, and the next call makes a new pool.
        logger.warning("extraction pool broken (%s): working in this process", broken)
        _discard_pool()
        return work(items, options)


def _shared_pool(workers: int) -> ProcessPoolExecutor:
    global _pool, _pool_size
    with _pool_lock:
        if _pool is None or _pool_size != workers:
            if _pool is not None:
                _pool.shutdown()
            # spawn: forking a process that runs Prefect's threads is unsafe; and a forkserver,
            # which a signal to the process group kills, would take every worker's pipe with it.
            _pool = ProcessPoolExecutor(
                workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker,
                initargs=(os.getpid(),),
            )
            _pool_size = workers
            atexit.register(_pool.shutdown)
        return _pool


def _discard_pool() -> None:
    global _pool
    with _pool_lock:
        if _pool is not None:
            _pool.shutdown(wait=False, cancel_futures=True)
            _pool = None
