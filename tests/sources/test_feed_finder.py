"""Finding a site's feeds: the pure parts, then find_feeds against a real HTTP server on 127.0.0.1,
then appending a source block to a config's text."""

from __future__ import annotations

import asyncio
import gzip
from datetime import datetime, timezone
from pathlib import Path

import pytest

from tests.support.feeds import NEWS_NS, SITEMAP_NS
from tests.support.fetching import policy
from winnow.sources.config import ConfigError, parse_config
from winnow.sources.config_edit import add_source, configured_sources
from winnow.sources.feed_finder import (
    COMMON_PATH,
    GIVEN_URL,
    HEAD_LINK,
    ROBOTS_TXT,
    FeedSearchError,
    FeedsNotFound,
    FoundFeed,
    choose_feeds,
    default_name,
    find_feeds,
    preferred_feeds,
    robots_sitemaps,
)
from winnow.sources.feeds import RssFeed, SitemapFeed
from winnow.sources.fetch import Fetcher, FetchPolicy
from winnow.sources.parsers import FeedLink, feed_links, is_news_sitemap
from winnow.sources.robots import parse_robots

UTC = timezone.utc


def search(url: str, fetch_policy: FetchPolicy | None = None, **kwargs):
    async def go():
        async with Fetcher(fetch_policy or policy()) as fetcher:
            return await find_feeds(url, fetcher, **kwargs)

    return asyncio.run(go())


# Pure parts --------------------------------------------------------------------------------


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


# find_feeds over HTTP ------------------------------------------------------------------------


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


# Appending the source to the config text ------------------------------------------------------

RSS = FoundFeed("rss", "https://news.example.com/rss.xml", HEAD_LINK, 20)
NEWS = FoundFeed("sitemap", "https://news.example.com/news-sitemap.xml", ROBOTS_TXT, 5, news=True)
BLOCK = """  - name: news
    feeds:
      - kind: rss  # found via head link
        url: https://news.example.com/rss.xml
      - kind: sitemap  # found via robots.txt
        url: https://news.example.com/news-sitemap.xml
"""


def append(text: str, feeds=(RSS, NEWS), site_url="https://news.example.com/", name="news"):
    return add_source(text, name, list(feeds), site_url, base_dir=Path("."), origin="sources.yaml")


def test_the_block_goes_at_the_end_of_sources_not_of_the_file():
    text = """# our sources
sources:
  - name: herald   # the herald
    feeds:
      - {kind: rss, url: "https://herald.example/feed.xml"}
    chaff:
      patterns:
        - |
          ^Support us
          # inside the block scalar, not a comment
    # the herald's own comment

  # - name: old-source (commented out)
# people and places
enrich:
  min_event_confidence: 0.7
"""
    addition = append(text)

    own_comment = "    # the herald's own comment\n"
    assert addition.text == text.replace(own_comment, own_comment + BLOCK)
    assert addition.block == BLOCK
    loaded = parse_config(addition.text, Path("."), "sources.yaml")
    assert [s.name for s in loaded.sources] == ["herald", "news"]
    assert loaded.sources[0].chaff.patterns[0].pattern == "^Support us\n# inside the block scalar, not a comment\n"
    assert loaded.enrich.min_event_confidence == 0.7
    assert addition.source.feeds == [RssFeed(kind="rss", url=RSS.url), SitemapFeed(kind="sitemap", url=NEWS.url)]
    assert "allowed_domains" not in addition.block  # the default (the feeds' host) admits the site


def test_the_block_follows_the_items_indentation_and_line_endings():
    text = "sources:\r\n- name: herald\r\n  feeds: [{kind: rss, url: 'https://herald.example/x'}]\r\nvalidation: {min_words: 10}\r\n"
    addition = append(text, feeds=[RSS])

    assert addition.text == text.replace(
        "validation",
        "- name: news\r\n  feeds:\r\n    - kind: rss  # found via head"
        " link\r\n      url: https://news.example.com/rss.xml\r\nvalidation",
    )
    assert [s.name for s in parse_config(addition.text, Path("."), "x").sources] == ["herald", "news"]


def test_a_config_without_sources_gets_the_key():
    for text in ("", "# nothing yet\n", "enrich:\n  min_event_confidence: 0.7"):
        addition = append(text)
        assert addition.text == (text + "\n" if text and not text.endswith("\n") else text) + "sources:\n" + BLOCK
        assert [s.name for s in parse_config(addition.text, Path("."), "x").sources] == ["news"]
    addition = append("sources:   # none yet\nenrich: {}\n")
    assert addition.text == "sources:   # none yet\n" + BLOCK + "enrich: {}\n"
    assert configured_sources("sources:\nenrich: {}\n", Path("."), "x") == []


def test_an_alias_in_the_last_item_does_not_misplace_the_block():
    text = (
        "sources:\n  - name: a\n    feeds: &feeds [{kind: rss, url: 'https://a.example/x'}]\n"
        "  - name: b\n    feeds: *feeds\nenrich: {}\n"
    )
    assert append(text).text == text.replace("enrich", BLOCK + "enrich")


def test_allowed_domains_only_when_the_site_is_on_another_host():
    feedburner = FoundFeed("rss", "https://feeds.feedburner.com/herald", HEAD_LINK, 20)
    addition = append("", feeds=[feedburner], site_url="https://www.herald.example/")

    assert "    allowed_domains: [feeds.feedburner.com, herald.example]" in addition.block
    assert addition.source.allows("https://herald.example/news/tide")


def test_the_config_rules_refuse_a_bad_result():
    with pytest.raises(ConfigError, match=r"source 'Bad Name' \(sources\[0\]\), field name: invalid name"):
        append("", name="Bad Name")
    with pytest.raises(ConfigError, match=r"sources.yaml: defaults, field rate_limit: must be greater than 0"):
        append("defaults: {rate_limit: -1}\n")
    with pytest.raises(ConfigError, match="written as a flow list"):
        append("sources: [{name: a, feeds: [{kind: rss, url: 'https://a.example/x'}]}]\n")
    with pytest.raises(ConfigError, match=r"line 3, column 4: invalid YAML"):
        append("sources:\n  - name: a\n   feeds: x: y\n")
    with pytest.raises(ConfigError, match="field sources: expected a list"):
        append("sources: {a: 1}\n")
