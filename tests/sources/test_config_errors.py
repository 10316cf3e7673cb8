"""The sources config's mistakes, every one reported in plain words with its source and field."""

import pytest

from tests.support.config_errors import parse
from winnow.sources.config import ConfigError, load_config


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
