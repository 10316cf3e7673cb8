"""The options every `winnow` command shares: --format table|csv|json|jsonl, --version, -q and -v."""

from __future__ import annotations

import csv
import importlib
import io
import json
import shutil
import subprocess
from importlib.metadata import version
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.support.cli import winnow
from tests.support.ingest_runs import NO_CHECKS
from tests.support.localserver import LOOPBACK_YAML
from tests.support.winnow_process import WINNOW, assert_clean, run_winnow, winnow_env
from winnow.demo.server import SITE_ROOT
from winnow.flows.cli import app
from winnow.flows.cli.failures import BATCHES_HELD, CONFIG_ERROR, RUN_STOPPED, SECOND_STOP, USER_ERRORS
from winnow.flows.extraction_pool import WORKERS_ENV

QUERY = "select url, title, word_count from articles order by url"
MAYOR_PAGE = SITE_ROOT / "northgate-observer" / "politics" / "mayor-elected.html"


def test_version():
    result = winnow("--version")

    assert result.exit_code == 0
    assert result.stdout == f"winnow {version('winnow')}\n"


def test_query_jsonl_is_one_object_a_line(small_db):
    listed = winnow("query", QUERY, "--db", str(small_db), "--format", "json")
    lines = winnow("query", QUERY, "--db", str(small_db), "-f", "jsonl")

    assert lines.exit_code == 0, lines.output
    assert len(lines.stdout.splitlines()) == 2
    assert [json.loads(line) for line in lines.stdout.splitlines()] == json.loads(listed.stdout)
    assert json.loads(lines.stdout.splitlines()[1]) == {
        "url": "https://herald.example/b",
        "title": "Ferry, late again",
        "word_count": 2,
    }


def test_sources_check_as_csv_and_json(tmp_path):
    config = tmp_path / "sources.yaml"
    config.write_text(
        "sources:\n  - name: herald\n    rate_limit: 2\n"
        '    feeds: [{kind: rss, url: "https://herald.example/feed.xml"}]\n',
        encoding="utf-8",
    )

    as_json = winnow("sources", "check", "-c", str(config), "--format", "json")
    as_csv = winnow("sources", "check", "-c", str(config), "--format", "csv")

    assert as_json.exit_code == as_csv.exit_code == 0, as_json.output
    [herald] = json.loads(as_json.stdout)
    assert herald["name"] == "herald" and herald["rate_limit"] == 2
    assert herald["feeds"] == ["rss: https://herald.example/feed.xml"]
    rows = list(csv.reader(io.StringIO(as_csv.stdout)))
    assert rows[0] == ["name", "feeds", "allowed_domains", "language", "rate_limit", "max_pages"]
    assert rows[1][0] == "herald" and len(rows) == 2


def test_extract_json_is_format_json_byte_for_byte():
    args = ("extract", str(MAYOR_PAGE), "--published", "2026-11-04")
    old, new, line = winnow(*args, "--json"), winnow(*args, "--format", "json"), winnow(*args, "-f", "jsonl")

    assert old.exit_code == new.exit_code == line.exit_code == 0, old.output
    assert old.stdout_bytes == new.stdout_bytes
    assert old.stdout.startswith('{\n  "published": "2026-11-04",')
    assert line.stdout.count("\n") == 1 and json.loads(line.stdout) == json.loads(old.stdout)


def test_extract_refuses_csv():
    result = CliRunner().invoke(app, ["extract", str(MAYOR_PAGE), "--format", "csv"], env={"COLUMNS": "200"})

    assert result.exit_code == 2
    assert "Invalid value for '--format'" in result.stderr and "not CSV" in result.stderr


# Importing the flows' modules imports Prefect, which must wait for the session's test settings.
@pytest.mark.prefect
@pytest.mark.parametrize("module, name", [*USER_ERRORS, CONFIG_ERROR, SECOND_STOP, RUN_STOPPED, BATCHES_HELD])
def test_every_error_the_cli_maps_is_where_it_is_named(module, name):
    # The map names the errors' modules rather than importing them: a module moved or renamed
    # would leave its errors unmapped, as tracebacks.
    assert issubclass(getattr(importlib.import_module(module), name), BaseException)


def test_quiet_and_verbose_exclude_each_other():
    result = CliRunner().invoke(app, ["-q", "-v", "--version"])
    assert result.exit_code == 0  # --version answers first, as --help does

    result = CliRunner().invoke(app, ["-q", "-v", "query", "select 1"])
    assert result.exit_code == 2 and "exclude each other" in result.stderr


# -q and -v, in a process of their own (they set its logging) --------------------------------


@pytest.fixture
def site_config(news_site, tmp_path):
    config = tmp_path / "sources.yaml"
    config.write_text(
        f"defaults:\n  rate_limit: 1000\n  allowed_networks: {LOOPBACK_YAML}\nsources: []\n", encoding="utf-8"
    )
    return config


