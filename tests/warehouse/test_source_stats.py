"""`winnow sources list`: each source's last run, article count and page failure rate."""

from __future__ import annotations

import json

from tests.support.cli import winnow
from tests.support.records import T0, article, fetched
from winnow.schemas.records import RunSummary
from winnow.warehouse import runs
from winnow.warehouse.articles import load_batch
from winnow.warehouse.query import source_stats


def test_each_source_shows_its_last_run_articles_and_failure_rate(db_path, tmp_path):
    runs.start_run(db_path, RunSummary("run-1", T0, sources=["news"]), "ingest")
    load_batch(
        db_path,
        "run-1",
        [
            fetched("https://news.example/a"),
            fetched("https://news.example/b"),
            fetched("https://news.example/c", outcome="failed", status=503, error="503"),
            fetched("https://news.example/d", outcome="gone", status=404),
        ],
        [article("https://news.example/a"), article("https://news.example/b", "Other words.")],
        [],
    )
    runs.finish_run(db_path, RunSummary("run-1", T0, status="completed", sources=["news"]))

    (news, idle) = source_stats(db_path, ["news", "idle"])

    assert (news.source, news.last_run_status, news.articles, news.page_failure_rate) == ("news", "completed", 2, 0.5)
    assert news.last_run_at == T0
    assert idle == ("idle", None, None, 0, None)

    config = tmp_path / "sources.yaml"
    config.write_text(
        "sources:\n  - {name: news, feeds: [{kind: rss, url: 'https://news.example/f'}]}\n", encoding="utf-8"
    )
    listed = winnow("sources", "list", "--config", str(config), "--db", str(db_path), "--format", "json")
    assert listed.exit_code == 0, listed.output
    assert [(r["source"], r["articles"], r["page_failure_rate"]) for r in json.loads(listed.output)] == [
        ("news", 2, 0.5)
    ]
