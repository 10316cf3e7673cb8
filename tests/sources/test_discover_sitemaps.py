"""Discovery's sitemap parser: XML, gzipped and text sitemaps, their dates and their bounds (no network)."""

import gzip
import re
import time
from datetime import datetime, timezone

import pytest

from tests.support.feeds import BILLION_LAUGHS, NEWS_NS, RSS, SITEMAP_NS, sitemap_index, urlset
from winnow.sources.parsers import MAX_SITEMAP_ENTRIES, DiscoveryError, parse_sitemap

UTC = timezone.utc


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


# --- the forms the standards allow: text sitemaps, W3C Datetime precisions ----------------------


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


def test_parse_gzip_bomb_is_bounded(monkeypatch):
    monkeypatch.setattr("winnow.sources.parsers.MAX_SITEMAP_BYTES", 10_000)
    body = gzip.compress(urlset("<url><loc>https://herald.example/a</loc></url>" * 1000))
    with pytest.raises(DiscoveryError, match="more than 10000 bytes once decompressed"):
        parse_sitemap(body, "https://herald.example/s.xml.gz")
