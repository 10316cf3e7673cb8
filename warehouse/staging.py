"""Arrow tables built from the record types, for bulk loads (DuckDB reads them without row-by-row inserts).

Each table has an explicit schema so an empty batch, or a column that is all None, still has its
type. Its columns are its warehouse tables' (same names, types and order), then any of its own
that only the load's SQL reads; tests/warehouse/test_staging.py holds each schema to the DDL. A
column is filled from the record field of the same name, or given by name where it is derived:
never by position, so a field added to a record cannot shift the columns.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterable, Sequence
from datetime import datetime
from operator import attrgetter

import pyarrow as pa

from winnow.schemas.records import Article, DiscoveredURL, ExtractionFailure, FetchAttempt, FetchResult
from winnow.transforms.chaff.repetition import article_block_keys
from winnow.transforms.hashing import sha256_hex
from winnow.transforms.stories import Copy

UTC_TIME = pa.timestamp("us", tz="UTC")
# Raw pages are compressed on the load's one thread: level 3 takes 1.25 ms a real 160 kB page
# against level 6's 2.74 ms, for 11% more bytes (ratio 0.232 against 0.208, 150 Scrapinghub
# pages); mtime=0 below: the same body always compresses to the same bytes.
RAW_PAGE_GZIP_LEVEL = 3

FETCH_LOG = pa.schema(
    [
        ("run_id", pa.string()),
        ("source", pa.string()),
        ("url", pa.string()),
        ("attempt", pa.int32()),
        ("status", pa.int32()),
        ("error", pa.string()),
        ("bytes", pa.int64()),
        ("elapsed_ms", pa.float64()),
        ("fetched_at", UTC_TIME),
        ("kind", pa.string()),
    ]
)
PAGES = pa.schema(
    [
        ("url", pa.string()),
        ("page_hash", pa.string()),
        ("source", pa.string()),
        ("final_url", pa.string()),
        ("status", pa.int32()),
        ("content_type", pa.string()),
        ("etag", pa.string()),
        ("last_modified", pa.string()),
        ("html_gz", pa.binary()),
        ("size", pa.int64()),
        ("fetched_at", UTC_TIME),
        ("run_id", pa.string()),
    ]
)
URLS = pa.schema([("url", pa.string())])
# A fetch's outcome, named as the frontier (and feeds) columns it becomes; `outcome` picks the state.
URL_OUTCOMES = pa.schema(
    [
        ("url", pa.string()),
        ("source", pa.string()),
        ("last_status", pa.int32()),
        ("last_error", pa.string()),
        ("last_fetched_at", UTC_TIME),
        ("etag", pa.string()),
        ("last_modified", pa.string()),
        ("page_hash", pa.string()),
        ("outcome", pa.string()),
    ]
)
FEED_FETCHES = pa.schema(
    [
        ("url", pa.string()),
        ("source", pa.string()),
        ("kind", pa.string()),
        ("etag", pa.string()),
        ("last_modified", pa.string()),
        ("last_status", pa.int32()),
        ("last_error", pa.string()),
        ("last_fetched_at", UTC_TIME),
        ("outcome", pa.string()),
    ]
)
ARTICLES = pa.schema(
    [
        ("article_id", pa.string()),
        ("source", pa.string()),
        ("url", pa.string()),
        ("fetched_url", pa.string()),
        ("title", pa.string()),
        ("authors", pa.list_(pa.string())),
        ("published_at", UTC_TIME),
        ("language", pa.string()),
        ("site_name", pa.string()),
        ("description", pa.string()),
        ("image", pa.string()),
        ("text", pa.string()),
        ("word_count", pa.int32()),
        ("content_hash", pa.string()),
        ("page_hash", pa.string()),
        ("paywalled", pa.bool_()),
    ]
)
ARTICLE_CHAFF = pa.schema(
    [
        ("article_id", pa.string()),
        ("position", pa.int32()),
        ("text", pa.string()),
        ("kind", pa.string()),
        ("evidence", pa.string()),
        ("rule", pa.string()),
    ]
)
# block_sightings' columns, and block_texts' text.
BLOCKS = pa.schema(
    [("source", pa.string()), ("block_key", pa.string()), ("article_id", pa.string()), ("text", pa.string())]
)
FAILURES = pa.schema(
    [("url", pa.string()), ("page_hash", pa.string()), ("source", pa.string()), ("reason", pa.string())]
)
DISCOVERED = pa.schema(
    [
        ("url", pa.string()),
        ("source", pa.string()),
        ("via", pa.string()),
        ("lastmod", UTC_TIME),
        ("position", pa.int64()),  # order within the batch, so the first listing of a URL wins
    ]
)
DISCOVERY_CURSORS = pa.schema([("source", pa.string()), ("feed_url", pa.string()), ("newest_at", UTC_TIME)])
STORY_BANDS = pa.schema([("band_key", pa.int64()), ("article_id", pa.string())])
STORY_COPIES = pa.schema([("article_id", pa.string()), ("content_hash", pa.string())])
STORIES = pa.schema([("article_id", pa.string()), ("story_id", pa.string())])


def table(schema: pa.Schema, records: Sequence = (), **given: Sequence) -> pa.Table:
    """A row per record: each column is `given` by name, or else the records' field of its name."""
    stray = given.keys() - set(schema.names)
    if stray:
        raise ValueError(f"{sorted(stray)} are not columns of {schema.names}")
    return pa.table(
        [
            pa.array(given[f.name] if f.name in given else list(map(attrgetter(f.name), records)), type=f.type)
            for f in schema
        ],
        schema=schema,
    )


def page_hash(body: bytes) -> str:
    """sha256 hex of a raw body: the same function the extractor uses for Article.page_hash."""
    return sha256_hex(body)


