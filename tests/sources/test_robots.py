"""robots.txt: parsing, RFC 9309 failure handling, and how the Fetcher obeys it."""

from __future__ import annotations

import asyncio
import pickle
import time

from tests.support.fetching import PAGE, fetch, policy
from tests.support.localserver import Reply
from winnow.schemas.records import FetchResult
from winnow.sources.fetch import Fetcher, FetchRequest
from winnow.sources.robots import ROBOTS_PARSE_LIMIT, parse_robots, product_token, rules_from_fetch

ROBOTS = """\
User-agent: winnow-test
Disallow: /private/
Crawl-delay: 2

User-agent: *
Disallow: /
"""


def robots_result(outcome: str, status: int | None, body: bytes | None = None) -> FetchResult:
    return FetchResult(
        "http://example.org/robots.txt",
        "robots",
        "http://example.org/robots.txt",
        outcome,
        status,
        body,
        error=None if status else "connection refused",
    )


def test_rules_apply_to_our_user_agent():
    rules = parse_robots(ROBOTS.encode())
    assert rules.allows("http://example.org/news/1", "winnow-test/1.0 (+https://example.org/bot)")
    assert not rules.allows("http://example.org/private/x", "winnow-test/1.0")
    assert not rules.allows("http://example.org/news/1", "otherbot/2.0")
    assert rules.crawl_delay("winnow-test/1.0") == 2.0


WINNOW = "winnow/0.1 (+mailto:you@example.org)"


def allowed(robots: str, path: str, user_agent: str = WINNOW) -> bool:
    return parse_robots(robots.encode()).allows("http://example.org" + path, user_agent)


# RFC 9309 §5.1 "Simple Example", with the outcomes the RFC describes for each group.
RFC_SIMPLE_EXAMPLE = """\
User-Agent: *
Disallow: *.gif$
Disallow: /example/
Allow: /publications/

User-Agent: foobot
Disallow:/
Allow:/example/page.html
Allow:/example/allowed.gif

User-Agent: barbot
User-Agent: bazbot
Disallow: /example/page.html

User-Agent: quxbot
"""


def test_rfc9309_simple_example():
    def ok(path, agent):
        return allowed(RFC_SIMPLE_EXAMPLE, path, agent)

    assert ok("/publications/1", "otherbot") and not ok("/example/x", "otherbot") and not ok("/a/b.gif", "otherbot")
    assert ok("/example/page.html", "foobot") and ok("/example/allowed.gif", "foobot")
    assert not ok("/example/other.html", "foobot") and not ok("/publications/1", "foobot")
    for agent in ("barbot", "bazbot"):
        assert not ok("/example/page.html", agent) and ok("/example/x", agent) and ok("/a/b.gif", agent)
    assert ok("/example/x", "quxbot") and ok("/a/b.gif", "quxbot")  # an empty group: no rules


def test_rfc9309_longest_match_example():
    robots = "User-Agent: foobot\nAllow: /example/page/\nDisallow: /example/page/disallowed.gif\n"  # §5.2
    assert allowed(robots, "/example/page/", "foobot")
    assert not allowed(robots, "/example/page/disallowed.gif", "foobot")


def test_rfc9309_special_characters():
    # The examples of §2.2.3 ("#" comment, "$" end of pattern, "*" any sequence), as Disallow rules.
    end = "User-agent: *\nDisallow: /this/path/exactly$ # comment in line\n"
    assert not allowed(end, "/this/path/exactly") and allowed(end, "/this/path/exactly/not")
    any_sequence = "User-agent: *\nDisallow: /this/*/exactly\n"
    assert not allowed(any_sequence, "/this/any/where/exactly") and allowed(any_sequence, "/this/any/where/else")


def test_rfc9309_percent_encoding():
    # Rows of the §2.2.2 table: a rule and a URL match whether a character is written as itself or
    # percent-encoded (non-ASCII as UTF-8 octets). The row with "https://" in the query is left
    # out: whether ":" and "/" there must be encoded is read differently by parsers.
    robots = "User-agent: *\nDisallow: /foo/bar?baz=quz\nDisallow: /foo/bar/\u30c4\nDisallow: /foo/bar/%62%61%7A\n"
    assert not allowed(robots, "/foo/bar?baz=quz") and allowed(robots, "/foo/bar?baz=other")
    assert not allowed(robots, "/foo/bar/%E3%83%84") and not allowed(robots, "/foo/bar/\u30c4")
    assert not allowed(robots, "/foo/bar/baz") and not allowed(robots, "/foo/bar/%62%61%7A")
    assert allowed(robots, "/foo/bar/qux")


