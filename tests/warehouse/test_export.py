"""`winnow export --format parquet DIR`: every row out, partitioned by source and date, readable back."""

from __future__ import annotations

import duckdb

from tests.support.cli import winnow
from tests.support.records import article
from winnow.warehouse.articles import load_batch
from winnow.warehouse.query import run_query


def test_export_writes_every_row_partitioned_by_source_and_date(db_path, tmp_path):
    articles = [article(f"https://a.example/{i}", f"Story {i} words here.", source="a") for i in range(3)]
    articles += [article("https://b.example/1", "Another story.", source="b")]
    load_batch(db_path, "run-1", [], articles, [])
    folder = tmp_path / "snapshot"

    result = winnow("export", "--format", "parquet", str(folder), "--db", str(db_path))

    assert result.exit_code == 0, result.output
    assert "articles: 4 rows" in result.output
    assert sorted(p.relative_to(folder / "articles").parts[:2] for p in (folder / "articles").rglob("*.parquet")) == [
        ("source=a", "date=2025-03-01"),
        ("source=b", "date=2025-03-01"),
    ]
    read = duckdb.connect()
    exported = read.execute(
        f"select article_id, source, title, text, content_hash from read_parquet("
        f"'{folder}/articles/**/*.parquet', hive_partitioning = true) order by 1"
    ).fetchall()
    assert (
        exported
        == run_query(db_path, "select article_id, source, title, text, content_hash from articles order by 1").rows
    )
    columns = [
        name
        for (name,) in read.execute(
            f"select name from parquet_schema('{next((folder / 'articles').rglob('*.parquet'))}')"
        ).fetchall()
    ]
    assert "text" in columns and "source" not in columns  # the partition columns live in the path

    again = winnow("export", "--format", "parquet", str(folder), "--db", str(db_path))  # replaces, not appends
    assert again.exit_code == 0
    assert duckdb.connect().execute(
        f"select count(*) from read_parquet('{folder}/articles/**/*.parquet')"
    ).fetchone() == (4,)


def test_export_of_a_missing_warehouse_is_a_clear_error(tmp_path):
    result = winnow("export", str(tmp_path / "out"), "--db", str(tmp_path / "none.duckdb"))
    assert result.exit_code == 1 and "no database at" in result.output
