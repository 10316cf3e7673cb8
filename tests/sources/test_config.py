"""The sources config: resolved sources, and every mistake reported in plain words."""

import pickle
from pathlib import Path
from textwrap import dedent

import pytest

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


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    (tmp_path / "saved" / "herald").mkdir(parents=True)
    return tmp_path


def parse(text: str, base_dir: Path) -> list[str]:
    """The error messages for `text`, which must be invalid."""
    with pytest.raises(ConfigError) as caught:
        parse_config(dedent(text), base_dir, "sources.yaml")
    assert str(caught.value) == "\n".join(caught.value.messages)
    return caught.value.messages


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


def test_reports_every_error_with_source_and_field(config_dir):
    messages = parse(
        """
        defaults:
          rate_limit: -1
        sources:
          - name: harbour-herald
            feeds:
              - kind: rss
                url: https://herald.example/feed.xml
              - kind: rss
                url: htp:/x
              - kind: sitemap
                url: https://herald.example/s.xml
                max_depth: 11
              - kind: rss
                urll: https://herald.example/
              - kind: atom
                url: https://herald.example/
              - kind: pages
                path: saved/missing
            language: EN
            max_pages: "5"
            rate_limit: 0
          - name: Bad Name
            feeds: []
          - feeds: [{kind: rss, url: "https://x.example/"}]
          - just a string
        surprise: 1
        """,
        config_dir,
    )
    src = "sources.yaml: source 'harbour-herald' (sources[0]), field"
    missing = (config_dir / "saved" / "missing").resolve()
    assert messages == [
        "sources.yaml: field surprise: unknown key",
        "sources.yaml: defaults, field rate_limit: must be greater than 0",
        f"{src} rate_limit: must be greater than 0",
        f"{src} max_pages: expected a whole number, got '5'",
        f"{src} language: invalid language 'EN': must be a 2-letter lower-case ISO 639-1 code such as 'en'",
        f"{src} feeds[1].url: invalid URL 'htp:/x': must be an absolute http(s) URL",
        f"{src} feeds[2].max_depth: must be at most 10",
        f"{src} feeds[3].url: missing required key",
        f"{src} feeds[3].urll: unknown key",
        f"{src} feeds[4]: unknown feed kind 'atom': expected one of rss, sitemap, pages, warc, ccnews",
        f"{src} feeds[5].path: folder 'saved/missing' does not exist (looked for {missing})",
        "sources.yaml: source 'Bad Name' (sources[1]), field name: invalid name 'Bad Name':"
        " must be lower-case letters, digits, '-' or '_', starting with a letter or digit",
        "sources.yaml: source 'Bad Name' (sources[1]), field feeds: must list at least 1 item(s)",
        "sources.yaml: source sources[2], field name: missing required key",
        "sources.yaml: source sources[3]: expected a mapping of settings",
    ]
    assert not any("pydantic" in m or "http://errors" in m for m in messages)


def test_duplicate_names_name_both_indexes(tmp_path):
    feed = "[{kind: rss, url: 'https://a.example/f'}]"
    messages = parse(
        f"""
        sources:
          - {{name: a, feeds: {feed}}}
          - {{name: b, feeds: {feed}}}
          - {{name: a, feeds: {feed}}}
        """,
        tmp_path,
    )
    assert messages == ["sources.yaml: source 'a' (sources[2]), field name: duplicate name, already used by sources[0]"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "[a]", "expected text, got a list"),
        ("enabled", "'yes please'", "expected true or false, got 'yes please'"),
        ("rate_limit", "'fast'", "expected a number, got 'fast'"),
        ("max_pages", "2.5", "expected a whole number, got 2.5"),
        ("user_agent", "''", "must not be empty"),
        ("language", "eng", "invalid language 'eng'"),
        ("allowed_domains", "[https://a.example/]", "invalid domain 'https://a.example/'"),
        ("allowed_domains", "a.example", "expected a list, got 'a.example'"),
        ("rate_limit", ".inf", "must be a finite number"),
        ("feeds", "['https://a.example/f']", "expected a mapping, got 'https://a.example/f'"),
        ("feeds", "[{kind: pages, path: 5}]", "expected a folder path, got 5"),
        ("feeds", "[{url: 'https://a.example/f'}]", "missing key 'kind' (one of rss, sitemap, pages, warc, ccnews)"),
        ("cron", "'every hour'", "invalid cron 'every hour': expected 5 fields (minute hour day-of-month month"),
        ("group", "Wires", "invalid name 'Wires'"),
    ],
)
def test_field_type_errors(tmp_path, field, value, message):
    settings = {"name": "a", "feeds": '[{kind: rss, url: "https://a.example/f"}]', field: value}
    (error,) = parse("sources:\n  - " + "\n    ".join(f"{k}: {v}" for k, v in settings.items()), tmp_path)
    label = "source sources[0]" if field == "name" else "source 'a' (sources[0])"
    assert error.startswith(f"sources.yaml: {label}, field {field}")
    assert message in error


