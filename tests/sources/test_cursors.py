"""Discovery cursors: what a second discovery leaves out, over local HTTP with the real Fetcher."""

from datetime import datetime, timedelta, timezone

from tests.support.discovery import discover, make_source
from tests.support.feeds import SITEMAP_NS, urlset
from tests.support.localserver import Reply
from winnow.sources.parsers import parse_sitemap

UTC = timezone.utc
D1, D2, D3 = (datetime(2025, 6, day, 8, 0, tzinfo=UTC) for day in (10, 11, 12))


def rss(server, entries: list[tuple[str, datetime | None]]) -> bytes:
    """An RSS feed of (path, date) entries on `server`."""
    items = "".join(
        f"<item><link>{server.url(path)}</link>"
        + (f"<pubDate>{date.strftime('%a, %d %b %Y %H:%M:%S +0000')}</pubDate>" if date else "")
        + "</item>"
        for path, date in entries
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'.encode()


def serve_ignoring_conditional_get(server, path: str, body: bytes, content_type: str) -> None:
    """No ETag, no Last-Modified: every request gets the whole body, as from many real feeds."""
    server.routes[path] = lambda request: Reply(200, body, {"Content-Type": content_type})


def dated_urlset(server, entries: dict[str, datetime]) -> bytes:
    return urlset(
        *(
            f"<url><loc>{server.url(path)}</loc><lastmod>{date.isoformat()}</lastmod></url>"
            for path, date in entries.items()
        )
    )


def dated_index(server, children: dict[str, datetime | None]) -> bytes:
    entries = "".join(
        f"<sitemap><loc>{server.url(path)}</loc>"
        + (f"<lastmod>{date.isoformat()}</lastmod>" if date else "")
        + "</sitemap>"
        for path, date in children.items()
    )
    return f'<?xml version="1.0"?><sitemapindex {SITEMAP_NS}>{entries}</sitemapindex>'.encode()


def sitemap_source(server, tmp_path):
    return make_source(f"\n      - {{kind: sitemap, url: '{server.url('/sitemap.xml')}'}}", tmp_path)


def test_parse_sitemap_index_keeps_each_childs_lastmod():
    body = (
        f"<sitemapindex {SITEMAP_NS}>"
        "<sitemap><loc>/a.xml</loc><lastmod>2025-06-10T10:00:00+02:00</lastmod></sitemap>"
        "<sitemap><loc>/b.xml</loc></sitemap>"
        "<sitemap><loc>/c.xml</loc><lastmod>2025-06-10</lastmod></sitemap>"
        "<sitemap><loc>/c.xml</loc><lastmod>2025-06-12</lastmod></sitemap>"
        "</sitemapindex>"
    ).encode()
    page = parse_sitemap(body, "https://herald.example/sitemap.xml")
    assert page.children == [
        "https://herald.example/a.xml",
        "https://herald.example/b.xml",
        "https://herald.example/c.xml",
        "https://herald.example/c.xml",
    ]
    assert page.child_lastmods == {
        "https://herald.example/a.xml": datetime(2025, 6, 10, 8, 0, tzinfo=UTC),
        "https://herald.example/c.xml": datetime(2025, 6, 12, tzinfo=UTC),
    }


def test_second_feed_discovery_lists_only_entries_from_the_cursor_on(http_server, tmp_path):
    feed_url = http_server.url("/feed.xml")
    source = make_source(f"\n      - {{kind: rss, url: '{feed_url}'}}", tmp_path)
    serve_ignoring_conditional_get(
        http_server,
        "/feed.xml",
        rss(http_server, [("/news/2", D2), ("/news/1", D1), ("/news/undated", None)]),
        "application/rss+xml",
    )

    first = discover(source)

    assert [u.url for u in first.urls] == [http_server.url(p) for p in ["/news/2", "/news/1", "/news/undated"]]
    assert (first.cursors, first.behind_cursor) == ({feed_url: D2}, 0)

    # A new entry on top; the server sends the whole feed again.
    serve_ignoring_conditional_get(
        http_server,
        "/feed.xml",
        rss(http_server, [("/news/3", D3), ("/news/2", D2), ("/news/1", D1), ("/news/undated", None)]),
        "application/rss+xml",
    )

    second = discover(source, cursors=first.cursors)

    # /news/2 is dated at the cursor: listed again (the frontier knows it); undated entries always are.
    assert [u.url for u in second.urls] == [http_server.url(p) for p in ["/news/3", "/news/2", "/news/undated"]]
    assert (second.cursors, second.behind_cursor) == ({feed_url: D3}, 1)
    assert [r.outcome for _, _, r in second.feed_fetches] == ["fetched"]


def test_dates_in_the_future_do_not_move_the_cursor(http_server, tmp_path):
    now = datetime.now(UTC)
    soon, far = now + timedelta(hours=12), now + timedelta(days=30)
    feed_url = http_server.url("/feed.xml")
    serve_ignoring_conditional_get(
        http_server,
        "/feed.xml",
        rss(http_server, [("/news/broken-clock", far), ("/news/1", D1)]),
        "application/rss+xml",
    )
    source = make_source(f"\n      - {{kind: rss, url: '{feed_url}'}}", tmp_path)

    found = discover(source, cursors={feed_url: D1 - timedelta(days=1)})

    assert [u.url for u in found.urls] == [http_server.url("/news/broken-clock"), http_server.url("/news/1")]
    assert found.cursors == {feed_url: D1}  # not 30 days ahead: the feed's next entries would all be behind it

    # Within a day ahead (time zones, clocks a little off) is taken as it is.
    serve_ignoring_conditional_get(
        http_server, "/feed.xml", rss(http_server, [("/news/2", soon)]), "application/rss+xml"
    )
    assert discover(source, cursors=found.cursors).cursors == {feed_url: soon.replace(microsecond=0)}


def test_sitemap_entries_behind_the_cursor_are_not_listed(http_server, tmp_path):
    http_server.add(
        "/sitemap.xml", dated_urlset(http_server, {"/news/1": D1, "/news/2": D2, "/news/3": D3}), "application/xml"
    )
    sitemap_url = http_server.url("/sitemap.xml")

    found = discover(sitemap_source(http_server, tmp_path), cursors={sitemap_url: D2})

    assert [u.url for u in found.urls] == [http_server.url("/news/2"), http_server.url("/news/3")]
    assert (found.cursors, found.behind_cursor) == ({sitemap_url: D3}, 1)


def test_a_child_sitemap_unchanged_in_its_index_is_not_fetched_again(http_server, tmp_path):
    http_server.add(
        "/sitemap.xml", dated_index(http_server, {"/a.xml": D1, "/b.xml": D1, "/c.xml": None}), "application/xml"
    )
    http_server.add("/a.xml", dated_urlset(http_server, {"/news/a1": D1 - timedelta(hours=1)}), "application/xml")
    http_server.add("/b.xml", dated_urlset(http_server, {"/news/b1": D1 - timedelta(hours=1)}), "application/xml")
    http_server.add("/c.xml", urlset(f"<url><loc>{http_server.url('/news/c1')}</loc></url>"), "application/xml")
    source = sitemap_source(http_server, tmp_path)
    first = discover(source)
    assert len(first.urls) == 3 and first.errors == []
    # Read whole, a child is up to date as of its <lastmod> in the index; an undated one has no cursor.
    assert first.cursors == {http_server.url("/a.xml"): D1, http_server.url("/b.xml"): D1}

    # b.xml gains an entry and the index says so; a.xml and the undated c.xml stay as they were.
    http_server.add(
        "/sitemap.xml", dated_index(http_server, {"/a.xml": D1, "/b.xml": D2, "/c.xml": None}), "application/xml"
    )
    http_server.add(
        "/b.xml", dated_urlset(http_server, {"/news/b1": D1 - timedelta(hours=1), "/news/b2": D2}), "application/xml"
    )
    validators = {url: (r.etag, r.last_modified) for url, _, r in first.feed_fetches}

    second = discover(source, validators, first.cursors)

    assert len(http_server.hits("/a.xml")) == 1  # not asked at all, not even conditionally
    assert len(http_server.hits("/b.xml")) == 2
    assert len(http_server.hits("/c.xml")) == 2  # undated: asked again (and answered 304)
    assert [u.url for u in second.urls] == [http_server.url("/news/b2")]
    assert second.behind_cursor == 1  # b1, older than b.xml's cursor
    assert second.cursors == {http_server.url("/b.xml"): D2}
    assert second.errors == []


def test_an_error_under_a_nested_index_keeps_it_from_being_skipped(http_server, tmp_path):
    # sitemap.xml -> sub.xml (index) -> ok.xml, missing.xml (404)
    http_server.add("/sitemap.xml", dated_index(http_server, {"/sub.xml": D1}), "application/xml")
    http_server.add("/sub.xml", dated_index(http_server, {"/ok.xml": D1, "/missing.xml": D1}), "application/xml")
    http_server.add("/ok.xml", dated_urlset(http_server, {"/news/1": D1}), "application/xml")
    source = sitemap_source(http_server, tmp_path)

    first = discover(source)

    assert len(first.errors) == 1 and "missing.xml" in first.errors[0]
    # ok.xml was read whole; sub.xml was not (missing.xml's URLs are unknown), so it keeps no cursor.
    assert first.cursors == {http_server.url("/ok.xml"): D1}

    http_server.add("/missing.xml", dated_urlset(http_server, {"/news/2": D1}), "application/xml")
    second = discover(source, cursors=first.cursors)

    assert [len(http_server.hits(p)) for p in ["/sitemap.xml", "/sub.xml", "/ok.xml", "/missing.xml"]] == [2, 2, 1, 2]
    assert [u.url for u in second.urls] == [http_server.url("/news/2")]
    assert second.cursors == {http_server.url(p): D1 for p in ["/sub.xml", "/missing.xml"]}


def test_a_child_dated_in_the_future_by_its_index_is_fetched_every_time(http_server, tmp_path):
    far = datetime.now(UTC) + timedelta(days=30)
    http_server.add("/sitemap.xml", dated_index(http_server, {"/a.xml": far}), "application/xml")
    http_server.add("/a.xml", dated_urlset(http_server, {"/news/1": D1}), "application/xml")
    source = sitemap_source(http_server, tmp_path)

    first = discover(source)
    second = discover(source, cursors=first.cursors)

    assert first.cursors == {http_server.url("/a.xml"): D1}  # its own entries' date, not the index's
    assert len(http_server.hits("/a.xml")) == 2
    assert [u.url for u in second.urls] == [http_server.url("/news/1")]  # at the cursor: listed again
