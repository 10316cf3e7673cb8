"""Arrow tables built from the record types, for bulk loads (DuckDB reads them without row-by-row inserts).

Each table has an explicit schema so an empty batch, or a column that is all None, still has its type.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterable
from datetime import datetime

import pyarrow as pa

from winnow.schemas.records import Article, DiscoveredURL, Enrichment, ExtractionFailure, FetchAttempt, FetchResult
from winnow.transforms.chaff.repetition import article_block_keys
from winnow.transforms.enrich.names import name_key
from winnow.transforms.hashing import sha256_hex

UTC_TIME = pa.timestamp("us", tz="UTC")

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
URL_OUTCOMES = pa.schema(
    [
        ("url", pa.string()),
        ("source", pa.string()),
        ("outcome", pa.string()),
        ("status", pa.int32()),
        ("error", pa.string()),
        ("fetched_at", UTC_TIME),
        ("etag", pa.string()),
        ("last_modified", pa.string()),
        ("page_hash", pa.string()),
    ]
)
FEED_FETCHES = pa.schema(
    [
        ("url", pa.string()),
        ("source", pa.string()),
        ("kind", pa.string()),
        ("outcome", pa.string()),
        ("status", pa.int32()),
        ("error", pa.string()),
        ("fetched_at", UTC_TIME),
        ("etag", pa.string()),
        ("last_modified", pa.string()),
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

ENTITIES = pa.schema(
    [
        ("entity_id", pa.string()),
        ("name", pa.string()),
        ("type", pa.string()),
        ("country_code", pa.string()),
        ("aliases", pa.list_(pa.string())),
        ("name_key", pa.string()),
        ("strong", pa.bool_()),
    ]
)
MENTIONS = pa.schema(
    [
        ("article_id", pa.string()),
        ("entity_id", pa.string()),
        ("surface_forms", pa.list_(pa.string())),
        ("count", pa.int32()),
        ("first_offset", pa.int32()),
        ("salience", pa.float64()),
    ]
)
EVENTS = pa.schema(
    [
        ("event_id", pa.string()),
        ("article_id", pa.string()),
        ("event_type", pa.string()),
        ("cameo_code", pa.string()),
        ("trigger", pa.string()),
        ("actor1", pa.string()),
        ("actor2", pa.string()),
        ("location", pa.string()),
        ("event_date", pa.date32()),
        ("date_precision", pa.string()),
        ("sentence", pa.string()),
        ("sentence_offset", pa.int32()),
        ("confidence", pa.float64()),
        ("actor1_role", pa.string()),
        ("actor1_type", pa.string()),
        ("actor1_country", pa.string()),
        ("actor2_role", pa.string()),
        ("actor2_type", pa.string()),
        ("actor2_country", pa.string()),
    ]
)
ENRICHED = pa.schema(
    [
        ("article_id", pa.string()),
        ("content_hash", pa.string()),
        ("entities", pa.int32()),
        ("events", pa.int32()),
        ("error", pa.string()),
        ("language", pa.string()),
    ]
)


def page_hash(body: bytes) -> str:
    """sha256 hex of a raw body: the same function the extractor uses for Article.page_hash."""
    return sha256_hex(body)


def fetch_log(run_id: str, rows: Iterable[tuple[str, str, FetchAttempt]]) -> pa.Table:
    """fetch_log rows from (source, kind, attempt) triples."""
    return _table(
        FETCH_LOG,
        [
            (run_id, source, a.url, a.attempt, a.status, a.error, a.bytes, a.elapsed_ms, a.fetched_at, kind)
            for source, kind, a in rows
        ],
    )


def pages(run_id: str, results: list[FetchResult], fallback_time: datetime) -> pa.Table:
    """Compressed bodies of the fetched results, one row per (url, page_hash)."""
    rows = {}
    for r in results:
        if r.outcome == "fetched" and r.body is not None:
            digest = page_hash(r.body)
            # mtime=0: the same body always compresses to the same bytes.
            rows[(r.url, digest)] = (
                r.url,
                digest,
                r.source,
                r.final_url,
                r.status,
                r.content_type,
                r.etag,
                r.last_modified,
                gzip.compress(r.body, compresslevel=6, mtime=0),
                len(r.body),
                _fetched_at(r, fallback_time),
                run_id,
            )
    return _table(PAGES, list(rows.values()))


def urls(values: Iterable[str]) -> pa.Table:
    """A one-column table of URLs."""
    return _table(URLS, [(url,) for url in values])


def fetch_outcomes(results: list[FetchResult], fallback_time: datetime) -> pa.Table:
    """Each URL's outcome for the frontier; a URL fetched twice in one batch keeps the last."""
    rows = {
        r.url: (
            r.url,
            r.source,
            r.outcome,
            r.status,
            r.error,
            _fetched_at(r, fallback_time),
            r.etag,
            r.last_modified,
            page_hash(r.body) if r.outcome == "fetched" and r.body is not None else None,
        )
        for r in results
    }
    return _table(URL_OUTCOMES, list(rows.values()))