@pytest.mark.parametrize("url", ["ftp://a.example/f", "https://", "/feed.xml", "a.example/f"])
def test_feed_urls_must_be_absolute_http(tmp_path, url):
    (error,) = parse(f"sources: [{{name: a, feeds: [{{kind: rss, url: '{url}'}}]}}]", tmp_path)
    assert error == (
        f"sources.yaml: source 'a' (sources[0]), field feeds[0].url:"
        f" invalid URL '{url}': must be an absolute http(s) URL"
    )


def test_yaml_syntax_error_gives_the_line(tmp_path):
    (error,) = parse(
        """
        sources:
          - name: a
            feeds: [kind: rss
        """,
        tmp_path,
    )
    assert error.startswith("sources.yaml: line 5, column")
    assert "invalid YAML" in error


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "sources.yaml: expected a mapping with a 'sources' list at the top"),
        ("- a\n- b\n", "sources.yaml: expected a mapping with a 'sources' list at the top"),
        ("defaults: {}\n", "sources.yaml: field sources: expected a list of one or more sources"),
        ("sources: []\n", "sources.yaml: field sources: expected a list of one or more sources"),
    ],
)
def test_top_level_shape(tmp_path, text, message):
    assert parse(text, tmp_path) == [message]


def test_load_config_unreadable_file(tmp_path):
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / "missing.yaml")
    assert caught.value.messages[0].startswith(f"{tmp_path / 'missing.yaml'}: cannot read the file")


CHAFF = """
defaults:
  chaff: {repetition_min_articles: 8}
sources:
  - name: a
    feeds: [{kind: rss, url: "https://a.example/feed"}]
    chaff:
      drop_selectors: ["aside.promo", "#donate"]
      patterns: ["^Support us", {pattern: "^Advertisement$", kind: other}]
      cut_markers: [{pattern: "^Sign up for", kind: newsletter}]
  - name: b
    feeds: [{kind: rss, url: "https://b.example/feed"}]
    chaff: {detectors: false}
  - name: c
    feeds: [{kind: rss, url: "https://c.example/feed"}]
"""


def test_chaff_rules_merge_with_the_defaults_key_by_key(tmp_path):
    from winnow.schemas.config import ChaffPattern

    a, b, c = (source.chaff for source in parse_config(CHAFF, tmp_path, "s.yaml").sources)
    assert a.drop_selectors == ("aside.promo", "#donate")
    assert a.patterns == (
        ChaffPattern(pattern="^Support us", kind="other"),
        ChaffPattern(pattern="^Advertisement$", kind="other"),
    )
    assert a.cut_markers == (ChaffPattern(pattern="^Sign up for", kind="newsletter"),)
    assert (a.detectors, a.repetition_min_articles) == (True, 8)
    assert (b.detectors, b.repetition_min_articles) == (False, 8)
    assert (c.detectors, c.repetition_min_articles, c.patterns) == (True, 8, ())


def test_bad_chaff_rules_name_the_source_and_field(tmp_path):
    text = (
        CHAFF.replace('"^Support us"', '"(unclosed"')
        .replace('"#donate"', '"div..x"')
        .replace("kind: newsletter", "kind: banner")
        .replace("{detectors: false}", "{detectors: false, repetition_min_articles: -1}")
    )
    with pytest.raises(ConfigError) as error:
        parse_config(text, tmp_path, "s.yaml")
    assert error.value.messages == [
        "s.yaml: source 'a' (sources[0]), field chaff.drop_selectors[1]: invalid CSS selector 'div..x':"
        " Expected ident, got <DELIM '.' at 4>",
        "s.yaml: source 'a' (sources[0]), field chaff.patterns[0].pattern: invalid regular expression '(unclosed':"
        " missing ), unterminated subpattern at position 0",
        "s.yaml: source 'a' (sources[0]), field chaff.cut_markers[0].kind: must be one of 'newsletter', 'donation',"
        " 'paywall', 'related', 'share', 'cookie', 'app' or 'other'",
        "s.yaml: source 'b' (sources[1]), field chaff.repetition_min_articles: must be at least 0",
    ]


ENRICH = """
sources:
  - name: a
    feeds: [{kind: rss, url: "https://a.example/feed"}]
enrich:
  min_event_confidence: 0.6
  aliases:
    - {name: Bashar al-Assad, type: person, aliases: [Assad]}
    - {name: Geneva, type: place, country: CH}
"""


