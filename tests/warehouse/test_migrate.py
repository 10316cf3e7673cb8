from pathlib import Path

from winnow import schemas
from winnow.warehouse import db
from winnow.warehouse.db import migrations
from winnow.warehouse.migrate import migrate
from winnow.warehouse.query import run_query

# The migration files as they lie in the source tree, independent of how db.migrations() finds them.
SHIPPED = sorted(path.stem for path in (Path(schemas.__file__).parent / "migrations").glob("*.sql"))


def test_the_shipped_migrations_are_numbered_without_gaps_or_repeats():
    assert SHIPPED, "no migration files found"
    assert [int(name.partition("_")[0]) for name in SHIPPED] == list(range(1, len(SHIPPED) + 1))


def test_every_shipped_migration_is_found_in_the_package_in_order():
    found = migrations()
    assert [m.name for m in found] == SHIPPED
    assert [m.version for m in found] == list(range(1, len(SHIPPED) + 1))
    assert found[0].name == "001_initial" and "create table frontier" in found[0].sql


def test_migrations_are_applied_in_order_and_recorded_once(db_path):
    assert migrate(db_path) == SHIPPED
    assert migrate(db_path) == []
    rows = run_query(db_path, "select version, name, applied_at from schema_migrations order by version").rows
    assert [(version, name) for version, name, _ in rows] == list(enumerate(SHIPPED, start=1))
    applied_at = [at for _, _, at in rows]
    assert applied_at == sorted(applied_at)
    tables = run_query(db_path, "select table_name from information_schema.tables order by 1").rows
    assert [name for (name,) in tables] == [
        "archive_cursors",
        "article_chaff",
        "article_enrichment",
        "article_overview",
        "articles",
        "block_sightings",
        "block_texts",
        "daily_event_counts",
        "discovery_cursors",
        "entities",
        "entity_comentions",
        "entity_pairs",
        "events",
        "extraction_failures",
        "feeds",
        "fetch_log",
        "frontier",
        "mentions",
        "pages",
        "quarantine",
        "repeated_blocks",
        "runs",
        "schema_migrations",
        "stories",
        "story_bands",
        "validation_results",
    ]


def test_a_write_to_a_new_file_migrates_it_first(db_path):
    with db.write(db_path) as conn:
        assert conn.execute("select count(*) from frontier").fetchone() == (0,)
    assert run_query(db_path, "select count(*) from schema_migrations").rows == [(len(SHIPPED),)]
