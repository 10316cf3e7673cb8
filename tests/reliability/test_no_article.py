"""A 200 whose body gives no article is fetched again next run, up to the attempt limit: a server
that cut the body short is then read whole. No page is lost to one bad response; a page that
really holds no article costs a fetch per run until the limit, and is not extracted again."""

from __future__ import annotations

import pytest

from tests.support.demo_site import ARTICLES, demo_page
from tests.support.ingest_runs import ingest, write_fault_config
from tests.support.localserver import LocalServer, Reply, in_turn
from tests.support.queries import rows

pytestmark = pytest.mark.prefect

CUT, INDEX = "/" + ARTICLES[0], "/news/index.html"


def test_a_body_that_gave_no_article_is_asked_for_again(prefect_harness, tmp_path):
    server = LocalServer().start()
    try:
        page_type = {"Content-Type": "text/html; charset=utf-8", "ETag": '"v1"'}
        whole = demo_page(server, CUT).encode()
        server.routes.update(
            {
                # The first response is cut short, with a Content-Length that matches: it looks whole.
                CUT: in_turn(Reply(200, whole[:400], page_type), Reply(200, whole, page_type)),
                INDEX: lambda r: Reply(200, b"<html><body><p>Latest news</p></body></html>", page_type),
            }
        )
        items = "".join(f"<item><title>t</title><link>{server.url(p)}</link></item>" for p in (CUT, INDEX))
        server.add(
            "/feed.xml", f'<rss version="2.0"><channel><title>t</title>{items}</channel></rss>', "application/rss+xml"
        )
        config, db = write_fault_config(tmp_path, server, [("rss", "/feed.xml")]), tmp_path / "winnow.duckdb"

        first = ingest(config, db)
        after_first = rows(db, "select url, state, attempts, last_error, etag from frontier order by url")
        second = ingest(config, db)
        after_second = rows(db, "select url, state, attempts from frontier order by url")
        third = ingest(config, db)
        requests = {path: [r.headers.get("if-none-match") for r in server.hits(path)] for path in (CUT, INDEX)}
    finally:
        server.stop()

    cut, index = server.url(CUT), server.url(INDEX)
    assert (first.fetched, first.extracted, first.not_extracted) == (2, 0, 2)
    assert after_first == [(cut, "failed", 1, "gave no article", None), (index, "failed", 1, "gave no article", None)]
    # Asked again without its validators, so the servers send bodies, not 304s.
    assert requests == {CUT: [None, None], INDEX: [None, None, None]}
    assert (second.fetched, second.new, second.unchanged) == (2, 1, 1)
    assert rows(db, "select url from articles") == [(cut,)]
    # The index page sent the very same body: not extracted again, still no article, due again.
    assert after_second == [(cut, "fetched", 0), (index, "failed", 2)]
    assert (third.fetched, third.unchanged, third.new) == (1, 1, 0)
    assert rows(db, "select url, state, attempts from frontier order by url") == [
        (cut, "fetched", 0),
        (index, "failed", 3),
    ]
    assert rows(db, "select count(*) from extraction_failures") == [(2,)]  # the first two bodies only
