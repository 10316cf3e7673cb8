"""Discovery: the parsers (bytes in, no network), then discover_source over local HTTP."""

import gzip
import json
import re
import time
from datetime import datetime, timezone

import pytest

from tests.support.discovery import discover, make_source
from tests.support.feeds import NEWS_NS, SITEMAP_NS, urlset
from winnow.sources.parsers import MAX_SITEMAP_ENTRIES, DiscoveryError, list_pages_folder, parse_feed, parse_sitemap

UTC = timezone.utc

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Herald</title><link>https://herald.example/</link>
  <item><title>Tide</title><link>https://herald.example/news/tide?utm_source=rss</link>
        <pubDate>Tue, 10 Jun 2025 06:00:00 +0200</pubDate></item>
  <item><title>Relative</title><link>/news/relative</link></item>
  <item><title>No link</title><description>nothing to fetch</description></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Herald</title><id>urn:x</id>
  <updated>2025-06-10T08:00:00Z</updated>
  <entry><title>Gulls</title><id>urn:1</id>
    <link rel="alternate" href="https://herald.example/news/gulls"/>
    <published>2025-06-09T23:30:00-01:00</published><updated>2025-06-11T00:00:00Z</updated></entry>
  <entry><title>Only updated</title><id>urn:2</id>
    <link href="https://herald.example/news/updated"/><updated>2025-06-11T12:00:00Z</updated></entry>
</feed>"""


def sitemap_index(*children: str) -> bytes:
    entries = "".join(f"<sitemap><loc>{c}</loc></sitemap>" for c in children)
    return f'<?xml version="1.0"?><sitemapindex {SITEMAP_NS}>{entries}</sitemapindex>'.encode()


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
"""


def test_parse_rss_links_and_utc_dates():
    entries = parse_feed(RSS, "https://herald.example/feed.xml")
    assert entries == [
        ("https://herald.example/news/tide?utm_source=rss", datetime(2025, 6, 10, 4, 0, tzinfo=UTC)),
        ("https://herald.example/news/relative", None),
    ]


def test_parse_atom_prefers_published_over_updated():
    entries = parse_feed(ATOM, "https://herald.example/atom.xml")
    assert entries == [
        ("https://herald.example/news/gulls", datetime(2025, 6, 10, 0, 30, tzinfo=UTC)),
        ("https://herald.example/news/updated", datetime(2025, 6, 11, 12, 0, tzinfo=UTC)),
    ]


def test_parse_feed_keeps_entries_of_a_truncated_feed():
    broken = RSS[: RSS.index(b"<item><title>Relative")]
    assert [url for url, _ in parse_feed(broken, "https://herald.example/f")] == [
        "https://herald.example/news/tide?utm_source=rss"
    ]


@pytest.mark.parametrize("body", [b"<html><body><p>Not a feed</p></body></html>", b"not xml at all <<<", b""])
def test_parse_feed_rejects_what_is_no_feed(body):
    with pytest.raises(DiscoveryError, match="not an RSS or Atom feed"):
        parse_feed(body, "https://herald.example/f")


def test_parse_feed_does_not_read_a_body_as_a_file_name(tmp_path):
    secret = tmp_path / "secret.xml"
    secret.write_bytes(RSS)
    with pytest.raises(DiscoveryError):
        parse_feed(str(secret).encode(), "https://herald.example/f")


def test_parse_feed_does_not_expand_entities():
    body = (
        BILLION_LAUGHS
        + b"""<rss version="2.0"><channel><title>&lol9;</title>
      <item><title>&lol9;</title><link>https://herald.example/a</link></item></channel></rss>"""
    )
    started = time.monotonic()
    entries = parse_feed(body, "https://herald.example/f")
    assert time.monotonic() - started < 1
    assert [url for url, _ in entries] == ["https://herald.example/a"]


