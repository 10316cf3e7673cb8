"""The `ingest` flow, run for real on the demo corpus: Prefect's test server, the demo site on
127.0.0.1, a DuckDB file; the corpus is ingested once for the module."""

from __future__ import annotations

import gzip
import json
import shutil
from types import SimpleNamespace

import pytest

from tests.support.demo_site import GROUND_TRUTH
from tests.support.ingest_runs import ingest
from tests.support.queries import rows, scalar
from winnow.demo.server import render_sources, serve_site
from winnow.schemas.records import RUN_COUNTERS

pytestmark = pytest.mark.prefect


@pytest.fixture(scope="module")
def demo_ingest(prefect_harness, tmp_path_factory):
    """One ingest of the demo corpus (the default extraction path, on every core); the server
    stays up for the module so that later runs see the same URLs."""
    folder = tmp_path_factory.mktemp("demo-ingest")
    with serve_site(port=0) as base_url:
        config = folder / "sources.yaml"
        config.write_text(render_sources(base_url), encoding="utf-8")
        db = folder / "winnow.duckdb"
        summary = ingest(config, db, extract_workers=None)
        yield SimpleNamespace(base_url=base_url, config=config, db=db, summary=summary)


def test_demo_corpus_every_ground_truth_article_is_loaded(demo_ingest):
    db = demo_ingest.db
    titles = {title for (title,) in rows(db, "select title from articles")}
    assert titles == {truth["title"] for truth in GROUND_TRUTH.values()}
    urls = {url for (url,) in rows(db, "select url from articles")}
    assert urls == {f"{demo_ingest.base_url}/{path}" for path in GROUND_TRUTH}
    assert scalar(db, "select count(*) from articles where run_id = ?", [demo_ingest.summary.run_id]) == 30


def test_demo_corpus_private_url_is_skipped_by_robots(demo_ingest):
    skipped = rows(demo_ingest.db, "select url, last_error from frontier where state = 'skipped'")
    assert len(skipped) == 1
    url, error = skipped[0]
    assert "/private/" in url
    assert "robots" in error
    assert demo_ingest.summary.skipped == 1
    # robots.txt refused it before any request was made
    assert scalar(demo_ingest.db, "select count(*) from fetch_log where url = ?", [url]) == 0


def test_demo_corpus_summary_matches_the_tables(demo_ingest):
    db, summary = demo_ingest.db, demo_ingest.summary
    assert summary.status == "completed"
    assert (summary.discovered, summary.fetched, summary.skipped, summary.failed, summary.not_modified) == (
        31,
        30,
        1,
        0,
        0,
    )
    assert (summary.extracted, summary.not_extracted, summary.new, summary.updated) == (30, 0, 30, 0)

    assert scalar(db, "select count(*) from frontier") == summary.discovered
    states = dict(rows(db, "select state, count(*) from frontier group by state"))
    assert states == {"fetched": summary.fetched, "skipped": summary.skipped}
    assert scalar(db, "select count(*) from articles") == summary.new
    assert scalar(db, "select count(*) from extraction_failures") == summary.not_extracted
    assert summary.chaff_removed == scalar(db, "select count(*) from article_chaff") > 0

    (run,) = rows(
        db, f"select run_id, flow, status, finished_at is not null, sources, {', '.join(RUN_COUNTERS)} from runs"
    )
    run_id, flow_name, status, finished, sources, *counters = run
    assert (run_id, flow_name, status, finished) == (summary.run_id, "ingest", "completed", True)
    assert sources == summary.sources == ["harbour-herald", "vale-courier", "northgate-observer"]
    assert counters == pytest.approx([getattr(summary, name) for name in RUN_COUNTERS])


def test_demo_corpus_pages_hold_gzip_bodies(demo_ingest):
    db = demo_ingest.db
    pages = rows(db, "select url, html_gz, size, run_id from pages join page_bodies using (url, page_hash)")
    assert len({url for url, *_ in pages}) == 30
    for url, html_gz, size, run_id in pages:
        body = gzip.decompress(html_gz)
        assert len(body) == size
        assert b"<html" in body[:200].lower()
        assert run_id == demo_ingest.summary.run_id
    # each stored page is the one its article was extracted from
    assert scalar(db, "select count(*) from articles a join pages p using (url, page_hash)") == 30


