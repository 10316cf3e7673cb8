"""One Crawl per run, against a real HTTP server on 127.0.0.1: results as they complete, one
robots.txt per host, stop, back-pressure, deadlines."""

from __future__ import annotations

import time

from tests.support.fetching import PAGE, policy
from tests.support.localserver import Reply
from winnow.sources.crawl import Crawl, CrawlStopped
from winnow.sources.fetch import FetchRequest

SLOW_PAGE = Reply(200, PAGE.encode(), {"Content-Type": "text/html"}, trickle_s=0.05, trickle_bytes=4)  # ~1.5 s


def take_all(stream, timeout_s: float = 10) -> list:
    taken, deadline = [], time.monotonic() + timeout_s
    while not stream.done and time.monotonic() < deadline:
        taken += stream.take(0.05)
    assert stream.done
    return taken


def no_deadline(_source: str) -> None:
    return None


def test_results_come_as_they_complete_so_a_slow_page_holds_up_no_other(http_server):
    http_server.routes["/slow"] = lambda request: SLOW_PAGE
    for i in range(5):
        http_server.add(f"/fast/{i}", PAGE)
    urls = [http_server.url("/slow")] + [http_server.url(f"/fast/{i}") for i in range(5)]
    with Crawl(policy()) as crawl:
        stream = crawl.stream([FetchRequest(url, "test") for url in urls], lambda _: policy(), no_deadline, 100)
        first, started = [], time.monotonic()
        while len(first) < 5 and time.monotonic() - started < 1.0:
            first += stream.take(0.05)
        assert sorted(r.url for r in first) == sorted(urls[1:])  # all fast pages, well before the slow one
        rest = take_all(stream)
    assert [(r.url, r.outcome) for r in rest] == [(urls[0], "fetched")]
    assert (stream.taken, stream.not_asked, sum(stream.deferred.values())) == (6, 0, 0)


def test_robots_txt_is_asked_once_per_host_for_the_whole_crawl(http_server):
    http_server.add("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    http_server.add("/feed.xml", "<rss version='2.0'><channel></channel></rss>", content_type="application/rss+xml")
    for i in range(6):
        http_server.add(f"/news/{i}", PAGE)
    with Crawl(policy()) as crawl:
        feed = crawl.call(lambda fetcher: fetcher.fetch(http_server.url("/feed.xml"), "a", kind="feed"))
        streams = [
            crawl.stream(
                [FetchRequest(http_server.url(f"/news/{i}"), source) for i in part],
                lambda _: policy(),
                no_deadline,
                100,
            )
            for source, part in (("a", range(3)), ("b", range(3, 6)))
        ]
        results = [r for stream in streams for r in take_all(stream)]
    assert feed.outcome == "fetched" and [r.outcome for r in results] == ["fetched"] * 6
    assert len(http_server.hits("/robots.txt")) == 1


def test_stop_cancels_what_is_in_flight_and_keeps_what_was_answered(http_server):
    http_server.add("/fast", PAGE)
    http_server.routes["/slow"] = lambda request: SLOW_PAGE
    with Crawl(policy()) as crawl:
        stream = crawl.stream(
            [FetchRequest(http_server.url(p), "test") for p in ("/fast", "/slow")], lambda _: policy(), no_deadline, 100
        )
        taken = []
        while not taken:
            taken += stream.take(0.05)
        started = time.monotonic()
        crawl.stop()
        taken += take_all(stream)
        assert time.monotonic() - started < 0.5
        assert crawl.stopped
        try:
            crawl.call(lambda fetcher: fetcher.fetch(http_server.url("/fast"), "test"))
            raise AssertionError("a stopped crawl takes no more work")
        except CrawlStopped:
            pass
    assert [r.url for r in taken] == [http_server.url("/fast")]
    assert stream.not_asked == 1  # the slow page: still due, nothing recorded of it


def test_fetching_waits_while_the_results_taken_are_not_released(http_server):
    for i in range(6):
        http_server.add(f"/p/{i}", PAGE)
    with Crawl(policy()) as crawl:
        stream = crawl.stream(
            [FetchRequest(http_server.url(f"/p/{i}"), "test") for i in range(6)], lambda _: policy(), no_deadline, 2
        )
        taken = []
        deadline = time.monotonic() + 1.0
        while time.monotonic() < deadline:
            taken += stream.take(0.05)
        assert len(taken) == 2  # the buffer is full until the consumer says it is done with them
        stream.release(2)
        while len(taken) < 4:
            taken += stream.take(0.05)
        stream.release(2)
        taken += take_all(stream)
    assert sorted(r.url for r in taken) == sorted(http_server.url(f"/p/{i}") for i in range(6))


def test_a_source_past_its_fetch_deadline_is_deferred(http_server):
    for i in range(8):
        http_server.add(f"/p/{i}", PAGE)
    with Crawl(policy()) as crawl:
        stream = crawl.stream(
            [FetchRequest(http_server.url(f"/p/{i}"), "slow-source") for i in range(8)],
            lambda _: policy(rate_limit=5),
            lambda _: 0.5,
            100,
        )
        taken = take_all(stream)
    # At 5 requests/s, robots.txt and the pages that passed their gates within the half second
    # (two per host at a time, each then paced) are fetched; the rest wait for the next run.
    assert 1 <= len(taken) <= 4 and all(r.outcome == "fetched" for r in taken)
    assert stream.deferred == {("slow-source", "the source's fetch deadline passed"): 8 - len(taken)}
    assert len(http_server.requests) == 1 + len(taken)  # no request for a deferred page
