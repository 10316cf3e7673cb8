"""Schema migrations on demand: `migrate` brings a database file up to date now.

Finding and applying the migrations lives in warehouse/db.py, which every write and read goes
through and which imports nothing from warehouse/: this module only sits above it, so the two
never import each other. The runs call migrate() before they start, so that a file that is no
database, or a migration that fails, stops them before any work.
"""

from __future__ import annotations

import os

from winnow.warehouse import db


def migrate(db_path: str | os.PathLike) -> list[str]:
    """Apply the migrations `db_path` lacks (creating the file if need be); returns their names."""
    with db.connect(db_path) as conn:
        return db.ensure_migrated(conn, db_path, always_check=True)


def migrate_before(db_path: str | os.PathLike, version: int) -> list[str]:
    """Apply only the migrations numbered below `version`: the database as it stood before that
    one, to test or time it on data already there. Returns their names."""
    with db.connect(db_path) as conn, db.writer_turn(db_path):
        return db.apply_migrations(conn, before=version)