def _winnow_process(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = winnow_env(cwd, "http://127.0.0.1:9/api")  # no flow runs here: Prefect is never asked
    return subprocess.run([str(WINNOW), *args], cwd=cwd, env=env, text=True, capture_output=True, timeout=120)


def test_quiet_prints_the_result_only(news_site, site_config, tmp_path):
    said = _winnow_process("sources", "add", news_site.url("/"), "-c", str(site_config), "--dry-run", cwd=tmp_path)
    quiet = _winnow_process(
        "-q", "sources", "add", news_site.url("/"), "-c", str(site_config), "--dry-run", cwd=tmp_path
    )

    assert said.returncode == quiet.returncode == 0, quiet.stderr
    assert "looking for feeds of" in said.stderr and "dry run: " in said.stderr
    assert quiet.stderr == ""
    assert quiet.stdout == said.stdout and f"url: {news_site.url('/news/rss.xml')}" in quiet.stdout


def test_quiet_still_prints_errors(tmp_path):
    done = _winnow_process("-q", "query", "select 1", "--db", str(tmp_path / "none.duckdb"), cwd=tmp_path)

    assert done.returncode == 1
    assert done.stderr.startswith("error: no database at ")


def test_verbose_logs_debug_messages(news_site, site_config, tmp_path):
    done = _winnow_process(
        "-v", "sources", "add", news_site.url("/"), "-c", str(site_config), "--dry-run", cwd=tmp_path
    )

    assert done.returncode == 0, done.stderr
    assert any(" DEBUG httpcore" in line for line in done.stderr.splitlines()), done.stderr[-2000:]
    assert "Traceback" not in done.stderr


# Run summaries as JSON: real flow runs ----------------------------------------------------------


@pytest.mark.slow
def test_run_reprocess_and_maintenance_print_their_summary_as_json(prefect_harness, tmp_path, monkeypatch):
    saved = tmp_path / "saved"
    saved.mkdir()
    for page in ("bus-routes.html", "bribery-trial-opens.html"):
        shutil.copy(SITE_ROOT / "vale-courier" / "news" / page, saved / page)
    (tmp_path / "sources.yaml").write_text(NO_CHECKS + "sources: [{name: vale, feeds: [{kind: pages, path: saved}]}]\n")
    # Without an extraction pool (two Python starts for two pages).
    env = {**winnow_env(tmp_path, prefect_harness), "WINNOW_DB": str(tmp_path / "w.duckdb"), WORKERS_ENV: "1"}
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WINNOW_DB", env["WINNOW_DB"])
    monkeypatch.setenv(WORKERS_ENV, "1")

    # `run` and `maintenance` as the CLI in this process (a process each cost ~3 s of CPU for
    # Python's start and winnow's and Prefect's imports); -q in a process of its own, as above.
    ran = winnow("run", "--format", "json")
    again = run_winnow(["-q", "reprocess", "-f", "jsonl"], tmp_path, env)
    kept = winnow("maintenance", "--no-export", "--format", "json")

    assert_clean(again)
    for done in (ran, kept):
        assert done.exit_code == 0, done.output
        assert not [line for line in done.stderr.splitlines() if " ERROR " in line or "| ERROR" in line]
    summary = json.loads(ran.stdout)
    assert summary["status"] == "completed" and summary["sources"] == ["vale"]
    assert summary["new"] == 2 and summary["run_id"]
    assert "pages: 2/2" in ran.stderr  # the progress lines, on stderr beside the JSON
    assert len(again.stdout.splitlines()) == 1 and json.loads(again.stdout)["status"] == "completed"
    assert again.stderr == ""
    assert [step["step"] for step in json.loads(kept.stdout)] == ["refresh repetition statistics", "compact"]


@pytest.mark.parametrize(
    "variable, value, expected",
    [
        ("WINNOW_BATCH_WAIT", "five", "a number of at least 0"),
        ("WINNOW_RUN_LOCK_WAIT", "-2", "a number of at least 0"),
        (WORKERS_ENV, "1.5", "a whole number of at least 1"),
        (WORKERS_ENV, "0", "a whole number of at least 1"),
    ],
)
def test_a_bad_environment_setting_stops_a_run_before_it_starts(variable, value, expected, tmp_path, monkeypatch):
    monkeypatch.setenv(variable, value)
    db, config = tmp_path / "w.duckdb", tmp_path / "sources.yaml"
    config.write_text(
        "sources:\n  - name: local\n    feeds:\n      - kind: pages\n        path: pages\n", encoding="utf-8"
    )
    (tmp_path / "pages").mkdir()

    result = winnow("run", "--db", str(db), "--config", str(config))

    assert result.exit_code == 1
    assert result.stderr.strip() == f"error: {variable}={value!r}: expected {expected}"
    assert not db.exists()  # nothing was started: no lock taken, no warehouse made
