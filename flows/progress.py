"""Progress of long work, reported to whoever listens: a terminal bar, plain lines, or nothing."""

from __future__ import annotations

from typing import Callable, Protocol


class ProgressListener(Protocol):
    def __call__(self, stage: str, done: int, total: int) -> None: ...


_listeners: list[ProgressListener] = []


def listen(listener: ProgressListener) -> Callable[[], None]:
    """Register a listener; returns the function that removes it."""
    _listeners.append(listener)
    return lambda: _listeners.remove(listener)


def report(stage: str, done: int, total: int) -> None:
    """Tell every listener that `done` of `total` items of `stage` are finished."""
    for listener in list(_listeners):
        listener(stage, done, total)
