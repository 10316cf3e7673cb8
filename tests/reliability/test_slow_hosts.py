"""Slow and timing-out hosts hold up nothing but themselves: real `ingest` runs against servers on
127.0.0.1. A trickling page is given up on at once and tried again next run, the pages around it
are loaded as they arrive, a host that keeps timing out is left for the next run, a source's
fetch deadline is kept, and robots.txt is asked once per host per run."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest

from tests.support.demo_site import ARTICLES, demo_page
from tests.support.fetching import SMALL_LIMITS
from tests.support.ingest_runs import ingest, write_fault_config
from tests.support.localserver import LOOPBACK_YAML, LocalServer, Reply
from tests.support.queries import rows, scalar
from winnow.flows.page_batches import BATCH_WAIT_ENV
from winnow.sources.fetch import HOST_TIMEOUT_LIMIT, MAX_PER_HOST, FetchPolicy

pytestmark = pytest.mark.prefect

PAGE_TYPE = {"Content-Type": "text/html"}


def use_limits(patch: pytest.MonkeyPatch, **limits) -> None:
    """Every source fetches under SMALL_LIMITS and `limits` (its user agent, rate and networks kept)."""
    for_source = FetchPolicy.for_source.__func__
    patch.setattr(
        FetchPolicy,
        "for_source",
        classmethod(lambda cls, source: replace(for_source(cls, source), **{**SMALL_LIMITS, **limits})),
    )


def serve_articles(server: LocalServer, count: int, prefix: str = "") -> list[str]:
    """`count` distinct demo articles at /<prefix><article path>; returns their paths."""
    paths = [f"/{prefix}{article}" for article in ARTICLES[:count]]
    for path, article in zip(paths, ARTICLES):
        server.add(path, demo_page(server, "/" + article))
    return paths


def serve_feed(server: LocalServer, paths: list[str], feed: str = "/feed.xml") -> None:
    items = "".join(f"<item><title>{p}</title><link>{server.url(p)}</link></item>" for p in paths)
    server.add(feed, f'<rss version="2.0"><channel><title>t</title>{items}</channel></rss>', "application/rss+xml")


def test_a_trickling_page_is_given_up_at_once_and_tried_again_next_run(
    prefect_harness, http_server, tmp_path, monkeypatch
):
    good = serve_articles(http_server, 23)
    trickle = "/news/trickle.html"  # 8 bytes a second: hours for a page
    http_server.routes[trickle] = lambda r: Reply(
        200, demo_page(http_server, good[0]).encode(), PAGE_TYPE, trickle_s=0.25, trickle_bytes=2
    )
    serve_feed(http_server, good + [trickle])
    # The speed window is 10 s by default; 1 s keeps the test short. The limit on the whole
    # request (2 s here, 60 s by default) would otherwise stop it, later.
    use_limits(monkeypatch, total_timeout_s=5.0, slow_window_s=1.0)
    config, db = write_fault_config(tmp_path, http_server, [("rss", "/feed.xml")]), tmp_path / "w.duckdb"

    first = ingest(config, db)

    assert (first.fetched, first.failed, first.new, first.deferred) == (23, 1, 23, 0)
    assert first.fetch_seconds < 4  # the trickle was given up after its speed window, not retried
    (attempt,) = rows(db, "select attempt, status, error from fetch_log where url = ?", [http_server.url(trickle)])
    assert attempt[:2] == (1, 200) and attempt[2].startswith("too slow: ")
    assert rows(db, "select state, attempts from frontier where url = ?", [http_server.url(trickle)]) == [("failed", 1)]

    second = ingest(config, db)  # the next run asks again, and only for the trickle
    assert (second.fetched, second.failed) == (0, 1)
    assert scalar(db, "select count(*) from fetch_log where url = ?", [http_server.url(trickle)]) == 2
    assert rows(db, "select state, attempts from frontier where url = ?", [http_server.url(trickle)]) == [("failed", 2)]


def test_pages_are_loaded_while_a_slow_page_is_still_coming(prefect_harness, http_server, tmp_path, monkeypatch):
    good = serve_articles(http_server, 6)
    slow = "/" + ARTICLES[6]  # a valid page at a steady 2 kB/s: about 6 s for its ~12 kB
    body = demo_page(http_server, slow).encode()
    http_server.routes[slow] = lambda r: Reply(200, body, PAGE_TYPE, trickle_s=0.1, trickle_bytes=200)
    serve_feed(http_server, good + [slow])
    monkeypatch.setenv(BATCH_WAIT_ENV, "0.5")
    use_limits(monkeypatch, total_timeout_s=30.0)
    config, db = write_fault_config(tmp_path, http_server, [("rss", "/feed.xml")]), tmp_path / "w.duckdb"

    summary = ingest(config, db)

    assert (summary.fetched, summary.new) == (7, 7)
    loaded = dict(rows(db, "select url, first_seen_at from articles"))
    slow_loaded = loaded.pop(http_server.url(slow))
    assert len(body) / 2000 > 4
    # Each page was loaded within a second of its arrival, seconds before the slow page was in.
    assert max(loaded.values()) < slow_loaded and (slow_loaded - max(loaded.values())).total_seconds() > 2
    assert scalar(db, "select count(distinct run_id) from articles") == 1


def test_a_host_that_keeps_timing_out_is_left_for_the_next_run(prefect_harness, http_server, tmp_path, monkeypatch):
    """Two sources, two hosts: one host stalls on every page; the other is not held up by it."""
    use_limits(monkeypatch)
    stalled = [f"/stall/{i}.html" for i in range(8)]

    def stall(request):
        time.sleep(2)  # no headers for longer than the read timeout
        return Reply(200, b"<html>late</html>", PAGE_TYPE)

    for path in stalled:
        http_server.routes[path] = stall
    serve_feed(http_server, stalled)
    healthy = LocalServer().start()
    try:
        good = serve_articles(healthy, 5)
        serve_feed(healthy, good)
        config = write_fault_config(tmp_path, http_server, [("rss", "/feed.xml")])
        config.write_text(
            config.read_text()
            + (
                f'  - name: healthy\n    feeds:\n      - kind: rss\n        url: "{healthy.url("/feed.xml")}"\n'
                f'    allowed_domains: ["127.0.0.1"]\n    allowed_networks: {LOOPBACK_YAML}\n'
            ),
            encoding="utf-8",
        )
        db = tmp_path / "w.duckdb"
        summary = ingest(config, db)
    finally:
        healthy.stop()

    asked = scalar(db, "select count(distinct url) from fetch_log where url like ?", [http_server.url("/stall/%")])
    assert HOST_TIMEOUT_LIMIT <= asked <= HOST_TIMEOUT_LIMIT + MAX_PER_HOST - 1
    assert summary.deferred == len(stalled) - asked
    assert rows(
        db, "select state, attempts, count(*) from frontier where source = 'local' group by all order by 1"
    ) == [("failed", 1, asked), ("pending", 0, len(stalled) - asked)]  # the deferred are due next run, unasked
    assert rows(db, "select count(*) from articles where source = 'healthy'") == [(5,)]
    assert rows(db, "select deferred from runs") == [(len(stalled) - asked,)]


def test_a_source_stops_fetching_at_its_deadline(prefect_harness, http_server, tmp_path):
    pages = serve_articles(http_server, 10)
    serve_feed(http_server, pages)
    config = write_fault_config(tmp_path, http_server, [("rss", "/feed.xml")], extra="    fetch_deadline: 1.5\n")
    config.write_text(config.read_text().replace("rate_limit: 1000", "rate_limit: 2"), encoding="utf-8")
    db = tmp_path / "w.duckdb"

    summary = ingest(config, db)

    # At 2 requests/s (robots.txt and the feed first), a few pages start within the deadline.
    assert 1 <= summary.fetched < 10 and summary.deferred == 10 - summary.fetched
    assert scalar(db, "select count(*) from articles") == summary.fetched
    assert scalar(db, "select count(*) from frontier where state = 'pending' and attempts = 0") == summary.deferred


def test_robots_txt_is_asked_once_per_host_per_run(prefect_harness, http_server, tmp_path):
    """Two sources on one host, their pages in several batches: one robots.txt request."""
    http_server.add("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    first, second = serve_articles(http_server, 6, "a"), serve_articles(http_server, 6, "b")
    serve_feed(http_server, first, "/a.xml")
    serve_feed(http_server, second, "/b.xml")
    config = tmp_path / "sources.yaml"
    config.write_text(
        f"defaults: {{user_agent: winnow-test/0.1, rate_limit: 1000, language: en, allowed_networks: {LOOPBACK_YAML}}}\n"
        "validation: {enabled: false}\nenrich: {enabled: false}\n"
        "sources:\n"
        f"  - {{name: a, feeds: [{{kind: rss, url: '{http_server.url('/a.xml')}'}}]}}\n"
        f"  - {{name: b, feeds: [{{kind: rss, url: '{http_server.url('/b.xml')}'}}]}}\n",
        encoding="utf-8",
    )
    from winnow.flows.ingest import ingest as ingest_flow

    summary = ingest_flow(config_path=str(config), db_path=str(tmp_path / "w.duckdb"), batch_size=2, extract_workers=1)

    assert summary.fetched == 12  # in six batches, and two discoveries
    assert len(http_server.hits("/robots.txt")) == 1
