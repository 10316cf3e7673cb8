"""The warehouse's DuckDB file: where it lives, opening it (waiting out other processes' locks),
write transactions, and its schema brought up to date before the pipeline uses it.

DuckDB lets one process open a file read-write and then no other process may open it at all,
so every connection here is short-lived (one batch, one query) and opening retries while
another process holds the file. Connections are not thread-safe: callers pass paths, never
connections, and each call opens its own.

Every other module of warehouse/ reaches the file through this one, and this one imports nothing
from warehouse/, so the dependency runs one way. That is why applying the migrations lives here:
write() and read() promise a migrated database, and the migrations are the schema's own
(schemas/migrations/*.sql), not another warehouse module's. warehouse/migrate.py, above this
module, is the explicit `migrate` step the runs take before they start.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path

import duckdb

DEFAULT_DB_PATH = Path("data") / "winnow.duckdb"

FIRST_BACKOFF_S = 0.05
# DuckDB keeps every block a statement reads cached, up to 80 % of RAM by default, so the
# pipeline's memory grew with the warehouse (0.5 GB at 10,000 articles, 4.9 GB at a million:
# bench/scale.py). Its reads and writes are a batch each; past this, blocks are evicted and the
# rare large step spills to disk. Migrations and `winnow query` keep DuckDB's default.
PIPELINE_MEMORY_LIMIT = "512MB"
MAX_BACKOFF_S = 1.0
# A batch's load and its reads run in one DuckDB thread: its statements are small, and the
# pipeline's extraction workers keep every core busy, so DuckDB's other threads only added their
# coordination (bench/backfill.py's loads replayed: 2.1 -> 1.7 ms of CPU a page, and less wall).
BATCH_THREADS = 1

# What DuckDB 1.5 says when the file is busy. Another process:
#   IO Error: Could not set lock on file "...": Conflicting lock is held in ... (PID n). See also ...
# This process, with a connection in the other mode (read-only vs read-write) still open:
#   Connection Error: Can't open a connection to same database file with a different configuration ...
_LOCKED_MARKERS = ("Could not set lock on file", "Conflicting lock")
_OTHER_MODE_MARKER = "different configuration than existing connections"


class WarehouseBusy(RuntimeError):
    """Another process (or another mode in this one) held the database longer than we would wait."""


class WarehouseMissing(FileNotFoundError):
    """A read of a database file that does not exist yet."""


def default_db_path() -> Path:
    """`$WINNOW_DB` if set, else ./data/winnow.duckdb, resolved (see resolved())."""
    return resolved(os.environ.get("WINNOW_DB") or DEFAULT_DB_PATH)


def resolved(db_path: str | os.PathLike) -> Path:
    """The file's one spelling (`~` expanded, absolute, links resolved), so that every module,
    and the per-file locks and caches (the run lock's, the migration check's, DuckDB's), agree."""
    return Path(db_path).expanduser().resolve()


@contextmanager
def connect(
    db_path: str | os.PathLike, *, read_only: bool = False, lock_timeout_s: float = 30.0
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to `db_path`, closed on exit; waits up to `lock_timeout_s` for a busy file.

    Raises WarehouseMissing for a read-only connect to a missing file and WarehouseBusy when
    the file stays locked. A read-write connect creates the file and its folder.
    """
    path = resolved(db_path)
    if read_only and not path.exists():
        raise WarehouseMissing(f"no database at {path}; run `winnow demo` or `winnow run` first")
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    conn = _open_when_free(path, read_only, lock_timeout_s)
    try:
        # Timestamps come back as UTC datetimes whatever the machine's zone.
        conn.execute("set TimeZone = 'UTC'")
        yield conn
    finally:
        conn.close()


@contextmanager
def write(
    db_path: str | os.PathLike, *, lock_timeout_s: float = 30.0, threads: int | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection inside one transaction (committed on success, rolled back on error).

    Migrations are ensured first (checked once per process per file). Writers in this process
    take turns, so concurrent threads never conflict inside DuckDB; hold it for one batch only.
    `threads`: DuckDB's threads (BATCH_THREADS for a batch's load), else its default.
    """
    path = resolved(db_path)
    with writer_turn(path, lock_timeout_s), connect(path, lock_timeout_s=lock_timeout_s) as conn:
        ensure_migrated(conn, path)
        _pipeline_settings(conn, threads)
        conn.execute("begin transaction")
        try:
            yield conn
        except BaseException:
            conn.execute("rollback")
            raise
        conn.execute("commit")


@contextmanager
def read(
    db_path: str | os.PathLike, *, lock_timeout_s: float = 30.0, threads: int | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection for the pipeline's own reads: one consistent snapshot, migrations ensured,
    WarehouseMissing if there is no file.

    It opens read-write, like the pipeline's writers, because DuckDB refuses a read-only
    connection in a process that has a read-write one open (and vice versa); it does not wait
    for this process's writers, since connections in one mode share the database. `threads` as
    for write().
    """
    path = resolved(db_path)
    if not path.exists():
        raise WarehouseMissing(f"no database at {path}; run `winnow demo` or `winnow run` first")
    with connect(path, lock_timeout_s=lock_timeout_s) as conn:
        ensure_migrated(conn, path)
        _pipeline_settings(conn, threads)
        conn.execute("begin transaction")
        try:
            yield conn
        finally:
            conn.execute("rollback")  # nothing to keep: it only read


def _pipeline_settings(conn: duckdb.DuckDBPyConnection, threads: int | None) -> None:
    conn.execute(f"set memory_limit = '{PIPELINE_MEMORY_LIMIT}'")
    if threads:
        conn.execute(f"set threads = {int(threads)}")


def _open_when_free(path: Path, read_only: bool, lock_timeout_s: float) -> duckdb.DuckDBPyConnection:
    deadline = time.monotonic() + lock_timeout_s
    backoff = FIRST_BACKOFF_S
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except (duckdb.IOException, duckdb.ConnectionException) as error:
            reason = _busy_reason(str(error))
            if reason is None:
                raise
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise WarehouseBusy(
                    f"the warehouse {path} is busy: {reason}; gave up after {lock_timeout_s:g}s. "
                    "Is a `winnow run` writing to it? Try again when it finishes."
                ) from error
            time.sleep(min(backoff, remaining))
            backoff = min(backoff * 2, MAX_BACKOFF_S)


def _busy_reason(message: str) -> str | None:
    """Why the file is busy, in a few words, or None when the error is not about locking."""
    if any(marker in message for marker in _LOCKED_MARKERS):
        held_by = message.partition("Conflicting lock is held in ")[2].partition(". See also")[0]
        return f"locked by {held_by}" if held_by else "locked by another process"
    if _OTHER_MODE_MARKER in message:
        return "this process has it open in the other mode (read-only vs read-write)"
    return None


_writer_locks: dict[Path, threading.RLock] = {}
_writer_locks_guard = threading.Lock()


@contextmanager
def writer_turn(db_path: str | os.PathLike, timeout_s: float = 30.0) -> Iterator[None]:
    """This process's writers to one file take turns (re-entrant, so a writer may migrate)."""
    path = resolved(db_path)
    with _writer_locks_guard:
        lock = _writer_locks.setdefault(path, threading.RLock())
    if not lock.acquire(timeout=timeout_s):
        raise WarehouseBusy(f"the warehouse {path} is busy: another thread has been writing for {timeout_s:g}s")
    try:
        yield
    finally:
        lock.release()


# Migrations: numbered SQL files in schemas/migrations, applied in order, each recorded once.

_MIGRATION_FILE = re.compile(r"^(\d{3})_(\w+)\.sql$")

_CREATE_SCHEMA_MIGRATIONS = """
create table if not exists schema_migrations (
    version     integer primary key,
    name        varchar not null,
    applied_at  timestamptz not null
)
"""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str  # the file name without .sql, e.g. 001_initial
    sql: str


# Files already checked in this process, keyed by inode too, so a file deleted and made anew is checked again.
_checked: set[tuple[Path, int]] = set()


def ensure_migrated(
    conn: duckdb.DuckDBPyConnection, db_path: str | os.PathLike, *, always_check: bool = False
) -> list[str]:
    """Bring the open database at `db_path` up to date, reading schema_migrations once per process
    per file (every time with `always_check`); returns the names of the migrations applied."""
    path = resolved(db_path)
    key = (path, path.stat().st_ino)
    if key in _checked and not always_check:
        return []
    with writer_turn(path):  # two threads must not both apply the same migration
        applied = apply_migrations(conn)
    _checked.add(key)
    return applied


def apply_migrations(conn: duckdb.DuckDBPyConnection, before: int | None = None) -> list[str]:
    """Apply every migration not yet in schema_migrations (only those numbered below `before`,
    if given), each in its own transaction; returns their names."""
    conn.execute(_CREATE_SCHEMA_MIGRATIONS)
    done = {version for (version,) in conn.execute("select version from schema_migrations").fetchall()}
    applied = []
    for migration in migrations():
        if migration.version in done or (before is not None and migration.version >= before):
            continue
        conn.execute("begin transaction")
        try:
            conn.execute(migration.sql)
            conn.execute(
                "insert into schema_migrations values (?, ?, ?)",
                [migration.version, migration.name, datetime.now(timezone.utc)],
            )
        except BaseException:
            conn.execute("rollback")
            raise
        conn.execute("commit")
        applied.append(migration.name)
    return applied


def migrations() -> list[Migration]:
    """The migration files shipped in the `schemas` package, in version order."""
    # importlib.resources finds them in a source tree and in an installed wheel alike.
    folder = resources.files("winnow.schemas") / "migrations"
    found: dict[int, Migration] = {}
    for entry in folder.iterdir():
        match = _MIGRATION_FILE.match(entry.name)
        if not match:
            continue
        version = int(match.group(1))
        if version in found:
            raise RuntimeError(f"two migrations numbered {version:03d}: {found[version].name} and {entry.name}")
        found[version] = Migration(version, entry.name.removesuffix(".sql"), entry.read_text(encoding="utf-8"))
    return [found[version] for version in sorted(found)]
