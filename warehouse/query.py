"""Reads: ad-hoc SQL on a read-only connection, and the stored pages for re-extraction offline."""

from __future__ import annotations

import gzip
import os
from collections.abc import Iterator
from typing import NamedTuple

from winnow.warehouse import db

PAGES_PER_CHUNK = 200


class QueryResult(NamedTuple):
    """Column names and rows of one query."""

    columns: list[str]
    rows: list[tuple]


class StoredPage(NamedTuple):
    """The latest stored body of one URL."""

    url: str
    source: str
    final_url: str
    page_hash: str
    body: bytes  # raw HTML, decompressed


def run_query(
    db_path: str | os.PathLike, sql: str, params: list | dict | None = None, *, lock_timeout_s: float = 30.0
) -> QueryResult:
    """Run one SQL statement on a read-only connection (so it cannot change the warehouse).

    Waits up to `lock_timeout_s` while a run holds the file; raises WarehouseBusy after that,
    WarehouseMissing when there is no database, and duckdb.Error for bad SQL.
    """
    with db.connect(db_path, read_only=True, lock_timeout_s=lock_timeout_s) as conn:
        cursor = conn.execute(sql, params)
        if cursor.description is None:  # a statement with no result, such as `set`
            return QueryResult([], [])
        return QueryResult([column[0] for column in cursor.description], cursor.fetchall())


def stored_page_count(db_path: str | os.PathLike, source: str | None = None) -> int:
    """How many URLs have a stored page (of one source, if given): what `stored_pages` yields."""
    with db.read(db_path) as conn:
        return conn.execute(
            "select count(distinct url) from pages where source = coalesce(?::varchar, source)", [source]
        ).fetchone()[0]


def stored_pages(db_path: str | os.PathLike, source: str | None = None) -> Iterator[StoredPage]:
    """The latest stored page of every URL (of one source, if given), ordered by URL.

    Streams in chunks from one snapshot. The connection is in the pipeline's (read-write) mode,
    so the caller may load what it extracts while iterating.
    """
    with db.read(db_path) as conn:
        batches = conn.execute(
            """
            select p.url, p.source, p.final_url, p.page_hash, b.html_gz
            from (select url, source, final_url, page_hash from pages
                  where source = coalesce(?::varchar, source)
                  qualify row_number() over (partition by url order by fetched_at desc, page_hash) = 1) p
            join page_bodies b using (url, page_hash)
            order by p.url
        """,
            [source],
        ).fetch_record_batch(PAGES_PER_CHUNK)
        for batch in batches:
            for row in batch.to_pylist():
                yield StoredPage(
                    row["url"], row["source"], row["final_url"], row["page_hash"], gzip.decompress(row["html_gz"])
                )


class SourceStats(NamedTuple):
    """How a source has been doing: its last run, its articles, and how often its pages fail."""

    source: str
    last_run_at: object  # datetime of the last run that included it; None: never run
    last_run_status: str | None
    articles: int
    page_failure_rate: float | None  # of its page fetches in that run: the share that failed; None: none made


def source_stats(db_path: str | os.PathLike, sources: list[str]) -> list[SourceStats]:
    """Each named source's last run (the newest run that included it), article count, and the
    share of that run's page fetches of the source that failed (an error, or a status of 400 up)."""
    result = run_query(
        db_path,
        """
        with names as (select unnest(?::varchar[]) as source),
        last_runs as (
            select n.source, arg_max(r.run_id, r.started_at) as run_id, max(r.started_at) as started_at,
                   arg_max(r.status, r.started_at) as status
            from names n join runs r on list_contains(r.sources, n.source) group by n.source),
        counts as (select source, count(*) as articles from articles group by source),
        fetches as (
            select l.source, avg(case when f.error is not null or f.status >= 400 then 1.0 else 0.0 end) as rate
            from last_runs l join fetch_log f on f.run_id = l.run_id and f.source = l.source and f.kind = 'page'
            group by l.source)
        select n.source, l.started_at, l.status, coalesce(c.articles, 0), round(f.rate, 3)
        from names n left join last_runs l using (source) left join counts c using (source)
        left join fetches f using (source)
    """,
        [sources],
    )
    by_name = {row[0]: SourceStats(*row) for row in result.rows}
    return [by_name[name] for name in sources]
