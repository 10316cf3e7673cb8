"""Part 1 of issue 7: each HTTP fault class, through a real ingest run, answered by the right
outcome, a fetch_log entry with a clear reason, and the right rows.

One server holds every fault at its own URL; one run ingests them all, and a second run (after
the 500 is fixed) shows what is retried next run and what is never asked again."""

from __future__ import annotations

import gzip
import time
from types import SimpleNamespace

import pytest

from tests.support.demo_site import ARTICLES, GROUND_TRUTH, demo_page
from tests.support.fetching import SMALL_LIMITS, use_small_limits
from tests.support.ingest_runs import ingest, write_fault_config
from tests.support.localserver import LocalServer, Reply, in_turn
from tests.support.queries import rows, scalar

pytestmark = pytest.mark.prefect

# Pages that are articles once the fault is survived: each a different demo article, so that no two
# share a canonical URL.
GOOD, FLAKY, RETRY_AFTER, NO_CHARSET, WRONG_CHARSET, TRUNCATED, FIXED = ("/" + path for path in ARTICLES[:7])


def html(server: LocalServer, path: str, charset: str | None = "utf-8", encoding: str = "utf-8") -> Reply:
    content_type = "text/html" + (f"; charset={charset}" if charset else "")
    return Reply(
        200, demo_page(server, path).encode(encoding, errors="xmlcharrefreplace"), {"Content-Type": content_type}
    )


def cp1252_page(server: LocalServer, path: str, declared: str) -> bytes:
    """The demo page with "Café Élan" in its title, encoded in cp1252, its <meta> saying `declared`."""
    title = GROUND_TRUTH[path.lstrip("/")]["title"]
    page = demo_page(server, path).replace(title, f"Café Élan: {title}")  # <title>, <h1>, og:title
    page = page.replace("<head>", f'<head><meta charset="{declared}">', 1)
    return page.encode("cp1252", errors="xmlcharrefreplace")


