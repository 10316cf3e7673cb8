"""canonical_url: one spelling per page, whatever the feed wrote."""

import pytest

from winnow.sources.urls import canonical_url, host_of

CANONICAL = [
    # (given, base, expected)
    ("https://herald.example/news/a", None, "https://herald.example/news/a"),
    ("HTTPS://Herald.EXAMPLE/News/A", None, "https://herald.example/News/A"),  # path keeps case
    ("https://herald.example/a#comments", None, "https://herald.example/a"),
    ("https://herald.example/a?id=3#x=1&y=2", None, "https://herald.example/a?id=3"),
    ("http://herald.example:80/a", None, "http://herald.example/a"),
    ("https://herald.example:443/a", None, "https://herald.example/a"),
    ("https://herald.example:80/a", None, "https://herald.example:80/a"),  # not https's default
    ("http://127.0.0.1:8080/a", None, "http://127.0.0.1:8080/a"),
    ("https://herald.example/a?utm_source=rss&utm_medium=feed&utm_campaign=x", None, "https://herald.example/a"),
    ("https://herald.example/a?fbclid=abc&gclid=def&msclkid=g&mc_eid=h&_ga=i", None, "https://herald.example/a"),
    ("https://herald.example/a?story=42&utm_source=rss", None, "https://herald.example/a?story=42"),
    ("https://herald.example/search?q=tide&page=2", None, "https://herald.example/search?page=2&q=tide"),
    ("https://herald.example/a?b=2&a=1", None, "https://herald.example/a?a=1&b=2"),
    ("https://herald.example/a?", None, "https://herald.example/a"),
    ("https://herald.example/a/../b/./c", None, "https://herald.example/b/c"),
    ("https://herald.example//a//b", None, "https://herald.example/a/b"),
    ("https://herald.example/a b", None, "https://herald.example/a%20b"),
    ("  https://herald.example/a\n", None, "https://herald.example/a"),
    ("https://herald.example/caf%C3%A9", None, "https://herald.example/caf%C3%A9"),
    ("https://XN--bcher-kva.example/a", None, "https://bücher.example/a"),  # courlan decodes IDNs
    # relative links
    ("../b?id=1", "https://herald.example/news/x/y", "https://herald.example/news/b?id=1"),
    ("/b", "https://herald.example/news/x", "https://herald.example/b"),
    ("//cdn.herald.example/b", "https://herald.example/", "https://cdn.herald.example/b"),
    ("#top", "https://herald.example/a", "https://herald.example/a"),
    ("https://other.example/x", "https://herald.example/", "https://other.example/x"),
    # not web pages, or junk
    ("mailto:desk@herald.example", None, None),
    ("javascript:void(0)", "https://herald.example/", None),
    ("ftp://herald.example/file", None, None),
    ("file:///etc/passwd", None, None),
    ("/relative/without/base", None, None),
    ("https://", None, None),
    ("http:///path", None, None),
    ("https://herald.example:notaport/a", None, None),
    ("https://[::1/a", None, None),
    ("", None, None),
    ("   ", None, None),
]


@pytest.mark.parametrize(("given", "base", "expected"), CANONICAL)
def test_canonical_url(given, base, expected):
    assert canonical_url(given, base) == expected


@pytest.mark.parametrize("url", [row[2] for row in CANONICAL if row[2]])
def test_canonical_url_is_idempotent(url):
    assert canonical_url(url) == url


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://WWW.Herald.example:8443/a", "www.herald.example"),
        ("https://user:pw@herald.example/", "herald.example"),
        ("https://xn--bcher-kva.example/", "bücher.example"),  # as canonical_url spells it
        ("http://127.0.0.1:5000/", "127.0.0.1"),
        ("not a url", None),
        ("file:///tmp/x.html", None),
    ],
)
def test_host_of(url, host):
    assert host_of(url) == host
