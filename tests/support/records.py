"""Records as the pipeline makes them, for loading straight into a test's warehouse."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from winnow.schemas.records import Article, FetchAttempt, FetchResult
from winnow.transforms.hashing import article_id, sha256_hex

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=timezone.utc)


def fetched(
    url: str,
    body: bytes = b"<html>page</html>",
    *,
    source: str = "news",
    outcome: str = "fetched",
    status: int | None = 200,
    etag: str | None = None,
    last_modified: str | None = None,
    error: str | None = None,
    at: datetime = T0,
    tries: int = 1,
) -> FetchResult:
    """A FetchResult with `tries` attempts, the last at `at`."""
    attempts = [
        FetchAttempt(
            url, n, status, error, len(body) if outcome == "fetched" else 0, 12.5, at - timedelta(seconds=tries - n)
        )
        for n in range(1, tries + 1)
    ]
    return FetchResult(
        url=url,
        source=source,
        final_url=url,
        outcome=outcome,
        status=status,
        body=body if outcome == "fetched" else None,
        content_type="text/html",
        etag=etag,
        last_modified=last_modified,
        error=error,
        attempts=attempts,
    )


def article(
    url: str,
    text: str = "Some words here.",
    *,
    source: str = "news",
    title: str = "A title",
    body: bytes = b"<html>page</html>",
    published_at: datetime = T0,
) -> Article:
    """An Article as the extractor would make it from `body`."""
    return Article(
        article_id=article_id(url),
        source=source,
        url=url,
        fetched_url=url,
        title=title,
        authors=["A. Writer"],
        published_at=published_at,
        language="en",
        site_name="News",
        description=None,
        image=None,
        text=text,
        word_count=len(text.split()),
        content_hash=sha256_hex(text),
        page_hash=sha256_hex(body),
    )
