"""A run's fetching: one Fetcher, on an event loop of its own, shared by every source of the run.

The Fetcher's politeness state (robots.txt per host, per-host pacing and connection gates,
timeouts per host) lasts as long as the Crawl, so one Crawl per run asks each host for
robots.txt once, however many sources, feeds and pages it serves. The flow's thread hands the
Crawl its work (`call`, `stream`) and takes pages as they arrive, so a slow URL holds up nothing
but itself. `stop()` may be called from anywhere, a signal handler included: what is running
is cancelled, and what was not fetched stays due.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import TypeVar

from winnow.schemas.records import FetchResult
from winnow.sources.fetch import Fetcher, FetchPolicy, FetchRequest

T = TypeVar("T")
_END = object()  # the stream's last item: every request was answered, deferred or cancelled


class CrawlStopped(Exception):
    """The work was cancelled because the crawl was stopped."""


class Crawl:
    """One run's Fetcher on a background event loop; use as `with Crawl(policy) as crawl:`."""

    def __init__(self, policy: FetchPolicy) -> None:
        """`policy` applies where a fetch names none (each source's fetches name their own)."""
        self._policy = policy
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="crawl", daemon=True)
        self._fetcher: Fetcher | None = None
        self._stopped = False

    def __enter__(self) -> Crawl:
        self._thread.start()
        self._fetcher = self._run_now(self._open())
        return self

    def __exit__(self, *exc_info: object) -> None:
        try:
            self._run_now(self._fetcher.__aexit__(None, None, None))
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join()
            self._loop.close()

    @property
    def stopped(self) -> bool:
        return self._stopped

    def call(self, work: Callable[[Fetcher], Awaitable[T]]) -> T:
        """Run `work(fetcher)` on the crawl's loop and return what it returns; CrawlStopped if the
        crawl is (or gets) stopped first."""
        if self._stopped:
            raise CrawlStopped
        try:
            return self._run_now(work(self._fetcher))
        except asyncio.CancelledError:
            raise CrawlStopped from None

    def stream(
        self,
        requests: list[FetchRequest],
        policy_for: Callable[[str], FetchPolicy],
        deadline_s: Callable[[str], float | None],
        buffer: int,
    ) -> FetchStream:
        """Start fetching `requests` in the background (see FetchStream). `policy_for(source)` and
        `deadline_s(source)` (seconds from now, None: none) are the sources' settings; at most
        `buffer` fetched results wait to be taken and released."""
        return FetchStream(self, requests, policy_for, deadline_s, buffer)

    def stop(self) -> None:
        """Cancel what runs on the crawl's loop; nothing new starts. Safe in a signal handler."""
        self._stopped = True
        self._loop.call_soon_threadsafe(self._cancel_all)

    def _cancel_all(self) -> None:
        for task in asyncio.all_tasks(self._loop):
            task.cancel()

    def _submit(self, coroutine: Awaitable[T]):
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop)

    def _run_now(self, coroutine: Awaitable[T]) -> T:
        return self._submit(coroutine).result()

    async def _open(self) -> Fetcher:
        return await Fetcher(self._policy).__aenter__()


class FetchStream:
    """Requests being fetched in the background: their results are taken as they complete,
    whatever order they complete in.

    A result taken holds a buffer slot until the taker `release`s it (once it is loaded), so
    fetching runs at most `buffer` results ahead of the loading. Requests deferred (fetch deadline,
    host backed off) are counted in `deferred`, never returned; after `stop()`, the ones not yet
    answered are dropped and stay due.
    """

    def __init__(
        self,
        crawl: Crawl,
        requests: list[FetchRequest],
        policy_for: Callable[[str], FetchPolicy],
        deadline_s: Callable[[str], float | None],
        buffer: int,
    ) -> None:
        self._crawl = crawl
        self._results: queue.SimpleQueue = queue.SimpleQueue()
        self._slots = asyncio.Semaphore(buffer)
        self._finished = False
        self._failure: BaseException | None = None  # a bug in the fetching, raised by take()
        self._task: asyncio.Task | None = None
        self.requested = len(requests)
        self.taken = 0
        self.deferred: Counter[tuple[str, str]] = Counter()  # (source, reason) -> URLs
        crawl._loop.call_soon_threadsafe(self._start, requests, policy_for, deadline_s)

    def _start(
        self,
        requests: list[FetchRequest],
        policy_for: Callable[[str], FetchPolicy],
        deadline_s: Callable[[str], float | None],
    ) -> None:
        self._task = self._crawl._loop.create_task(self._fetch_all(requests, policy_for, deadline_s))
        self._task.add_done_callback(self._end)
        if self._crawl.stopped:
            self._task.cancel()

    def _end(self, task: asyncio.Task) -> None:
        # On the loop, once the task is over (cancelled too): no result can follow the end mark.
        self._failure = None if task.cancelled() else task.exception()
        self._results.put(_END)

    @property
    def done(self) -> bool:
        """Whether every result has been taken (and no more will come)."""
        return self._finished

    def take(self, wait_s: float) -> list[FetchResult]:
        """The results completed so far, waiting up to `wait_s` for the first; [] if none came."""
        taken: list[FetchResult] = []
        if self._finished:
            return taken
        try:
            item = self._results.get(timeout=wait_s)
            while True:
                if item is _END:
                    self._finished = True
                    if self._failure is not None:
                        raise self._failure
                    break
                taken.append(item)
                item = self._results.get_nowait()
        except queue.Empty:
            pass
        self.taken += len(taken)
        return taken

    def release(self, count: int) -> None:
        """`count` results taken are done with (loaded): as many more may be fetched."""

        def free() -> None:
            for _ in range(count):
                self._slots.release()

        self._crawl._loop.call_soon_threadsafe(free)

    def stop(self) -> None:
        """Cancel the fetches not yet answered; what was answered can still be taken."""
        self._crawl._loop.call_soon_threadsafe(lambda: self._task and self._task.cancel())

    @property
    def not_asked(self) -> int:
        """Requests neither answered nor deferred: dropped by a stop (valid once `done`)."""
        return self.requested - self.taken - sum(self.deferred.values())

    async def _fetch_all(
        self,
        requests: list[FetchRequest],
        policy_for: Callable[[str], FetchPolicy],
        deadline_s: Callable[[str], float | None],
    ) -> None:
        fetcher, loop = self._crawl._fetcher, asyncio.get_running_loop()
        deadlines = {
            source: loop.time() + seconds
            for source in {r.source for r in requests}
            if (seconds := deadline_s(source)) is not None
        }

        async def hand_over(result: FetchResult) -> None:
            if result.outcome == "deferred":
                self.deferred[(result.source, result.error or "deferred")] += 1
                return
            await self._slots.acquire()
            self._results.put(result)

        await asyncio.gather(
            *(
                fetcher.fetch_queued(r, policy_for(r.source), not_after=deadlines.get(r.source), hand_over=hand_over)
                for r in requests
            )
        )
