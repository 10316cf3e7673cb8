"""Extraction on every core: a process pool shared by the extract tasks of one process.

trafilatura is pure-Python work under the GIL, so threads do not add cores; processes do.
On a Dask cluster each worker is its own process, so set `extract_workers` to 1 there.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

from schemas.records import Article, ExtractionFailure
from transforms.extract import ExtractOptions, PageInput, extract_batch

_pool: ProcessPoolExecutor | None = None
_pool_size = 0


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def warm_up(workers: int) -> None:
    """Start the workers now, without waiting, so their imports overlap discovery and fetching."""
    if workers > 1:
        pool = _shared_pool(workers)
        for _ in range(workers):
            pool.submit(_ready)


def _ready() -> None:
    """Runs in a worker: importing this module (and trafilatura) is the work."""


def extract_pages(pages: list[PageInput], options: ExtractOptions, workers: int) -> list[Article | ExtractionFailure]:
    """Extract pages on `workers` processes (in this process when 1), keeping their order."""
    if workers <= 1 or len(pages) < 2:
        return extract_batch(pages, options)
    pool = _shared_pool(workers)
    chunk = -(-len(pages) // workers)
    parts = [pages[i:i + chunk] for i in range(0, len(pages), chunk)]
    return [record for part in pool.map(extract_batch, parts, [options] * len(parts)) for record in part]


def _shared_pool(workers: int) -> ProcessPoolExecutor:
    global _pool, _pool_size
    if _pool is None or _pool_size != workers:
        if _pool is not None:
            _pool.shutdown()
        # forkserver: forking a process that runs Prefect's threads is unsafe.
        _pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("forkserver"))
        _pool_size = workers
        atexit.register(_pool.shutdown)
    return _pool
