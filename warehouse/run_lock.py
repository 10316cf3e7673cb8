"""One writing run (ingest, reprocess, maintenance) at a time per database file.

DuckDB's own lock is held one batch at a time, so two runs on one file would take turns batch
by batch and interleave their work. The run lock is an OS file lock (flock) on
`<database>.run-lock` beside the file, held for the whole run: the kernel releases it when its
process dies, however it dies, so a killed run never blocks the next one. The file also says who
holds the lock (pid, flow, run id, since when), for the message the next run gives. Readers do
not take it.

The lock is re-entrant within a process: the CLI takes it before starting Prefect (so a second
`winnow run` exits at once, with a message rather than a failed flow run), and the flow it then
runs takes it again, naming its run id.
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from winnow.schemas.config.environment import number_from_environment
from winnow.warehouse import db

# How long a run waits for another to finish by default. Deployments queue their runs already
# (one at a time), so what collides is a hand-run with a scheduled one: the newcomer should
# say so at once rather than hang. WINNOW_RUN_LOCK_WAIT (seconds) changes it.
WAIT_ENV = "WINNOW_RUN_LOCK_WAIT"
DEFAULT_WAIT_S = 0.0
POLL_S = 0.2


class RunLocked(RuntimeError):
    """Another process's run held the database longer than this one would wait."""


@dataclass
class _Held:
    fd: int
    since: datetime
    depth: int = 1


_held: dict[Path, _Held] = {}
_held_guard = threading.Lock()


def lock_path(db_path: str | os.PathLike) -> Path:
    """The lock file of a database: `<database>.run-lock` beside it."""
    path = db.resolved(db_path)
    return path.with_name(path.name + ".run-lock")


def default_wait_s() -> float:
    """$WINNOW_RUN_LOCK_WAIT seconds if set, else DEFAULT_WAIT_S."""
    value = number_from_environment(WAIT_ENV, minimum=0)
    return DEFAULT_WAIT_S if value is None else value


@contextmanager
def run_lock(
    db_path: str | os.PathLike, flow: str, run_id: str | None = None, wait_s: float | None = None
) -> Iterator[None]:
    """Hold the database's run lock for the block; waits up to `wait_s` (default: default_wait_s())
    for another process's run, then raises RunLocked naming that run."""
    path = lock_path(db_path)
    with _held_guard:
        held = _held.get(path)
        if held is not None:
            held.depth += 1
    if held is None:
        held = _acquire(path, Path(db_path), default_wait_s() if wait_s is None else wait_s)
    try:
        _write_holder(held, flow, run_id)
        yield
    finally:
        with _held_guard:
            held.depth -= 1
            last = held.depth == 0
            if last:
                del _held[path]
        if last:
            os.ftruncate(held.fd, 0)  # nobody holds it: say nothing stale
            os.close(held.fd)  # closing releases the flock


def _acquire(path: Path, db_path: Path, wait_s: float) -> _Held:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + wait_s
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if time.monotonic() >= deadline:
                holder = _read_holder(fd)
                os.close(fd)
                waited = f" after waiting {wait_s:g} s" if wait_s else ""
                raise RunLocked(
                    f"another run is writing to {db_path}: {holder}; this run stops{waited}."
                    f" Try again when it finishes (or set {WAIT_ENV}=SECONDS to wait for it)."
                ) from None
            time.sleep(POLL_S)
        except BaseException:
            os.close(fd)
            raise
    with _held_guard:
        held = _held[path] = _Held(fd, datetime.now(timezone.utc))
    return held


def _write_holder(held: _Held, flow: str, run_id: str | None) -> None:
    holder = {"pid": os.getpid(), "flow": flow, "run_id": run_id, "since": held.since.isoformat(timespec="seconds")}
    os.ftruncate(held.fd, 0)
    os.pwrite(held.fd, json.dumps(holder).encode() + b"\n", 0)


def _read_holder(fd: int) -> str:
    """Who holds the lock, in words. The holder writes it just after locking, so an empty file
    is read again for a moment before giving up on the details."""
    for _ in range(10):
        text = os.pread(fd, 4096, 0).decode(errors="replace")
        try:
            holder = json.loads(text)
        except ValueError:
            time.sleep(0.05)
            continue
        run = f" run {holder['run_id']}" if holder.get("run_id") else ""
        return f"{holder.get('flow', 'a')}{run} (pid {holder.get('pid')}, since {holder.get('since')})"
    return "another process (it has not said which run)"
