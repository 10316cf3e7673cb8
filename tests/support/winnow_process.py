"""Real `winnow` processes: started, finished or killed, their output checked, with a Prefect
server of their own; a bench config over the demo site's copies, and a look at the database from
outside the run."""

from __future__ import annotations

import fcntl
import os
import signal
import struct
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import duckdb
import pytest

WINNOW = Path(sys.executable).with_name("winnow")


def winnow_env(tmp_path: Path, api_url: str) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith(("PREFECT_", "WINNOW_"))}
    env.update(PREFECT_HOME=str(tmp_path / "prefect-home"), PREFECT_API_URL=api_url, NO_COLOR="1")
    return env


def write_bench_config(path: Path, base_url: str, pages: int, rate_limit: float) -> None:
    """One source over the demo site's bench sitemap (`pages` distinct article URLs), fetched at
    `rate_limit` pages per second; no validation or enrichment (GX's import and checks, spaCy's
    model: seconds of each run's CPU), so a run is fetch, extract and load."""
    path.write_text(
        "validation:\n  enabled: false\n"
        "enrich:\n  enabled: false\n"
        "sources:\n"
        "  - name: copies\n"
        "    feeds:\n"
        "      - kind: sitemap\n"
        f"        url: {base_url}/bench/sitemap.xml\n"
        '    allowed_domains: ["127.0.0.1"]\n'
        '    allowed_networks: ["127.0.0.0/8"]\n'  # the demo server is on loopback, refused otherwise
        f"    rate_limit: {rate_limit}\n"
        f"    max_pages: {pages}\n"
        "    language: en\n",
        encoding="utf-8",
    )


def holder_pid(db: Path) -> int | None:
    """The pid of the process that has the database open right now (None: nobody), asked of the
    kernel's record locks as DuckDB itself does when it refuses an open. Polled every 20 ms, an
    open of the file by the test took ~45 ms of CPU from the run under test, and held the file
    from it meanwhile."""
    try:
        file = open(db, "rb")
    except FileNotFoundError:
        return None
    with file:
        # struct flock: type, whence, start, len (0: the whole file), pid; GETLK fills in a holder.
        asked = struct.pack(_FLOCK, fcntl.F_WRLCK, os.SEEK_SET, 0, 0, 0)
        held_type, *_, pid = struct.unpack(_FLOCK, fcntl.fcntl(file, fcntl.F_GETLK, asked))
    return None if held_type == fcntl.F_UNLCK else pid


_FLOCK = "hhqqi4x"  # Linux's struct flock on a 64-bit machine


def count(db: Path, sql: str) -> int | None:
    """One number from the database, read-only; None while a run holds the file (or before it exists).

    A test polls this every 20 ms, and each open and close of the file costs about 45 ms of CPU
    taken from the run under test: a number read is kept until the file or its WAL changes, since
    a new connection sees exactly what those two files hold."""
    files = _signature(db)
    if (db, sql) in _counted and _counted[db, sql][0] == files:
        return _counted[db, sql][1]
    try:
        with duckdb.connect(str(db), read_only=True) as conn:
            value = conn.execute(sql).fetchone()[0]
    except (duckdb.IOException, duckdb.CatalogException):
        return None
    _counted[db, sql] = (files, value)
    return value


_counted: dict[tuple[Path, str], tuple[tuple, int | None]] = {}


def _signature(db: Path) -> tuple:
    """The size and modification time of the database file and its WAL (None where absent)."""
    stats = []
    for path in (db, db.with_name(db.name + ".wal")):
        try:
            stat = path.stat()
        except FileNotFoundError:
            stats.append(None)
        else:
            stats.append((stat.st_size, stat.st_mtime_ns))
    return tuple(stats)


def start_winnow(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.Popen:
    """`winnow ARGS` started, its output captured."""
    return subprocess.Popen(
        [str(WINNOW), *args], cwd=cwd, env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )


def finish(process: subprocess.Popen) -> subprocess.CompletedProcess:
    """Wait up to 5 minutes for a started process; the test fails if it takes longer."""
    try:
        stdout, stderr = process.communicate(timeout=300)
    except subprocess.TimeoutExpired:
        process.kill()
        stdout, stderr = process.communicate()
        pytest.fail(f"winnow timed out:\n{stdout}\n{stderr}")
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def run_winnow(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return finish(start_winnow(args, cwd, env))


def assert_clean(process: subprocess.CompletedProcess) -> None:
    """The process succeeded, with no traceback and no ERROR log line."""
    output = process.stdout + process.stderr
    assert process.returncode == 0, output
    assert "Traceback" not in output
    assert not [line for line in output.splitlines() if " ERROR " in line or "| ERROR" in line], output


@contextmanager
def killable_run(args: list[str], cwd: Path, env: dict[str, str]) -> Iterator[subprocess.Popen]:
    """A `winnow` process in a process group of its own, its output in a file: its extraction
    workers outlive a SIGKILL of it (as they would in production) and would hold a pipe open.
    They are ended with the group when the block exits, and not before: the next run must not
    be hindered by them."""
    with open(cwd / f"winnow-{time.monotonic_ns()}.log", "w+") as output:
        run = subprocess.Popen(
            [str(WINNOW), *args], cwd=cwd, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
        run.output = output
        try:
            yield run
        finally:
            with suppress(ProcessLookupError):
                os.killpg(run.pid, signal.SIGKILL)
            run.wait()


def wait_for(condition: Callable[[], bool], run: subprocess.Popen, what: str, timeout_s: float = 240) -> None:
    """Wait for `condition`; the test fails if `run` ends first or `timeout_s` passes."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if run.poll() is not None:
            run.output.seek(0)
            pytest.fail(f"the run ended before {what}:\n{run.output.read()}")
        if time.monotonic() > deadline:
            pytest.fail(f"no {what} after {timeout_s:g} s")
        time.sleep(0.02)


def kill(run: subprocess.Popen) -> None:
    """SIGKILL the winnow process itself (not its group): the harshest end, its workers left behind."""
    os.kill(run.pid, signal.SIGKILL)
    assert run.wait() == -signal.SIGKILL
