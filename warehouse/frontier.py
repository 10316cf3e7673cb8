"""The frontier: the URLs discovered and when each is due, the feeds and sitemaps they were listed
in (with their conditional-GET validators and discovery cursors), how far each web archive was
read, and each URL's state after a fetch.

Writes stage their records as Arrow tables (warehouse/staging.py) and move them with set-based
SQL in one transaction; a registered table goes when the connection closes, at the end of the call.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import NamedTuple

import duckdb

from winnow.schemas.records import ArchivePosition, DiscoveredURL, FetchResult
from winnow.warehouse import db, staging

MAX_ATTEMPTS = 5  # failed runs in a row before a URL is left alone


class DueURL(NamedTuple):
    """A URL to fetch this run, with the validators for a conditional GET, and the hash of the
    body fetched last time (a server that ignores conditional GET may send the same page again)."""

    url: str
    etag: str | None
    last_modified: str | None
    page_hash: str | None = None


def record_discovered(
    db_path: str | os.PathLike,
    urls: list[DiscoveredURL],
    *,
    run_id: str | None = None,
    cursors: Iterable[tuple[str, str, datetime]] = (),
    feed_fetches: list[tuple[str, str, str, FetchResult]] = (),
) -> int:
    """Queue newly discovered URLs as 'pending'; returns how many were new.

    Known URLs are left alone, except that one whose listed lastmod is later than its last
    fetch goes back to 'pending': the sitemap says the page changed. The discovery cursors
    read by the run `run_id` ((source, feed url, newest date) tuples) and the feed fetches
    that listed the URLs (see _record_feed_fetches) are written in the same transaction: a
    cursor or a feed's new validators never pass URLs that were not queued (after a crash in
    between, the feed would answer 304 and its URLs would be lost).
    """
    with db.write(db_path) as conn:
        _record_feed_fetches(conn, run_id, feed_fetches)
        conn.register("discovered", staging.discovered(urls))
        # One row per URL (a URL can be listed by a feed and a sitemap): its first listing's
        # source and via, and its latest lastmod.
        conn.execute("""
            create temp table listed as
            select url, arg_min(source, position) as source, arg_min(via, position) as via, max(lastmod) as lastmod
            from discovered group by url
        """)
        (new,) = conn.execute(
            """
            insert into frontier (url, source, via, discovered_at, lastmod, state)
            select url, source, via, ?, lastmod, 'pending' from listed
            on conflict (url) do nothing
        """,
            [datetime.now(timezone.utc)],
        ).fetchone()
        conn.execute("""
            update frontier set state = 'pending', lastmod = listed.lastmod
            from listed
            where frontier.url = listed.url and frontier.state <> 'pending'
              and listed.lastmod > frontier.last_fetched_at
        """)
        _advance_cursors(conn, run_id, cursors)
    return new


def due_urls(db_path: str | os.PathLike, source: str, limit: int) -> list[DueURL]:
    """Up to `limit` URLs of `source` to fetch: pending ones, and failed ones not yet given up on,
    oldest discovered first."""
    with db.read(db_path) as conn:
        rows = conn.execute(
            """
            select url, etag, last_modified, page_hash from frontier
            where source = ? and (state = 'pending' or (state = 'failed' and attempts < ?))
            order by discovered_at, url
            limit ?
        """,
            [source, MAX_ATTEMPTS, limit],
        ).fetchall()
    return [DueURL(*row) for row in rows]


def _record_feed_fetches(
    conn: duckdb.DuckDBPyConnection, run_id: str | None, fetches: list[tuple[str, str, str, FetchResult]]
) -> None:
    """Log the attempts of feed and sitemap fetches ((source, feed url, kind, result) tuples) and
    update each feed's status and conditional-GET validators."""
    if not fetches:
        return
    conn.register(
        "attempts",
        staging.fetch_log(
            run_id, ((source, kind, attempt) for source, _, kind, r in fetches for attempt in r.attempts)
        ),
    )
    conn.execute("insert into fetch_log by name select * from attempts")
    conn.register("feed_fetches", staging.feed_fetches(fetches, datetime.now(timezone.utc)))
    # A fresh body brings its own validators (or none); a 304 or a failure keeps the old ones
    # unless it sent new ones. A body that could not be read keeps the old ones: a 304 to them
    # next run would hide that it was never read.
    conn.execute("""
        insert into feeds (url, source, kind, etag, last_modified, last_status, last_error, last_fetched_at)
        select f.url, f.source, f.kind,
               case when f.outcome = 'fetched' and f.last_error is not null then old.etag
                    when f.outcome = 'fetched' then f.etag else coalesce(f.etag, old.etag) end,
               case when f.outcome = 'fetched' and f.last_error is not null then old.last_modified
                    when f.outcome = 'fetched' then f.last_modified
                    else coalesce(f.last_modified, old.last_modified) end,
               f.last_status, f.last_error, f.last_fetched_at
        from feed_fetches f left join feeds old using (url)
        on conflict (url) do update set
            source = excluded.source, kind = excluded.kind, etag = excluded.etag,
            last_modified = excluded.last_modified, last_status = excluded.last_status,
            last_error = excluded.last_error, last_fetched_at = excluded.last_fetched_at
    """)


