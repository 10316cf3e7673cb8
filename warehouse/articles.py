"""Loading a fetched and extracted batch: the fetch log, the raw pages, the articles with their
chaff and repeated blocks, the extraction failures, and each URL's frontier state, in one
transaction; and the stored block counts the chaff stage reads.

Every write stages its records as an Arrow table (warehouse/staging.py; deduplicated on the
target's key, which `insert ... on conflict do update` needs) and moves them with set-based SQL.
A registered table goes when the connection closes, at the end of the call.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone
from typing import NamedTuple

import duckdb

from winnow.schemas.records import ArchivePosition, Article, ExtractionFailure, FetchResult
from winnow.warehouse import db, frontier, repeated_blocks, staging, stories, validation
from winnow.warehouse.validation import Gate


class BatchCounts(NamedTuple):
    """What one load_batch did to the articles and pages tables, and what validation held back."""

    new: int
    updated: int
    unchanged: int
    pages_stored: int
    quarantined: int = 0  # rows moved to quarantine
    held: tuple[str, ...] = ()  # why the batch's articles were held back whole, one line per failed batch check
    duplicates: int = 0  # new or changed articles that are copies of a story another article holds


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
    now = datetime.now(timezone.utc)
    batch_id = validation.new_batch_id()
    source = results[0].source if results else articles[0].source if articles else None
    quarantined, held = 0, ()
    with db.write(db_path, threads=db.BATCH_THREADS) as conn:
        conn.register(
            "attempts_batch",
            staging.fetch_log(run_id, ((r.source, "page", attempt) for r in results for attempt in r.attempts)),
        )
        validation.stage(conn, "attempts", "attempts_batch", "url, attempt")
        if gate is not None:
            quarantined += validation.check_staged(
                conn, gate, "fetch_log", "attempts", ("url", "attempt"), run_id, batch_id, source
            ).quarantined
        conn.execute(f"insert into fetch_log by name select * exclude ({validation.POSITION}) from attempts")
        pages_stored = _store_pages(conn, run_id, results, now)
        conn.register("extracted_batch", staging.articles(articles))
        validation.stage(conn, "extracted", "extracted_batch", "article_id")
        conn.register("failures", staging.failures(failures))
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
        frontier.update_frontier(conn, results, _without_article(conn, results, failures), now)
        if archive is not None:
            frontier.advance_archive_cursor(conn, archive, run_id, now)
    return BatchCounts(new, updated, unchanged, pages_stored, quarantined, held, duplicates)


def _store_pages(conn: duckdb.DuckDBPyConnection, run_id: str, results: list[FetchResult], now: datetime) -> int:
    """Store the fetched pages not stored yet, each (url, page_hash) once, with their bodies;
    returns how many. A body goes to `page_bodies`, a table without a key (migration 018), only
    for a key `pages` does not hold yet (the staged pages have one row a key), in the transaction
    that then stores the key: a page stored before keeps its one body."""
    conn.register("new_pages", staging.pages(run_id, results, now))
    conn.execute("""
        insert into page_bodies by name
        select url, page_hash, html_gz from new_pages anti join pages using (url, page_hash)
    """)
    (stored,) = conn.execute(
        "insert into pages by name select * exclude (html_gz) from new_pages on conflict do nothing"
    ).fetchone()
    return stored


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
    conn.register("chaff_batch", staging.article_chaff(articles))
    conn.register("blocks_batch", staging.blocks(articles))
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
    with db.read(db_path, threads=db.BATCH_THREADS) as conn:
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
