"""Backfills from web archives through the real ingest: local WARC files and a CC-NEWS-shaped
archive on 127.0.0.1, read once (a re-run adds nothing), and a real `winnow run` killed in the
middle of a backfill and started again, which loses and repeats nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.support.archives import cc_news_index, ranged
from tests.support.ingest_runs import NO_CHECKS, ingest
from tests.support.localserver import LOOPBACK_YAML
from tests.support.queries import rows, scalar
from tests.support.winnow_process import count, kill, killable_run, wait_for, winnow_env
from winnow.demo.archive import CAPTURED, articles_warc
from winnow.flows.extraction_pool import WORKERS_ENV

SITE = "https://news.example"


@pytest.mark.prefect
def test_a_folder_of_warc_files_is_ingested_once(tmp_path):
    folder = tmp_path / "archives"
    folder.mkdir()
    (folder / "one.warc.gz").write_bytes(articles_warc(SITE, 4))
    (folder / "two.warc.gz").write_bytes(articles_warc(SITE, 3, first=4))
    (folder / "other-site.warc.gz").write_bytes(articles_warc("https://elsewhere.example", 2))
    config = tmp_path / "sources.yaml"
    config.write_text(
        NO_CHECKS + "sources:\n  - name: news\n    feeds: [{kind: warc, path: 'archives/*.warc.gz'}]\n"
        "    allowed_domains: [news.example]\n",
        encoding="utf-8",
    )
    db = tmp_path / "w.duckdb"

    first = ingest(config, db)

    assert (first.status, first.fetched, first.new) == ("completed", 7, 7)
    assert rows(db, "select count(*), count(distinct url), min(fetched_at) from pages") == [(7, 7, CAPTURED)]
    assert rows(db, "select count(*) from fetch_log") == [(0,)]  # an archive makes no request
    assert rows(db, "select archive like '%/other-site.warc.gz', done, pages from archive_cursors order by 1") == [
        (False, True, 4),
        (False, True, 3),
        (True, True, 0),
    ]

    again = ingest(config, db)  # every archive read to its end: nothing is read again
    assert (again.fetched, again.new) == (0, 0)
    assert scalar(db, "select count(*) from articles") == 7


@pytest.mark.prefect
def test_cc_news_of_a_date_range_and_the_source_s_domains(http_server, tmp_path):
    month = "crawl-data/CC-NEWS/2024/01"
    archives = {
        f"{month}/CC-NEWS-20240102100000-00001.warc.gz": articles_warc(SITE, 3),
        f"{month}/CC-NEWS-20240102110000-00002.warc.gz": articles_warc(SITE, 2, first=3)
        + articles_warc("https://elsewhere.example", 2),
        # written on the 5th, after the range: not even asked for
        f"{month}/CC-NEWS-20240105000000-00003.warc.gz": articles_warc(
            SITE, 2, first=5, captured=CAPTURED + timedelta(days=3)
        ),
    }
    for path, body in archives.items():
        http_server.routes["/" + path] = ranged(body)
    http_server.add(f"/{month}/warc.paths.gz", cc_news_index(list(archives)), content_type="application/octet-stream")
    config = tmp_path / "sources.yaml"
    config.write_text(
        NO_CHECKS + "sources:\n  - name: news\n"
        f"    feeds: [{{kind: ccnews, start: 2024-01-01, end: 2024-01-03, index: '{http_server.base_url}'}}]\n"
        f"    allowed_domains: [news.example]\n    allowed_networks: {LOOPBACK_YAML}\n",
        encoding="utf-8",
    )
    db = tmp_path / "w.duckdb"

    summary = ingest(config, db)

    assert (summary.fetched, summary.new) == (5, 5)
    assert scalar(db, "select count(*) from articles where url like 'https://news.example/copy/%'") == 5
    assert http_server.hits("/" + list(archives)[2]) == []
    assert scalar(db, "select count(*) from archive_cursors where done") == 2
    assert ingest(config, db).fetched == 0  # read to their ends: a re-run adds nothing


@pytest.mark.slow
@pytest.mark.prefect
def test_a_backfill_killed_in_the_middle_goes_on_losing_and_repeating_nothing(http_server, tmp_path, prefect_harness):
    """A real `winnow run` reads an archive served slowly, is killed (SIGKILL) once its first
    batch is loaded, and a second run finishes the archive from the cursor."""
    from winnow.flows.ingest import ARCHIVE_BATCH_SIZE  # Prefect is imported after the test settings

    pages = ARCHIVE_BATCH_SIZE + 60  # two batches: the kill lands in the second
    http_server.routes["/backfill.warc.gz"] = ranged(articles_warc(SITE, pages), bytes_per_s=200_000)
    config = tmp_path / "sources.yaml"
    config.write_text(
        NO_CHECKS + "sources:\n  - name: news\n"
        f"    feeds: [{{kind: warc, url: '{http_server.url('/backfill.warc.gz')}'}}]\n"
        f"    allowed_domains: [news.example]\n    allowed_networks: {LOOPBACK_YAML}\n    max_pages: 1000\n",
        encoding="utf-8",
    )
    db = tmp_path / "w.duckdb"
    env = winnow_env(tmp_path, prefect_harness)  # the session's server: a temporary one of its own takes ~15 s
    env[WORKERS_ENV] = "1"  # no extraction pool: two Python starts, not what is tested
    with killable_run(["run", "--config", str(config), "--db", str(db)], tmp_path, env) as killed:
        wait_for(
            lambda: (count(db, "select count(*) from archive_cursors where not done") or 0) > 0,
            killed,
            "the first batch loaded",
        )
        kill(killed)
    loaded = count(db, "select count(*) from articles")
    assert 0 < loaded < pages and count(db, "select sum(pages) from archive_cursors") == loaded

    assert ingest(config, db).status == "completed"

    assert rows(db, "select status from runs order by started_at") == [("crashed",), ("completed",)]
    assert rows(db, "select count(*), count(distinct url) from articles") == [(pages, pages)]
    assert rows(db, "select count(*), count(distinct url) from pages") == [(pages, pages)]
    assert rows(db, "select done, pages from archive_cursors") == [(True, pages)]
    # The second run asked for the archive from the cursor on, not from its start.
    ranges = [r.headers.get("range") for r in http_server.hits("/backfill.warc.gz")]
    assert ranges[0] is None and ranges[-1].startswith("bytes=") and ranges[-1] != "bytes=0-"