def feed_validators(db_path: str | os.PathLike, source: str) -> dict[str, tuple[str | None, str | None]]:
    """{feed url: (etag, last_modified)} for the source's feeds and sitemaps."""
    with db.read(db_path) as conn:
        rows = conn.execute("select url, etag, last_modified from feeds where source = ?", [source]).fetchall()
    return {url: (etag, last_modified) for url, etag, last_modified in rows}


def discovery_cursors(db_path: str | os.PathLike, source: str) -> dict[str, datetime]:
    """{feed or sitemap url: newest entry date read there} for the source's feeds and sitemaps."""
    with db.read(db_path) as conn:
        rows = conn.execute("select feed_url, newest_at from discovery_cursors where source = ?", [source]).fetchall()
    return dict(rows)


def archive_cursors(db_path: str | os.PathLike, source: str) -> dict[str, tuple[int, bool]]:
    """{archive: (resume_at, done)} for the web archives `source` has read."""
    with db.read(db_path) as conn:
        rows = conn.execute(
            "select archive, resume_at, done from archive_cursors where source = ?", [source]
        ).fetchall()
    return {archive: (resume_at, done) for archive, resume_at, done in rows}


def _advance_cursors(
    conn: duckdb.DuckDBPyConnection, run_id: str | None, cursors: Iterable[tuple[str, str, datetime]]
) -> None:
    conn.register("read_cursors", staging.discovery_cursors(cursors))
    # A cursor only moves forward: an older date read again (a feed trimmed, a clock set back) leaves it.
    conn.execute(
        """
        insert into discovery_cursors (source, feed_url, newest_at, updated_at, run_id)
        select source, feed_url, max(newest_at), ?, ? from read_cursors group by source, feed_url
        on conflict (source, feed_url) do update set
            newest_at = excluded.newest_at, updated_at = excluded.updated_at, run_id = excluded.run_id
        where excluded.newest_at > discovery_cursors.newest_at
    """,
        [datetime.now(timezone.utc), run_id],
    )


def update_frontier(
    conn: duckdb.DuckDBPyConnection, results: list[FetchResult], without_article: set[str], now: datetime
) -> None:
    """Each fetched URL's state after this batch, in the load's transaction; `without_article`:
    the URLs whose body gave no article that was merged."""
    conn.register("outcomes", staging.fetch_outcomes(results, now))
    conn.register("no_article", staging.urls(without_article))
    # Each URL takes its fetch outcome as its state. attempts counts failed runs in a row.
    # Validators and page_hash change with a fresh body; otherwise the old ones stay unless new
    # ones came. A URL fetched without being discovered (a file:// ingest) joins the frontier.
    # A body that gave no article counts as a failed fetch: a 200 whose body the server cut
    # short looks like any other, and the next run may get it whole. Its validators go, so the
    # server sends the body again rather than a 304. The same body again is not extracted again
    # (flows/ingest.py) and still counts as giving no article, until MAX_ATTEMPTS.
    conn.execute(
        """
        insert into frontier (url, source, discovered_at, state, attempts, last_status, last_error,
                              last_fetched_at, etag, last_modified, page_hash)
        select url, source, discovered_at,
               case when no_article then 'failed' else outcome end,
               case when outcome = 'failed' or no_article then coalesce(attempts, 0) + 1 else 0 end,
               last_status, case when no_article then 'gave no article' else last_error end, last_fetched_at,
               case when no_article then null when outcome = 'fetched' then new_etag else coalesce(new_etag, etag) end,
               case when no_article then null
                    when outcome = 'fetched' then new_last_modified else coalesce(new_last_modified, last_modified) end,
               coalesce(new_page_hash, page_hash)
        from (
            select o.url, o.source, coalesce(f.discovered_at, ?) as discovered_at, o.outcome, f.attempts, o.last_status,
                   o.last_error, o.last_fetched_at, o.etag as new_etag, f.etag, o.last_modified as new_last_modified,
                   f.last_modified, o.page_hash as new_page_hash, f.page_hash,
                   n.url is not null or (o.outcome = 'fetched' and o.page_hash = f.page_hash and f.state = 'failed'
                                         and f.last_error = 'gave no article') as no_article
            from outcomes o left join frontier f using (url) left join no_article n using (url)
        )
        on conflict (url) do update set
            state = excluded.state, attempts = excluded.attempts, last_status = excluded.last_status,
            last_error = excluded.last_error, last_fetched_at = excluded.last_fetched_at,
            etag = excluded.etag, last_modified = excluded.last_modified, page_hash = excluded.page_hash
    """,
        [now],
    )


def advance_archive_cursor(
    conn: duckdb.DuckDBPyConnection, position: ArchivePosition, run_id: str, now: datetime
) -> None:
    """The archive is read up to `position`: written with the pages read before it, so that a
    backfill goes on from what was loaded, never from what was only read."""
    conn.execute(
        """
        insert into archive_cursors (source, archive, resume_at, done, pages, updated_at, run_id)
        values (?, ?, ?, ?, ?, ?, ?)
        on conflict (source, archive) do update set
            resume_at = excluded.resume_at, done = excluded.done,
            pages = archive_cursors.pages + excluded.pages, updated_at = excluded.updated_at, run_id = excluded.run_id
    """,
        [position.source, position.archive, position.resume_at, position.done, position.pages, now, run_id],
    )
