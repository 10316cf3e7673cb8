"""Where requests may go (sources.addresses): the address classifier, the fetcher's checks before
every request and redirect hop against a real server on 127.0.0.1, discovery, and an ingest run's
fetch_log and frontier."""

from __future__ import annotations

import asyncio
import ipaddress
from pathlib import Path

import httpx
import pytest

from tests.support.ingest_runs import ingest
from tests.support.localserver import LocalServer, Reply
from tests.support.queries import rows
from winnow.sources.addresses import AddressGuard, address_kind, parse_networks
from winnow.sources.config import ConfigError, parse_config
from winnow.sources.discover import discover_source
from winnow.sources.fetch import Fetcher, FetchPolicy

PAGE = "<html><head><title>Ferry</title></head><body><p>Timetable</p></body></html>"
ONLY_127_0_0_1 = parse_networks(["127.0.0.1/32"])
NOT_INCLUDED = "(allowed_networks does not include it)"


@pytest.fixture(scope="module")
def site():
    server = LocalServer().start()
    yield server
    server.stop()


class RecordingTransport(httpx.AsyncBaseTransport):
    """The real transport, noting every request that reaches it."""

    def __init__(self) -> None:
        self.hosts: list[str] = []
        self._inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.hosts.append(request.url.host)
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


def fetch(url: str, allowed=ONLY_127_0_0_1, transport: httpx.AsyncBaseTransport | None = None, kind: str = "page"):
    policy = FetchPolicy(user_agent="winnow-test/1.0", rate_limit=1000, retries=0, allowed_networks=allowed)

    async def go():
        async with Fetcher(policy, transport=transport) as fetcher:
            return await fetcher.fetch(url, "test", kind=kind)

    return asyncio.run(go())


def redirect(site: LocalServer, path: str, location: str) -> str:
    site.routes[path] = lambda request: Reply(302, headers={"Location": location})
    return site.url(path)


# --- the classifier ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "address, kind",
    [
        ("127.0.0.1", "a loopback address"),
        ("127.3.4.5", "a loopback address"),
        ("::1", "a loopback address"),
        ("::ffff:127.0.0.1", "a loopback address"),  # IPv4-mapped
        ("10.0.0.5", "a private address"),
        ("172.16.8.1", "a private address"),
        ("192.168.1.1", "a private address"),
        ("::ffff:192.168.1.1", "a private address"),
        ("fc00::1", "a private address"),  # RFC 4193 unique local
        ("fd12:3456::1", "a private address"),
        ("169.254.169.254", "a cloud metadata endpoint"),
        ("::ffff:169.254.169.254", "a cloud metadata endpoint"),
        ("fd00:ec2::254", "a cloud metadata endpoint"),
        ("169.254.1.1", "a link-local address"),
        ("fe80::1", "a link-local address"),
        ("0.0.0.0", "an unspecified address"),
        ("::", "an unspecified address"),
        ("224.0.0.1", "a multicast address"),
        ("ff02::1", "a multicast address"),
        ("100.64.0.1", "a shared (carrier-grade NAT) address"),
        ("240.0.0.1", "a reserved address"),
        ("192.0.2.1", "a private address"),  # documentation range: Python counts it private
        ("8.8.8.8", None),
        ("93.184.215.14", None),
        ("2606:4700::1111", None),
    ],
)
def test_address_kinds(address, kind):
    assert address_kind(ipaddress.ip_address(address)) == kind


def test_refusal_reasons_without_a_server():
    async def check(url: str, allowed=()):
        return await AddressGuard().refusal(url, allowed)

    assert asyncio.run(check("http://10.0.0.5/a")) == (
        "skipped",
        f"refused: 10.0.0.5 is a private address {NOT_INCLUDED}",
    )
    assert asyncio.run(check("http://10.0.0.5/a", parse_networks(["10.0.0.0/8"]))) is None
    assert asyncio.run(check("https://localhost/")) == (
        "skipped",
        f"refused: localhost resolves to 127.0.0.1, a loopback address {NOT_INCLUDED}",
    )
    # A decimal IPv4 address is no literal to ipaddress, but the resolver reads it as one.
    assert asyncio.run(check("http://2130706433/"))[1].startswith("refused: 2130706433 resolves to 127.0.0.1")
    assert asyncio.run(check("http://[::ffff:127.0.0.1]/")) == (
        "skipped",
        f"refused: ::ffff:127.0.0.1 is a loopback address {NOT_INCLUDED}",
    )
    assert asyncio.run(check("http://[::ffff:127.0.0.1]/", ONLY_127_0_0_1)) is None  # allowed as IPv4
    assert asyncio.run(check("http://metadata.google.internal/computeMetadata/v1/")) == (
        "skipped",
        "refused: metadata.google.internal is a cloud metadata endpoint",
    )
    assert asyncio.run(check("ftp://example.org/file")) == ("skipped", "refused: scheme 'ftp' is not http or https")
    outcome, reason = asyncio.run(check("http://nothing.invalid/"))
    assert outcome == "failed" and reason.startswith("cannot resolve host nothing.invalid (")  # tried next run


