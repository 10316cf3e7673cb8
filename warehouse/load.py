"""Writes to the warehouse: bulk loads from Arrow, one transaction per call, and the frontier's reads.

Every write stages its records as an Arrow table (deduplicated on the target's key, which
`insert ... on conflict do update` needs) and moves them with set-based SQL.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import NamedTuple

import duckdb
import pyarrow as pa

from winnow.schemas.records import (
    RUN_COUNTERS,
    ArchivePosition,
    Article,
    DiscoveredURL,
    ExtractionFailure,
    FetchResult,
    RunSummary,
)
from winnow.warehouse import db, repeated_blocks, staging, stories, validation
from winnow.warehouse.validation import Gate

MAX_ATTEMPTS = 5  # failed runs in a row before a URL is left alone

_CURSORS = pa.schema([("source", pa.string()), ("feed_url", pa.string()), ("newest_at", staging.UTC_TIME)])


class DueURL(NamedTuple):
    """A URL to fetch this run, with the validators for a conditional GET, and the hash of the
    body fetched last time (a server that ignores conditional GET may send the same page again)."""

    url: str
    etag: str | None
    last_modified: str | None
    page_hash: str | None = None


class BatchCounts(NamedTuple):
    """What one load_batch did to the articles and pages tables, and what validation held back."""

    new: int
    updated: int
    unchanged: int
    pages_stored: int
    quarantined: int = 0  # rows moved to quarantine
    held: tuple[str, ...] = ()  # why the batch's articles were held back whole, one line per failed batch check
    duplicates: int = 0  # new or changed articles that are copies of a story another article holds


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
        _stage(conn, "discovered", staging.discovered(urls))
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
            [_now()],
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
    _stage(
        conn,
        "attempts",
        staging.fetch_log(
            run_id, ((source, kind, attempt) for source, _, kind, r in fetches for attempt in r.attempts)
        ),
    )
    conn.execute("insert into fetch_log by name select * from attempts")
    _stage(conn, "feed_fetches", staging.feed_fetches(fetches, _now()))
    # A fresh body brings its own validators (or none); a 304 or a failure keeps the old ones
    # unless it sent new ones. A body that could not be read keeps the old ones: a 304 to them
    # next run would hide that it was never read.
    conn.execute("""
        insert into feeds (url, source, kind, etag, last_modified, last_status, last_error, last_fetched_at)
        select f.url, f.source, f.kind,
               case when f.outcome = 'fetched' and f.error is not null then old.etag
                    when f.outcome = 'fetched' then f.etag else coalesce(f.etag, old.etag) end,
               case when f.outcome = 'fetched' and f.error is not null then old.last_modified
                    when f.outcome = 'fetched' then f.last_modified
                    else coalesce(f.last_modified, old.last_modified) end,
               f.status, f.error, f.fetched_at
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


