"""The demo corpus and its server, over real HTTP: placeholders, gzip, conditional GETs,
404s, path traversal, benchmark copies, and feeds and sitemaps that list the articles."""

from __future__ import annotations

import gzip
import html
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser
from xml.etree import ElementTree

import feedparser
import httpx
import pytest
import yaml

from tests.support.demo_site import GROUND_TRUTH
from winnow.demo.server import SITE_ROOT, render_sources, serve_site

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
PRIVATE_PATH = "private/harbour-herald/2026/11/harbour-budget-draft.html"
CHAFF = [
    "Sign up for our free weekly newsletter",
    "Subscribers agree to the Privacy Policy",
    "A message from",
    "Remind me later",
    "Share on X",
    "Copy link",
]


@pytest.fixture(scope="module")
def site():
    """(base_url, client) for one demo server shared by this module's tests."""
    with serve_site() as base_url, httpx.Client() as client:
        yield base_url, client


def articles_of(source: str) -> set[str]:
    return {path for path, truth in GROUND_TRUTH.items() if truth["source"] == source}


def page_path(url: str, base_url: str) -> str:
    """The site path of an article link, without query or fragment."""
    assert url.startswith(base_url + "/"), url
    return urlsplit(url).path.lstrip("/")


def sitemap_locs(client: httpx.Client, url: str) -> list[str]:
    """Every page <loc> reachable from a sitemap or sitemap index, gunzipping .gz files."""
    response = client.get(url)
    assert response.status_code == 200, url
    body = gzip.decompress(response.content) if url.endswith(".gz") else response.content
    root = ElementTree.fromstring(body)
    locs = [loc.text for loc in root.findall("sm:url/sm:loc", SITEMAP_NS)]
    for child in root.findall("sm:sitemap/sm:loc", SITEMAP_NS):
        locs += sitemap_locs(client, child.text)
    return locs


def test_feed_placeholder_is_replaced_with_the_base_url(site):
    base_url, client = site
    response = client.get(base_url + "/harbour-herald/feed.xml")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/rss+xml"
    assert "{{base_url}}" not in response.text
    assert f"<link>{base_url}/harbour-herald/2026/10/port-strike.html</link>" in response.text


def test_gzipped_sitemap_is_the_plain_sitemap_compressed(site):
    base_url, client = site
    gz = client.get(base_url + "/northgate-observer/sitemap-2026-10.xml.gz")
    plain = client.get(base_url + "/northgate-observer/sitemap-2026-10.xml")
    assert gz.headers["content-type"] == "application/gzip"
    assert gzip.decompress(gz.content) == plain.content
    urls = ElementTree.fromstring(plain.content).findall("sm:url", SITEMAP_NS)
    assert len(urls) == 6
    assert all(url.find("sm:lastmod", SITEMAP_NS).text.startswith("2026-10-") for url in urls)


def test_conditional_requests_get_304(site):
    base_url, client = site
    url = base_url + "/vale-courier/atom.xml"
    first = client.get(url)
    etag, last_modified = first.headers["etag"], first.headers["last-modified"]
    assert client.get(url).headers["etag"] == etag  # stable across requests
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(url, headers={"If-Modified-Since": last_modified}).status_code == 304
    assert client.get(url, headers={"If-None-Match": '"stale"'}).status_code == 200
    older = "Sun, 01 Nov 2026 00:00:00 GMT"
    assert client.get(url, headers={"If-Modified-Since": older}).status_code == 200


def test_head_sends_headers_only(site):
    base_url, client = site
    response = client.head(base_url + "/robots.txt")
    assert response.status_code == 200
    assert int(response.headers["content-length"]) > 0
    assert response.content == b""


def test_missing_files_are_404(site):
    base_url, client = site
    assert client.get(base_url + "/harbour-herald/2026/10/no-such-story.html").status_code == 404
    assert client.get(base_url + "/bench/sitemap.xml").status_code == 404  # copies=0


