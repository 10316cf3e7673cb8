"""Part 6 of issue 7: bad configuration and bad input to the `winnow` command: a clear message,
a non-zero exit, never a traceback. The command's app runs in the test's process (the console
script is that app: a process each cost a Python start with winnow's imports, ~0.5-1 s of CPU);
one bad config goes to the real command in a process of its own, as a shell runs it. None of
these starts Prefect but the last: a database path as a user types it, which a writing run must
accept."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import duckdb
import pytest

from tests.support import cli
from tests.support.winnow_process import WINNOW, assert_clean, run_winnow, winnow_env
from winnow.warehouse.query import run_query

GOOD_SOURCE = 'sources:\n  - name: herald\n    feeds:\n      - {kind: rss, url: "https://herald.example/feed.xml"}\n'


@pytest.fixture
def winnow(tmp_path, monkeypatch):
    """`winnow ARGS` in tmp_path, in this process, with no PREFECT_ or WINNOW_ setting: a run that
    went as far as Prefect would say it starts Prefect's temporary server."""
    monkeypatch.chdir(tmp_path)
    unset = {name: None for name in os.environ if name.startswith(("PREFECT_", "WINNOW_"))}
    env = {**unset, "NO_COLOR": "1", "COLUMNS": "200"}

    return lambda *args: cli.winnow(*args, env=env)


def test_the_real_command_names_a_bad_config_and_exits_1(tmp_path):
    (tmp_path / "sources.yaml").write_text(GOOD_SOURCE + "    colour: red\n")
    env = {name: value for name, value in os.environ.items() if not name.startswith(("PREFECT_", "WINNOW_"))}
    env.update(PREFECT_HOME=str(tmp_path / "prefect-home"), NO_COLOR="1", COLUMNS="200")

    done = subprocess.run([str(WINNOW), "run"], cwd=tmp_path, env=env, text=True, capture_output=True, timeout=60)

    assert done.returncode == 1 and "Traceback" not in done.stdout + done.stderr, done.stderr
    assert "source 'herald' (sources[0]), field colour: unknown key" in done.stderr
    assert "Prefect" not in done.stderr  # stopped before Prefect started


@pytest.fixture
def warehouse(tmp_path) -> Path:
    db = tmp_path / "w.duckdb"
    with duckdb.connect(str(db)) as conn:
        conn.execute("create table articles as select 1 as n")
    return db


@pytest.mark.parametrize(
    "text, message",
    [
        ("sources:\n  - name: a\n    feeds: [\n", "invalid YAML"),
        (GOOD_SOURCE + "    colour: red\n", "source 'herald' (sources[0]), field colour: unknown key"),
        (GOOD_SOURCE.replace("https://herald.example/feed.xml", "not a url"), "invalid URL 'not a url'"),
    ],
)
def test_bad_config_is_named_and_refused(winnow, tmp_path, text, message):
    (tmp_path / "sources.yaml").write_text(text)
    for command in (["sources", "check"], ["run"]):
        done = winnow(*command)
        assert done.exit_code == 1 and message in done.stderr, (command, done.stderr)


@pytest.mark.parametrize(
    "args, message",
    [
        (["run", "--source", "nope"], "no source named 'nope' (known: herald)"),
        (["run", "--config", "missing.yaml"], "missing.yaml: cannot read the file"),
        (["run", "--runner", "nowhere"], "--runner: unknown runner 'nowhere'"),
    ],
)
def test_unknown_source_missing_file_bad_runner(winnow, tmp_path, args, message):
    (tmp_path / "sources.yaml").write_text(GOOD_SOURCE)
    done = winnow(*args)
    assert done.exit_code == 1 and message in done.stderr


@pytest.mark.parametrize(
    "args, message",
    [
        (["run", "--max-pages", "0"], "Invalid value for '--max-pages'"),
        (["query", "select 1", "--format", "xml"], "Invalid value for '--format'"),
    ],
)
def test_bad_option_values(winnow, tmp_path, args, message):
    (tmp_path / "sources.yaml").write_text(GOOD_SOURCE)
    done = winnow(*args)
    assert done.exit_code == 2 and message in done.stderr


@pytest.mark.parametrize(
    "db, message",
    [("folder", "Is a directory"), ("junk.duckdb", "not a valid DuckDB"), ("missing.duckdb", "no database at")],
)
def test_bad_db_path(winnow, tmp_path, db, message):
    (tmp_path / "folder").mkdir()
    (tmp_path / "junk.duckdb").write_text("not a database")
    (tmp_path / "sources.yaml").write_text(GOOD_SOURCE)
    for command in (["query", "select 1"], ["export", "out"], ["sources", "list"]):
        done = winnow(*command, "--db", db)
        if command == ["sources", "list"] and db == "missing.duckdb":
            assert done.exit_code == 0  # nothing run yet: every source at zero
        else:
            assert done.exit_code == 1 and message in done.stderr, (command, done.stderr)


@pytest.mark.parametrize("db, message", [("folder", "Is a directory"), ("junk.duckdb", "not a valid DuckDB")])
def test_a_writing_run_refuses_a_bad_db_before_it_starts(winnow, tmp_path, db, message):
    (tmp_path / "folder").mkdir()
    (tmp_path / "junk.duckdb").write_text("not a database")
    (tmp_path / "sources.yaml").write_text(GOOD_SOURCE)
    for command in (["run"], ["reprocess"], ["maintenance"]):
        done = winnow(*command, "--db", db)
        assert done.exit_code == 1 and f"cannot use {db} as the warehouse" in done.stderr, command
        assert message in done.stderr and "Prefect" not in done.stderr  # stopped before Prefect started
    assert (tmp_path / "junk.duckdb").read_text() == "not a database"


@pytest.mark.parametrize(
    "sql, message",
    [
        ("selec 1", "syntax error"),
        ("   ", "no SQL given"),
        ("select * from nowhere", "Table with name nowhere does not exist"),
    ],
)
def test_bad_sql(winnow, warehouse, sql, message):
    done = winnow("query", sql, "--db", str(warehouse))
    assert done.exit_code == 1 and message in done.stderr


@pytest.mark.parametrize(
    "sql", ["insert into articles values (2)", "drop table articles", "create table t (x int)", "delete from articles"]
)
def test_query_cannot_write(winnow, warehouse, sql):
    done = winnow("query", sql, "--db", str(warehouse))
    assert done.exit_code == 1 and "read-only mode" in done.stderr
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        assert conn.execute("select * from articles").fetchall() == [(1,)]


def test_a_writing_run_takes_the_database_under_home(prefect_harness, tmp_path):
    home, work = tmp_path / "home", tmp_path / "work"
    (work / "saved").mkdir(parents=True)
    home.mkdir()
    (work / "sources.yaml").write_text("sources: [{name: news, feeds: [{kind: pages, path: saved}]}]\n")
    env = {**winnow_env(tmp_path, prefect_harness), "HOME": str(home), "WINNOW_DB": "~/w.duckdb"}

    done = run_winnow(["maintenance", "--config", "sources.yaml", "--no-export"], work, env)

    assert_clean(done)
    assert run_query(home / "w.duckdb", "select flow, status from runs").rows == [("maintenance", "completed")]
    assert not (work / "~").exists()
