"""Reads: ad-hoc SQL on a read-only connection, and the stored pages for re-extraction offline."""

from __future__ import annotations

import gzip
import os
from collections.abc import Iterator
from typing import NamedTuple

from warehouse import db

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


def run_query(db_path: str | os.PathLike, sql: str, params: list | dict | None = None, *,
              lock_timeout_s: float = 30.0) -> QueryResult:
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
        return conn.execute("select count(distinct url) from pages where source = coalesce(?::varchar, source)",
                            [source]).fetchone()[0]


def stored_pages(db_path: str | os.PathLike, source: str | None = None) -> Iterator[StoredPage]:
    """The latest stored page of every URL (of one source, if given), ordered by URL.

    Streams in chunks from one snapshot. The connection is in the pipeline's (read-write) mode,
    so the caller may load what it extracts while iterating.
    """
    with db.read(db_path) as conn:
        batches = conn.execute("""
            select url, source, final_url, page_hash, html_gz from pages
            where source = coalesce(?::varchar, source)
            qualify row_number() over (partition by url order by fetched_at desc, page_hash) = 1
            order by url
        """, [source]).fetch_record_batch(PAGES_PER_CHUNK)
        for batch in batches:
            for row in batch.to_pylist():
                yield StoredPage(row["url"], row["source"], row["final_url"], row["page_hash"],
                                 gzip.decompress(row["html_gz"]))