def load_batch(
    db_path: str | os.PathLike,
    run_id: str,
    results: list[FetchResult],
    articles: list[Article],
    failures: list[ExtractionFailure],
    gate: Gate | None = None,
    layout_min_pages: int = 3,
    archive: ArchivePosition | None = None,
) -> BatchCounts:
    """Load one fetched and extracted batch in one transaction; returns what changed.

    Writes the fetch log, the raw pages (compressed, each (url, page_hash) once), each URL's
    frontier state, the articles (new ones inserted, changed ones updated, unchanged ones not
    touched at all) and the extraction failures. With a `gate`, the fetch log and the articles
    are validated first: failing rows go to quarantine, and a failed batch check (such as most
    of the source's pages giving no article) holds all the batch's articles back. Pages, frontier
    and failures are always kept: they are what a fix is reprocessed from.
    """
    now = _now()
    batch_id = validation.new_batch_id()
    source = results[0].source if results else articles[0].source if articles else None
    quarantined, held = 0, ()
    with db.write(db_path) as conn:
        _stage(
            conn,
            "attempts_batch",
            staging.fetch_log(run_id, ((r.source, "page", attempt) for r in results for attempt in r.attempts)),
        )
        validation.stage(conn, "attempts", "attempts_batch", "url, attempt")
        if gate is not None:
            quarantined += validation.check_staged(
                conn, gate, "fetch_log", "attempts", ("url", "attempt"), run_id, batch_id, source
            ).quarantined
        conn.execute(f"insert into fetch_log by name select * exclude ({validation.POSITION}) from attempts")
        _stage(conn, "new_pages", staging.pages(run_id, results, now))
        (pages_stored,) = conn.execute(
            "insert into pages by name select * from new_pages on conflict do nothing"
        ).fetchone()
        _stage(conn, "extracted_batch", staging.articles(articles))
        validation.stage(conn, "extracted", "extracted_batch", "article_id")
        _stage(conn, "failures", staging.failures(failures))
        if gate is not None:
            verdict = validation.check_staged(
                conn, gate, "articles", "extracted", ("article_id",), run_id, batch_id, source
            )
            # A batch already held says nothing more by its pages.
            pages = (
                validation.Verdict(None, 0, False)
                if verdict.held
                else validation.check_pages(conn, gate, run_id, batch_id, source, layout_min_pages)
            )
            quarantined += verdict.quarantined + pages.quarantined
            held = tuple(
                f"source {source!r}: {r.check.name} failed ({r.check.meaning}; observed {r.observed})"
                for r in verdict.batch_failures() + pages.batch_failures()
            )
        _replace_chaff(conn, articles, run_id, now)
        new, updated, unchanged = upsert_articles(conn, run_id, now)
        duplicates = stories.place_articles(conn, now)
        # Same reason again: leave the row as it is, like an unchanged article.
        conn.execute(
            """
            insert into extraction_failures by name select *, ? as run_id, ? as failed_at from failures
            on conflict (url, page_hash) do update set
                source = excluded.source, reason = excluded.reason,
                run_id = excluded.run_id, failed_at = excluded.failed_at
            where extraction_failures.reason <> excluded.reason
        """,
            [run_id, now],
        )
        _stage(conn, "outcomes", staging.fetch_outcomes(results, now))
        _stage(conn, "no_article", staging.urls(_without_article(conn, results, failures)))
        _update_frontier(conn, now)
        if archive is not None:
            _advance_archive_cursor(conn, archive, run_id, now)
    return BatchCounts(new, updated, unchanged, pages_stored, quarantined, held, duplicates)


def _advance_archive_cursor(
    conn: duckdb.DuckDBPyConnection, position: ArchivePosition, run_id: str, now: datetime
) -> None:
    """The archive is read up to `position`: written with the pages read before it, so that a
    backfill goes on from what was loaded, never from what was only read."""
    conn.execute(
        """
        insert into archive_cursors values (?, ?, ?, ?, ?, ?, ?)
        on conflict (source, archive) do update set
            resume_at = excluded.resume_at, done = excluded.done,
            pages = archive_cursors.pages + excluded.pages, updated_at = excluded.updated_at, run_id = excluded.run_id
    """,
        [position.source, position.archive, position.resume_at, position.done, position.pages, now, run_id],
    )


def _without_article(
    conn: duckdb.DuckDBPyConnection, results: list[FetchResult], failures: list[ExtractionFailure]
) -> set[str]:
    """The URLs fetched in this batch whose body gave no article that was merged: extraction
    failed, or validation took the article out (quarantined, or its batch held back)."""
    failed = {failure.url for failure in failures}
    staged = {url for (url,) in conn.execute("select fetched_url from extracted_batch").fetchall()}
    merged = {url for (url,) in conn.execute("select fetched_url from extracted").fetchall()}
    return {
        r.url
        for r in results
        if r.outcome == "fetched" and (r.url in failed or r.final_url in failed or (r.final_url in staged - merged))
    }


