"""`winnow query` on a small warehouse: table, csv and json output, errors as messages, read-only."""

from __future__ import annotations

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from tests.support.cli import winnow
from winnow.flows.cli import app
from winnow.warehouse.query import run_query

QUERY = "select url, title, published_at, word_count from articles order by url"


def test_query_table(small_db):
    result = winnow("query", QUERY, "--db", str(small_db))

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert any("url" in line and "title" in line and "word_count" in line for line in lines)
    assert any(
        "https://herald.example/a" in line and "Harbour wall repaired" in line and "2026-10-02 09:00:00+00:00" in line
        for line in lines
    )
    assert any("https://herald.example/b" in line and "Ferry, late again" in line for line in lines)
    assert lines[-1] == "(2 rows)"


def test_query_csv(small_db):
    result = winnow("query", QUERY, "--db", str(small_db), "--format", "csv")

    assert result.exit_code == 0, result.output
    assert list(csv.reader(io.StringIO(result.stdout))) == [
        ["url", "title", "published_at", "word_count"],
        ["https://herald.example/a", "Harbour wall repaired", "2026-10-02 09:00:00+00:00", "4"],
        ["https://herald.example/b", "Ferry, late again", "2026-10-03 09:00:00+00:00", "2"],
    ]


def test_query_json(small_db):
    result = winnow(
        "query",
        "select url, title, published_at, authors from articles order by url",
        "--db",
        str(small_db),
        "-f",
        "json",
    )

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [
        {
            "url": "https://herald.example/a",
            "title": "Harbour wall repaired",
            "published_at": "2026-10-02T09:00:00+00:00",
            "authors": ["A. Writer"],
        },
        {
            "url": "https://herald.example/b",
            "title": "Ferry, late again",
            "published_at": "2026-10-03T09:00:00+00:00",
            "authors": ["A. Writer"],
        },
    ]


def test_query_table_shows_brackets_as_they_are(small_db):
    # rich markup in a value or a column name is data: shown as is, never styled or an error
    result = winnow(
        "query", """select '[/x] closing' as "[b]", '[bold]bold[/bold]' as b, null as c""", "--db", str(small_db)
    )

    assert result.exit_code == 0, result.output
    assert "[b]" in result.stdout
    assert "[/x] closing" in result.stdout
    assert "[bold]bold[/bold]" in result.stdout
    assert result.stdout.splitlines()[-1] == "(1 row)"


@pytest.mark.parametrize("sql, kind", [("selec 1", "Parser Error"), ("select nope from articles", "Binder Error")])
def test_query_sql_error_is_a_message(small_db, sql, kind):
    result = winnow("query", sql, "--db", str(small_db))

    assert result.exit_code == 1
    assert result.stdout == ""
    assert isinstance(result.exception, SystemExit)  # typer.Exit, not an error escaping
    error_lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(error_lines) == 1 and kind in error_lines[0]
    assert result.stderr.startswith("error: ")


def test_query_missing_db(tmp_path):
    missing = tmp_path / "nothing-here.duckdb"
    result = winnow("query", "select 1", "--db", str(missing))

    assert result.exit_code == 1
    assert result.stderr.strip() == (f"error: no database at {missing}; run `winnow demo` or `winnow run` first")
    assert not missing.exists()


def test_query_missing_db_from_env(tmp_path):
    missing = tmp_path / "env.duckdb"
    result = CliRunner().invoke(app, ["query", "select 1"], env={"WINNOW_DB": str(missing)})

    assert result.exit_code == 1
    assert f"no database at {missing}" in result.stderr


def test_query_cannot_write(small_db):
    result = winnow(
        "query",
        "insert into runs (run_id, flow, started_at, status) values ('x', 'query', now(), 'completed')",
        "--db",
        str(small_db),
    )

    assert result.exit_code == 1
    assert "read-only" in result.stderr
    assert run_query(small_db, "select count(*) from runs").rows == [(0,)]
    result = winnow("query", "drop table articles", "--db", str(small_db))
    assert result.exit_code == 1
    assert run_query(small_db, "select count(*) from articles").rows == [(2,)]
