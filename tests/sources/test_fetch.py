"""Fetcher against a real HTTP server on 127.0.0.1: outcomes, retries, redirects, limits, pacing."""

from __future__ import annotations

import asyncio
import gzip
import socket
import threading
import time

import pytest

from tests.support.fetching import PAGE, fetch, policy
from tests.support.localserver import LocalServer, Reply, in_turn
from winnow.sources.fetch import HOST_TIMEOUT_LIMIT, MAX_PER_HOST, Fetcher, FetchRequest


@pytest.fixture(scope="module")
def site():
    """One server for the tests of this module (each uses its own paths): stopping a
    LocalServer takes half a second, which would dominate the run time."""
    server = LocalServer().start()
    yield server
    server.stop()


def test_fetches_a_page(site):
    site.add("/story", PAGE)
    result = fetch(site.url("/story"))
    assert (result.outcome, result.status, result.body) == ("fetched", 200, PAGE.encode())
    assert result.content_type.startswith("text/html") and result.etag
    assert [(a.attempt, a.status, a.bytes) for a in result.attempts] == [(1, 200, len(PAGE))]
    assert site.hits("/story")[0].headers["user-agent"] == "winnow-test/1.0"


def test_conditional_get_not_modified(site):
    site.add("/unchanged", PAGE)
    first = fetch(site.url("/unchanged"))
    second = fetch(site.url("/unchanged"), etag=first.etag, last_modified="Mon, 01 Jan 2024 00:00:00 GMT")
    assert (second.outcome, second.status, second.body, second.etag) == ("not_modified", 304, None, first.etag)
    assert second.last_modified == "Mon, 01 Jan 2024 00:00:00 GMT"
    assert site.hits("/unchanged")[1].headers["if-none-match"] == first.etag


def test_retries_503_then_succeeds(site):
    site.routes["/busy"] = in_turn(Reply(503), Reply(503), Reply(200, PAGE.encode(), {"Content-Type": "text/html"}))
    result = fetch(site.url("/busy"))
    assert result.outcome == "fetched"
    assert len(site.hits("/busy")) == 3
    assert [(a.attempt, a.status) for a in result.attempts] == [(1, 503), (2, 503), (3, 200)]


def test_429_waits_for_retry_after(site):
    site.routes["/slow-down"] = in_turn(
        Reply(429, headers={"Retry-After": "1"}), Reply(200, PAGE.encode(), {"Content-Type": "text/html"})
    )
    started = time.monotonic()
    result = fetch(site.url("/slow-down"))
    assert result.outcome == "fetched"
    assert time.monotonic() - started >= 1.0


def test_retry_after_over_the_cap_gives_up_at_once(site):
    site.routes["/later"] = in_turn(Reply(503, headers={"Retry-After": "120"}))
    started = time.monotonic()
    result = fetch(site.url("/later"), policy(max_retry_after_s=60))
    assert time.monotonic() - started < 1.0
    assert (result.outcome, result.status, len(result.attempts)) == ("failed", 503, 1)
    assert "Retry-After 120 s" in result.error


def test_404_is_gone_without_retry(site):
    result = fetch(site.url("/missing"))
    assert (result.outcome, result.status, result.error) == ("gone", 404, "HTTP 404")
    assert len(site.hits("/missing")) == 1


def test_500_forever_fails_after_all_attempts(site):
    site.routes["/broken"] = in_turn(Reply(500))
    result = fetch(site.url("/broken"), policy(retries=2))
    assert (result.outcome, result.error) == ("failed", "HTTP 500 after 3 attempts")
    assert [(a.attempt, a.status) for a in result.attempts] == [(1, 500), (2, 500), (3, 500)]
    assert len(site.hits("/broken")) == 3


def test_other_4xx_fails_without_retry(site):
    site.routes["/private"] = in_turn(Reply(403))
    result = fetch(site.url("/private"))
    assert (result.outcome, result.error, len(result.attempts)) == ("failed", "HTTP 403", 1)


def test_follows_redirects(site):
    site.routes["/old"] = in_turn(Reply(301, headers={"Location": "/new"}))
    site.add("/new", PAGE)
    result = fetch(site.url("/old"))
    assert (result.outcome, result.url, result.final_url) == ("fetched", site.url("/old"), site.url("/new"))
    assert [(a.url, a.status) for a in result.attempts] == [(site.url("/old"), 301), (site.url("/new"), 200)]