def test_parse_urlset_with_lastmod_formats():
    body = urlset(
        "<url><loc>https://herald.example/a</loc><lastmod>2025-06-10T08:00:00+02:00</lastmod></url>",
        "<url><loc> https://herald.example/b </loc><lastmod>2025-06-10</lastmod></url>",
        "<url><loc>https://herald.example/c</loc><lastmod>2025-06-10T08:00Z</lastmod></url>",
        "<url><loc>https://herald.example/d</loc><lastmod>last tuesday</lastmod></url>",
        "<url><loc>/e</loc></url>",
        "<url><lastmod>2025-06-10</lastmod></url>",  # no loc: skipped
    )
    page = parse_sitemap(body, "https://herald.example/sitemap.xml")
    assert page.children == []
    assert page.urls == [
        ("https://herald.example/a", datetime(2025, 6, 10, 6, 0, tzinfo=UTC)),
        ("https://herald.example/b", datetime(2025, 6, 10, tzinfo=UTC)),
        ("https://herald.example/c", datetime(2025, 6, 10, 8, 0, tzinfo=UTC)),
        ("https://herald.example/d", None),
        ("https://herald.example/e", None),
    ]


def test_parse_sitemap_index():
    page = parse_sitemap(
        sitemap_index("https://herald.example/s1.xml", "https://herald.example/s2.xml.gz"),
        "https://herald.example/sitemap.xml",
    )
    assert page.urls == []
    assert page.children == ["https://herald.example/s1.xml", "https://herald.example/s2.xml.gz"]


def test_parse_sitemap_without_namespace():
    page = parse_sitemap(
        b"<urlset><url><loc>https://herald.example/a</loc></url></urlset>", "https://herald.example/s.xml"
    )
    assert page.urls == [("https://herald.example/a", None)]


def test_parse_google_news_sitemap_uses_publication_date_when_no_lastmod():
    news = (
        "<news:news><news:publication><news:name>Herald</news:name>"
        "<news:language>en</news:language></news:publication>"
        "<news:publication_date>{}</news:publication_date><news:title>T</news:title></news:news>"
    )
    body = urlset(
        f"<url><loc>https://herald.example/a</loc>{news.format('2025-06-10T09:15:00+01:00')}</url>",
        f"<url><loc>https://herald.example/b</loc><lastmod>2025-06-12T00:00:00Z</lastmod>"
        f"{news.format('2025-06-01')}</url>",
        extra_ns=NEWS_NS,
    )
    assert parse_sitemap(body, "https://herald.example/news.xml").urls == [
        ("https://herald.example/a", datetime(2025, 6, 10, 8, 15, tzinfo=UTC)),
        ("https://herald.example/b", datetime(2025, 6, 12, tzinfo=UTC)),
    ]


def test_parse_gzipped_sitemap_by_magic_bytes_not_name():
    body = gzip.compress(urlset("<url><loc>https://herald.example/a</loc></url>"))
    assert parse_sitemap(body, "https://herald.example/sitemap.xml").urls == [("https://herald.example/a", None)]


def test_parse_broken_gzip():
    body = gzip.compress(urlset("<url><loc>https://herald.example/a</loc></url>"))
    with pytest.raises(DiscoveryError, match="broken gzip"):
        parse_sitemap(body[:12] + b"\x00" * 20, "https://herald.example/s.xml.gz")


@pytest.mark.parametrize(
    ("body", "match"),
    [
        (b"<urlset><url><loc>https://herald.example/a</loc></url>", "malformed XML"),
        (b"<html><body>Sorry</body></html>", "not a sitemap: the root element is <html>"),
        (RSS, "not a sitemap: the root element is <rss>"),
    ],
)
def test_parse_sitemap_rejects_malformed_or_other_xml(body, match):
    with pytest.raises(DiscoveryError, match=match):
        parse_sitemap(body, "https://herald.example/sitemap.xml")


def test_parse_sitemap_refuses_entity_expansion():
    body = BILLION_LAUGHS + f"<urlset {SITEMAP_NS}><url><loc>&lol9;</loc></url></urlset>".encode()
    started = time.monotonic()
    with pytest.raises(DiscoveryError, match="refused unsafe XML"):
        parse_sitemap(body, "https://herald.example/sitemap.xml")
    assert time.monotonic() - started < 1


