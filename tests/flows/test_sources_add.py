"""`winnow sources add URL` against a real HTTP server on 127.0.0.1: what it prints, what it writes."""

from __future__ import annotations

from tests.support.cli import winnow
from tests.support.localserver import LOOPBACK_YAML
from winnow.sources.config import load_config
from winnow.sources.feeds import RssFeed, SitemapFeed

CONFIG = """# Our sources: keep this list short.
defaults:
  user_agent: "herald-test/1.0 (+mailto:desk@example.org)"
  rate_limit: 1000   # a local server
  allowed_networks: LOOPBACK
sources:
  - name: vale-courier   # the local paper
    feeds:
      - {kind: rss, url: "https://vale.example/atom.xml"}
    # vale's own note

# People and places
enrich:
  min_event_confidence: 0.7   # fewer, surer events
validation:
  min_words: 30
""".replace("LOOPBACK", LOOPBACK_YAML)


def write_config(tmp_path, text: str = CONFIG):
    path = tmp_path / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def expected_block(base: str, name: str = "herald") -> str:
    return (
        f"  - name: {name}\n"
        "    feeds:\n"
        "      - kind: rss  # found via head link\n"
        f"        url: {base}/news/rss.xml\n"
        "      - kind: rss  # found via common path\n"
        f"        url: {base}/feed/\n"
        "      - kind: sitemap  # found via robots.txt\n"
        f"        url: {base}/sitemaps/news.xml\n"
    )


def test_appends_the_found_feeds_inside_sources(news_site, tmp_path):
    config = write_config(tmp_path)
    asked = len(news_site.requests)

    result = winnow("sources", "add", news_site.url("/"), "--name", "herald", "--config", str(config), "--yes")

    assert result.exit_code == 0, result.output
    text = config.read_text(encoding="utf-8")
    own_comment = "    # vale's own note\n"
    assert text == CONFIG.replace(own_comment, own_comment + expected_block(news_site.base_url))
    loaded = load_config(config)
    assert [s.name for s in loaded.sources] == ["vale-courier", "herald"]
    assert loaded.sources[1].feeds == [
        RssFeed(kind="rss", url=news_site.url("/news/rss.xml")),
        RssFeed(kind="rss", url=news_site.url("/feed/")),
        SitemapFeed(kind="sitemap", url=news_site.url("/sitemaps/news.xml")),
    ]
    assert loaded.enrich.min_event_confidence == 0.7 and loaded.validation.min_words == 30
    # Everything found is shown, the sitemap index too (not added: it lists the whole archive).
    for shown in (
        "/news/rss.xml",
        "/feed/",
        "/sitemap.xml",
        "sitemap index",
        "/sitemaps/news.xml",
        "news sitemap",
        '"Herald news"',
        "2025-06-11 07:30",
    ):
        assert shown in result.stdout, shown
    assert "added source 'herald' with 3 feeds" in result.stderr
    # The search fetched as the config's defaults say.
    assert {r.headers["user-agent"] for r in news_site.requests[asked:]} == {
        "herald-test/1.0 (+mailto:desk@example.org)"
    }


def test_dry_run_shows_the_block_and_writes_nothing(news_site, tmp_path):
    config = write_config(tmp_path)

    result = winnow("sources", "add", news_site.url("/"), "-c", str(config), "--dry-run", "--verbose")

    assert result.exit_code == 0, result.output
    assert config.read_text(encoding="utf-8") == CONFIG
    assert expected_block(news_site.base_url, name="127-0-0-1") in result.stdout  # the name comes from the host
    assert "robots.txt disallows" in result.stdout  # --verbose lists the candidates dropped
    assert "dry run: " in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["sources.yaml"]  # no temporary file left


