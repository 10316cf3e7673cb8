"""find_feeds against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone

import pytest

from tests.support.fetching import policy
from winnow.sources.feed_finder import (
    COMMON_PATH,
    GIVEN_URL,
    HEAD_LINK,
    ROBOTS_TXT,
    FeedSearchError,
    find_feeds,
    preferred_feeds,
)
from winnow.sources.fetch import Fetcher, FetchPolicy

UTC = timezone.utc


def search(url: str, fetch_policy: FetchPolicy | None = None, **kwargs):
    async def go():
        async with Fetcher(fetch_policy or policy()) as fetcher:
            return await find_feeds(url, fetcher, **kwargs)

    return asyncio.run(go())


def test_finds_head_links_common_paths_and_robots_sitemaps(news_site):
    base = news_site.base_url
    result = search(base + "/")

    assert result.page_url == base + "/"
    assert [(f.kind, f.url, f.via, f.pages, f.child_sitemaps, f.newest, f.news, f.title) for f in result.found] == [
        ("rss", f"{base}/news/rss.xml", HEAD_LINK, 2, 0, datetime(2025, 6, 11, 6, 0, tzinfo=UTC), False, "Herald news"),
        ("rss", f"{base}/feed/", COMMON_PATH, 1, 0, None, False, None),  # reached from /feed by a redirect
        ("sitemap", f"{base}/sitemap.xml", COMMON_PATH, 0, 2, None, False, None),
        (
            "sitemap",
            f"{base}/sitemaps/news.xml",
            ROBOTS_TXT,
            2,
            0,
            datetime(2025, 6, 11, 7, 30, tzinfo=UTC),
            True,
            None,
        ),
    ]
    dropped = {d.url.removeprefix(base): (d.via, d.reason) for d in result.dropped}
    assert dropped["/old.xml"][0] == HEAD_LINK and "not an RSS or Atom feed" in dropped["/old.xml"][1]
    assert "not a sitemap" in dropped["/old.xml"][1]
    assert dropped["/comments.atom"] == (HEAD_LINK, "HTTP 404")
    assert dropped["/feed/"] == (COMMON_PATH, "found already, by a redirect")
    assert dropped["/rss"] == (COMMON_PATH, f"redirects to {base}/news/rss.xml")
    assert dropped["/private/sitemap.xml"] == (ROBOTS_TXT, "robots.txt disallows")
    assert dropped["/rss.xml"] == (COMMON_PATH, "HTTP 404")
    assert not news_site.hits("/private/sitemap.xml")  # robots.txt obeyed
    assert len(news_site.hits("/robots.txt")) == 1  # read once, for the page and every candidate
    assert set(result.tried) == {f.url for f in result.found} | {d.url for d in result.dropped}


def test_without_sitemaps_only_feeds_are_tried(news_site):
    result = search(news_site.url("/"), sitemaps=False)

    assert [f.kind for f in result.found] == ["rss", "rss"]
    assert not [url for url in result.tried if "sitemap" in url]


def test_a_feed_given_as_the_url(news_site):
    result = search(news_site.url("/news/rss.xml"), sitemaps=False)

    assert result.page_url == news_site.url("/news/rss.xml")
    assert (result.found[0].url, result.found[0].via, result.found[0].pages) == (
        news_site.url("/news/rss.xml"),
        GIVEN_URL,
        2,
    )
    assert preferred_feeds(result.found) == [result.found[0]]


def test_a_copy_of_a_feed_found_is_dropped(http_server):
    feed = b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>'
    http_server.add("/", "<html><head></head><body></body></html>")
    http_server.add("/rss.xml", feed, "application/rss+xml")
    http_server.add("/feed.xml", feed, "application/rss+xml")

    result = search(http_server.url("/"), sitemaps=False)

    assert [(f.url, f.pages) for f in result.found] == [(http_server.url("/rss.xml"), 0)]
    assert [(d.url, d.reason) for d in result.dropped if d.reason.startswith("same content")] == [
        (http_server.url("/feed.xml"), f"same content as {http_server.url('/rss.xml')}")
    ]


def test_a_json_feed_or_a_text_sitemap_given_as_the_url(http_server):
    json_feed = (
        '{"version": "https://jsonfeed.org/version/1.1", "title": "Herald", "items": ['
        '{"id": "1", "url": "/news/tide", "date_published": "2025-06-10T06:00:00Z"},'
        '{"id": "2", "url": "/news/gulls", "date_modified": "2025-06-11T06:00:00+02:00"}]}'
    )
    http_server.add("/feed.json", json_feed, "application/feed+json")
    http_server.add(
        "/sitemap.txt",
        f"{http_server.url('/news/tide')}\n{http_server.url('/news/gulls')}\n",
        "text/plain; charset=utf-8",
    )

    feed = search(http_server.url("/feed.json"), sitemaps=False).found[0]
    sitemap = search(http_server.url("/sitemap.txt"), sitemaps=False).found[0]

    # The kinds the config reads them as: a JSON Feed is a feed (kind rss), a text sitemap a sitemap.
    assert (feed.kind, feed.url, feed.via, feed.pages, feed.newest) == (
        "rss",
        http_server.url("/feed.json"),
        GIVEN_URL,
        2,
        datetime(2025, 6, 11, 4, 0, tzinfo=UTC),
    )
    assert (
        sitemap.kind,
        sitemap.url,
        sitemap.via,
        sitemap.pages,
        sitemap.child_sitemaps,
        sitemap.newest,
        sitemap.news,
    ) == ("sitemap", http_server.url("/sitemap.txt"), GIVEN_URL, 2, 0, None, False)


def test_json_that_is_no_feed_is_dropped_and_says_why(http_server):
    http_server.add(
        "/",
        '<html><head><link rel="alternate" type="application/json" href="/wp-json/wp/v2/pages/2">'
        "</head><body></body></html>",
    )
    http_server.add("/wp-json/wp/v2/pages/2", '{"id": 2, "title": {"rendered": "About"}}', "application/json")

    result = search(http_server.url("/"), sitemaps=False)

    assert result.found == []
    (reason,) = [d.reason for d in result.dropped if d.url.endswith("/pages/2")]
    assert reason.startswith("not a JSON Feed: no https://jsonfeed.org/version/ in its version; not a sitemap")


def test_a_site_without_feeds(http_server):
    http_server.add("/", "<html><head><title>Plain</title></head><body>Hello</body></html>")
    http_server.add("/feed", "<html><body>soft 404</body></html>")  # HTML, not a feed

    result = search(http_server.url("/"))

    assert result.found == []
    assert http_server.url("/rss.xml") in result.tried and http_server.url("/sitemap.xml") in result.tried
    assert "not a feed" in next(d.reason for d in result.dropped if d.url == http_server.url("/feed"))


def test_a_page_robots_txt_disallows(news_site):
    with pytest.raises(
        FeedSearchError,
        match=r"robots.txt of http://127.0.0.1:\d+ disallows .*/private/page"
        r" for user agent 'winnow-test/1.0'",
    ):
        search(news_site.url("/private/page"))
    assert not news_site.hits("/private/page")


def test_an_unreachable_site(free_port):
    with pytest.raises(FeedSearchError, match=r"cannot fetch http://127.0.0.1:\d+/: .*connection refused"):
        search(f"http://127.0.0.1:{free_port}/", policy(retries=0))


def test_a_missing_page(news_site):
    with pytest.raises(FeedSearchError, match=r"cannot fetch .*/no-such-page: HTTP 404"):
        search(news_site.url("/no-such-page"))