def test_allowed_networks_in_the_config():
    text = (
        "defaults: {allowed_networks: ['127.0.0.0/8']}\n"
        "sources:\n  - {name: a, feeds: [{kind: rss, url: 'http://127.0.0.1/f'}]}\n"
        "  - {name: b, allowed_networks: ['10.1.2.3', '::1/128'], feeds: [{kind: rss, url: 'http://127.0.0.1/f'}]}\n"
        "  - {name: c, allowed_networks: [], feeds: [{kind: rss, url: 'http://127.0.0.1/f'}]}\n"
    )
    a, b, c = parse_config(text, Path("."), "s.yaml").sources
    assert (a.allowed_networks, b.allowed_networks, c.allowed_networks) == (
        ["127.0.0.0/8"],
        ["10.1.2.3/32", "::1/128"],
        [],
    )
    assert FetchPolicy.for_source(b).allowed_networks == parse_networks(["10.1.2.3/32", "::1/128"])
    with pytest.raises(ConfigError) as error:
        parse_config(
            "sources: [{name: a, allowed_networks: ['10.0.0.0/33'], feeds: [{kind: rss, url: 'http://x.example/f'}]}]",
            Path("."),
            "s.yaml",
        )
    assert error.value.messages == [
        "s.yaml: source 'a' (sources[0]), field allowed_networks[0]: invalid network"
        " '10.0.0.0/33': give a CIDR such as '127.0.0.0/8' or '::1/128'"
    ]


# --- the fetcher, against a real server on 127.0.0.1 --------------------------------------------


def test_loopback_page_is_refused_without_the_allowance_and_fetched_with_it(site):
    site.add("/story", PAGE)
    refused = fetch(site.url("/story"), allowed=())
    assert (refused.outcome, refused.status, refused.body) == ("skipped", None, None)
    assert refused.error == f"refused: 127.0.0.1 is a loopback address {NOT_INCLUDED}"
    # Logged like a request (fetch_log), though none went out: not even robots.txt was asked for.
    assert [(a.url, a.attempt, a.status, a.error, a.bytes) for a in refused.attempts] == [
        (site.url("/story"), 1, None, refused.error, 0)
    ]
    assert site.hits("/story") == [] and site.hits("/robots.txt") == []
    assert fetch(site.url("/story")).outcome == "fetched"


@pytest.mark.parametrize(
    "host, refused_as",
    [
        ("127.0.0.2", "127.0.0.2 is a loopback address"),  # the allowance is 127.0.0.1/32 alone
        ("[::1]", "::1 is a loopback address"),
        ("[::ffff:127.0.0.2]", "::ffff:127.0.0.2 is a loopback address"),
    ],
)
def test_every_redirect_hop_is_checked_again(site, host, refused_as):
    port = site.url("/").split(":")[-1].rstrip("/")
    start = redirect(site, f"/hop-to-{host}", f"http://{host}:{port}/story")
    result = fetch(start)
    assert (result.outcome, result.final_url) == ("skipped", f"http://{host}:{port}/story")
    assert result.error == f"refused: {refused_as} {NOT_INCLUDED}"
    assert [(a.status, a.error) for a in result.attempts] == [(302, None), (None, result.error)]


def test_redirect_to_the_metadata_endpoint_makes_no_connection(site):
    transport = RecordingTransport()
    start = redirect(site, "/metadata", "http://169.254.169.254/latest/meta-data/iam/security-credentials/")
    result = fetch(start, transport=transport)
    assert (result.outcome, result.error) == (
        "skipped",
        f"refused: 169.254.169.254 is a cloud metadata endpoint {NOT_INCLUDED}",
    )
    assert "169.254.169.254" not in transport.hosts and transport.hosts  # the first hop did go out