def start_run(db_path: str | os.PathLike, summary: RunSummary, flow: str) -> list[tuple[str, str, datetime]]:
    """Record a run as started (a retried flow run with the same id starts over), and mark the
    runs still 'running' as 'crashed'; returns those ((run id, flow, started at) tuples).

    The caller holds the run lock (warehouse.run_lock), so no other run is going on: a run
    still 'running' is one whose process died before it could finish. Its work is safe up to
    its last committed batch, and what it had not loaded is still due in the frontier.
    """
    with db.write(db_path) as conn:
        crashed = conn.execute(
            """
            update runs set status = 'crashed' where status = 'running' and run_id <> ?
            returning run_id, flow, started_at
        """,
            [summary.run_id],
        ).fetchall()
        conn.execute(
            f"""
            insert or replace into runs (run_id, flow, started_at, finished_at, status, sources,
                {", ".join(RUN_COUNTERS)})
            values (?, ?, ?, ?, ?, ?, {", ".join("?" for _ in RUN_COUNTERS)})
        """,
            [
                summary.run_id,
                flow,
                summary.started_at,
                summary.finished_at,
                summary.status,
                summary.sources,
                *_run_counts(summary),
            ],
        )
    return sorted(crashed, key=lambda run: run[2])


def finish_run(db_path: str | os.PathLike, summary: RunSummary) -> None:
    """Record a started run's end: status, finish time and counts."""
    with db.write(db_path) as conn:
        conn.execute(
            f"""
            update runs set finished_at = ?, status = ?, sources = ?, {", ".join(f"{c} = ?" for c in RUN_COUNTERS)}
            where run_id = ?
        """,
            [summary.finished_at, summary.status, summary.sources, *_run_counts(summary), summary.run_id],
        )


def _advance_cursors(
    conn: duckdb.DuckDBPyConnection, run_id: str | None, cursors: Iterable[tuple[str, str, datetime]]
) -> None:
    _stage(
        conn,
        "read_cursors",
        pa.Table.from_pylist([dict(zip(_CURSORS.names, cursor)) for cursor in cursors], schema=_CURSORS),
    )
    # A cursor only moves forward: an older date read again (a feed trimmed, a clock set back) leaves it.
    conn.execute(
        """
        insert into discovery_cursors (source, feed_url, newest_at, updated_at, run_id)
        select source, feed_url, max(newest_at), ?, ? from read_cursors group by source, feed_url
        on conflict (source, feed_url) do update set
            newest_at = excluded.newest_at, updated_at = excluded.updated_at, run_id = excluded.run_id
        where excluded.newest_at > discovery_cursors.newest_at
    """,
        [_now(), run_id],
    )


