"""Part 2 of issue 7: hostile feeds and sitemaps, through a real ingest run. Each is refused or
bounded, the run goes on, and the reason is in `feeds.last_error` (and the run's log)."""

from __future__ import annotations

import resource

import pytest

from tests.support.ingest_runs import ingest, write_fault_config
from tests.support.localserver import LocalServer
from tests.support.queries import rows, scalar

pytestmark = pytest.mark.prefect

URLSET = '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{}</urlset>'
INDEX = '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{}</sitemapindex>'
# "Billion laughs": ten levels of ten references, a few bytes that expand to 10^10 "lol"s.
LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">'
    + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    + "]>"
)


def feed_error(db, server: LocalServer, path: str) -> str | None:
    return scalar(db, "select last_error from feeds where url = ?", [server.url(path)])


def test_hostile_feeds_and_sitemaps_are_refused_or_bounded(http_server, tmp_path, small_limits):
    server = http_server
    page = server.url("/news/story.html")
    server.add("/malformed.xml", f'<rss version="2.0"><channel><item><link>{page}</link></item>', "application/rss+xml")
    server.add(
        "/laughs.xml",
        LAUGHS + f'<rss version="2.0"><channel><title>&lol9;</title><item><link>{page}</link></item></channel></rss>',
        "application/rss+xml",
    )
    server.add("/laughs-sitemap.xml", LAUGHS + URLSET.format(f"<url><loc>{page}?&lol9;</loc></url>"), "application/xml")
    server.add(
        "/xxe-sitemap.xml",
        '<?xml version="1.0"?><!DOCTYPE u [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        + URLSET.format("<url><loc>&x;</loc></url>"),
        "application/xml",
    )
    # an index loop: a -> b -> a
    server.add(
        "/loop-a.xml", INDEX.format(f"<sitemap><loc>{server.url('/loop-b.xml')}</loc></sitemap>"), "application/xml"
    )
    server.add(
        "/loop-b.xml", INDEX.format(f"<sitemap><loc>{server.url('/loop-a.xml')}</loc></sitemap>"), "application/xml"
    )
    # indexes nested deeper than max_depth 1: deep-0 -> deep-1 -> deep-2 (not read)
    for level in range(2):
        server.add(
            f"/deep-{level}.xml",
            INDEX.format(f"<sitemap><loc>{server.url(f'/deep-{level + 1}.xml')}</loc></sitemap>"),
            "application/xml",
        )
    server.add("/deep-2.xml", URLSET.format(f"<url><loc>{page}?deep</loc></url>"), "application/xml")
    # a feed beyond the size limit (small_limits: 200 kB)
    items = "".join(f"<item><link>{page}?n={i}</link></item>" for i in range(10_000))
    server.add("/huge.xml", f'<rss version="2.0"><channel>{items}</channel></rss>', "application/rss+xml")
    feeds = [
        ("rss", "/malformed.xml"),
        ("rss", "/laughs.xml"),
        ("sitemap", "/laughs-sitemap.xml"),
        ("sitemap", "/xxe-sitemap.xml"),
        ("sitemap", "/loop-a.xml"),
        ("sitemap", "/deep-0.xml"),
        ("rss", "/huge.xml"),
    ]
    config = write_fault_config(tmp_path, server, feeds)
    config.write_text(
        config.read_text().replace(
            'url: "' + server.url("/deep-0.xml") + '"', 'url: "' + server.url("/deep-0.xml") + '"\n        max_depth: 1'
        )
    )
    db = tmp_path / "winnow.duckdb"
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    summary = ingest(config, db)

    assert summary.status == "completed"
    # Sitemaps with entity declarations are refused before anything is expanded (or read from the
    # disk); feedparser's expat refuses to amplify, and its fallback parser leaves "&lol9;" as it is.
    for path in ("/laughs-sitemap.xml", "/xxe-sitemap.xml"):
        assert "refused unsafe XML: EntitiesForbidden" in feed_error(db, server, path), path
    assert feed_error(db, server, "/laughs.xml") is None
    # Expanded, the laughs take ~30 GB; the run's own imports (Prefect, trafilatura) take some 200 MB.
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before < 1024 * 1024  # KiB
    assert scalar(db, "select count(*) from frontier where url like '%lol%' or url like '%root:%'") == 0
    # The index loop is read once each way, and stops.
    assert [len(server.hits(p)) for p in ("/loop-a.xml", "/loop-b.xml")] == [1, 1]
    assert feed_error(db, server, "/loop-a.xml") is None
    # Depth: deep-1 is read (depth 1), its child is not, and that is said on deep-1.
    assert [len(server.hits(f"/deep-{level}.xml")) for level in range(3)] == [1, 1, 0]
    assert "deeper than max_depth 1" in feed_error(db, server, "/deep-1.xml")
    # The huge feed stops at the size limit: fetch_log and feeds say so, nothing of it is listed.
    assert feed_error(db, server, "/huge.xml") == "body exceeds 200000 bytes"
    assert rows(db, "select status, error from fetch_log where url = ?", [server.url("/huge.xml")]) == [
        (200, "body exceeds 200000 bytes")
    ]
    # The malformed feed: feedparser reads what it can of it; the page it lists is discovered.
    assert rows(db, "select url, via from frontier") == [(page, server.url("/malformed.xml"))]


def test_a_sitemap_over_the_entry_limit_is_cut_and_says_so(http_server, tmp_path, small_limits, monkeypatch):
    from winnow.sources import discover, parsers

    # The protocol's 50,000 would make the test slow; the bound works the same at 100.
    monkeypatch.setattr(parsers, "MAX_SITEMAP_ENTRIES", 100)
    monkeypatch.setattr(discover, "MAX_SITEMAP_ENTRIES", 100)
    page = http_server.url("/news/story.html")
    http_server.add(
        "/big-sitemap.xml",
        URLSET.format("".join(f"<url><loc>{page}?n={i}</loc></url>" for i in range(150))),
        "application/xml",
    )
    config, db = (
        write_fault_config(tmp_path, http_server, [("sitemap", "/big-sitemap.xml")]),
        tmp_path / "winnow.duckdb",
    )
    config.write_text(config.read_text() + "    max_pages: 1\n")

    summary = ingest(config, db)

    assert summary.discovered == 100 == scalar(db, "select count(*) from frontier")
    assert feed_error(db, http_server, "/big-sitemap.xml").endswith("over 100 entries; left out the last 50")