def test_enrich_settings_and_aliases_become_the_transforms_options(tmp_path):
    from winnow.schemas.config import EntityAlias
    from winnow.schemas.records import DEFAULT_NLP_MODEL

    options = parse_config(ENRICH, tmp_path, "s.yaml").enrich
    assert (options.models, options.min_event_confidence) == ((("en", DEFAULT_NLP_MODEL),), 0.6)
    assert options.aliases == (
        EntityAlias(name="Bashar al-Assad", type="person", aliases=("Assad",)),
        EntityAlias(name="Geneva", type="place", aliases=(), country="CH"),
    )
    assert parse_config(ENRICH.split("enrich:")[0], tmp_path, "s.yaml").enrich.aliases == ()


def test_bad_enrich_settings_name_the_field(tmp_path):
    text = (
        ENRICH.replace("0.6", "1.5").replace("type: person", "type: thing").replace("CH}", "ch}")
        + """
    - {name: Assad family, type: person, aliases: [assad]}
  models: {en: en_core_web_lg}
"""
    )
    with pytest.raises(ConfigError) as error:
        parse_config(text, tmp_path, "s.yaml")
    assert error.value.messages == [
        "s.yaml: enrich, field models: spaCy pipeline 'en_core_web_lg' for 'en' is not installed: install its"
        " package (as pyproject.toml does for the defaults) or give the path of a pipeline folder",
        "s.yaml: enrich, field min_event_confidence: must be at most 1.0",
        "s.yaml: enrich, field aliases[0].type: must be one of 'person', 'organisation' or 'place'",
        "s.yaml: enrich, field aliases[1].country: invalid country 'ch': give an ISO 3166-1 alpha-2 code such as 'GB'",
    ]
    duplicate = ENRICH + "    - {name: Assad family, type: person, aliases: [assad]}\n"
    with pytest.raises(ConfigError) as error:
        parse_config(duplicate, tmp_path, "s.yaml")
    assert error.value.messages == [
        "s.yaml: enrich: alias 'assad' is given to both 'Bashar al-Assad' and 'Assad family'"
    ]


SCHEDULED = """
defaults:
  cron: "17 * * * *"
sources:
  - {name: plain, feeds: [{kind: pages, path: saved}]}
  - {name: own, cron: "0  6 * * *", feeds: [{kind: pages, path: saved}]}
  - {name: wire-a, group: wires, cron: "*/30 * * * *", feeds: [{kind: pages, path: saved}]}
  - {name: also-plain, feeds: [{kind: pages, path: saved}]}
  - {name: wire-b, group: wires, cron: "*/30 * * * *", feeds: [{kind: pages, path: saved}]}
  - {name: paused, enabled: false, cron: "1 1 1 1 1", feeds: [{kind: pages, path: saved}]}
  - {name: unscheduled, cron: null, feeds: [{kind: pages, path: saved}]}
"""


def test_schedule_groups_by_group_own_cron_and_defaults(tmp_path):
    (tmp_path / "saved").mkdir()
    groups = parse_config(SCHEDULED, tmp_path, "s.yaml").schedules

    assert [(g.name, g.cron, g.sources) for g in groups] == [
        ("default", "17 * * * *", ("plain", "also-plain")),  # the defaults' cron
        ("own", "0 6 * * *", ("own",)),  # its own cron, whitespace evened out
        ("wires", "*/30 * * * *", ("wire-a", "wire-b")),
    ]  # disabled and cron-less sources are not scheduled
    assert [g.cron_origin for g in groups] == [
        "s.yaml: defaults, field cron",
        "s.yaml: source 'own' (sources[1]), field cron",
        "s.yaml: source 'wire-a' (sources[2]), field cron",
    ]
    without_crons = SCHEDULED.replace('  cron: "17 * * * *"', "  rate_limit: 1.0")
    assert [g.name for g in parse_config(without_crons, tmp_path, "s.yaml").schedules] == ["own", "wires"]


def test_the_sources_of_a_group_need_one_cron(tmp_path):
    (tmp_path / "saved").mkdir()
    messages = parse(
        SCHEDULED.replace('{name: wire-b, group: wires, cron: "*/30 * * * *",', "{name: wire-b, group: wires,").replace(
            "{name: unscheduled,", "{name: unscheduled, group: wires,"
        ),
        tmp_path,
    )

    assert messages == [
        "sources.yaml: source 'wire-b' (sources[4]), field cron: cron '17 * * * *' (from the defaults), but source"
        " 'wire-a' of the same group 'wires' has cron '*/30 * * * *'; the sources of a group are ingested together,"
        " on one cron",
        "sources.yaml: source 'unscheduled' (sources[6]), field cron: no cron, but source 'wire-a' of the same group"
        " 'wires' has cron '*/30 * * * *'; the sources of a group are ingested together, on one cron",
    ]
