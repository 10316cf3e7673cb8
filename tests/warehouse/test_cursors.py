"""Discovery cursors in the warehouse: written with the discovered URLs, read per source, only forward."""

from datetime import timedelta

import duckdb
import pytest

from tests.support.records import T0
from winnow.schemas.records import DiscoveredURL
from winnow.warehouse import frontier
from winnow.warehouse.query import run_query

FEED, SITEMAP, CHILD = "https://news.example/feed", "https://news.example/sitemap.xml", "https://news.example/s1.xml"
A, B = "https://news.example/a", "https://news.example/b"


def cursor_rows(db_path):
    return run_query(
        db_path, "select source, feed_url, newest_at, run_id from discovery_cursors order by source, feed_url"
    ).rows


def test_cursors_are_written_with_the_urls_and_read_per_source(db_path):
    frontier.record_discovered(
        db_path,
        [DiscoveredURL(A, "news", FEED, T0)],
        run_id="run-1",
        cursors=[("news", FEED, T0), ("news", CHILD, T0 - timedelta(days=1)), ("other", FEED, T0 + timedelta(hours=1))],
    )

    assert frontier.discovery_cursors(db_path, "news") == {FEED: T0, CHILD: T0 - timedelta(days=1)}
    assert frontier.discovery_cursors(db_path, "other") == {FEED: T0 + timedelta(hours=1)}  # a feed two sources share
    assert frontier.discovery_cursors(db_path, "none") == {}
    assert run_query(db_path, "select url from frontier").rows == [(A,)]


def test_cursors_only_move_forward(db_path):
    frontier.record_discovered(db_path, [], run_id="run-1", cursors=[("news", FEED, T0), ("news", SITEMAP, T0)])
    frontier.record_discovered(
        db_path,
        [],
        run_id="run-2",
        cursors=[
            ("news", FEED, T0 - timedelta(days=3)),  # a trimmed feed, or a clock set back
            ("news", SITEMAP, T0 + timedelta(hours=2)),
            ("news", SITEMAP, T0 + timedelta(hours=1)),
        ],
    )  # the newest of one call wins
    frontier.record_discovered(db_path, [], run_id="run-3", cursors=[("news", SITEMAP, T0 + timedelta(hours=2))])

    # Each row names the run that last moved it, and when.
    assert cursor_rows(db_path) == [("news", FEED, T0, "run-1"), ("news", SITEMAP, T0 + timedelta(hours=2), "run-2")]
    ((feed_moved,), (sitemap_moved,)) = run_query(
        db_path, "select updated_at from discovery_cursors order by feed_url"
    ).rows
    assert sitemap_moved > feed_moved  # run-3 left both alone; run-2 moved only the sitemap's


def test_no_cursor_moves_when_the_urls_are_not_recorded(db_path):
    frontier.record_discovered(db_path, [], run_id="run-1", cursors=[("news", FEED, T0)])
    broken = DiscoveredURL(B, None, FEED, T0)  # no source: the frontier refuses it

    with pytest.raises(duckdb.ConstraintException):
        frontier.record_discovered(
            db_path,
            [DiscoveredURL(A, "news", FEED, T0), broken],
            run_id="run-2",
            cursors=[("news", FEED, T0 + timedelta(days=1))],
        )

    assert cursor_rows(db_path) == [("news", FEED, T0, "run-1")]
    assert run_query(db_path, "select count(*) from frontier").rows == [(0,)]
