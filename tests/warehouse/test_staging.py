"""The Arrow tables the loads stage match the warehouse's DDL as DuckDB's information_schema holds
it after the migrations, and are built from the records' fields by name."""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
import pytest

from tests.support.records import article
from winnow.schemas.records import ExtractionFailure
from winnow.warehouse import db, enrichment_tables, staging

# Each staged schema: the warehouse tables whose columns it carries, and its own columns (after
# those), which only the load's SQL reads.
STAGED = {
    "FETCH_LOG": (("fetch_log",), ()),
    "PAGES": (("pages", "page_bodies"), ()),
    "URLS": (("frontier",), ()),
    "URL_OUTCOMES": (("frontier",), ("outcome",)),
    "FEED_FETCHES": (("feeds",), ("outcome",)),
    "ARTICLES": (("articles",), ()),
    "ARTICLE_CHAFF": (("article_chaff",), ()),
    "BLOCKS": (("block_sightings", "block_texts"), ()),
    "FAILURES": (("extraction_failures",), ()),
    "DISCOVERED": (("frontier",), ("position",)),
    "DISCOVERY_CURSORS": (("discovery_cursors",), ()),
    "STORY_BANDS": (("story_bands",), ()),
    "STORY_COPIES": (("articles",), ()),
    "STORIES": (("articles",), ()),
    "ENTITIES": (("entities",), ()),
    "MENTIONS": (("mentions",), ()),
    "EVENTS": (("events",), ()),
    "ENRICHED": (("article_enrichment",), ()),
}
SCHEMAS = {
    name: value
    for module in (staging, enrichment_tables)
    for name, value in vars(module).items()
    if isinstance(value, pa.Schema)
}


def test_every_staged_schema_names_the_tables_it_loads():
    assert sorted(SCHEMAS) == sorted(STAGED)


@pytest.mark.parametrize("name", sorted(STAGED))
def test_a_staged_table_has_its_tables_columns_types_and_order(tmp_path, name):
    tables, own = STAGED[name]
    with db.write(tmp_path / "winnow.duckdb") as conn:
        conn.register("staged", SCHEMAS[name].empty_table())
        staged = conn.execute("select column_name, column_type from (describe select * from staged)").fetchall()
        declared = {
            table: conn.execute(
                """
                select column_name, data_type from information_schema.columns
                where table_schema = 'main' and table_name = ? order by ordinal_position
            """,
                [table],
            ).fetchall()
            for table in tables
        }
    names = [column for column, _ in staged]
    assert all(declared.values()), f"no such table among {tables}"
    assert names[len(names) - len(own) :] == list(own)
    for column, kind in staged[: len(staged) - len(own)]:
        holders = [table for table, columns in declared.items() if column in dict(columns)]
        assert holders, f"{name}.{column} is a column of none of {tables}"
        assert {dict(declared[table])[column] for table in holders} == {kind}, f"{name}.{column} is {kind}"
    for table, columns in declared.items():
        assert [c for c in names if c in dict(columns)] == [c for c, _ in columns if c in names], f"order of {table}"


def test_a_column_is_taken_from_the_record_field_of_its_name():
    story = article("https://news.example/harbour", "The ferry ran late again on Tuesday.")

    (row,) = staging.articles([story]).to_pylist()

    assert row == {name: getattr(story, name) for name in staging.ARTICLES.names}


@dataclass(frozen=True)
class FailureFieldsReordered:
    """An extraction failure whose fields lie in another order, with one more."""

    reason: str
    noticed_by: str
    page_hash: str
    source: str
    url: str


def test_a_records_field_order_and_extra_fields_do_not_move_the_columns():
    failure = ExtractionFailure("https://news.example/a", "news", "abc", "too short")
    reordered = FailureFieldsReordered(failure.reason, "a reader", failure.page_hash, failure.source, failure.url)

    assert staging.table(staging.FAILURES, [reordered]) == staging.failures([failure])


def test_a_given_column_the_schema_lacks_is_refused():
    with pytest.raises(ValueError, match="noticed_by"):
        staging.table(staging.FAILURES, [], noticed_by=[])