def test_paths_outside_the_site_are_refused(site):
    base_url, client = site
    for path in ["/%2e%2e/pyproject.toml", "/..%2fpyproject.toml", "/..%2f..%2fetc/passwd"]:
        response = client.get(base_url + path)
        assert response.status_code == 404, path
    # httpx would normalise a literal "/../", so send that request line by hand.
    host, port = urlsplit(base_url).hostname, urlsplit(base_url).port
    with socket.create_connection((host, port), timeout=2) as raw:
        raw.sendall(b"GET /../pyproject.toml HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        reply = b"".join(iter(lambda: raw.recv(65536), b""))
    assert reply.startswith(b"HTTP/1.1 404")
    assert b"[project]" not in reply


def test_copies_serve_distinct_article_urls():
    with serve_site(copies=35) as base_url, httpx.Client() as client:
        locs = sitemap_locs(client, base_url + "/bench/sitemap.xml")
        assert len(set(locs)) == 35
        assert all(loc.startswith(base_url + "/bench/") for loc in locs)
        page = client.get(locs[31])
        assert page.status_code == 200
        assert f'<link rel="canonical" href="{locs[31]}">' in page.text
        article = locs[31].split("/bench/31/", 1)[1]
        assert GROUND_TRUTH[article]["body"].split("\n")[0] in html.unescape(page.text)
        assert client.get(f"{base_url}/bench/35/{article}").status_code == 404
        assert client.get(f"{base_url}/bench/031/{article}").status_code == 404


def test_ground_truth_is_the_grain_of_30_pages():
    assert len(GROUND_TRUTH) == 30
    assert {len(articles_of(s)) for s in ("harbour-herald", "vale-courier", "northgate-observer")} == {10}
    for path, truth in GROUND_TRUTH.items():
        page = html.unescape((SITE_ROOT / path).read_text(encoding="utf-8"))
        assert truth["title"] in page
        for paragraph in truth["body"].split("\n"):
            assert paragraph in page, (path, paragraph[:40])
        assert 250 <= len(truth["body"].split()) <= 500, path
        for chaff in CHAFF:
            assert chaff in page, (path, chaff)  # the page has the chaff...
            assert chaff not in truth["body"], (path, chaff)  # ...the grain has none


def test_rss_feed_lists_articles_with_tracking_a_duplicate_and_a_private_link(site):
    base_url, client = site
    feed = feedparser.parse(client.get(base_url + "/harbour-herald/feed.xml").content)
    assert not feed.bozo
    links = [entry.link for entry in feed.entries]
    paths = [page_path(link, base_url) for link in links]
    assert set(paths) == articles_of("harbour-herald") | {PRIVATE_PATH}
    assert len(links) == 12  # 10 stories, the private draft, one duplicate
    assert sum("utm_source=rss" in link for link in links) == 3
    assert f"{base_url}/harbour-herald/2026/10/port-strike.html#comments" in links


def test_atom_feed_lists_every_courier_article(site):
    base_url, client = site
    feed = feedparser.parse(client.get(base_url + "/vale-courier/atom.xml").content)
    assert not feed.bozo
    assert feed.version == "atom10"
    paths = {page_path(entry.link, base_url) for entry in feed.entries}
    assert paths == articles_of("vale-courier")
    assert all(entry.published_parsed for entry in feed.entries)


def test_sitemaps_list_every_article_of_their_publisher(site):
    base_url, client = site
    for source in ("harbour-herald", "vale-courier", "northgate-observer"):
        locs = sitemap_locs(client, f"{base_url}/{source}/sitemap.xml")
        assert sorted(page_path(loc, base_url) for loc in locs) == sorted(articles_of(source))


def test_robots_disallows_only_private_and_names_the_sitemaps(site):
    base_url, client = site
    robots = RobotFileParser()
    robots.parse(client.get(base_url + "/robots.txt").text.splitlines())
    assert not robots.can_fetch("winnow-demo", f"{base_url}/{PRIVATE_PATH}")
    assert all(robots.can_fetch("winnow-demo", f"{base_url}/{path}") for path in GROUND_TRUTH)
    assert len(robots.site_maps()) == 3
    assert client.get(f"{base_url}/{PRIVATE_PATH}").status_code == 200  # exists all the same


def test_demo_sources_point_at_the_served_feeds(site):
    base_url, client = site
    config = yaml.safe_load(render_sources(base_url))
    assert [s["name"] for s in config["sources"]] == ["harbour-herald", "vale-courier", "northgate-observer"]
    for source in config["sources"]:
        for feed in source["feeds"]:
            assert client.get(feed["url"]).status_code == 200, feed["url"]


def test_committed_site_is_what_the_build_script_writes(tmp_path: Path):
    out = tmp_path / "site"
    script = Path(__file__).parent.parent / "demo" / "build_site.py"
    subprocess.run([sys.executable, str(script), "--out", str(out)], check=True, capture_output=True)
    built = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    committed = {p.relative_to(SITE_ROOT): p.read_bytes() for p in SITE_ROOT.rglob("*") if p.is_file()}
    assert built == committed  # stale? run: python demo/build_site.py
