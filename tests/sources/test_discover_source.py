"""discover_source over local HTTP and on a folder of saved pages, and the folder listing it reads."""

import gzip
from datetime import datetime, timezone

import pytest

from tests.support.discovery import discover, make_source
from tests.support.feeds import RSS, SITEMAP_NS, sitemap_index, urlset
from winnow.sources.parsers import list_pages_folder

UTC = timezone.utc


def test_list_pages_folder(tmp_path):
    for name in [
        "b.html",
        "a.htm",
        "sub/deeper/c.html.gz",
        "sub/Shout.HTML",
        "d e.html",
        "notes.txt",
        "page.html.bak",
        "img.png",
    ]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"<html></html>")
    (tmp_path / "folder.html").mkdir()  # a folder, not a page
    names = ["a.htm", "b.html", "d%20e.html", "sub/Shout.HTML", "sub/deeper/c.html.gz"]
    assert list_pages_folder(tmp_path) == [f"{tmp_path.resolve().as_uri()}/{n}" for n in names]


def test_list_empty_pages_folder(tmp_path):
    assert list_pages_folder(tmp_path) == []


# --- discover_source over HTTP, against the local test server and the real Fetcher ---------


def serve_index(server, path, *children):
    server.add(path, sitemap_index(*(server.url(c) for c in children)), "application/xml")


def serve_urlset(server, path, *pages, gzipped=False):
    body = urlset(*(f"<url><loc>{server.url(p)}</loc></url>" for p in pages))
    if gzipped:
        server.add(path, gzip.compress(body), "application/x-gzip")
    else:
        server.add(path, body, "application/xml")


@pytest.fixture
def nested_sitemaps(http_server):
    """/sitemap.xml -> a.xml.gz (urlset), sub.xml (index) -> b.xml (urlset), and back to the top."""
    serve_index(http_server, "/sitemap.xml", "/a.xml.gz", "/sub.xml", "/sitemap.xml")
    serve_urlset(http_server, "/a.xml.gz", "/news/1", "/news/2#top", gzipped=True)
    serve_index(http_server, "/sub.xml", "/b.xml", "/sitemap.xml", "/a.xml.gz")
    serve_urlset(http_server, "/b.xml", "/news/3", "/news/1?utm_source=sitemap")
    return http_server


def test_sitemap_index_followed_breadth_first_without_loops(nested_sitemaps, tmp_path):
    server = nested_sitemaps
    source = make_source(f"\n      - {{kind: sitemap, url: '{server.url('/sitemap.xml')}'}}", tmp_path)

    found = discover(source)

    assert found.errors == []
    assert [(u.url, u.via) for u in found.urls] == [
        (server.url("/news/1"), server.url("/a.xml.gz")),
        (server.url("/news/2"), server.url("/a.xml.gz")),
        (server.url("/news/3"), server.url("/b.xml")),
    ]
    assert all(u.source == "herald" for u in found.urls)
    for path in ["/sitemap.xml", "/a.xml.gz", "/sub.xml", "/b.xml"]:
        (hit,) = server.hits(path)
        assert hit.headers["user-agent"] == "herald-test/1"
    assert [(url, kind, result.outcome) for url, kind, result in found.feed_fetches] == [
        (server.url(path), "sitemap", "fetched") for path in ["/sitemap.xml", "/a.xml.gz", "/sub.xml", "/b.xml"]
    ]


def test_sitemap_max_depth_is_respected(nested_sitemaps, tmp_path):
    server = nested_sitemaps
    source = make_source(f"\n      - {{kind: sitemap, url: '{server.url('/sitemap.xml')}', max_depth: 1}}", tmp_path)

    found = discover(source)

    assert [u.url for u in found.urls] == [server.url("/news/1"), server.url("/news/2")]
    assert server.hits("/b.xml") == []
    assert found.errors == [
        f"sitemap {server.url('/sub.xml')}: not following 1 child sitemap(s) deeper than max_depth 1"
    ]


def test_off_domain_urls_are_dropped_and_counted(http_server, tmp_path):
    port = http_server.base_url.rsplit(":", 1)[1]
    http_server.add(
        "/feed.xml",
        f"""<rss version="2.0"><channel>
        <item><link>{http_server.url("/news/1")}</link></item>
        <item><link>https://elsewhere.example/news/2</link></item>
        <item><link>https://elsewhere.example/news/2?utm_source=rss</link></item>
        <item><link>http://localhost:{port}/news/3</link></item>
        <item><link>mailto:desk@herald.example</link></item>
        </channel></rss>""",
        "application/rss+xml",
    )
    source = make_source(f"\n      - {{kind: rss, url: '{http_server.url('/feed.xml')}'}}", tmp_path)

    found = discover(source)

    assert [u.url for u in found.urls] == [http_server.url("/news/1")]
    assert found.off_domain == 2  # distinct canonical URLs
    assert found.invalid == 1
    assert found.errors == []