def feed_fetches(fetches: list[tuple[str, str, str, FetchResult]], fallback_time: datetime) -> pa.Table:
    """Each feed's latest outcome from (source, feed url, kind, result) tuples; last one wins."""
    rows = {
        url: (url, source, kind, r.outcome, r.status, r.error, _fetched_at(r, fallback_time), r.etag, r.last_modified)
        for source, url, kind, r in fetches
    }
    return _table(FEED_FETCHES, list(rows.values()))


def articles(records: list[Article]) -> pa.Table:
    """Articles deduplicated on article_id, the last of a batch winning."""
    return _table(
        ARTICLES,
        [
            (
                a.article_id,
                a.source,
                a.url,
                a.fetched_url,
                a.title,
                list(a.authors),
                a.published_at,
                a.language,
                a.site_name,
                a.description,
                a.image,
                a.text,
                a.word_count,
                a.content_hash,
                a.page_hash,
                a.paywalled,
            )
            for a in _last_per_article(records)
        ],
    )


def article_chaff(records: list[Article]) -> pa.Table:
    """The removed blocks of each article (the last of a batch winning, as in `articles`)."""
    return _table(
        ARTICLE_CHAFF,
        [
            (a.article_id, c.position, c.text, c.kind, c.evidence, c.rule)
            for a in _last_per_article(records)
            for c in a.chaff
        ],
    )


def blocks(records: list[Article]) -> pa.Table:
    """Each article's distinct block keys, with a text for each, for the repetition counts."""
    return _table(
        BLOCKS,
        [
            (a.source, key, a.article_id, text)
            for a in _last_per_article(records)
            for key, text in article_block_keys(a).items()
        ],
    )


def _last_per_article(records: list[Article]) -> list[Article]:
    # A batch may hold one article twice (two URLs with one canonical URL): the last one wins.
    return list({a.article_id: a for a in records}.values())


def failures(records: list[ExtractionFailure]) -> pa.Table:
    """Extraction failures deduplicated on (url, page_hash), the last winning."""
    latest = {(f.url, f.page_hash): f for f in records}
    return _table(FAILURES, [(f.url, f.page_hash, f.source, f.reason) for f in latest.values()])


def discovered(urls: list[DiscoveredURL]) -> pa.Table:
    """Discovered URLs in listing order (duplicates kept; the SQL picks per URL)."""
    return _table(DISCOVERED, [(u.url, u.source, u.via, u.lastmod, i) for i, u in enumerate(urls)])


def discovery_cursors(cursors: Iterable[tuple[str, str, datetime]]) -> pa.Table:
    """The newest entry dates read from (source, feed url, newest date) tuples."""
    return _table(DISCOVERY_CURSORS, list(cursors))


def entities(enrichments: list[Enrichment]) -> pa.Table:
    """The entities of a batch, once each, with every surface form the batch saw."""
    rows: dict[str, tuple] = {}
    for enrichment in enrichments:
        for entity in enrichment.entities:
            known = rows.get(entity.entity_id)
            aliases = list(dict.fromkeys((known[4] if known else []) + list(entity.aliases)))
            strong = entity.strong or bool(known and known[6])
            rows[entity.entity_id] = (
                entity.entity_id,
                entity.name,
                entity.type,
                entity.country,
                aliases,
                name_key(entity.name),
                strong,
            )
    return _table(ENTITIES, list(rows.values()))


def mentions(enrichments: list[Enrichment]) -> pa.Table:
    return _table(
        MENTIONS,
        [
            (m.article_id, m.entity_id, list(m.surface_forms), m.count, m.first_offset, m.salience)
            for e in enrichments
            for m in e.mentions
        ],
    )


def events(enrichments: list[Enrichment]) -> pa.Table:
    return _table(
        EVENTS,
        [
            (
                v.event_id,
                v.article_id,
                v.event_type,
                v.cameo_code,
                v.trigger,
                v.actor1,
                v.actor2,
                v.location,
                v.event_date,
                v.date_precision,
                v.sentence,
                v.sentence_offset,
                v.confidence,
                v.actor1_role,
                v.actor1_type,
                v.actor1_country,
                v.actor2_role,
                v.actor2_type,
                v.actor2_country,
            )
            for e in enrichments
            for v in e.events
        ],
    )


def enriched(enrichments: list[Enrichment]) -> pa.Table:
    return _table(
        ENRICHED,
        [(e.article_id, e.content_hash, len(e.mentions), len(e.events), e.error, e.language) for e in enrichments],
    )


def _fetched_at(result: FetchResult, fallback_time: datetime) -> datetime:
    # The last attempt's time is when the body (or the failure) arrived; a page read from an
    # archive has its capture time; a result with no attempts (skipped by robots.txt, say) made
    # no request, so it gets the batch's time.
    if result.attempts:
        return result.attempts[-1].fetched_at
    return result.fetched_at or fallback_time


def _table(schema: pa.Schema, rows: list[tuple]) -> pa.Table:
    columns = list(zip(*rows)) if rows else [[] for _ in schema]
    return pa.table([pa.array(column, type=field.type) for column, field in zip(columns, schema)], schema=schema)