def test_parse_sitemap_refuses_external_entities(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("https://secret.example/")
    body = (
        f'<?xml version="1.0"?><!DOCTYPE u [<!ENTITY x SYSTEM "{secret.as_uri()}">]>'
        f"<urlset><url><loc>&x;</loc></url></urlset>"
    ).encode()
    with pytest.raises(DiscoveryError, match="refused unsafe XML"):
        parse_sitemap(body, "https://herald.example/sitemap.xml")


def test_parse_sitemap_bounds_entries_per_file(monkeypatch):
    assert MAX_SITEMAP_ENTRIES == 50_000  # the protocol's limit; lowered below to keep this fast
    monkeypatch.setattr("winnow.sources.parsers.MAX_SITEMAP_ENTRIES", 10)
    entry = "<url><loc>https://herald.example/a{}</loc></url>"
    page = parse_sitemap(urlset(*(entry.format(i) for i in range(13))), "https://herald.example/s.xml")
    assert [url for url, _ in page.urls] == [f"https://herald.example/a{i}" for i in range(10)]
    assert page.dropped == 3


# --- the forms the standards allow: text sitemaps, W3C Datetime precisions, JSON Feed ----------


def test_parse_text_sitemap_plain_and_gzipped():
    body = (
        b"\xef\xbb\xbfhttps://herald.example/a\r\n\r\n   \n"
        b"https://herald.example/b?x=1  \n"
        # Skipped: no absolute http(s) URL (relative, another scheme, not UTF-8).
        b"/news/c\nftp://herald.example/d\nhttps://herald.example/\xff\n"
        b"HTTP://herald.example/e"
    )
    expected = [
        ("https://herald.example/a", None),
        ("https://herald.example/b?x=1", None),
        ("HTTP://herald.example/e", None),
    ]
    for data in (body, gzip.compress(body)):
        page = parse_sitemap(data, "https://herald.example/sitemap.txt")
        assert (page.urls, page.children, page.dropped) == (expected, [], 0)


def test_parse_text_sitemap_bounds_entries_per_file(monkeypatch):
    monkeypatch.setattr("winnow.sources.parsers.MAX_SITEMAP_ENTRIES", 10)
    body = "".join(f"https://herald.example/a{i}\n" for i in range(13)).encode()
    page = parse_sitemap(body, "https://herald.example/sitemap.txt")
    assert [url for url, _ in page.urls] == [f"https://herald.example/a{i}" for i in range(10)]
    assert page.dropped == 3


NEITHER = re.escape("not a sitemap: neither XML nor a list of absolute http(s) URLs, one a line")


@pytest.mark.parametrize(
    ("body", "match"),
    [
        (b"", NEITHER),
        (b"\n  \r\n", NEITHER),
        (b"not xml at all <<<", NEITHER),
        (b"Database error\nhttps://herald.example/a\n", NEITHER),
        (b"/news/a\n/news/b\n", NEITHER),  # relative URLs: no text sitemap holds them
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": []}', NEITHER),
        (b"\x00\x01\xfe\xff", NEITHER),
        # A page that happens to begin with a URL: prose on a later line says it is no list.
        (
            b"https://herald.example/\n\nThis domain is for sale.\n",
            "a line of text among its URLs: 'This domain is for sale.'",
        ),
    ],
    ids=["empty", "blank", "garbage", "text-first", "relative", "json", "binary", "prose-after-a-url"],
)
def test_parse_sitemap_refuses_what_is_neither_xml_nor_a_url_list(body, match):
    with pytest.raises(DiscoveryError, match=match):
        parse_sitemap(body, "https://herald.example/sitemap.txt")


def test_parse_sitemap_skips_a_loc_no_url_parser_reads():
    urls = urlset("<url><loc>http://[broken/a</loc></url>", "<url><loc>https://herald.example/b</loc></url>")
    assert parse_sitemap(urls, "https://herald.example/s.xml").urls == [("https://herald.example/b", None)]
    index = sitemap_index("http://[broken/s1.xml", "https://herald.example/s2.xml")
    assert parse_sitemap(index, "https://herald.example/s.xml").children == ["https://herald.example/s2.xml"]


def test_parse_urlset_with_every_w3c_datetime_precision():
    lastmods = {
        "year": "2019",
        "month": "2019-11",
        "day": "2019-11-05",
        "minutes": "2019-11-05T10:30+01:00",
        "seconds": "2019-11-05T10:30:15Z",
        "fraction": "2019-11-05T10:30:15.45-05:00",
        "month-13": "2019-13",
        "year-0": "0000",
        "words": "November 2019",
    }
    body = urlset(
        *(
            f"<url><loc>https://herald.example/{name}</loc><lastmod>{value}</lastmod></url>"
            for name, value in lastmods.items()
        )
    )
    dates = {url.rsplit("/", 1)[1]: date for url, date in parse_sitemap(body, "https://herald.example/s.xml").urls}
    assert dates == {
        "year": datetime(2019, 1, 1, tzinfo=UTC),
        "month": datetime(2019, 11, 1, tzinfo=UTC),
        "day": datetime(2019, 11, 5, tzinfo=UTC),
        "minutes": datetime(2019, 11, 5, 9, 30, tzinfo=UTC),
        "seconds": datetime(2019, 11, 5, 10, 30, 15, tzinfo=UTC),
        "fraction": datetime(2019, 11, 5, 15, 30, 15, 450_000, tzinfo=UTC),
        "month-13": None,
        "year-0": None,
        "words": None,
    }


def test_an_index_keeps_no_child_lastmod_of_only_a_year_or_a_month():
    body = (
        f"<sitemapindex {SITEMAP_NS}>"
        "<sitemap><loc>/2019.xml</loc><lastmod>2019</lastmod></sitemap>"
        "<sitemap><loc>/2019-11.xml</loc><lastmod>2019-11</lastmod></sitemap>"
        "<sitemap><loc>/2019-11-05.xml</loc><lastmod>2019-11-05</lastmod></sitemap>"
        "</sitemapindex>"
    ).encode()
    page = parse_sitemap(body, "https://herald.example/sitemap.xml")
    assert len(page.children) == 3
    assert page.child_lastmods == {"https://herald.example/2019-11-05.xml": datetime(2019, 11, 5, tzinfo=UTC)}


JSON_FEED = json.dumps(
    {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Herald",
        "items": [
            {
                "id": "1",
                "url": "/news/tide",
                "date_published": "2025-06-10T06:00:00+02:00",
                "date_modified": "2025-06-11T00:00:00Z",
            },
            {"id": "https://herald.example/news/gulls", "date_modified": "2025-06-11t12:00:00z"},
            {
                "id": "3",
                "url": "https://herald.example/news/link-post",
                "external_url": "https://elsewhere.example/story",
                "date_published": "not a date",
                "date_modified": "2025-06-12T08:00:00.5Z",
            },
            {"id": "4", "external_url": "https://elsewhere.example/only-there"},  # no permalink of its own
            {"id": "urn:5", "content_text": "a note: neither url nor a URL for an id"},
            {"id": 6, "url": ""},
            "not an item",
        ],
    }
).encode()


def test_parse_json_feed_links_and_dates():
    assert parse_feed(JSON_FEED, "https://herald.example/feed.json") == [
        ("https://herald.example/news/tide", datetime(2025, 6, 10, 4, 0, tzinfo=UTC)),
        ("https://herald.example/news/gulls", datetime(2025, 6, 11, 12, 0, tzinfo=UTC)),
        ("https://herald.example/news/link-post", datetime(2025, 6, 12, 8, 0, 0, 500_000, tzinfo=UTC)),
    ]


def test_parse_json_feed_version_1_after_a_byte_order_mark():
    body = b'\xef\xbb\xbf \n{"version": "https://jsonfeed.org/version/1", "items": [{"id": "1", "url": "a"}]}'
    assert parse_feed(body, "https://herald.example/feeds/main.json") == [("https://herald.example/feeds/a", None)]


@pytest.mark.parametrize(
    ("body", "match"),
    [
        (b'{"version": "1.1", "items": []}', "not a JSON Feed: no https://jsonfeed.org/version/ in its version"),
        (b'{"error": "rate limited"}', "not a JSON Feed: no https://jsonfeed.org/version/"),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": {}}', "not a JSON Feed: no list of items"),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": [', "not a JSON Feed: malformed JSON"),
        (b'{"items": ' + b"[" * 200_000, "not a JSON Feed: malformed JSON"),  # nested past the stack
        (b'{"items": ' + b"9" * 10_000 + b"}", "not a JSON Feed: malformed JSON"),  # an int too long to convert
    ],
    ids=["bare-version", "other-json", "items-not-a-list", "truncated", "deep", "long-int"],
)
def test_parse_json_feed_rejects_what_is_no_json_feed(body, match):
    with pytest.raises(DiscoveryError, match=match):
        parse_feed(body, "https://herald.example/feed.json")


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


def test_parse_gzip_bomb_is_bounded(monkeypatch):
    monkeypatch.setattr("winnow.sources.parsers.MAX_SITEMAP_BYTES", 10_000)
    body = gzip.compress(urlset("<url><loc>https://herald.example/a</loc></url>" * 1000))
    with pytest.raises(DiscoveryError, match="more than 10000 bytes once decompressed"):
        parse_sitemap(body, "https://herald.example/s.xml.gz")


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