def test_demo_corpus_fetch_log_has_the_runs_attempts(demo_ingest):
    db, run_id = demo_ingest.db, demo_ingest.summary.run_id
    kinds = dict(rows(db, "select kind, count(*) from fetch_log where run_id = ? group by kind", [run_id]))
    assert kinds["page"] == 30  # one attempt per fetched page
    assert set(kinds) == {"page", "rss", "sitemap"}
    assert scalar(db, "select count(*) from fetch_log where run_id <> ?", [run_id]) == 0
    assert scalar(db, "select count(*) from fetch_log where kind = 'page' and status <> 200") == 0


def test_demo_corpus_every_article_is_enriched(demo_ingest):
    db = demo_ingest.db
    assert demo_ingest.summary.enriched == scalar(db, "select count(*) from articles") == 30
    assert demo_ingest.summary.events_found == scalar(db, "select count(*) from events") > 0
    assert scalar(db, "select count(*) from articles where article_id not in (select article_id from mentions)") == 0
    # every actor and location is an entity
    assert (
        scalar(
            db,
            """select count(*) from events e, unnest([e.actor1, e.actor2, e.location]) as t(id)
                         where id is not null and id not in (select entity_id from entities)""",
        )
        == 0
    )
    overview = rows(db, "select title, len(entities), len(events) from article_overview where title like 'Helena%'")
    assert overview and overview[0][1] > 0 and overview[0][2] > 0


def test_demo_corpus_summary_artifact(demo_ingest):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId, ArtifactFilterKey

    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(
                key=ArtifactFilterKey(any_=["ingest-summary"]),
                flow_run_id=ArtifactFilterFlowRunId(any_=[demo_ingest.summary.run_id]),
            )
        )
    assert len(artifacts) == 1
    artifact = artifacts[0]
    assert artifact.type == "table"
    data = json.loads(artifact.data) if isinstance(artifact.data, str) else artifact.data
    assert data == [
        {
            "run_id": demo_ingest.summary.run_id,
            "status": "completed",
            **{name: pytest.approx(getattr(demo_ingest.summary, name)) for name in RUN_COUNTERS},
        }
    ]


def test_second_run_changes_nothing(demo_ingest, tmp_path):
    db = tmp_path / "winnow.duckdb"
    shutil.copy(demo_ingest.db, db)  # the module's run stays as it was for the other tests
    wal = demo_ingest.db.with_name(demo_ingest.db.name + ".wal")
    if wal.exists():
        shutil.copy(wal, db.with_name(db.name + ".wal"))
    before = rows(db, "select * from articles order by article_id")
    enriched_before = [rows(db, f"select * from {table} order by all") for table in ("entities", "mentions", "events")]

    summary = ingest(demo_ingest.config, db)

    assert summary.status == "completed"
    assert (summary.new, summary.updated, summary.extracted, summary.fetched) == (0, 0, 0, 0)
    assert rows(db, "select * from articles order by article_id") == before
    assert scalar(db, "select count(*) from articles where run_id = ?", [summary.run_id]) == 0
    assert summary.enriched == 0
    assert [
        rows(db, f"select * from {table} order by all") for table in ("entities", "mentions", "events")
    ] == enriched_before
    assert rows(db, "select status from runs where run_id = ?", [summary.run_id]) == [("completed",)]
    # the feeds were asked again, conditionally, and answered 304
    feed_statuses = {
        status
        for (status,) in rows(db, "select status from fetch_log where run_id = ? and kind <> 'page'", [summary.run_id])
    }
    assert feed_statuses == {304}


def test_demo_corpus_validation_artifact_and_results(demo_ingest):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId, ArtifactFilterKey

    with get_client(sync_client=True) as client:
        (artifact,) = client.read_artifacts(
            artifact_filter=ArtifactFilter(
                key=ArtifactFilterKey(any_=["ingest-validation"]),
                flow_run_id=ArtifactFilterFlowRunId(any_=[demo_ingest.summary.run_id]),
            )
        )
    data = json.loads(artifact.data) if isinstance(artifact.data, str) else artifact.data
    suites = {row["suite"] for row in data}
    assert suites == {"articles", "pages", "fetch_log", "entities", "mentions", "events"}
    assert all(row["failed"] == 0 for row in data)
    assert "0 of" in artifact.description and "0 rows quarantined" in artifact.description
    assert scalar(demo_ingest.db, "select count(*) from quarantine") == 0
    assert (
        scalar(
            demo_ingest.db,
            "select count(distinct suite) from validation_results where run_id = ?",
            [demo_ingest.summary.run_id],
        )
        == 6
    )
