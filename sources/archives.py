"""Web archives as a source of pages: WARC records read as a stream, in batches that say where
the next one starts, so that a backfill stopped at any moment goes on from there.

A WARC file (plain, or gzipped record by record as archives are) is read in order with warcio.
Only HTML responses with status 200 on the source's domains become pages; the rest is skipped.
Each batch carries the offset of the first record it has not read: a loader that writes it with
the batch's pages (warehouse `archive_cursors`) never loses a page or takes one twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator

from winnow.schemas.records import ArchivePosition, FetchResult
from winnow.sources.content import HTML_TYPES, media_type_of

# A batch is handed over after this many archive bytes even with few pages in it, so that the
# cursor moves on through an archive whose pages are mostly other sites'.
BATCH_BYTES = 32 * 1024 * 1024


@dataclass(frozen=True)
class ArchiveBatch:
    """Pages read from one archive, and how far it is read after them."""

    pages: list[FetchResult]
    position: ArchivePosition
    skipped: dict[str, int] = field(default_factory=dict)  # records not taken, by why


def archive_batches(
    stream: BinaryIO,
    source: str,
    archive: str,
    keep: Callable[[str, datetime], bool],
    *,
    batch_size: int,
    max_bytes: int,
) -> Iterator[ArchiveBatch]:
    """The pages of the WARC `stream` (positioned at a record; its `tell()` is that record's
    offset in the archive) in batches of up to `batch_size` pages or BATCH_BYTES read; the last
    batch's position is `done`. `keep(url, captured_at)` says whether a response's page is the
    source's."""
    records = ArchiveIterator(stream)
    pages: list[FetchResult] = []
    skipped: dict[str, int] = {}
    start = resume_at = stream.tell()
    # A full batch waits for the archive's next page: where none comes, it is the last, and no
    # empty batch follows it to say so (a load of its own, which nothing overlaps at the end).
    full: ArchiveBatch | None = None
    for record in records:
        page, why = _page(record, source, keep, max_bytes)
        resume_at = records.get_record_offset() + records.get_record_length()
        if page is not None:
            if full is not None:
                yield full
                full = None
            pages.append(page)
        else:
            skipped[why] = skipped.get(why, 0) + 1
        if len(pages) >= batch_size or resume_at - start >= BATCH_BYTES:
            if full is not None:  # a batch of no pages, full of bytes
                yield full
            full = ArchiveBatch(pages, ArchivePosition(source, archive, resume_at, False, len(pages)), skipped)
            pages, skipped, start = [], {}, resume_at
    if full is not None and not pages:  # the records after it were all skipped: its position goes past them
        pages, skipped = (
            full.pages,
            {why: full.skipped.get(why, 0) + skipped.get(why, 0) for why in full.skipped | skipped},
        )
    elif full is not None:
        yield full
    yield ArchiveBatch(pages, ArchivePosition(source, archive, resume_at, True, len(pages)), skipped)


def _page(record, source: str, keep: Callable[[str, datetime], bool], max_bytes: int) -> tuple[FetchResult | None, str]:
    """The page a WARC record holds, or None and why it is skipped."""
    if record.rec_type != "response" or record.http_headers is None:
        return None, f"{record.rec_type} record"
    url = record.rec_headers.get_header("WARC-Target-URI") or ""
    captured = _warc_date(record.rec_headers.get_header("WARC-Date"))
    status = int(record.http_headers.get_statuscode() or 0)
    content_type = record.http_headers.get_header("Content-Type")
    if status != 200:
        return None, f"HTTP {status}"
    if media_type_of(content_type) not in HTML_TYPES:
        return None, "not HTML"
    if captured is None or not keep(url, captured):
        return None, "not the source's"
    body = record.content_stream().read(max_bytes + 1)
    if len(body) > max_bytes:
        return None, f"over {max_bytes} bytes"
    if not body:
        return None, "empty body"
    return FetchResult(url, source, url, "fetched", status, body, content_type=content_type, fetched_at=captured), ""


def _warc_date(value: str | None) -> datetime | None:
    """WARC-Date (ISO 8601 in UTC, seconds or finer) as an aware datetime."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
