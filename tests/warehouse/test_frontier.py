from datetime import timedelta

from tests.support.records import T0, fetched
from winnow.schemas.records import DiscoveredURL
from winnow.warehouse import frontier
from winnow.warehouse.articles import load_batch
from winnow.warehouse.frontier import DueURL
from winnow.warehouse.query import run_query

A, B, C = "https://news.example/a", "https://news.example/b", "https://news.example/c"


def found(url, lastmod=None, source="news", via="https://news.example/feed"):
    return DiscoveredURL(url, source, via, lastmod)


def state(db_path, url):
    return run_query(db_path, "select state, attempts, etag, page_hash from frontier where url = ?", [url]).rows[0]


def test_discovered_urls_are_queued_once(db_path):
    assert (
        frontier.record_discovered(db_path, [found(A), found(B), found(A, via="https://news.example/sitemap.xml")]) == 2
    )
    assert frontier.record_discovered(db_path, [found(A), found(C)]) == 1
    rows = run_query(db_path, "select url, state, via from frontier order by url").rows
    assert rows == [
        (A, "pending", "https://news.example/feed"),
        (B, "pending", "https://news.example/feed"),
        (C, "pending", "https://news.example/feed"),
    ]


def test_due_urls_oldest_first_by_source_with_a_limit(db_path):
    frontier.record_discovered(db_path, [found(C)])
    frontier.record_discovered(db_path, [found(B), found(A), found("https://other.example/x", source="other")])
    assert [d.url for d in frontier.due_urls(db_path, "news", 10)] == [C, A, B]
    assert [d.url for d in frontier.due_urls(db_path, "news", 2)] == [C, A]
    load_batch(db_path, "run-1", [fetched(C, etag='"v1"')], [], [])
    assert [d.url for d in frontier.due_urls(db_path, "news", 10)] == [A, B]


def test_fetch_outcomes_set_the_state_and_failures_are_retried_five_times(db_path):
    frontier.record_discovered(db_path, [found(A), found(B)])
    load_batch(
        db_path,
        "run-1",
        [
            fetched(A, etag='"v1"', last_modified="Sat, 01 Mar 2025 12:00:00 GMT"),
            fetched(B, outcome="gone", status=404),
        ],
        [],
        [],
    )
    fetched_row = state(db_path, A)
    assert fetched_row[:3] == ("fetched", 0, '"v1"') and fetched_row[3] is not None
    assert state(db_path, B)[:2] == ("gone", 0)
    assert frontier.due_urls(db_path, "news", 10) == []

    load_batch(db_path, "run-2", [fetched(A, outcome="not_modified", status=304)], [], [])
    assert state(db_path, A) == ("not_modified", 0, '"v1"', fetched_row[3])  # validators and page kept

    for run in range(1, 6):
        load_batch(db_path, f"fail-{run}", [fetched(A, outcome="failed", status=503, error="503")], [], [])
        assert state(db_path, A)[:2] == ("failed", run)
        due = frontier.due_urls(db_path, "news", 10)
        # the validators, and the hash of the body last fetched
        assert due == ([DueURL(A, '"v1"', "Sat, 01 Mar 2025 12:00:00 GMT", fetched_row[3])] if run < 5 else [])

    load_batch(db_path, "run-3", [fetched(A, b"<html>new</html>")], [], [])
    assert state(db_path, A)[:3] == ("fetched", 0, None)  # a fresh body without an etag clears the old one


def test_a_later_lastmod_sends_a_fetched_url_back_to_pending(db_path):
    frontier.record_discovered(db_path, [found(A), found(B)])
    load_batch(db_path, "run-1", [fetched(A, at=T0), fetched(B, at=T0)], [], [])
    assert (
        frontier.record_discovered(
            db_path, [found(A, lastmod=T0 - timedelta(days=1)), found(B, lastmod=T0 + timedelta(hours=1))]
        )
        == 0
    )
    assert state(db_path, A)[0] == "fetched"
    assert state(db_path, B)[0] == "pending"
    assert [d.url for d in frontier.due_urls(db_path, "news", 10)] == [B]


def test_feed_validators_are_kept_on_a_304(db_path):
    feed, sitemap = "https://news.example/feed", "https://news.example/sitemap.xml"
    frontier.record_discovered(
        db_path,
        [],
        run_id="run-1",
        feed_fetches=[
            ("news", feed, "rss", fetched(feed, etag='"f1"', last_modified="Sat, 01 Mar 2025 12:00:00 GMT")),
            ("news", sitemap, "sitemap", fetched(sitemap, outcome="failed", status=None, error="timeout", tries=3)),
        ],
    )
    frontier.record_discovered(
        db_path,
        [],
        run_id="run-2",
        feed_fetches=[("news", feed, "rss", fetched(feed, outcome="not_modified", status=304))],
    )
    assert frontier.feed_validators(db_path, "news") == {
        feed: ('"f1"', "Sat, 01 Mar 2025 12:00:00 GMT"),
        sitemap: (None, None),
    }
    assert frontier.feed_validators(db_path, "other") == {}
    rows = run_query(db_path, "select url, last_status, last_error from feeds order by url").rows
    assert rows == [(feed, 304, None), (sitemap, None, "timeout")]
    log = run_query(db_path, "select kind, count(*) from fetch_log group by kind order by kind").rows
    assert log == [("rss", 2), ("sitemap", 3)]
