"""Fetched pages gathered into batches for extract and load, as they arrive.

A batch is one source's pages (its chaff rules and its validation go together). It is ready when
it holds `size` pages, or when its first page has waited `wait_s`: then a slow URL never keeps
the pages fetched before it from being loaded, and a run stopped at any moment has loaded all
but the last few seconds of its pages.
"""

from __future__ import annotations

import time

from winnow.schemas.config.environment import number_from_environment
from winnow.schemas.records import FetchResult

# A batch not yet full is loaded once its first page has waited this long: a slow page delays
# nothing, and a stopped or killed run loses at most these last seconds of fetching.
# WINNOW_BATCH_WAIT (seconds) changes it: longer for a feed whose pages trickle in (fewer, larger
# loads), shorter to see pages in the warehouse sooner.
BATCH_WAIT_ENV = "WINNOW_BATCH_WAIT"
DEFAULT_BATCH_WAIT_S = 5.0


def batch_wait_s() -> float:
    """$WINNOW_BATCH_WAIT seconds if set, else DEFAULT_BATCH_WAIT_S."""
    value = number_from_environment(BATCH_WAIT_ENV, minimum=0)
    return DEFAULT_BATCH_WAIT_S if value is None else value


class PageBatches:
    """Per-source batches of fetch results, handed out when full or old enough."""

    def __init__(self, size: int, wait_s: float) -> None:
        self.size, self.wait_s = size, wait_s
        self._gathering: dict[str, list[tuple[float, FetchResult]]] = {}  # source -> (arrival, result)

    def __bool__(self) -> bool:
        return bool(self._gathering)

    def add(self, result: FetchResult, now: float | None = None) -> None:
        arrival = time.monotonic() if now is None else now
        self._gathering.setdefault(result.source, []).append((arrival, result))

    def ready(self, now: float | None = None, flush: bool = False) -> list[tuple[str, list[FetchResult]]]:
        """The batches to extract now, (source, results) each; with `flush`, every one."""
        now = time.monotonic() if now is None else now
        batches = []
        for source, waiting in list(self._gathering.items()):
            while waiting and (len(waiting) >= self.size or flush or now - waiting[0][0] >= self.wait_s):
                batches.append((source, [result for _, result in waiting[: self.size]]))
                waiting = waiting[self.size :]
            if waiting:
                self._gathering[source] = waiting
            else:
                del self._gathering[source]
        return batches