def test_redirect_loop_fails(site):
    site.routes["/a"] = in_turn(Reply(302, headers={"Location": "/b"}))
    site.routes["/b"] = in_turn(Reply(302, headers={"Location": "/a"}))
    result = fetch(site.url("/a"))
    assert result.outcome == "failed" and result.error.startswith("redirect loop")
    assert len(result.attempts) == 2


def test_too_many_redirects_fail(site):
    for hop in range(10):
        site.routes[f"/r{hop}"] = in_turn(Reply(302, headers={"Location": f"/r{hop + 1}"}))
    result = fetch(site.url("/r0"), policy(max_redirects=2))
    assert (result.outcome, result.error) == ("failed", "more than 2 redirects")
    assert len(result.attempts) == 3


def test_redirect_to_another_scheme_is_refused(site):
    site.routes["/out"] = in_turn(Reply(302, headers={"Location": "ftp://example.org/file"}))
    result = fetch(site.url("/out"))
    assert (result.outcome, result.error) == ("skipped", "refused: scheme 'ftp' is not http or https")


def test_oversized_body_fails(site):
    site.add("/huge", "<html>" + "x" * 5000)
    result = fetch(site.url("/huge"), policy(max_bytes=1000))
    assert (result.outcome, result.error, result.body) == ("failed", "body exceeds 1000 bytes", None)


def test_gzip_content_encoding_is_decoded(site):
    site.routes["/packed"] = in_turn(
        Reply(200, gzip.compress(PAGE.encode()), {"Content-Type": "text/html", "Content-Encoding": "gzip"})
    )
    result = fetch(site.url("/packed"))
    assert (result.outcome, result.body) == ("fetched", PAGE.encode())
    assert result.attempts[0].bytes == len(PAGE)


@pytest.fixture
def trickle_url():
    """A server that sends headers at once, then one body byte every 50 ms."""
    listener = socket.create_server(("127.0.0.1", 0))

    def serve():
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:  # listener closed: the test is over
                return
            with conn:
                if b"/robots.txt" in conn.recv(65536).split(b"\r\n")[0]:
                    conn.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                    continue
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n")
                try:
                    while True:
                        conn.sendall(b"x")
                        time.sleep(0.05)
                except OSError:  # the client hung up
                    pass

    threading.Thread(target=serve, daemon=True).start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/trickle"
    listener.close()


def test_trickling_body_times_out(trickle_url):
    started = time.monotonic()
    result = fetch(trickle_url, policy(timeout_s=5, total_timeout_s=0.3, retries=0))
    assert (result.outcome, result.status, result.error) == ("failed", 200, "timeout after 0.3 s")
    assert time.monotonic() - started < 2


def test_a_timeout_is_tried_again_next_run_not_in_this_one(trickle_url):
    result = fetch(trickle_url, policy(timeout_s=5, total_timeout_s=0.3, retries=3))
    # A timeout already cost a whole time limit: the frontier retries it next run.
    assert (result.outcome, len(result.attempts)) == ("failed", 1)


def test_a_body_slower_than_the_minimum_speed_is_given_up(trickle_url):
    started = time.monotonic()
    result = fetch(trickle_url, policy(timeout_s=5, total_timeout_s=30, min_bytes_per_s=1000, slow_window_s=0.5))
    assert (result.outcome, result.status, len(result.attempts)) == ("failed", 200, 1)
    assert result.error.startswith("too slow: ") and result.error.endswith(" (under 1000 bytes/s)")
    assert time.monotonic() - started < 2


def test_a_host_that_keeps_timing_out_is_backed_off_for_the_run(trickle_url):
    async def go():
        async with Fetcher(policy(timeout_s=5, total_timeout_s=0.3)) as fetcher:
            return await fetcher.fetch_many([FetchRequest(f"{trickle_url}/{i}", "test") for i in range(8)])

    results = asyncio.run(go())
    asked = [r for r in results if r.attempts]
    # Two requests to a host at a time: the third timeout may find one more already under way.
    assert HOST_TIMEOUT_LIMIT <= len(asked) <= HOST_TIMEOUT_LIMIT + MAX_PER_HOST - 1
    assert all(r.outcome == "failed" and r.error == "timeout after 0.3 s" for r in asked)
    deferred = [r for r in results if not r.attempts]
    assert deferred and all(r.outcome == "deferred" for r in deferred)
    assert {r.error for r in deferred} <= {
        f"host backed off for this run after {n} timeouts" for n in range(HOST_TIMEOUT_LIMIT, len(asked) + 1)
    }


