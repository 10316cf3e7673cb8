"""The `ingest` flow, run for real on small sites built per test on the programmable HTTP server
(127.0.0.1): changed and unchanged pages, paywalls, HTTP errors, bad configs, min_words.
Validation and enrichment run only where they are what is tested (min_words): seconds a run
each, and tested in test_validation_flow.py and test_stories.py."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from tests.support.demo_site import ARTICLE_PATH, OTHER_PATH, demo_page
from tests.support.feeds import rss, sitemap
from tests.support.ingest_runs import ingest, write_config
from tests.support.queries import rows, scalar

pytestmark = pytest.mark.prefect


def test_changed_page_updates_its_article(http_server, tmp_path):
    long_ago = datetime(2026, 10, 13, tzinfo=timezone.utc)
    http_server.add("/feed.xml", rss(http_server, [ARTICLE_PATH, OTHER_PATH]), "application/rss+xml")
    http_server.add(
        "/sitemap.xml", sitemap(http_server, {ARTICLE_PATH: long_ago, OTHER_PATH: long_ago}), "application/xml"
    )
    original = demo_page(http_server, ARTICLE_PATH)
    http_server.add("/" + ARTICLE_PATH, original)
    http_server.add("/" + OTHER_PATH, demo_page(http_server, OTHER_PATH))
    config, db = (
        write_config(tmp_path, http_server, [("rss", "/feed.xml"), ("sitemap", "/sitemap.xml")], checks=False),
        tmp_path / "winnow.duckdb",
    )

    first = ingest(config, db)
    assert (first.new, first.updated, first.fetched) == (2, 0, 2)
    url = http_server.url("/" + ARTICLE_PATH)
    before = dict(
        zip(
            ("text", "first_seen_at", "updated_at", "run_id", "content_hash"),
            *rows(
                db, "select text, first_seen_at, updated_at, run_id, content_hash from articles where url = ?", [url]
            ),
        )
    )
    other_before = rows(db, "select * from articles where url <> ?", [url])

    # The page changes (so does its ETag); the sitemap says so with a newer lastmod.
    assert "From November 9 the hall" in original
    http_server.add("/" + ARTICLE_PATH, original.replace("From November 9 the hall", "From November 16 the hall"))
    changed = datetime.now(timezone.utc) + timedelta(seconds=1)
    http_server.add(
        "/sitemap.xml", sitemap(http_server, {ARTICLE_PATH: changed, OTHER_PATH: long_ago}), "application/xml"
    )
    page_hits = len(http_server.hits("/" + ARTICLE_PATH))

    second = ingest(config, db)

    assert (second.new, second.updated, second.fetched, second.extracted) == (0, 1, 1, 1)
    assert len(http_server.hits("/" + ARTICLE_PATH)) == page_hits + 1
    assert http_server.hits("/" + ARTICLE_PATH)[-1].headers.get("if-none-match")  # a conditional GET
    ((text, first_seen_at, updated_at, run_id, content_hash),) = rows(
        db, "select text, first_seen_at, updated_at, run_id, content_hash from articles where url = ?", [url]
    )
    assert "From November 16 the hall" in text and "From November 9 the hall" in before["text"]
    assert first_seen_at == before["first_seen_at"]
    assert updated_at > before["updated_at"]
    assert (run_id, before["run_id"]) == (second.run_id, first.run_id)
    assert content_hash != before["content_hash"]
    assert rows(db, "select * from articles where url <> ?", [url]) == other_before
    assert scalar(db, "select count(*) from pages where url = ?", [url]) == 2  # both versions kept


def test_a_page_declared_not_free_is_loaded_flagged_and_counted(http_server, tmp_path):
    not_free = (
        '<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle",'
        ' "isAccessibleForFree": false}</script></head>'
    )
    http_server.add("/feed.xml", rss(http_server, [ARTICLE_PATH, OTHER_PATH]), "application/rss+xml")
    http_server.add("/" + ARTICLE_PATH, demo_page(http_server, ARTICLE_PATH).replace("</head>", not_free, 1))
    http_server.add("/" + OTHER_PATH, demo_page(http_server, OTHER_PATH))
    config, db = write_config(tmp_path, http_server, [("rss", "/feed.xml")], checks=False), tmp_path / "winnow.duckdb"

    summary = ingest(config, db)

    assert (summary.new, summary.paywalled) == (2, 1)
    assert rows(db, "select url, paywalled from articles order by url") == sorted(
        [(http_server.url("/" + ARTICLE_PATH), True), (http_server.url("/" + OTHER_PATH), False)]
    )
    assert scalar(db, "select paywalled from runs where run_id = ?", [summary.run_id]) == 1


def test_http_errors_never_fail_the_run(http_server, tmp_path):
    good, missing, broken, data = ("/" + ARTICLE_PATH, "/news/missing.html", "/news/broken.html", "/news/data.json")
    http_server.add(
        "/feed.xml", rss(http_server, [p.lstrip("/") for p in (good, missing, broken, data)]), "application/rss+xml"
    )
    http_server.add(good, demo_page(http_server, ARTICLE_PATH))
    # missing: no route, so 404. broken: 500 every time (Retry-After: 0 keeps the retries quick).
    http_server.add(broken, "<html>oops</html>", status=500, headers={"Retry-After": "0"})
    http_server.add(data, '{"not": "html"}', "application/json")
    config, db = write_config(tmp_path, http_server, [("rss", "/feed.xml")], checks=False), tmp_path / "winnow.duckdb"

    summary = ingest(config, db)

    assert summary.status == "completed"
    states = dict(rows(db, "select url, state from frontier"))
    assert states == {
        http_server.url(good): "fetched",
        http_server.url(missing): "gone",
        http_server.url(broken): "failed",
        http_server.url(data): "skipped",
    }
    assert rows(db, "select url from articles") == [(http_server.url(good),)]
    ((attempts, last_status, last_error),) = rows(
        db, "select attempts, last_status, last_error from frontier where url = ?", [http_server.url(broken)]
    )
    assert (attempts, last_status) == (1, 500)  # one failed run
    assert "500" in last_error
    broken_log = rows(
        db,
        "select attempt, status from fetch_log where url = ? and run_id = ? order by attempt",
        [http_server.url(broken), summary.run_id],
    )
    assert broken_log == [(1, 500), (2, 500), (3, 500), (4, 500)]  # the first try and 3 retries
    assert len(http_server.hits(broken)) == 4
    assert "not HTML" in scalar(db, "select last_error from frontier where url = ?", [http_server.url(data)])

    # The summary agrees with the tables: the 500 is failed (retried next run), the 404 gone (never).
    assert (summary.discovered, summary.fetched, summary.skipped, summary.not_modified) == (4, 1, 1, 0)
    assert (summary.failed, summary.gone) == (1, 1)
    assert (summary.extracted, summary.not_extracted, summary.new, summary.updated) == (1, 0, 1, 0)
    assert rows(db, "select status, discovered, fetched, failed, gone, skipped, new from runs") == [
        ("completed", 4, 1, 1, 1, 1, 1)
    ]


def test_bad_config_fails_the_flow_naming_source_and_field(prefect_harness, tmp_path):
    from winnow.sources.config import ConfigError

    config = tmp_path / "sources.yaml"
    config.write_text(
        "sources:\n  - name: herald\n    rate_limit: -1\n"
        "    feeds:\n      - kind: rss\n        url: https://herald.example/feed.xml\n"
    )
    db = tmp_path / "winnow.duckdb"

    state = ingest(config, db, return_state=True)

    assert state.is_failed()
    error = state.result(raise_on_failure=False)
    assert isinstance(error, ConfigError)
    message = str(error)
    assert "source 'herald'" in message
    assert "field rate_limit" in message
    assert "must be greater than 0" in message
    assert not db.exists()  # nothing was started


def test_a_page_sent_again_unchanged_is_not_extracted_again(http_server, tmp_path):
    from tests.support.localserver import Reply

    page = demo_page(http_server, ARTICLE_PATH).encode()
    # A server that ignores conditional GET: no ETag, no Last-Modified, the same body each time.
    http_server.routes["/" + ARTICLE_PATH] = lambda request: Reply(200, page, {"Content-Type": "text/html"})
    long_ago = datetime(2026, 10, 13, tzinfo=timezone.utc)
    http_server.add("/sitemap.xml", sitemap(http_server, {ARTICLE_PATH: long_ago}), "application/xml")
    config = write_config(tmp_path, http_server, [("sitemap", "/sitemap.xml")], checks=False)
    db = tmp_path / "winnow.duckdb"
    first = ingest(config, db)
    assert (first.fetched, first.extracted, first.unchanged) == (1, 1, 0)
    before = rows(db, "select * from articles")

    # The sitemap says the page changed; the server sends the very same bytes.
    http_server.add(
        "/sitemap.xml",
        sitemap(http_server, {ARTICLE_PATH: datetime.now(timezone.utc) + timedelta(seconds=1)}),
        "application/xml",
    )
    second = ingest(config, db)

    assert (second.fetched, second.unchanged, second.extracted, second.updated) == (1, 1, 0, 0)
    assert len(http_server.hits("/" + ARTICLE_PATH)) == 2
    assert rows(db, "select * from articles") == before
    assert scalar(db, "select unchanged from runs where run_id = ?", [second.run_id]) == 1


def test_validation_min_words_is_the_extraction_threshold_too(http_server, tmp_path):
    short = (
        "<html><head><title>Pier lights back on</title></head><body><article><h1>Pier lights back on</h1>"
        "<p>The lights on the old pier shone again on Tuesday after repairs.</p></article></body></html>"
    )
    http_server.add("/feed.xml", rss(http_server, ["news/pier.html"]), "application/rss+xml")
    http_server.add("/news/pier.html", short)
    summaries = {}
    for min_words in (None, 5):  # the default (25), then the config's
        folder = tmp_path / str(min_words)
        folder.mkdir()
        config = write_config(folder, http_server, [("rss", "/feed.xml")])
        if min_words:
            config.write_text(config.read_text() + f"validation:\n  min_words: {min_words}\n")
        summaries[min_words] = ingest(config, folder / "winnow.duckdb")

    assert (summaries[None].extracted, summaries[None].not_extracted) == (0, 1)  # 12 words
    assert (summaries[5].extracted, summaries[5].not_extracted, summaries[5].quarantined) == (1, 0, 0)
    assert rows(tmp_path / "5" / "winnow.duckdb", "select word_count from articles") == [(12,)]