def _update_frontier(conn: duckdb.DuckDBPyConnection, now: datetime) -> None:
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
               status, case when no_article then 'gave no article' else error end, fetched_at,
               case when no_article then null when outcome = 'fetched' then new_etag else coalesce(new_etag, etag) end,
               case when no_article then null
                    when outcome = 'fetched' then new_last_modified else coalesce(new_last_modified, last_modified) end,
               coalesce(new_page_hash, page_hash)
        from (
            select o.url, o.source, coalesce(f.discovered_at, ?) as discovered_at, o.outcome, f.attempts, o.status,
                   o.error, o.fetched_at, o.etag as new_etag, f.etag, o.last_modified as new_last_modified,
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


def _replace_chaff(conn: duckdb.DuckDBPyConnection, articles: list[Article], run_id: str, now: datetime) -> None:
    """For the new and changed articles of the batch: their removed blocks and block sightings
    replace the old ones. An article whose text is the same but whose chaff was found otherwise
    (new rules, a detector instead of repetition) gets its new chaff rows. Unchanged articles
    keep everything, so a re-run writes nothing."""
    conn.execute("""
        create temp table changed as
        select e.article_id from extracted e left join articles a using (article_id)
        where a.article_id is null or a.content_hash <> e.content_hash
    """)
    # Only the articles left to merge: those quarantined keep their old rows.
    _stage(conn, "chaff_batch", staging.article_chaff(articles))
    _stage(conn, "blocks_batch", staging.blocks(articles))
    conn.execute("create temp view chaff as select * from chaff_batch semi join extracted using (article_id)")
    conn.execute("create temp view blocks as select * from blocks_batch semi join extracted using (article_id)")
    conn.execute("""
        create temp table chaff_changed as
        select article_id from changed
        union
        select article_id from (
            (select article_id, position, text, kind, evidence, rule from chaff
             except all
             select c.article_id, c.position, c.text, c.kind, c.evidence, c.rule
             from article_chaff c semi join extracted e using (article_id))
            union all
            (select c.article_id, c.position, c.text, c.kind, c.evidence, c.rule
             from article_chaff c semi join extracted e using (article_id)
             except all
             select article_id, position, text, kind, evidence, rule from chaff))
    """)
    conn.execute("delete from article_chaff where article_id in (select article_id from chaff_changed)")
    conn.execute(
        """
        insert into article_chaff by name
        select c.*, ? as run_id from chaff c semi join chaff_changed using (article_id)
    """,
        [run_id],
    )
    repeated_blocks.count_before(conn, "select article_id from changed")
    conn.execute("delete from block_sightings where article_id in (select article_id from changed)")
    conn.execute(
        """
        insert into block_sightings by name
        select b.source, b.block_key, b.article_id, ? as seen_at from blocks b semi join changed using (article_id)
    """,
        [now],
    )
    conn.execute("""
        insert into block_texts by name
        select source, block_key, any_value(text) as text from blocks b
        where not exists (select 1 from block_texts t where t.source = b.source and t.block_key = b.block_key)
        group by source, block_key
    """)
    repeated_blocks.count_after(conn)


def block_counts(
    db_path: str | os.PathLike, source: str, keys: list[str], exclude_articles: list[str]
) -> dict[str, int]:
    """How many of the source's stored articles, other than `exclude_articles`, hold each block key."""
    if not keys:
        return {}
    with db.read(db_path) as conn:
        rows = conn.execute(
            """
            select block_key, count(*) from block_sightings
            where source = ? and block_key in (select unnest(?::varchar[]))
              and article_id not in (select unnest(?::varchar[]))
            group by block_key
        """,
            [source, keys, exclude_articles],
        ).fetchall()
    return dict(rows)


def upsert_articles(
    conn: duckdb.DuckDBPyConnection, run_id: str, now: datetime, exclude: tuple[str, ...] = ()
) -> tuple[int, int, int]:
    """Insert the new articles of the staged `extracted` table and update the changed ones;
    returns (new, updated, unchanged). `exclude`: staged columns that are not the table's."""
    new, updated, unchanged = conn.execute("""
        select count(*) filter (where a.article_id is null),
               count(*) filter (where a.content_hash <> e.content_hash),
               count(*) filter (where a.content_hash = e.content_hash)
        from extracted e left join articles a using (article_id)
    """).fetchone()
    # Rows whose text is unchanged are filtered out before the upsert, so they keep every value,
    # updated_at and run_id included: loading the same input twice changes nothing.
    conn.execute(
        f"""
        insert into articles by name
        select e.* exclude ({", ".join((validation.POSITION, *exclude))}), ? as first_seen_at, ? as updated_at, ? as run_id
        from extracted e
        where not exists (select 1 from articles a where a.article_id = e.article_id
                                                     and a.content_hash = e.content_hash)
        on conflict (article_id) do update set
            source = excluded.source, url = excluded.url, fetched_url = excluded.fetched_url,
            title = excluded.title, authors = excluded.authors, published_at = excluded.published_at,
            language = excluded.language, site_name = excluded.site_name, description = excluded.description,
            image = excluded.image, text = excluded.text, word_count = excluded.word_count,
            content_hash = excluded.content_hash, page_hash = excluded.page_hash, paywalled = excluded.paywalled,
            updated_at = excluded.updated_at, run_id = excluded.run_id
    """,
        [now, now, run_id],
    )
    return new, updated, unchanged


def _run_counts(summary: RunSummary) -> list:
    return [getattr(summary, name) for name in RUN_COUNTERS]


def _stage(conn: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> None:
    # Registered tables (and temp tables) go when the connection closes, at the end of the call.
    conn.register(name, table)


def _now() -> datetime:
    return datetime.now(timezone.utc)
