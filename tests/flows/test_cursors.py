"""Discovery cursors through the `ingest` flow: Prefect's test server, HTTP on 127.0.0.1, a DuckDB file."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from tests.support.demo_site import ARTICLE_PATH, OTHER_PATH, demo_page
from tests.support.ingest_runs import ingest, write_config
from tests.support.localserver import Reply
from tests.support.queries import rows

pytestmark = pytest.mark.prefect

THIRD_PATH = "harbour-herald/2026/10/lifeboat-rescue.html"
D1, D2, D3 = (datetime(2026, 10, day, 8, 0, tzinfo=timezone.utc) for day in (13, 14, 15))


def dated_rss(server, entries: list[tuple[str, datetime]]) -> bytes:
    items = "".join(
        f"<item><title>{path}</title><link>{server.url('/' + path)}</link>"
        f"<pubDate>{date.strftime('%a, %d %b %Y %H:%M:%S +0000')}</pubDate></item>"
        for path, date in entries
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'.encode()


def test_a_second_run_leaves_out_the_entries_behind_the_cursor(http_server, tmp_path):
    def serve_feed(entries):
        # No ETag, no Last-Modified: the whole feed every time, as from many real feeds.
        body = dated_rss(http_server, entries)
        http_server.routes["/feed.xml"] = lambda request: Reply(200, body, {"Content-Type": "application/rss+xml"})

    for path in (ARTICLE_PATH, OTHER_PATH, THIRD_PATH):
        http_server.add("/" + path, demo_page(http_server, path))
    serve_feed([(OTHER_PATH, D2), (ARTICLE_PATH, D1)])
    # Validation and enrichment are not what is tested: seconds a run each.
    config = write_config(tmp_path, http_server, [("rss", "/feed.xml")], checks=False)
    db = tmp_path / "winnow.duckdb"
    feed_url = http_server.url("/feed.xml")

    first = ingest(config, db)

    assert (first.discovered, first.behind_cursor, first.fetched, first.new) == (2, 0, 2, 2)
    assert rows(db, "select source, feed_url, newest_at, run_id from discovery_cursors") == [
        ("local", feed_url, D2, first.run_id)
    ]

    serve_feed([(THIRD_PATH, D3), (OTHER_PATH, D2), (ARTICLE_PATH, D1)])
    second = ingest(config, db)

    # ARTICLE_PATH is behind the cursor; OTHER_PATH, at it, is listed but known, so not fetched.
    assert (second.discovered, second.behind_cursor, second.fetched, second.new) == (2, 1, 1, 1)
    assert len(http_server.hits("/" + ARTICLE_PATH)) == len(http_server.hits("/" + OTHER_PATH)) == 1
    assert rows(db, "select discovered, behind_cursor from runs where run_id = ?", [second.run_id]) == [(2, 1)]
    assert rows(db, "select newest_at, run_id from discovery_cursors") == [(D3, second.run_id)]