def test_wildcards_in_the_query_and_at_the_end():
    robots = "User-agent: *\nDisallow: /*?print=\nDisallow: /*.pdf$\n"
    assert not allowed(robots, "/a/b?print=1") and allowed(robots, "/a/b?x=1")
    assert not allowed(robots, "/x.pdf") and allowed(robots, "/x.pdf?download=1")


def test_the_longest_match_wins_in_either_order():
    allow, disallow = "Allow: /news/\n", "Disallow: /news/private/\n"
    for rules in (allow + disallow, disallow + allow):
        assert not allowed("User-agent: *\n" + rules, "/news/private/x")
        assert allowed("User-agent: *\n" + rules, "/news/x")


def test_allow_wins_a_tie():
    assert allowed("User-agent: *\nDisallow: /page\nAllow: /page\n", "/page")
    assert allowed("User-agent: *\nDisallow: /*.html\nAllow: /a.html\n", "/a.html")  # 7 octets each


def test_a_group_applies_to_its_whole_product_token_only():
    robots = "User-agent: win\nDisallow: /\n\nUser-agent: *\nDisallow: /star/\n"
    assert allowed(robots, "/news/1") and not allowed(robots, "/star/1")


def test_groups_naming_us_are_matched_case_insensitively_and_combined():
    robots = (
        "User-agent: WINNOW\nDisallow: /a/\n\nUser-agent: *\nDisallow: /\n\nUser-agent: winnow/1.0\nDisallow: /b/\n"
    )
    assert not allowed(robots, "/a/1") and not allowed(robots, "/b/1")
    assert allowed(robots, "/c/1")


def test_a_group_of_several_user_agents_applies_to_each():
    robots = "User-agent: a\nUser-agent: winnow\nDisallow: /x\n\nUser-agent: *\nDisallow: /\n"
    assert not allowed(robots, "/x") and allowed(robots, "/y")
    assert not allowed(robots, "/x", "a") and not allowed(robots, "/y", "b")


def test_a_user_agent_line_after_a_rule_opens_a_new_group():
    robots = "User-agent: other\nDisallow: /x\nUser-agent: winnow\nDisallow: /y\n"
    assert allowed(robots, "/x") and not allowed(robots, "/y")


def test_without_our_group_or_a_star_group_everything_is_allowed():
    assert allowed("User-agent: other\nDisallow: /\n", "/news/1")


def test_product_token_of_a_user_agent():
    assert product_token(WINNOW) == "winnow"
    assert product_token("Mozilla/5.0 (compatible; winnow/0.1; +https://example.org/bot)") == "winnow"
    assert product_token("Mozilla/5.0 (X11; Linux x86_64)") == "mozilla"
    robots = "User-agent: winnow\nDisallow: /x\n"
    assert not allowed(robots, "/x", "Mozilla/5.0 (compatible; winnow/0.1; +https://example.org/bot)")


def test_crawl_delay_comes_from_the_applying_group_only():
    robots = "User-agent: win\nCrawl-delay: 9\n\nUser-agent: *\nCrawl-delay: 5\n"
    assert parse_robots(robots.encode()).crawl_delay(WINNOW) == 5.0
    robots += "\nUser-agent: winnow\nDisallow: /x\n"
    assert parse_robots(robots.encode()).crawl_delay(WINNOW) is None
    assert parse_robots(robots.encode()).crawl_delay("otherbot") == 5.0


def test_sitemaps_are_read_whatever_the_groups():
    robots = (
        "Sitemap: https://example.org/a.xml\nUser-agent: other\nDisallow: /\n"
        "sitemap: /b.xml # relative\n\nUser-agent: *\nSitemap: https://example.org/c.xml\n"
    )
    assert parse_robots(robots.encode()).sitemaps == [
        "https://example.org/a.xml",
        "/b.xml",
        "https://example.org/c.xml",
    ]


def test_only_the_first_500_kib_are_parsed():
    head = b"User-agent: *\nDisallow: /early/\n"
    cut_line = b"Disallow: /cut/\n"  # straddles the limit: "Disallow: /c" of it is within
    filler = b"#" * (ROBOTS_PARSE_LIMIT - len(b"Disallow: /c") - len(head) - 1) + b"\n"
    rules = parse_robots(head + filler + cut_line + b"Disallow: /late/\nSitemap: https://example.org/s.xml\n")
    assert not rules.allows("http://example.org/early/1", WINNOW)
    assert all(rules.allows(f"http://example.org{path}", WINNOW) for path in ("/late/1", "/cut/1", "/cat"))
    assert rules.sitemaps == []


def test_rules_are_a_picklable_value():
    rules = parse_robots(ROBOTS.encode())
    assert rules.allows("http://example.org/news/1", "winnow-test")  # parsed and cached before pickling
    copy = pickle.loads(pickle.dumps(rules))
    assert copy == rules and not copy.allows("http://example.org/private/x", "winnow-test")


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
