from warehouse import db
from warehouse.migrate import migrate, migrations
from warehouse.query import run_query


def test_migrations_are_applied_once_and_recorded(db_path):
    assert migrate(db_path) == ["001_initial", "002_chaff", "003_block_sightings_unkeyed", "004_runs_chaff_removed",
                                 "005_enrich", "006_entity_evidence",
                                 "007_enrich_errors", "008_validation",
                                 "009_runs_unchanged", "010_discovery_cursors"]
    assert migrate(db_path) == []
    rows = run_query(db_path, "select version, name, applied_at is not null from schema_migrations order by 1").rows
    assert rows == [(1, "001_initial", True), (2, "002_chaff", True), (3, "003_block_sightings_unkeyed", True),
                    (4, "004_runs_chaff_removed", True), (5, "005_enrich", True),
                    (6, "006_entity_evidence", True), (7, "007_enrich_errors", True),
                    (8, "008_validation", True),
                    (9, "009_runs_unchanged", True), (10, "010_discovery_cursors", True)]
    tables = run_query(db_path, "select table_name from information_schema.tables order by 1").rows
    assert [name for (name,) in tables] == [
        "article_chaff", "article_enrichment", "article_overview", "articles", "block_sightings", "block_texts",
        "daily_event_counts", "discovery_cursors", "entities", "entity_comentions", "events", "extraction_failures",
        "feeds", "fetch_log", "frontier", "mentions", "pages", "quarantine", "repeated_blocks", "runs",
        "schema_migrations", "validation_results"]


def test_a_write_to_a_new_file_migrates_it_first(db_path):
    with db.write(db_path) as conn:
        assert conn.execute("select count(*) from frontier").fetchone() == (0,)
    assert run_query(db_path, "select count(*) from schema_migrations").rows == [(len(migrations()),)]


def test_migration_files_are_found_in_the_package_in_order():
    found = migrations()
    assert [m.version for m in found] == sorted(m.version for m in found)
    assert found[0].name == "001_initial" and "create table frontier" in found[0].sql
