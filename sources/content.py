"""What a response body must be to be accepted, and reading saved pages as if fetched.

A page must be HTML and a feed must look like a feed (RSS, Atom, JSON Feed, an XML or text
sitemap, maybe gzipped); where the content type leaves that open, the body decides. Saved
pages (file:// URLs) pass the same checks and the same size limit as pages fetched over HTTP.
"""

from __future__ import annotations

import asyncio
import gzip
import mimetypes
import time
import zlib
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from winnow.schemas.records import FetchAttempt
from winnow.sources.parsers import starts_as_url_list

ROBOTS_KIND = "robots"  # internal: any content type, an empty body is fine
HTML_TYPES = {"text/html", "application/xhtml+xml"}
FEED_TYPES = frozenset(
    """
    application/rss+xml application/atom+xml application/rdf+xml application/xml text/xml
    application/gzip application/x-gzip application/feed+json application/json
""".split()
)  # JSON Feed 1.1, and as version 1 served it
SNIFFED_FEED_TYPES = {"", "text/plain", "text/html", "application/octet-stream"}  # body decides
READABLE_FEED_TYPES = FEED_TYPES | SNIFFED_FEED_TYPES
FEED_STARTS = (b"<?xml", b"<rss", b"<feed", b"<urlset", b"<sitemapindex", b"{")  # "{": a JSON Feed
GZIP_MAGIC = b"\x1f\x8b"


class BodyTooLarge(Exception):
    """More than the policy's max_bytes arrived (after decompression)."""


def media_type_of(content_type: str | None) -> str:
    """The bare, lower-case media type of a Content-Type header ("" when there is none)."""
    return (content_type or "").split(";")[0].strip().lower()


def type_refusal(kind: str, media_type: str) -> str | None:
    """Why a response of this media type is not wanted (decided before reading its body)."""
    if kind == "page" and media_type and media_type not in HTML_TYPES:
        return f"content type {media_type} is not HTML"
    if kind == "feed" and media_type not in READABLE_FEED_TYPES:
        return f"content type {media_type} is not a feed"
    return None


def accept_body(kind: str, media_type: str, body: bytes) -> tuple[bytes | None, str | None, bool]:
    """(body, error, skipped) for a body read in full, sniffed where the content type leaves
    the kind open. A gzipped feed (a .xml.gz sitemap) is passed on packed: discovery unpacks it."""
    if kind == ROBOTS_KIND:
        return body, None, False
    if not body:
        return None, "empty body", False
    if kind == "page":
        if not media_type and b"<html" not in body[:4096].lower():
            return None, "no content type and the body is not HTML", True
        return body, None, False
    looks_like_feed = (
        body.startswith(GZIP_MAGIC)
        or body.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(FEED_STARTS)
        or starts_as_url_list(body)
    )
    if media_type in SNIFFED_FEED_TYPES and not looks_like_feed:
        return None, f"content type {media_type or '(none)'} and the body is not a feed", True
    return body, None, False


# Offline ingest of saved pages --------------------------------------------------------------


@dataclass(frozen=True)
class SavedPage:
    """What reading one file:// URL gave: the body, or why there is none (in `attempt.error`)."""

    attempt: FetchAttempt
    content_type: str | None = None
    body: bytes | None = None
    skipped: bool = False  # a readable file we do not want (content type)


async def read_saved_page(url: str, kind: str, max_bytes: int) -> SavedPage:
    """Read a file:// URL (gunzipping .gz) as if it were fetched: one attempt, the same size
    limit and content checks."""
    fetched_at, started = datetime.now(timezone.utc), time.perf_counter()
    status, content_type, body, error, skipped = None, None, None, None, False
    try:
        path = _file_path(url)
        content_type = mimetypes.guess_type(path)[0]  # "x.html.gz" is text/html, gzip-encoded
        if error := type_refusal(kind, media_type_of(content_type)):
            skipped = True
        else:
            data = await asyncio.to_thread(_read_limited, path, max_bytes)
            status = 200
            body, error, skipped = accept_body(kind, media_type_of(content_type), data)
    except BodyTooLarge:
        error = f"body exceeds {max_bytes} bytes"
    except (gzip.BadGzipFile, EOFError, zlib.error):
        error = "bad gzip file"
    except FileNotFoundError:
        error = "no such file"
    except ValueError as exc:
        error = str(exc)
    except OSError as exc:
        error = exc.strerror or str(exc)
    elapsed_ms = (time.perf_counter() - started) * 1000
    attempt = FetchAttempt(url, 1, status, error, len(body or b""), elapsed_ms, fetched_at)
    return SavedPage(attempt, content_type, body, skipped)


def _file_path(url: str) -> Path:
    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost"):
        raise ValueError(f"file URL on another host: {url}")
    return Path(url2pathname(parts.path))


def _read_limited(path: Path, max_bytes: int) -> bytes:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as file:
        data = file.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise BodyTooLarge
    return data
