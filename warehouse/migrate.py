"""Schema migrations: numbered SQL files in schemas/migrations, applied in order, each recorded once."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path

import duckdb

from warehouse import db

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


def migrate(db_path: str | os.PathLike) -> list[str]:
    """Apply the migrations `db_path` lacks (creating the file if need be); returns their names."""
    with db.connect(db_path) as conn:
        return ensure_migrated(conn, db_path, always_check=True)


# Files already checked in this process, keyed by inode too, so a file deleted and made anew is checked again.
_checked: set[tuple[Path, int]] = set()


def ensure_migrated(conn: duckdb.DuckDBPyConnection, db_path: str | os.PathLike, *, always_check: bool = False) -> list[str]:
    """Bring the open database up to date, reading schema_migrations once per process per file."""
    path = Path(db_path).resolve()
    key = (path, path.stat().st_ino)
    if key in _checked and not always_check:
        return []
    with db.writer_turn(path):  # two threads must not both apply the same migration
        applied = apply_migrations(conn)
    _checked.add(key)
    return applied


def apply_migrations(conn: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply every migration not yet in schema_migrations, each in its own transaction."""
    conn.execute(_CREATE_SCHEMA_MIGRATIONS)
    done = {version for (version,) in conn.execute("select version from schema_migrations").fetchall()}
    applied = []
    for migration in migrations():
        if migration.version in done:
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
    folder = resources.files("schemas") / "migrations"
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
