"""Stopping a run when asked: SIGTERM (`timeout`, `docker stop`, systemd, a Prefect cancellation)
or SIGINT (Ctrl-C).

The first signal asks the run to stop: it fetches nothing more, loads what it has in hand, records
itself as `cancelled` with what it loaded, and its flow run ends Cancelled; the next run goes on
from there. A second signal, a second or more after the first, stops at once: the batch being
written is rolled back (each batch is one transaction), and the run is still recorded as
`cancelled`. (`timeout` and a terminal signal the process and its group at once, so a repeat
within that second is the same request.)

A signal handler runs between two bytecodes of the main thread, wherever that thread is (inside a
logging call, holding a lock): the handler here only records the request and wakes what waits
for it; the logging and the rest happen in other threads or in the run's own code.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from winnow.schemas.records import RunSummary

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
REPEAT_WINDOW_S = 1.0  # a signal this soon after the first is the same request, delivered twice


class RunInterrupted(BaseException):
    """A second stop signal: leave at once (a BaseException, so no handler on the way keeps it)."""

    def __init__(self, signal_number: int) -> None:
        super().__init__(signal.Signals(signal_number).name)
        self.signal_number = signal_number


class RunStopped(Exception):
    """The run stopped on a signal before its work was done; `summary` says what it did."""

    def __init__(self, summary: RunSummary, signal_number: int) -> None:
        super().__init__(f"run {summary.run_id} stopped by {signal.Signals(signal_number).name}")
        self.summary = summary
        self.signal_number = signal_number


class Stop:
    """Whether the run was asked to stop, and by which signal; callbacks run when it is."""

    def __init__(self) -> None:
        self.signal_number: int | None = None
        self.asked = threading.Event()  # set with the request: a thread may wait for it
        self._asked_at = 0.0
        self._callbacks: list[Callable[[], None]] = []

    @property
    def requested(self) -> bool:
        return self.signal_number is not None

    def on_request(self, callback: Callable[[], None]) -> Callable[[], None]:
        """Call `callback` when a stop is asked for (at once if it was); returns a function that
        forgets it. Callbacks run in the signal handler: they may only set flags or schedule work
        (`loop.call_soon_threadsafe`), never log or take a lock the main thread may hold."""
        if self.requested:
            callback()
        self._callbacks.append(callback)
        return lambda: self._callbacks.remove(callback)

    def request(self, signal_number: int) -> None:
        """Ask the run to stop; a repeat after REPEAT_WINDOW_S interrupts it (RunInterrupted)."""
        now = time.monotonic()
        if self.requested:
            if now - self._asked_at >= REPEAT_WINDOW_S:
                raise RunInterrupted(signal_number)
            return
        self.signal_number, self._asked_at = signal_number, now
        for callback in self._callbacks:
            callback()
        for listener in _listeners:
            listener(signal_number)
        self.asked.set()


_listeners: list[Callable[[int], None]] = []


def add_stop_listener(listener: Callable[[int], None]) -> Callable[[], None]:
    """Call `listener(signal_number)` whenever a run in this process is asked to stop (the CLI
    bounds how long the stop may take). It runs in the signal handler, like Stop's callbacks.
    Returns its remover."""
    _listeners.append(listener)
    return lambda: _listeners.remove(listener)


@contextmanager
def stop_on_signals(log: logging.Logger | logging.LoggerAdapter) -> Iterator[Stop]:
    """While the block runs, SIGTERM and SIGINT ask it to stop (see the module docstring); the
    request is logged on `log`.

    Signal handlers can only be set in the main thread; elsewhere (a flow run in a thread) the
    block runs with the handlers as they are, and its Stop is never requested.
    """
    stop = Stop()
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return
    threading.Thread(target=_announce, args=(stop, log), name="stop-announcer", daemon=True).start()
    previous = {number: signal.signal(number, lambda number, _frame: stop.request(number)) for number in STOP_SIGNALS}
    try:
        yield stop
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        stop.asked.set()  # ends the announcer, which says nothing unless a stop was asked for


def _announce(stop: Stop, log: logging.Logger | logging.LoggerAdapter) -> None:
    stop.asked.wait()
    if stop.requested:
        log.warning(
            "%s: stopping; what was fetched is loaded first (send it again to stop at once)",
            signal.Signals(stop.signal_number).name,
        )
