"""robots.txt: parsing, RFC 9309 failure handling, and how the Fetcher obeys it."""

from __future__ import annotations

import asyncio
import time

from schemas.records import FetchResult
from sources.fetch import Fetcher, FetchRequest
from sources.robots import parse_robots, rules_from_fetch
from tests.localserver import Reply
from tests.sources.test_fetch import PAGE, fetch, policy

ROBOTS = """\
User-agent: winnow-test
Disallow: /private/
Crawl-delay: 2

User-agent: *
Disallow: /
"""


def robots_result(outcome: str, status: int | None, body: bytes | None = None) -> FetchResult:
    return FetchResult("http://example.org/robots.txt", "robots", "http://example.org/robots.txt",
                       outcome, status, body, error=None if status else "connection refused")


def test_rules_apply_to_our_user_agent():
    rules = parse_robots(ROBOTS.encode())
    assert rules.allows("http://example.org/news/1", "winnow-test/1.0 (+https://example.org/bot)")
    assert not rules.allows("http://example.org/private/x", "winnow-test/1.0")
    assert not rules.allows("http://example.org/news/1", "otherbot/2.0")
    assert rules.crawl_delay("winnow-test/1.0") == 2.0


def test_unavailable_robots_allows_all_and_unreachable_disallows_all():
    for status in (403, 404, 410, 301):
        assert rules_from_fetch(robots_result("failed", status)).allows("http://example.org/x", "bot")
    for status in (429, 500, 503, None):
        rules = rules_from_fetch(robots_result("failed", status))
        assert not rules.allows("http://example.org/x", "bot") and rules.unreachable
    assert rules_from_fetch(robots_result("fetched", 200, b"")).allows("http://example.org/x", "bot")


def test_disallowed_page_is_skipped_without_a_request(http_server):
    http_server.add("/robots.txt", ROBOTS, content_type="text/plain")
    http_server.add("/private/report", PAGE)
    result = fetch(http_server.url("/private/report"))
    assert (result.outcome, result.error, result.attempts) == ("skipped", "robots.txt disallows", [])
    assert http_server.hits("/private/report") == []


def test_missing_robots_allows_all_and_is_asked_once(http_server):
    http_server.add("/a", PAGE)
    http_server.add("/b", PAGE)

    async def go():
        async with Fetcher(policy()) as fetcher:
            return await fetcher.fetch_many([FetchRequest(http_server.url(p), "test") for p in ("/a", "/b")])

    assert [r.outcome for r in asyncio.run(go())] == ["fetched", "fetched"]
    assert len(http_server.hits("/robots.txt")) == 1


def test_robots_500_disallows_the_host_for_this_run(http_server):
    http_server.routes["/robots.txt"] = lambda request: Reply(500)
    http_server.add("/story", PAGE)
    result = fetch(http_server.url("/story"), policy(retries=1))
    assert (result.outcome, result.error) == ("failed", "robots.txt unreachable (HTTP 500 after 2 attempts)")
    assert http_server.hits("/story") == []


def test_crawl_delay_slows_the_host(http_server):
    http_server.add("/robots.txt", "User-agent: *\nCrawl-delay: 1\n", content_type="text/plain")
    http_server.add("/story", PAGE)
    started = time.monotonic()
    result = fetch(http_server.url("/story"), policy(rate_limit=100))
    assert result.outcome == "fetched"
    assert time.monotonic() - started >= 1.0  # a second after the robots.txt request
