"""Feeds and sitemaps in every form their standards allow, end to end over a real HTTP server on
127.0.0.1: text sitemaps (sitemaps.org), W3C Datetime lastmods of a year or a month, and JSON Feed
(jsonfeed.org 1 and 1.1), read by discovery through the real Fetcher and found by `sources add`."""

from __future__ import annotations

import asyncio
import gzip
import json
from datetime import datetime, timezone

from typer.testing import CliRunner

from tests.support.discovery import discover, make_source
from tests.support.feeds import SITEMAP_NS
from tests.support.localserver import LOOPBACK, LOOPBACK_YAML, LocalServer
from winnow.flows.cli import app
from winnow.sources.addresses import parse_networks
from winnow.sources.config import load_config
from winnow.sources.feed_finder import HEAD_LINK, ROBOTS_TXT, find_feeds
from winnow.sources.feeds import RssFeed, SitemapFeed
from winnow.sources.fetch import Fetcher, FetchPolicy

UTC = timezone.utc


def json_feed(version: str, items: list[dict]) -> str:
    return json.dumps({"version": f"https://jsonfeed.org/version/{version}", "title": "Herald", "items": items})


def serve_standard_feeds(server: LocalServer) -> None:
    """A text sitemap (plain, and gzipped), a sitemap dated by year and month, three JSON Feeds
    (1.1, 1, and one served as text/plain), and two text files that are no sitemap."""
    url = server.url
    server.add(
        "/sitemap.txt", f"{url('/news/t1')}\r\n\r\n{url('/news/t2')}\r\n/news/relative\r\n", "text/plain; charset=utf-8"
    )
    server.add("/sitemap.txt.gz", gzip.compress(f"{url('/news/t3')}\n".encode()), "application/gzip")
    lastmods = {
        "/news/y": "2019",
        "/news/m": "2019-11",
        "/news/d": "2019-11-05",
        "/news/s": "2019-11-05T10:30:15+01:00",
    }
    server.add(
        "/dated.xml",
        f'<?xml version="1.0"?><urlset {SITEMAP_NS}>'
        + "".join(
            f"<url><loc>{url(path)}</loc><lastmod>{lastmod}</lastmod></url>" for path, lastmod in lastmods.items()
        )
        + "</urlset>",
        "application/xml",
    )
    server.add(
        "/feed.json",
        json_feed(
            "1.1",
            [
                {"id": "1", "url": url("/news/j1"), "date_published": "2025-06-10T06:00:00+02:00"},
                {
                    "id": url("/news/j2"),
                    "external_url": "https://elsewhere.example/",
                    "date_modified": "2025-06-11T08:00:00Z",
                },
            ],
        ),
        "application/feed+json",
    )
    server.add("/v1/feed.json", json_feed("1", [{"id": "3", "url": "../news/j3"}]), "application/json")
    server.add("/raw.json", json_feed("1.1", [{"id": "4", "url": "/news/j4"}]), "text/plain")
    server.add("/readme.txt", "Welcome!\nhttps://example.org/\n", "text/plain")
    server.add("/parked.txt", f"{url('/')}\n\nThis domain is for sale.\n", "text/plain")


def test_discovery_reads_text_sitemaps_coarse_lastmods_and_json_feeds(http_server, tmp_path):
    serve_standard_feeds(http_server)
    feeds = [
        ("sitemap", "/sitemap.txt"),
        ("sitemap", "/sitemap.txt.gz"),
        ("sitemap", "/dated.xml"),
        ("rss", "/feed.json"),
        ("rss", "/v1/feed.json"),
        ("rss", "/raw.json"),
        ("sitemap", "/readme.txt"),
        ("sitemap", "/parked.txt"),
    ]
    source = make_source(
        "".join(f"\n      - {{kind: {kind}, url: '{http_server.url(path)}'}}" for kind, path in feeds), tmp_path
    )

    found = discover(source)

    url = http_server.url
    assert [
        (u.url.removeprefix(http_server.base_url), u.via.removeprefix(http_server.base_url), u.lastmod)
        for u in found.urls
    ] == [
        ("/news/t1", "/sitemap.txt", None),
        ("/news/t2", "/sitemap.txt", None),
        ("/news/t3", "/sitemap.txt.gz", None),
        ("/news/y", "/dated.xml", datetime(2019, 1, 1, tzinfo=UTC)),
        ("/news/m", "/dated.xml", datetime(2019, 11, 1, tzinfo=UTC)),
        ("/news/d", "/dated.xml", datetime(2019, 11, 5, tzinfo=UTC)),
        ("/news/s", "/dated.xml", datetime(2019, 11, 5, 9, 30, 15, tzinfo=UTC)),
        ("/news/j1", "/feed.json", datetime(2025, 6, 10, 4, 0, tzinfo=UTC)),
        ("/news/j2", "/feed.json", datetime(2025, 6, 11, 8, 0, tzinfo=UTC)),
        ("/news/j3", "/v1/feed.json", None),
        ("/news/j4", "/raw.json", None),
    ]
    assert found.errors == [
        f"sitemap {url('/readme.txt')}: skipped: content type text/plain and the body is not a feed",
        f"sitemap {url('/parked.txt')}: not a sitemap: a line of text among its URLs: 'This domain is for sale.'",
    ]
    assert found.cursors == {
        url("/dated.xml"): datetime(2019, 11, 5, 9, 30, 15, tzinfo=UTC),
        url("/feed.json"): datetime(2025, 6, 11, 8, 0, tzinfo=UTC),
    }


def serve_site(server: LocalServer) -> None:
    """A site that announces a JSON Feed in its head and a text sitemap in its robots.txt."""
    serve_standard_feeds(server)
    server.add(
        "/",
        '<html><head><link rel="alternate" type="application/feed+json" title="Herald JSON"'
        ' href="/feed.json"></head><body><p>Today.</p></body></html>',
    )
    server.add("/robots.txt", f"User-agent: *\nDisallow:\nSitemap: {server.url('/sitemap.txt')}\n", "text/plain")


def test_sources_add_finds_a_json_feed_and_a_text_sitemap(http_server, tmp_path):
    serve_site(http_server)
    policy = FetchPolicy(user_agent="winnow-test/1.0", rate_limit=1000, allowed_networks=parse_networks(LOOPBACK))

    async def search():
        async with Fetcher(policy) as fetcher:
            return await find_feeds(http_server.url("/"), fetcher)

    result = asyncio.run(search())

    assert [(f.kind, f.url, f.via, f.pages, f.newest, f.title) for f in result.found] == [
        ("rss", http_server.url("/feed.json"), HEAD_LINK, 2, datetime(2025, 6, 11, 8, 0, tzinfo=UTC), "Herald JSON"),
        ("sitemap", http_server.url("/sitemap.txt"), ROBOTS_TXT, 2, None, None),
    ]

    # Written by `sources add` as kinds the config reads, in a file `sources check` accepts.
    config = tmp_path / "sources.yaml"
    config.write_text(f"defaults:\n  rate_limit: 1000\n  allowed_networks: {LOOPBACK_YAML}\n", encoding="utf-8")
    added = CliRunner().invoke(
        app, ["sources", "add", http_server.url("/"), "--name", "herald", "--all", "--yes", "--config", str(config)]
    )
    assert added.exit_code == 0, added.output
    assert CliRunner().invoke(app, ["sources", "check", "--config", str(config)]).exit_code == 0
    (source,) = load_config(config).sources
    assert source.feeds == [
        RssFeed(kind="rss", url=http_server.url("/feed.json")),
        SitemapFeed(kind="sitemap", url=http_server.url("/sitemap.txt")),
    ]
