"""Migrations: what is applied is what lies in schemas/migrations, in its numbered order, once."""

import re
from pathlib import Path

from winnow import schemas
from winnow.warehouse import db
from winnow.warehouse.migrate import migrate
from winnow.warehouse.query import run_query

# The migration files as they lie in the source tree, independent of how db.migrations() finds
# them: (number, name, SQL) in the order of the numbers in their names.
FILES = sorted(
    (int(path.name.partition("_")[0]), path.stem, path.read_text(encoding="utf-8"))
    for path in (Path(schemas.__file__).parent / "migrations").glob("[0-9]*_*.sql")
)
NAMES = [name for _, name, _ in FILES]

# The statements that add, drop or rename a table or view, in the order the files run them.
_SCHEMA_CHANGE = re.compile(
    r"\b(?:create (?:or replace )?(?:table|view) (?:if not exists )?(?P<created>\w+)"
    r"|drop (?:table|view) (?:if exists )?(?P<dropped>\w+)"
    r"|alter table (?P<renamed>\w+) rename to (?P<new_name>\w+))",
    re.IGNORECASE,
)


def relations_the_files_leave() -> set[str]:
    """The tables and views that running the files' statements in order leaves behind."""
    names: set[str] = {"schema_migrations"}  # the bookkeeping table the migrator itself makes
    for _, _, sql in FILES:
        for change in _SCHEMA_CHANGE.finditer(sql):
            if change["created"]:
                names.add(change["created"].lower())
            elif change["dropped"]:
                names.discard(change["dropped"].lower())
            else:
                names.discard(change["renamed"].lower())
                names.add(change["new_name"].lower())
    return names


def applied(db_path) -> list[tuple[int, str]]:
    return run_query(db_path, "select version, name from schema_migrations order by applied_at, version").rows


def test_the_migration_files_are_numbered_one_to_n_without_gaps_or_repeats():
    assert FILES, "no migration files found"
    assert [number for number, _, _ in FILES] == list(range(1, len(FILES) + 1))


def test_the_package_finds_every_file_with_its_number_and_text():
    assert [(m.version, m.name, m.sql) for m in db.migrations()] == FILES


def test_a_new_file_gets_every_migration_once_in_order_and_its_version_is_the_last_files(db_path):
    assert migrate(db_path) == NAMES
    assert applied(db_path) == [(number, name) for number, name, _ in FILES]
    assert run_query(db_path, "select max(version) from schema_migrations").rows == [(FILES[-1][0],)]
    tables = run_query(db_path, "select table_name from information_schema.tables").rows
    assert {name for (name,) in tables} == relations_the_files_leave()


def test_a_rerun_applies_nothing_and_records_nothing(db_path):
    migrate(db_path)
    recorded = run_query(db_path, "select * from schema_migrations order by version").rows
    assert migrate(db_path) == []
    assert run_query(db_path, "select * from schema_migrations order by version").rows == recorded


def test_a_database_behind_gets_only_the_migrations_it_lacks(db_path, monkeypatch):
    shipped = db.migrations()
    monkeypatch.setattr(db, "migrations", lambda: shipped[:-1])  # as a file made by the release before
    assert migrate(db_path) == NAMES[:-1]
    monkeypatch.undo()
    assert migrate(db_path) == NAMES[-1:]
    assert applied(db_path) == [(number, name) for number, name, _ in FILES]


def test_a_write_to_a_new_file_migrates_it_first(db_path):
    with db.write(db_path) as conn:
        assert conn.execute("select count(*) from frontier").fetchone() == (0,)
    assert applied(db_path) == [(number, name) for number, name, _ in FILES]