def test_second_discovery_with_validators_gets_304(http_server, tmp_path):
    feed_url = http_server.url("/feed.xml")
    http_server.add("/feed.xml", RSS, "application/rss+xml")
    serve_urlset(http_server, "/sitemap.xml", "/news/9")
    source = make_source(
        f"\n      - {{kind: rss, url: '{feed_url}'}}"
        f"\n      - {{kind: sitemap, url: '{http_server.url('/sitemap.xml')}'}}",
        tmp_path,
        allowed_domains="[herald.example, 127.0.0.1]",
    )

    first = discover(source)
    assert [u.url for u in first.urls] == [
        "https://herald.example/news/tide",
        http_server.url("/news/relative"),  # feed's own URL
        http_server.url("/news/9"),
    ]
    validators = {url: (result.etag, result.last_modified) for url, _, result in first.feed_fetches}
    assert all(etag for etag, _ in validators.values())

    second = discover(source, validators)

    assert second.urls == [] and second.errors == []
    assert [r.outcome for _, _, r in second.feed_fetches] == ["not_modified", "not_modified"]
    assert http_server.hits("/feed.xml")[-1].headers["if-none-match"] == validators[feed_url][0]


def test_a_broken_feed_does_not_stop_the_others(http_server, tmp_path):
    http_server.add("/broken.xml", b"Database error: <b>too many connections</b>", "application/xml")
    http_server.add("/gone.xml", b"not found", "text/plain", status=404)
    http_server.add("/bad-sitemap.xml", b"<urlset><url>", "application/xml")
    http_server.add(
        "/feed.xml", RSS.replace(b"https://herald.example", http_server.base_url.encode()), "application/rss+xml"
    )
    urls = {name: http_server.url(f"/{name}") for name in ["broken.xml", "gone.xml", "bad-sitemap.xml", "feed.xml"]}
    source = make_source(
        f"\n      - {{kind: rss, url: '{urls['broken.xml']}'}}"
        f"\n      - {{kind: rss, url: '{urls['gone.xml']}'}}"
        f"\n      - {{kind: sitemap, url: '{urls['bad-sitemap.xml']}'}}"
        f"\n      - {{kind: rss, url: '{urls['feed.xml']}'}}",
        tmp_path,
    )

    found = discover(source)

    assert [u.url for u in found.urls] == [http_server.url("/news/tide"), http_server.url("/news/relative")]
    assert len(found.errors) == 3
    assert found.errors[0].startswith(f"rss {urls['broken.xml']}: not an RSS or Atom feed")
    assert found.errors[1].startswith(f"rss {urls['gone.xml']}: gone")
    assert found.errors[2].startswith(f"sitemap {urls['bad-sitemap.xml']}: malformed XML")
    assert [kind for _, kind, _ in found.feed_fetches] == ["rss", "rss", "sitemap", "rss"]


def test_pages_folder_feed_lists_files(tmp_path):
    folder = tmp_path / "saved"
    (folder / "2025").mkdir(parents=True)
    for name in ["b.html", "2025/a.html.gz", "readme.txt"]:
        (folder / name).write_bytes(b"<html></html>")
    source = make_source("\n      - {kind: pages, path: saved}", tmp_path)

    found = discover(source)

    assert [(u.url, u.via) for u in found.urls] == [
        ((folder / "2025/a.html.gz").as_uri(), folder.as_uri()),
        ((folder / "b.html").as_uri(), folder.as_uri()),
    ]
    assert found.feed_fetches == [] and found.errors == []


def test_a_child_dated_only_by_month_in_its_index_is_read_every_run(http_server, tmp_path):
    month, entries = datetime(2019, 11, 1, tzinfo=UTC), {"/news/1": "2019-11", "/news/old": "2019-10"}

    def serve_child():
        http_server.add(
            "/2019-11.xml",
            urlset(
                *(
                    f"<url><loc>{http_server.url(path)}</loc><lastmod>{lastmod}</lastmod></url>"
                    for path, lastmod in entries.items()
                )
            ),
            "application/xml",
        )

    http_server.add(
        "/sitemap.xml",
        f"<sitemapindex {SITEMAP_NS}><sitemap><loc>{http_server.url('/2019-11.xml')}"
        "</loc><lastmod>2019-11</lastmod></sitemap></sitemapindex>".encode(),
        "application/xml",
    )
    serve_child()
    source = make_source(f"\n      - {{kind: sitemap, url: '{http_server.url('/sitemap.xml')}'}}", tmp_path)
    first = discover(source)
    assert [(u.url, u.lastmod) for u in first.urls] == [
        (http_server.url("/news/1"), month),
        (http_server.url("/news/old"), datetime(2019, 10, 1, tzinfo=UTC)),
    ]
    assert first.cursors == {http_server.url("/2019-11.xml"): month}

    # The child gains an entry in November; its index still says "2019-11", as it would all month.
    entries["/news/2"] = "2019-11"
    serve_child()
    second = discover(source, cursors=first.cursors)

    assert len(http_server.hits("/2019-11.xml")) == 2
    # Entries of the cursor's month are at the cursor: listed again; the frontier knows /news/1.
    assert [(u.url, u.lastmod) for u in second.urls] == [
        (http_server.url("/news/1"), month),
        (http_server.url("/news/2"), month),
    ]
    assert (second.behind_cursor, second.cursors) == (1, first.cursors)
