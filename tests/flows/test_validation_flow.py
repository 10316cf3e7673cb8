"""Validation in the flow: a source whose layout changes is held back, the other sources load,
and the run ends Failed naming the source and the check; the held rows can be listed."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from tests.support.cli import winnow
from tests.support.demo_site import demo_page
from tests.support.feeds import rss
from tests.support.ingest_runs import ingest
from tests.support.localserver import LOOPBACK_YAML
from tests.support.queries import rows, scalar
from winnow.flows.extraction_pool import WORKERS_ENV

pytestmark = pytest.mark.prefect

STEADY = [
    "vale-courier/news/bus-routes.html",
    "vale-courier/news/cider-cooperative.html",
    "vale-courier/news/school-closure.html",
]
CHANGED = [
    "harbour-herald/2026/10/fish-market.html",
    "harbour-herald/2026/10/ferry-timetable.html",
    "harbour-herald/2026/10/port-strike.html",
    "harbour-herald/2026/10/lifeboat-rescue.html",
]
# The publisher's new template: the article body moved into a script-rendered widget, so the
# page holds only its furniture.
BODILESS = (
    "<!doctype html><html lang=en><head><title>Harbour Herald</title></head><body>"
    "<nav><a href=/>Home</a> <a href=/news>News</a></nav><div id=app data-article=1></div>"
    "<footer>© Harbour Herald</footer></body></html>"
)


def serve_a_layout_change(server, folder: Path) -> Path:
    """Two sources: `steady`, and `changed`, whose pages lost their article body but one; returns the config."""
    for path in STEADY:
        server.add("/" + path, demo_page(server, path))
    server.add("/" + CHANGED[0], demo_page(server, CHANGED[0]))  # one page still has the old layout
    for path in CHANGED[1:]:
        server.add("/" + path, BODILESS)
    server.add("/steady.xml", rss(server, STEADY), "application/rss+xml")
    server.add("/changed.xml", rss(server, CHANGED), "application/rss+xml")
    config = folder / "sources.yaml"
    config.write_text(
        f"defaults: {{user_agent: winnow-test/0.1, rate_limit: 100, language: en, allowed_networks: {LOOPBACK_YAML}}}\n"
        "sources:\n"
        f"  - {{name: steady, feeds: [{{kind: rss, url: '{server.url('/steady.xml')}'}}]}}\n"
        f"  - {{name: changed, feeds: [{{kind: rss, url: '{server.url('/changed.xml')}'}}]}}\n",
        encoding="utf-8",
    )
    return config


def test_a_source_whose_layout_changed_is_held_back_while_the_others_load(prefect_harness, http_server, tmp_path):
    from winnow.flows.runs import BatchesHeld

    config = serve_a_layout_change(http_server, tmp_path)
    db = tmp_path / "winnow.duckdb"

    with pytest.raises(BatchesHeld) as held:
        ingest(config, db)

    message = str(held.value)
    assert "source 'changed': pages_mostly_loaded failed" in message and "'steady'" not in message
    assert rows(db, "select source, count(*) from articles group by source") == [("steady", 3)]
    # The one article that still extracted is held with its batch; the bodiless pages are
    # extraction failures; every page is kept for reprocessing after a fix.
    assert rows(db, "select table_name, source, level, checks from quarantine") == [
        ("articles", "changed", "batch", ["pages_mostly_loaded"])
    ]
    assert json.loads(scalar(db, "select record from quarantine"))["url"].endswith(CHANGED[0])
    assert scalar(db, "select count(*) from extraction_failures where source = 'changed'") == 3
    assert scalar(db, "select count(*) from pages where source = 'changed'") == 4
    assert rows(db, "select status, batches_held, quarantined from runs") == [("failed", 1, 1)]
    results = dict(
        ((suite, source), ok)
        for suite, source, ok in rows(
            db, "select suite, source, bool_and(success) from validation_results group by all"
        )
    )
    assert results[("pages", "changed")] is False and results[("pages", "steady")] is True
    assert results[("articles", "steady")] is True

    # The GX Data Docs beside the database: the suites, and this run's results (the failing one too).
    docs = tmp_path / "validation-docs"
    html = (docs / "index.html").read_text(encoding="utf-8")
    run_id = scalar(db, "select run_id from runs")
    # Each source sets a language, so its articles have a suite of their own: articles.<source>.
    for page in ("articles/steady", "articles/changed", "pages", "fetch_log"):
        assert f"'_table_row_link_path': 'expectations/{page}.html'" in html
    assert run_id in html and "static/vendor/js/jquery.min.js" in html and "code.jquery.com" not in html
    # This run's two pages results (one per source); the process may have validated other runs before.
    assert len(list(docs.glob(f"validations/pages/{run_id}/*/*.html"))) == 2
    # One page per suite, named by its table, whatever else the process validated before.
    assert {
        page.relative_to(docs / "expectations").parts[0].removesuffix(".html")
        for page in docs.glob("expectations/**/*.html")
    } <= {"articles", "pages", "fetch_log", "entities", "mentions", "events"}
    assert "validation_success_text': 'Failed'" in html

    listed = winnow("quarantine", "list", "--db", str(db), "--format", "json")
    assert listed.exit_code == 0, listed.output
    assert [(r["table_name"], r["source"], r["checks"]) for r in json.loads(listed.output)] == [
        ("articles", "changed", ["pages_mostly_loaded"])
    ]


def test_winnow_run_prints_the_summary_and_the_held_batches_and_exits_1(
    prefect_harness, http_server, tmp_path, monkeypatch
):
    config = serve_a_layout_change(http_server, tmp_path)
    config.write_text(config.read_text() + "enrich: {enabled: false}\n", encoding="utf-8")  # not what is tested
    monkeypatch.setenv(WORKERS_ENV, "1")  # nor is the extraction pool (two Python starts)

    result = winnow("run", "--config", str(config), "--db", str(tmp_path / "w.duckdb"))  # no traceback

    assert result.exit_code == 1
    assert "ingest run " in result.stdout and ": failed" in result.stdout
    assert re.search(r"batches_held\s*│\s*1\s*│", result.stdout)
    assert "validation held back batches (see `winnow quarantine list`):" in result.stderr
    assert "source 'changed': pages_mostly_loaded failed" in result.stderr


def test_validate_checks_the_whole_warehouse_and_fails_on_a_broken_row(tmp_path):
    from winnow.warehouse import db as warehouse_db
    from winnow.warehouse.migrate import migrate

    db = tmp_path / "w.duckdb"
    migrate(db)
    config = tmp_path / "sources.yaml"
    config.write_text(
        "sources:\n  - {name: a, feeds: [{kind: rss, url: 'https://a.example/feed'}]}\n", encoding="utf-8"
    )
    with warehouse_db.write(db) as conn:
        conn.execute("""insert into entities values ('e1', 'Aleppo', 'place', 'SY', ['Aleppo'], now(), now(), 'aleppo', true),
                                                  ('e2', 'Nowhere', 'planet', 'sy', ['Nowhere'], now(), now(), 'nowhere', false)""")

    result = winnow("validate", "--config", str(config), "--db", str(db), "--format", "json")

    assert result.exit_code == 1
    failed = {(r["suite"], r["check"]) for r in json.loads(result.stdout) if not r["success"]}
    assert failed == {("entities", "type_known"), ("entities", "country_code_iso")}
    assert "2 of 5 checks failed" in result.stderr
    assert scalar(db, "select count(*) from validation_results where run_id like 'validate-%' and not success") == 2


def test_release_merges_the_held_rows_that_pass_after_the_config_changes(tmp_path):
    from tests.support.records import article
    from winnow.flows.validation import gate_for
    from winnow.sources.config import load_config
    from winnow.warehouse.articles import load_batch
    from winnow.warehouse.migrate import migrate

    db = tmp_path / "w.duckdb"
    migrate(db)
    strict = tmp_path / "strict.yaml"
    strict.write_text(
        "sources:\n  - {name: news, languages: [en], feeds: [{kind: rss, url: 'https://news.example/f'}]}\n",
        encoding="utf-8",
    )
    source = load_config(strict).sources[0]
    good = [
        article(f"https://news.example/{i}", f"Plain English words, story {i}. " * 10, source="news") for i in range(4)
    ]
    french = replace(article("https://news.example/fr", "Des mots en français " * 10, source="news"), language="fr")
    counts = load_batch(db, "run-1", [], good + [french], [], gate_for(source, load_config(strict).validation))
    assert counts.quarantined == 1 and scalar(db, "select count(*) from articles") == 4

    kept = winnow("quarantine", "release", "--config", str(strict), "--db", str(db))
    assert kept.exit_code == 0, kept.output
    assert scalar(db, "select count(*) from articles") == 4  # still French, still not accepted
    assert scalar(db, "select count(*) from quarantine where released_at is null") == 1

    relaxed = tmp_path / "relaxed.yaml"
    relaxed.write_text(strict.read_text().replace("[en]", "[en, fr]"), encoding="utf-8")
    released = winnow("quarantine", "release", "--config", str(relaxed), "--db", str(db))
    assert released.exit_code == 0, released.output
    assert scalar(db, "select language from articles where url = 'https://news.example/fr'") == "fr"
    assert rows(db, "select released_at is not null, release_run_id like 'release-%' from quarantine") == [(True, True)]
    assert winnow("quarantine", "list", "--db", str(db), "--format", "json").output.strip() == "[]"
