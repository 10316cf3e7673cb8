"""What a fetch comes to: the `FetchResult` of a last reply, of a refusal before any request, or of
a saved file read as if fetched."""

from __future__ import annotations

from winnow.schemas.records import FetchAttempt, FetchResult
from winnow.sources.content import read_saved_page
from winnow.sources.fetch_policy import FetchPolicy, FetchRequest
from winnow.sources.http_get import Reply

GONE_STATUSES = (404, 410)


def ending(
    request: FetchRequest,
    final_url: str,
    attempts: list[FetchAttempt],
    outcome: str,
    error: str | None,
    status: int | None = None,
) -> FetchResult:
    """A result without a new body; the caller's validators are kept for the next try."""
    return FetchResult(
        request.url,
        request.source,
        final_url,
        outcome,
        status,
        None,
        etag=request.etag,
        last_modified=request.last_modified,
        error=error,
        attempts=attempts,
    )


def conclusion(request: FetchRequest, url: str, reply: Reply, attempts: list[FetchAttempt]) -> FetchResult:
    """The result of the last hop's reply."""
    status = reply.status
    if status == 304:
        return FetchResult(
            request.url,
            request.source,
            url,
            "not_modified",
            status,
            None,
            content_type=reply.headers.get("content-type"),
            etag=reply.headers.get("etag") or request.etag,
            last_modified=reply.headers.get("last-modified") or request.last_modified,
            attempts=attempts,
        )
    if status in GONE_STATUSES:
        return ending(request, url, attempts, "gone", f"HTTP {status}", status)
    if status is None or reply.retryable or not 200 <= status < 300:
        return ending(request, url, attempts, "failed", reply.error or f"HTTP {status}", status)
    if reply.skipped or reply.error:
        return ending(request, url, attempts, "skipped" if reply.skipped else "failed", reply.error, status)
    return FetchResult(
        request.url,
        request.source,
        url,
        "fetched",
        status,
        reply.body,
        content_type=reply.headers.get("content-type"),
        etag=reply.headers.get("etag"),
        last_modified=reply.headers.get("last-modified"),
        attempts=attempts,
    )


async def read_file(request: FetchRequest, policy: FetchPolicy) -> FetchResult:
    """A file:// URL read as if it were fetched: no robots.txt, no pacing."""
    page = await read_saved_page(request.url, request.kind, policy.max_bytes)
    attempt = page.attempt
    if page.body is None:
        return ending(
            request, request.url, [attempt], "skipped" if page.skipped else "failed", attempt.error, attempt.status
        )
    return FetchResult(
        request.url,
        request.source,
        request.url,
        "fetched",
        attempt.status,
        page.body,
        content_type=page.content_type,
        attempts=[attempt],
    )