def fetch_log(run_id: str, rows: Iterable[tuple[str, str, FetchAttempt]]) -> pa.Table:
    """fetch_log rows from (source, kind, attempt) triples."""
    rows = list(rows)
    return table(
        FETCH_LOG,
        [attempt for _, _, attempt in rows],
        run_id=[run_id] * len(rows),
        source=[source for source, _, _ in rows],
        kind=[kind for _, kind, _ in rows],
    )


def pages(run_id: str, results: list[FetchResult], fallback_time: datetime) -> pa.Table:
    """The fetched results with their compressed bodies, one row per (url, page_hash): the
    columns of `pages` and of `page_bodies`."""
    bodies = {(r.url, page_hash(r.body)): r for r in results if r.outcome == "fetched" and r.body is not None}
    kept = list(bodies.values())
    return table(
        PAGES,
        kept,
        page_hash=[digest for _, digest in bodies],
        html_gz=[gzip.compress(r.body, compresslevel=RAW_PAGE_GZIP_LEVEL, mtime=0) for r in kept],
        size=[len(r.body) for r in kept],
        fetched_at=[_fetched_at(r, fallback_time) for r in kept],
        run_id=[run_id] * len(kept),
    )


def urls(values: Iterable[str]) -> pa.Table:
    """A one-column table of URLs."""
    return table(URLS, url=list(values))


def fetch_outcomes(results: list[FetchResult], fallback_time: datetime) -> pa.Table:
    """Each URL's outcome for the frontier; a URL fetched twice in one batch keeps the last."""
    latest = list({r.url: r for r in results}.values())
    return table(
        URL_OUTCOMES,
        latest,
        **_outcome(latest, fallback_time),
        page_hash=[page_hash(r.body) if r.outcome == "fetched" and r.body is not None else None for r in latest],
    )


def feed_fetches(fetches: list[tuple[str, str, str, FetchResult]], fallback_time: datetime) -> pa.Table:
    """Each feed's latest outcome from (source, feed url, kind, result) tuples; last one wins."""
    latest = {url: (source, kind, r) for source, url, kind, r in fetches}
    results = [r for _, _, r in latest.values()]
    return table(
        FEED_FETCHES,
        results,
        **_outcome(results, fallback_time),
        url=list(latest),
        source=[source for source, _, _ in latest.values()],
        kind=[kind for _, kind, _ in latest.values()],
    )


def _outcome(results: list[FetchResult], fallback_time: datetime) -> dict[str, list]:
    """The columns a fetch's outcome gives the frontier or feeds row, named as theirs."""
    return {
        "last_status": [r.status for r in results],
        "last_error": [r.error for r in results],
        "last_fetched_at": [_fetched_at(r, fallback_time) for r in results],
    }


def articles(records: list[Article]) -> pa.Table:
    """Articles deduplicated on article_id, the last of a batch winning."""
    return table(ARTICLES, _last_per_article(records))


def article_chaff(records: list[Article]) -> pa.Table:
    """The removed blocks of each article (the last of a batch winning, as in `articles`)."""
    removed = [(a.article_id, c) for a in _last_per_article(records) for c in a.chaff]
    return table(ARTICLE_CHAFF, [c for _, c in removed], article_id=[article_id for article_id, _ in removed])


def blocks(records: list[Article]) -> pa.Table:
    """Each article's distinct block keys, with a text for each, for the repetition counts."""
    keyed = [(a, key, text) for a in _last_per_article(records) for key, text in article_block_keys(a).items()]
    return table(
        BLOCKS, [a for a, _, _ in keyed], block_key=[key for _, key, _ in keyed], text=[text for _, _, text in keyed]
    )


def _last_per_article(records: list[Article]) -> list[Article]:
    # A batch may hold one article twice (two URLs with one canonical URL): the last one wins.
    return list({a.article_id: a for a in records}.values())


def failures(records: list[ExtractionFailure]) -> pa.Table:
    """Extraction failures deduplicated on (url, page_hash), the last winning."""
    return table(FAILURES, list({(f.url, f.page_hash): f for f in records}.values()))


def discovered(urls: list[DiscoveredURL]) -> pa.Table:
    """Discovered URLs in listing order (duplicates kept; the SQL picks per URL)."""
    return table(DISCOVERED, urls, position=list(range(len(urls))))


def discovery_cursors(cursors: Iterable[tuple[str, str, datetime]]) -> pa.Table:
    """The newest entry dates read, from (source, feed url, newest date) tuples."""
    cursors = list(cursors)
    return table(
        DISCOVERY_CURSORS,
        source=[source for source, _, _ in cursors],
        feed_url=[url for _, url, _ in cursors],
        newest_at=[newest for _, _, newest in cursors],
    )


def story_bands(copies: list[Copy]) -> pa.Table:
    """The band keys of each copy's text, a row per (key, copy)."""
    banded = [(copy, key) for copy in copies for key in copy.bands]
    return table(STORY_BANDS, [copy for copy, _ in banded], band_key=[key for _, key in banded])


def story_copies(copies: list[Copy]) -> pa.Table:
    """The articles being placed in their stories, with their texts' hashes."""
    return table(STORY_COPIES, copies)


def stories(story_of: dict[str, str]) -> pa.Table:
    """{article id: story id} as rows."""
    return table(STORIES, article_id=list(story_of), story_id=list(story_of.values()))


def _fetched_at(result: FetchResult, fallback_time: datetime) -> datetime:
    # The last attempt's time is when the body (or the failure) arrived; a page read from an
    # archive has its capture time; a result with no attempts (skipped by robots.txt, say) made
    # no request, so it gets the batch's time.
    if result.attempts:
        return result.attempts[-1].fetched_at
    return result.fetched_at or fallback_time