def test_connection_refused_fails_after_retries():
    with socket.create_server(("127.0.0.1", 0)) as unused:
        port = unused.getsockname()[1]
    result = fetch(f"http://127.0.0.1:{port}/", policy(retries=1))
    assert (result.outcome, result.status) == ("failed", None)
    # robots.txt is the first request to fail, so the page is never asked for
    assert result.error.startswith("robots.txt unreachable (connection refused")


def test_non_html_page_is_skipped(site):
    site.add("/report.pdf", b"%PDF-1.4", content_type="application/pdf")
    result = fetch(site.url("/report.pdf"))
    assert (result.outcome, result.error, result.body) == ("skipped", "content type application/pdf is not HTML", None)


def test_missing_content_type_is_sniffed(site):
    site.routes["/bare"] = in_turn(Reply(200, PAGE.encode()))
    site.routes["/blob"] = in_turn(Reply(200, b"\x00\x01binary"))
    assert fetch(site.url("/bare")).outcome == "fetched"
    assert fetch(site.url("/blob")).outcome == "skipped"


def test_feed_types(site):
    site.add("/rss", "<rss version='2.0'></rss>", content_type="application/rss+xml")
    site.add("/plain", "\ufeff\n <?xml version='1.0'?><urlset/>", content_type="text/plain")
    site.add("/sitemap.xml.gz", gzip.compress(b"<urlset/>"), content_type="application/octet-stream")
    site.add("/html", PAGE)
    outcomes = [fetch(site.url(path), kind="feed").outcome for path in ("/rss", "/plain", "/sitemap.xml.gz", "/html")]
    assert outcomes == ["fetched", "fetched", "fetched", "skipped"]


def test_empty_body_fails(site):
    site.add("/empty", "")
    result = fetch(site.url("/empty"))
    assert (result.outcome, result.error) == ("failed", "empty body")


def test_rate_limit_spaces_one_host_but_not_two(site, http_server):
    one, two = site, http_server
    for server in (one, two):
        server.add("/paced", PAGE)

    async def fetch_all(urls):
        async with Fetcher(policy(rate_limit=10)) as fetcher:
            started = time.monotonic()
            results = await fetcher.fetch_many([FetchRequest(url, "test") for url in urls])
            return results, time.monotonic() - started

    # robots.txt and 5 pages: six requests, each at least 0.1 s after the one before
    results, one_host = asyncio.run(fetch_all([one.url(f"/paced?{i}") for i in range(5)]))
    assert [r.url for r in results] == [one.url(f"/paced?{i}") for i in range(5)]
    assert one_host >= 0.5
    results, two_hosts = asyncio.run(fetch_all([s.url(f"/paced?{i}") for i in range(5) for s in (one, two)]))
    assert all(r.outcome == "fetched" for r in results)
    assert two_hosts < 0.9  # one host after the other would take 11 x 0.1 s


def test_reads_file_urls(tmp_path):
    (tmp_path / "saved.html").write_text(PAGE)
    (tmp_path / "saved.html.gz").write_bytes(gzip.compress(PAGE.encode()))
    plain = fetch((tmp_path / "saved.html").as_uri())
    packed = fetch((tmp_path / "saved.html.gz").as_uri())
    missing = fetch((tmp_path / "nothing.html").as_uri())
    assert (plain.outcome, plain.body, plain.content_type) == ("fetched", PAGE.encode(), "text/html")
    assert (packed.outcome, packed.body) == ("fetched", PAGE.encode())
    assert [(a.attempt, a.status, a.bytes) for a in packed.attempts] == [(1, 200, len(PAGE))]
    assert (missing.outcome, missing.error, missing.attempts[0].error) == ("failed", "no such file", "no such file")


def test_file_urls_respect_the_size_limit(tmp_path):
    (tmp_path / "big.html").write_text("<html>" + "x" * 5000)
    result = fetch((tmp_path / "big.html").as_uri(), policy(max_bytes=1000))
    assert (result.outcome, result.error) == ("failed", "body exceeds 1000 bytes")


def test_bad_urls_fail_without_raising():
    assert fetch("http://example.org:99999999/").error.startswith("bad URL")
    assert fetch("mailto:someone@example.org").error == "refused: scheme 'mailto' is not http or https"