@pytest.mark.parametrize("location", ["file:///etc/passwd", "ftp://127.0.0.1/secret", "gopher://127.0.0.1:6379/_INFO"])
def test_redirect_to_another_scheme_is_refused(site, location):
    result = fetch(redirect(site, "/scheme-" + location.split(":")[0], location))
    scheme = location.split(":")[0]
    assert (result.outcome, result.error) == ("skipped", f"refused: scheme '{scheme}' is not http or https")


# --- discovery ----------------------------------------------------------------------------------


def source_config(tmp_path: Path, feeds: str, allowed_domains: str = '["127.0.0.1", "127.0.0.2"]'):
    text = (
        f"sources:\n  - name: local\n    rate_limit: 1000\n    allowed_networks: ['127.0.0.1/32']\n"
        f"    allowed_domains: {allowed_domains}\n    feeds: {feeds}\n"
    )
    return parse_config(text, tmp_path, "test.yaml").sources[0]


def discover(source):
    async def go():
        async with Fetcher(FetchPolicy.for_source(source)) as fetcher:
            return await discover_source(source, fetcher, {}, {})

    return asyncio.run(go())


def test_feed_entries_with_other_schemes_are_not_listed(site, tmp_path):
    site.add(
        "/schemes.xml",
        f"""<rss version="2.0"><channel><title>t</title>
<item><title>a</title><link>file:///etc/passwd</link></item>
<item><title>b</title><link>ftp://127.0.0.1/secret</link></item>
<item><title>c</title><link>{site.url("/story")}</link></item></channel></rss>""",
        "application/rss+xml",
    )
    found = discover(source_config(tmp_path, f"[{{kind: rss, url: '{site.url('/schemes.xml')}'}}]"))
    assert [u.url for u in found.urls] == [site.url("/story")] and found.invalid == 2


def test_a_child_sitemap_on_a_refused_address_is_not_fetched(site, tmp_path):
    port = site.url("/").split(":")[-1].rstrip("/")
    child = f"http://127.0.0.2:{port}/child.xml"
    site.add(
        "/index.xml",
        '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<sitemap><loc>{child}</loc></sitemap></sitemapindex>",
        "application/xml",
    )
    found = discover(source_config(tmp_path, f"[{{kind: sitemap, url: '{site.url('/index.xml')}'}}]"))
    reason = f"refused: 127.0.0.2 is a loopback address {NOT_INCLUDED}"
    assert f"sitemap {child}: skipped: {reason}" in found.errors
    (logged,) = [result for url, _, result in found.feed_fetches if url == child]
    assert [(a.url, a.status, a.error) for a in logged.attempts] == [(child, None, reason)]


# --- an ingest run: fetch_log and frontier ------------------------------------------------------


@pytest.mark.prefect
def test_a_listed_private_url_is_refused_logged_and_not_retried(http_server, tmp_path):
    port = http_server.url("/").split(":")[-1].rstrip("/")
    private = f"http://127.0.0.2:{port}/inside.html"
    http_server.add(
        "/feed.xml",
        f"""<rss version="2.0"><channel><title>t</title>
<item><title>inside</title><link>{private}</link></item></channel></rss>""",
        "application/rss+xml",
    )
    config = tmp_path / "sources.yaml"
    config.write_text(
        "defaults: {user_agent: winnow-test/0.1, rate_limit: 1000, language: en}\n"
        "validation: {enabled: false}\nenrich: {enabled: false}\n"
        f"sources:\n  - name: local\n    feeds: [{{kind: rss, url: '{http_server.url('/feed.xml')}'}}]\n"
        "    allowed_domains: ['127.0.0.1', '127.0.0.2']\n    allowed_networks: ['127.0.0.1/32']\n",
        encoding="utf-8",
    )
    db = tmp_path / "winnow.duckdb"

    ingest(config, db)
    reason = f"refused: 127.0.0.2 is a loopback address {NOT_INCLUDED}"
    assert rows(db, "select kind, attempt, status, error, bytes from fetch_log where url = ?", [private]) == [
        ("page", 1, None, reason, 0)
    ]
    assert rows(db, "select state, attempts, last_error from frontier where url = ?", [private]) == [
        ("skipped", 0, reason)
    ]

    ingest(config, db)  # a refusal is for good: the next run does not try the URL again
    assert len(rows(db, "select * from fetch_log where url = ?", [private])) == 1