def serve_faults(server: LocalServer) -> list[str]:
    """Program every fault; returns the paths the feed lists."""

    def slow(request):
        time.sleep(3)  # no headers for longer than the read timeout
        return Reply(200, b"<html>late</html>", {"Content-Type": "text/html"})

    page_type = {"Content-Type": "text/html"}
    big = b"<html><body>" + b"<p>word</p>" * 30_000 + b"</body></html>"  # 330 kB
    bomb = gzip.compress(b" " * 50_000_000, compresslevel=9)  # 50 MB in ~50 kB
    truncated = demo_page(server, TRUNCATED)
    server.routes.update(
        {
            GOOD: lambda r: html(server, GOOD),
            "/news/error-500.html": lambda r: Reply(500, b"<html>oops</html>", page_type),
            "/news/busy-503.html": lambda r: Reply(503, b"", page_type),
            FLAKY: in_turn(Reply(503), html(server, FLAKY)),
            "/news/reset.html": lambda r: Reply(reset=True),
            "/news/cut-short.html": lambda r: Reply(200, b"<html><body>half", page_type, content_length=5000),
            RETRY_AFTER: in_turn(Reply(429, headers={"Retry-After": "1"}), html(server, RETRY_AFTER)),
            "/news/retry-later.html": lambda r: Reply(429, headers={"Retry-After": "3600"}),
            "/news/stall.html": slow,
            "/news/trickle.html": lambda r: Reply(200, demo_page(server, GOOD).encode(), page_type, trickle_s=0.05),
            "/news/big.html": lambda r: Reply(200, big, page_type),
            "/news/bomb.html": lambda r: Reply(200, bomb, {**page_type, "Content-Encoding": "gzip"}),
            NO_CHARSET: lambda r: Reply(200, cp1252_page(server, NO_CHARSET, "windows-1252"), page_type),
            WRONG_CHARSET: lambda r: Reply(
                200, cp1252_page(server, WRONG_CHARSET, "windows-1252"), {"Content-Type": "text/html; charset=utf-8"}
            ),
            "/news/data.json": lambda r: Reply(200, b'{"not": "html"}', {"Content-Type": "application/json"}),
            "/news/loop-a.html": lambda r: Reply(302, headers={"Location": "/news/loop-b.html"}),
            "/news/loop-b.html": lambda r: Reply(302, headers={"Location": "/news/loop-a.html"}),
            "/news/away.html": lambda r: Reply(
                302, headers={"Location": server.url("/news/elsewhere.html").replace("127.0.0.1", "localhost")}
            ),
            "/news/elsewhere.html": lambda r: html(server, GOOD),
            "/news/removed.html": lambda r: Reply(410, b"gone", page_type),
            "/news/empty.html": lambda r: Reply(200, b"", page_type),
            TRUNCATED: lambda r: Reply(
                200, truncated[: len(truncated) * 2 // 3].encode() + b"<div><p><<>&&</span", page_type
            ),
            "/news/garbage.html": lambda r: Reply(200, b"<html><body><div><p>\x00\xff\xfe<<<>>></i></b>", page_type),
            FIXED: lambda r: Reply(500, b"", page_type),  # fixed before the second run
        }
    )
    listed = [path for path in server.routes if path not in ("/news/loop-b.html", "/news/elsewhere.html")]
    return listed + ["/news/missing.html"]  # no route: 404


@pytest.fixture(scope="module")
def faulty_site(prefect_harness, tmp_path_factory):
    """Two ingest runs of a site of faults, under small fetch limits."""
    folder = tmp_path_factory.mktemp("faults")
    server = LocalServer().start()
    with pytest.MonkeyPatch.context() as patch:
        use_small_limits(patch)
        paths = serve_faults(server)
        items = "".join(f"<item><title>{p}</title><link>{server.url(p)}</link></item>" for p in paths)
        server.add(
            "/feed.xml", f'<rss version="2.0"><channel><title>t</title>{items}</channel></rss>', "application/rss+xml"
        )
        config, db = write_fault_config(folder, server, [("rss", "/feed.xml")]), folder / "winnow.duckdb"
        first = ingest(config, db)
        first_hits = {path: len(server.hits(path)) for path in server.routes}
        server.routes[FIXED] = lambda r: html(server, FIXED)
        second = ingest(config, db)
    yield SimpleNamespace(server=server, db=db, first=first, second=second, first_hits=first_hits, listed=len(paths))
    server.stop()


def url(site, path: str) -> str:
    return site.server.url(path)


def log(site, path: str, run=None) -> list[tuple]:
    """(attempt, status, error, bytes) of the first run's fetch_log rows for `path`."""
    return rows(
        site.db,
        "select attempt, status, error, bytes from fetch_log where url = ? and run_id = ? order by attempt",
        [url(site, path), (run or site.first).run_id],
    )


def frontier(site, path: str) -> tuple:
    """(state, attempts, last_status, last_error) of `path` after both runs."""
    return tuple(
        rows(site.db, "select state, attempts, last_status, last_error from frontier where url = ?", [url(site, path)])[
            0
        ]
    )


def has_article(site, path: str) -> bool:
    return scalar(site.db, "select count(*) from articles where url = ?", [url(site, path)]) == 1


def test_the_runs_complete_and_count_what_the_tables_hold(faulty_site):
    site = faulty_site
    assert (site.first.status, site.second.status) == ("completed", "completed")
    assert site.first.discovered == site.listed == scalar(site.db, "select count(*) from frontier")
    # ok, flaky, Retry-After, both charsets, truncated HTML; then the fixed page on the second run
    assert (site.first.new, site.second.new) == (6, 1)
    assert scalar(site.db, "select count(*) from articles") == 7
    assert (site.first.fetched, site.first.gone, site.first.skipped) == (7, 2, 2)
    assert site.first.failed == site.listed - 11
    assert (site.first.not_extracted, scalar(site.db, "select count(*) from extraction_failures")) == (1, 1)


@pytest.mark.parametrize("path, status", [("/news/error-500.html", 500), ("/news/busy-503.html", 503)])
def test_5xx_is_retried_with_backoff_then_given_up_until_next_run(faulty_site, path, status):
    site = faulty_site
    retries = SMALL_LIMITS["retries"]
    assert [(a, s) for a, s, _, _ in log(site, path)] == [(n, status) for n in range(1, retries + 2)]
    assert log(site, path)[-1][2] is None  # each attempt's status says it all; the result says why it stopped
    assert frontier(site, path) == ("failed", 2, status, f"HTTP {status} after {retries + 1} attempts")
    assert site.first_hits[path] == retries + 1 and len(site.server.hits(path)) == 2 * (retries + 1)


def test_5xx_that_passes_within_the_run_is_fetched(faulty_site):
    assert [(a, s) for a, s, _, _ in log(faulty_site, FLAKY)] == [(1, 503), (2, 200)]
    assert frontier(faulty_site, FLAKY)[:2] == ("fetched", 0) and has_article(faulty_site, FLAKY)


def test_a_url_failed_this_run_is_fetched_next_run(faulty_site):
    site = faulty_site
    assert [s for _, s, _, _ in log(site, FIXED)] == [500, 500]
    assert [s for _, s, _, _ in log(site, FIXED, site.second)] == [200]
    assert frontier(site, FIXED)[:2] == ("fetched", 0) and has_article(site, FIXED)


@pytest.mark.parametrize(
    "path, reason", [("/news/reset.html", "reset"), ("/news/cut-short.html", "complete message body")]
)
def test_connection_reset_or_cut_short_is_retried_then_failed(faulty_site, path, reason):
    attempts = log(faulty_site, path)
    assert len(attempts) == SMALL_LIMITS["retries"] + 1
    assert all(reason in error.lower() for _, _, error, _ in attempts), attempts
    state, failed_runs, _, last_error = frontier(faulty_site, path)
    assert (state, failed_runs) == ("failed", 2) and reason in last_error.lower()


def test_429_waits_for_retry_after_within_the_bound(faulty_site):
    attempts = rows(
        faulty_site.db,
        "select status, fetched_at from fetch_log where url = ? and run_id = ? order by attempt",
        [url(faulty_site, RETRY_AFTER), faulty_site.first.run_id],
    )
    assert [status for status, _ in attempts] == [429, 200]
    assert (attempts[1][1] - attempts[0][1]).total_seconds() >= 1  # Retry-After: 1 honoured
    assert has_article(faulty_site, RETRY_AFTER)


def test_429_asking_too_long_gives_up_for_this_run(faulty_site):
    assert [(a, s) for a, s, _, _ in log(faulty_site, "/news/retry-later.html")] == [(1, 429)]
    state, _, status, error = frontier(faulty_site, "/news/retry-later.html")
    assert (state, status) == ("failed", 429)
    assert error == f"HTTP 429 with Retry-After 3600 s (more than {SMALL_LIMITS['max_retry_after_s']:g} s)"


@pytest.mark.parametrize(
    "path, reason",
    [
        ("/news/stall.html", f"no data for {SMALL_LIMITS['timeout_s']:g} s"),
        # each byte comes within the read timeout: only the limit on the whole request stops it
        ("/news/trickle.html", f"timeout after {SMALL_LIMITS['total_timeout_s']:g} s"),
    ],
)
def test_timeouts_and_trickling_bodies_are_cut_off(faulty_site, path, reason):
    attempts = log(faulty_site, path)
    # Tried once per run: a timeout is tried again next run, not at once (another whole time limit).
    assert [error for _, _, error, _ in attempts] == [reason]
    elapsed = scalar(faulty_site.db, "select max(elapsed_ms) from fetch_log where url = ?", [url(faulty_site, path)])
    assert elapsed < SMALL_LIMITS["total_timeout_s"] * 1000 + 500
    assert frontier(faulty_site, path)[0] == "failed" and not has_article(faulty_site, path)


@pytest.mark.parametrize("path", ["/news/big.html", "/news/bomb.html"])
def test_oversized_bodies_and_compression_bombs_stop_at_the_limit(faulty_site, path):
    limit = SMALL_LIMITS["max_bytes"]
    ((attempt, status, error, received),) = log(faulty_site, path)
    assert (attempt, status, error) == (1, 200, f"body exceeds {limit} bytes")
    # counted after decompression, and reading stopped at the limit, not at the end of the bomb
    assert limit < received <= limit + 64 * 1024 if path == "/news/big.html" else received == limit + 1
    assert frontier(faulty_site, path)[0] == "failed"
    assert scalar(faulty_site.db, "select count(*) from pages where url = ?", [url(faulty_site, path)]) == 0


def test_missing_or_wrong_charset_still_gives_the_text(faulty_site):
    for path in (NO_CHARSET, WRONG_CHARSET):
        (text,) = rows(
            faulty_site.db, "select title || ' ' || text from articles where url = ?", [url(faulty_site, path)]
        )[0]
        assert "Café Élan" in text, path


def test_non_html_is_skipped_with_its_type(faulty_site):
    assert log(faulty_site, "/news/data.json") == [(1, 200, "content type application/json is not HTML", 0)]
    assert frontier(faulty_site, "/news/data.json") == ("skipped", 0, 200, "content type application/json is not HTML")
    assert len(faulty_site.server.hits("/news/data.json")) == 1  # skipped is not asked again


def test_redirect_loop_fails_and_redirect_off_the_site_is_skipped(faulty_site):
    site = faulty_site
    assert [s for _, s, _, _ in log(site, "/news/loop-a.html")] == [302]
    assert frontier(site, "/news/loop-a.html")[::3] == ("failed", f"redirect loop at {url(site, '/news/loop-a.html')}")
    away = site.server.url("/news/elsewhere.html").replace("127.0.0.1", "localhost")
    assert frontier(site, "/news/away.html")[::3] == ("skipped", f"redirected off the source's domains to {away}")
    assert site.server.hits("/news/elsewhere.html") == []  # never requested


@pytest.mark.parametrize("path, status", [("/news/missing.html", 404), ("/news/removed.html", 410)])
def test_404_and_410_mark_the_url_gone_and_it_is_not_asked_again(faulty_site, path, status):
    assert log(faulty_site, path) == [(1, status, None, 0)]
    assert frontier(faulty_site, path) == ("gone", 0, status, f"HTTP {status}")
    assert len(faulty_site.server.hits(path)) == 1  # the second run did not ask


def test_empty_body_fails_with_its_reason(faulty_site):
    assert log(faulty_site, "/news/empty.html") == [(1, 200, "empty body", 0)]
    assert frontier(faulty_site, "/news/empty.html")[::3] == ("failed", "empty body")


def test_malformed_html_gives_an_article_or_a_recorded_extraction_failure(faulty_site):
    site = faulty_site
    assert has_article(site, TRUNCATED)  # cut off mid-page, junk after: the text before is the article
    (reason,) = rows(
        site.db, "select reason from extraction_failures where url = ?", [url(site, "/news/garbage.html")]
    )[0]
    # No article from it: asked again each run (the same body is not extracted again), up to the limit.
    assert reason and frontier(site, "/news/garbage.html")[0] == "failed"
    assert scalar(site.db, "select count(*) from pages where url = ?", [url(site, "/news/garbage.html")]) == 1
