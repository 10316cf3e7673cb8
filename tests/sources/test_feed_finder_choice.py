"""Finding a site's feeds, the pure parts: the links, robots.txt and sitemaps read, and the feeds chosen."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from tests.support.feeds import NEWS_NS, SITEMAP_NS
from winnow.sources.config import parse_config
from winnow.sources.feed_finder import (
    COMMON_PATH,
    GIVEN_URL,
    HEAD_LINK,
    ROBOTS_TXT,
    FeedsNotFound,
    FoundFeed,
    choose_feeds,
    default_name,
    preferred_feeds,
    robots_sitemaps,
)
from winnow.sources.parsers import FeedLink, feed_links, is_news_sitemap
from winnow.sources.robots import parse_robots


def test_feed_links_reads_the_head():
    html = b"""<html><head><base href="/en/">
<link rel="stylesheet" type="text/css" href="/s.css">
<link rel="alternate" type="application/rss+xml" title="News &amp; views" href="news.rss">
<LINK REL="Alternate Feed" TYPE="Application/Atom+XML" HREF="https://feeds.example.net/herald"/>
<link rel="alternate" type="application/rdf+xml" href="/rdf">
<link rel="alternate" type="application/feed+json" title="JSON" href="/feed.json">
<link rel="alternate" type="application/json" href="/v1/feed.json">
<link rel="alternate" type="application/json+oembed" href="/oembed?url=page">
<link rel="alternate" hreflang="fr" href="/fr/">
<link rel="alternate" type="application/rss+xml" href="/en/news.rss">
<link rel="alternate" type="application/rss+xml" href="http://[broken/feed">
</head><body>
<link rel="alternate" type="application/rss+xml" href="/in-the-body.xml">
</body></html>"""
    assert feed_links(html, "https://herald.example/section/page") == [
        FeedLink("https://herald.example/en/news.rss", "News & views"),
        FeedLink("https://feeds.example.net/herald", None),
        FeedLink("https://herald.example/rdf", None),
        FeedLink("https://herald.example/feed.json", "JSON"),  # JSON Feed 1.1
        FeedLink("https://herald.example/v1/feed.json", None),  # as JSON Feed 1 announced itself
    ]


def test_feed_links_of_a_page_without_any():
    assert feed_links(b"<html><head><title>x</title></head><body>no feeds</body></html>", "https://a.example/") == []
    assert feed_links(b"", "https://a.example/") == []


def test_robots_sitemaps_are_the_sitemap_lines_resolved():
    rules = parse_robots(
        b"User-agent: *\nDisallow: /private/\nSitemap: https://herald.example/news.xml\n"
        b"sitemap:  /relative.xml  \nSitemap: http://[broken/sitemap.xml\n"
    )
    assert robots_sitemaps(rules, "https://herald.example/robots.txt") == [
        "https://herald.example/news.xml",
        "https://herald.example/relative.xml",
        "http://[broken/sitemap.xml",
    ]
    assert robots_sitemaps(parse_robots(b"User-agent: *\nDisallow:\n"), "https://herald.example/robots.txt") == []


def test_is_news_sitemap_plain_and_gzipped():
    news = f'<?xml version="1.0"?><urlset {SITEMAP_NS} {NEWS_NS}></urlset>'.encode()
    plain = f'<?xml version="1.0"?><urlset {SITEMAP_NS}></urlset>'.encode()
    assert is_news_sitemap(news) and is_news_sitemap(gzip.compress(news))
    assert not is_news_sitemap(plain)


def test_default_name_is_a_slug_of_the_host():
    assert default_name("https://news.example.com/politics?page=2") == "news-example-com"
    assert default_name("https://www.Herald.example:8443/") == "herald-example"


def test_preferred_feeds():
    rss = FoundFeed("rss", "https://a.example/rss", HEAD_LINK, 10)
    news = FoundFeed("sitemap", "https://a.example/news.xml", ROBOTS_TXT, 5, news=True)
    index = FoundFeed("sitemap", "https://a.example/sitemap.xml", COMMON_PATH, 0, child_sitemaps=40)
    given = FoundFeed("rss", "https://a.example/other", GIVEN_URL, 3)
    assert preferred_feeds([rss, index, news]) == [rss, news]
    assert preferred_feeds([index]) == [index]  # a full sitemap only when there is nothing else
    assert preferred_feeds([rss, index, given]) == [given]
    assert preferred_feeds([]) == []


def _configured(*feed_urls: str):
    feeds = "".join(f"      - {{kind: rss, url: '{url}'}}\n" for url in feed_urls)
    return parse_config(f"sources:\n  - name: courier\n    feeds:\n{feeds}", Path("."), "sources.yaml").sources


def test_choose_feeds_leaves_out_what_a_configured_source_reads():
    rss = FoundFeed("rss", "https://a.example/rss", HEAD_LINK, 10)
    news = FoundFeed("sitemap", "https://a.example/news.xml", ROBOTS_TXT, 5, news=True)
    index = FoundFeed("sitemap", "https://a.example/sitemap.xml", COMMON_PATH, 0, child_sitemaps=40)
    # The same feed spelt differently (host case, default port) is still the same feed.
    choice = choose_feeds([rss, news, index], _configured("https://A.example:443/rss"))
    assert choice.chosen == [rss, news] and choice.to_add == [news]
    assert choice.reader(rss) == "courier" and choice.reader(news) is None
    assert choose_feeds([rss, news, index], [], take_all=True).to_add == [rss, news, index]


def test_choose_feeds_asked_for_by_url():
    rss = FoundFeed("rss", "https://a.example/rss", HEAD_LINK, 10)
    index = FoundFeed("sitemap", "https://a.example/sitemap.xml", COMMON_PATH, 0, child_sitemaps=40)
    asked = ["https://a.example/sitemap.xml", "https://a.example/sitemap.xml"]
    assert choose_feeds([rss, index], [], asked).to_add == [index]  # asked twice, added once
    with pytest.raises(FeedsNotFound, match=r"^https://a.example/atom: not among the feeds found \(https://a"):
        choose_feeds([rss, index], [], ["https://a.example/atom"])
