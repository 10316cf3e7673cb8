"""Appending a source block for the feeds found to a config's text."""

from __future__ import annotations

from pathlib import Path

import pytest

from winnow.sources.config import ConfigError, parse_config
from winnow.sources.config_edit import add_source, configured_sources
from winnow.sources.feed_finder import HEAD_LINK, ROBOTS_TXT, FoundFeed
from winnow.sources.feeds import RssFeed, SitemapFeed

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