def test_a_config_without_sources_yet(news_site, tmp_path):
    config = write_config(
        tmp_path,
        f"defaults:\n  rate_limit: 1000\n  allowed_networks: {LOOPBACK_YAML}\nenrich:\n  min_event_confidence: 0.7\n",
    )

    result = winnow("sources", "add", news_site.url("/"), "-c", str(config), "--yes", "--no-sitemaps")

    assert result.exit_code == 0, result.output
    loaded = load_config(config)
    assert [(s.name, [f.url for f in s.feeds]) for s in loaded.sources] == [
        ("127-0-0-1", [news_site.url("/news/rss.xml"), news_site.url("/feed/")])
    ]
    assert loaded.enrich.min_event_confidence == 0.7


def test_chosen_feeds_only(news_site, tmp_path):
    config = write_config(tmp_path)

    result = winnow(
        "sources",
        "add",
        news_site.url("/"),
        "-c",
        str(config),
        "-n",
        "herald",
        "--yes",
        "--feed",
        news_site.url("/sitemap.xml"),
    )

    assert result.exit_code == 0, result.output
    assert [(f.kind, f.url) for f in load_config(config).sources[1].feeds] == [
        ("sitemap", news_site.url("/sitemap.xml"))
    ]


def test_a_name_already_in_the_config_is_refused_before_any_request(news_site, tmp_path):
    config = write_config(tmp_path)
    asked = len(news_site.requests)

    result = winnow("sources", "add", news_site.url("/"), "-c", str(config), "--name", "vale-courier", "--yes")

    assert result.exit_code == 1
    assert "a source named 'vale-courier' is already in" in result.stderr
    assert len(news_site.requests) == asked
    assert config.read_text(encoding="utf-8") == CONFIG


def test_feeds_a_source_already_reads_are_left_out(news_site, tmp_path):
    config = write_config(tmp_path, CONFIG.replace("https://vale.example/atom.xml", news_site.url("/news/rss.xml")))

    result = winnow("sources", "add", news_site.url("/"), "-c", str(config), "--name", "herald", "--yes")

    assert result.exit_code == 0, result.output
    assert f"left out {news_site.url('/news/rss.xml')}: source 'vale-courier' already reads it" in result.stderr
    assert "already in source 'vale-courier'" in result.stdout
    assert [f.url for f in load_config(config).sources[1].feeds] == [
        news_site.url("/feed/"),
        news_site.url("/sitemaps/news.xml"),
    ]


def test_no_feed_found(http_server, tmp_path):
    http_server.add("/", "<html><head><title>Plain</title></head><body>Hello</body></html>")
    config = write_config(tmp_path)

    result = winnow("sources", "add", http_server.url("/"), "-c", str(config), "--yes")

    assert result.exit_code == 1
    assert f"no feed or sitemap found at {http_server.url('/')}; tried: {http_server.url('/feed')}," in result.stderr
    assert http_server.url("/sitemap-news.xml") in result.stderr
    assert config.read_text(encoding="utf-8") == CONFIG


def test_robots_txt_disallowing_the_page(news_site, tmp_path):
    config = write_config(tmp_path)

    result = winnow("sources", "add", news_site.url("/private/news"), "-c", str(config), "--yes")

    assert result.exit_code == 1
    assert "disallows " + news_site.url("/private/news") in result.stderr
    assert config.read_text(encoding="utf-8") == CONFIG


def test_without_a_terminal_it_asks_for_yes_instead_of_waiting(news_site, tmp_path):
    config = write_config(tmp_path)

    result = winnow("sources", "add", news_site.url("/"), "-c", str(config), "--name", "herald")

    assert result.exit_code == 1
    assert "pass --yes to append" in result.stderr
    assert config.read_text(encoding="utf-8") == CONFIG


def test_an_invalid_config_is_reported_in_its_own_words(news_site, tmp_path):
    config = write_config(tmp_path, CONFIG.replace("rate_limit: 1000", "rate_limit: fast"))

    result = winnow("sources", "add", news_site.url("/"), "-c", str(config), "--yes")

    assert result.exit_code == 1
    assert "field rate_limit" in result.stderr and str(config) in result.stderr
