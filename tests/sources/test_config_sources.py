"""The sources config resolved: defaults, feeds, paths, selection, allowed URLs and env vars."""

import pickle
from textwrap import dedent

import pytest

from tests.support.config_errors import parse
from winnow.sources.config import ConfigError, load_config, parse_config
from winnow.sources.feeds import PagesFeed, RssFeed, SitemapFeed
from winnow.sources.source_config import DEFAULT_USER_AGENT

VALID = """
defaults:
  user_agent: "winnow-test/1.0"
  rate_limit: 0.5
  language: en
sources:
  - name: harbour-herald
    feeds:
      - kind: rss
        url: https://www.herald.example/feed.xml
      - kind: sitemap
        url: https://herald.example/sitemap.xml
        max_depth: 2
      - kind: pages
        path: saved/herald
    rate_limit: 2
    max_pages: 100
  - name: valley_post
    enabled: false
    allowed_domains: [Valley.Example, cdn.example]
    language: fr
    feeds:
      - {kind: sitemap, url: "https://valley.example/news.xml.gz"}
"""


def test_load_resolves_defaults_feeds_and_paths(config_dir):
    (config_dir / "sources.yaml").write_text(VALID)
    config = load_config(config_dir / "sources.yaml")
    herald, valley = config.sources

    assert herald.name == "harbour-herald"
    assert (herald.user_agent, herald.rate_limit, herald.max_pages, herald.language) == (
        "winnow-test/1.0",
        2.0,
        100,
        "en",
    )
    rss, sitemap, pages = herald.feeds
    assert isinstance(rss, RssFeed) and rss.url == "https://www.herald.example/feed.xml"
    assert isinstance(sitemap, SitemapFeed) and sitemap.max_depth == 2
    assert isinstance(pages, PagesFeed) and pages.path == (config_dir / "saved/herald").resolve()
    # default domains: the feeds' hosts, "www." dropped so the bare domain counts too
    assert herald.allowed_domains == ["herald.example"]
    assert herald.enabled

    assert (valley.rate_limit, valley.max_pages, valley.language) == (0.5, 200, "fr")
    assert valley.allowed_domains == ["valley.example", "cdn.example"]
    assert valley.feeds[0].max_depth == 3
    assert not valley.enabled
    assert pickle.loads(pickle.dumps(herald)) == herald  # tasks may run in other processes


def test_builtin_defaults_without_a_defaults_block(tmp_path):
    config = parse_config("sources: [{name: a, feeds: [{kind: rss, url: 'https://a.example/f'}]}]", tmp_path, "inline")
    (source,) = config.sources
    assert (source.user_agent, source.rate_limit, source.max_pages, source.language) == (
        DEFAULT_USER_AGENT,
        1.0,
        200,
        None,
    )


def test_select_enabled_or_named(config_dir):
    config = parse_config(VALID, config_dir, "sources.yaml")
    assert [s.name for s in config.select(None)] == ["harbour-herald"]
    assert [s.name for s in config.select([])] == ["harbour-herald"]
    assert [s.name for s in config.select(["valley_post"])] == ["valley_post"]  # even disabled
    with pytest.raises(ConfigError) as caught:
        config.select(["harbour-herald", "nope", "other"])
    assert caught.value.messages == [
        "sources.yaml: no source named 'nope' (known: harbour-herald, valley_post)",
        "sources.yaml: no source named 'other' (known: harbour-herald, valley_post)",
    ]


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://herald.example/a", True),
        ("https://www.herald.example/a", True),
        ("https://news.herald.example/a", True),
        ("https://HERALD.example/a", True),
        ("https://notherald.example/a", False),
        ("https://herald.example.evil.example/a", False),
        ("ftp://herald.example/a", False),
        ("mailto:desk@herald.example", False),
    ],
)
def test_allows_domains_and_subdomains(config_dir, url, allowed):
    herald = parse_config(VALID, config_dir, "sources.yaml").sources[0]
    assert herald.allows(url) is allowed


def test_allows_files_only_inside_its_pages_folders(config_dir):
    herald, valley = parse_config(VALID, config_dir, "sources.yaml").sources
    inside = (config_dir / "saved" / "herald" / "2024" / "a b.html").as_uri()
    assert herald.allows(inside)
    assert not herald.allows((config_dir / "sources.yaml").as_uri())
    assert not herald.allows((config_dir / "saved" / "herald").as_uri() + "/../../sources.yaml")
    assert not valley.allows(inside)  # valley has no pages feed


def test_env_vars_expand(tmp_path, monkeypatch):
    monkeypatch.setenv("WINNOW_TEST_HOST", "herald.example")
    monkeypatch.setenv("WINNOW_TEST_UA", "bot/2")
    config = parse_config(
        dedent("""
        defaults: {user_agent: "${WINNOW_TEST_UA} (ops)"}
        sources:
          - name: a
            feeds: [{kind: rss, url: "https://${WINNOW_TEST_HOST}/feed"}]
        """),
        tmp_path,
        "sources.yaml",
    )
    assert config.sources[0].feeds[0].url == "https://herald.example/feed"
    assert config.sources[0].user_agent == "bot/2 (ops)"


def test_unset_env_var_names_source_and_field(tmp_path, monkeypatch):
    monkeypatch.delenv("WINNOW_UNSET", raising=False)
    messages = parse(
        """
        sources:
          - name: a
            feeds: [{kind: rss, url: "https://${WINNOW_UNSET}/feed"}]
        """,
        tmp_path,
    )
    # one message, not a second one about the unexpanded URL
    assert messages == [
        "sources.yaml: source 'a' (sources[0]), field feeds[0].url: environment variable 'WINNOW_UNSET' is not set"
    ]
