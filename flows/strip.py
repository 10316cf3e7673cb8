"""`winnow strip` and `winnow extract`: one page or text through extraction and chaff removal, and
for `extract` the enrich stage, without loading anything."""

from __future__ import annotations

import asyncio
import gzip
from datetime import date
from pathlib import Path

from winnow.flows.repetition import without_repeated_blocks
from winnow.schemas.config import ChaffRules, EnrichOptions, ExtractOptions
from winnow.schemas.records import Article, EnrichInput, Enrichment, ExtractionFailure
from winnow.sources.fetch import Fetcher, FetchPolicy, FetchRequest
from winnow.sources.source_config import DEFAULT_USER_AGENT, SourceConfig
from winnow.transforms.extract import PageInput, extract_article, extract_text
from winnow.warehouse.db import WarehouseMissing

_HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".html.gz", ".htm.gz")


class StripError(Exception):
    """The document cannot be read or holds no text; the message says why."""


def strip_document(target: str, source: SourceConfig | None, db_path: str | None) -> Article:
    """Read `target` (a URL, or an HTML, .html.gz or text file), extract it and remove its chaff
    with the source's rules; with a database, also the blocks the source is known to repeat."""
    rules = source.chaff if source else ChaffRules()
    language = source.language if source else None
    name = source.name if source else "strip"
    if target.startswith(("http://", "https://")):
        url, body, is_html = target, _fetch(target, source), True
    else:
        path = Path(target)
        try:
            body = path.read_bytes()
        except OSError as error:
            raise StripError(f"cannot read {target}: {error.strerror or error}") from None
        if body[:2] == b"\x1f\x8b":
            body = _gunzip(body, target)
        url = path.resolve().as_uri()
        is_html = path.name.lower().endswith(_HTML_SUFFIXES) or _looks_like_html(body)
    if is_html:
        page = PageInput(url=url, final_url=url, source=name, body=body, language=language, rules=rules)
        result = extract_article(page, ExtractOptions(min_words=0))
    else:
        result = extract_text(body.decode("utf-8", errors="replace"), url, name, language, rules)
    if isinstance(result, ExtractionFailure):
        raise StripError(f"{target}: {result.reason}")
    if source is not None and db_path is not None:
        try:
            (result,) = without_repeated_blocks(source, db_path, [result])
        except WarehouseMissing:  # nothing learned yet
            pass
    return result


def extract_document(target: str, published: date | None, options: EnrichOptions) -> tuple[Enrichment, date | None]:
    """The entities and events of one document, its chaff removed first, and the publication date
    relative dates were resolved against (`published`, else the page's own)."""
    from winnow.transforms.enrich.enricher import enricher  # imports spaCy: only when enriching

    article = strip_document(target, None, None)
    when = published or (article.published_at.date() if article.published_at else None)
    found = enricher(options).enrich(
        [EnrichInput(article.article_id, article.title, article.text, when, language=article.language)]
    )[0]
    return found, when


def _fetch(url: str, source: SourceConfig | None) -> bytes:
    policy = FetchPolicy.for_source(source) if source else FetchPolicy(user_agent=DEFAULT_USER_AGENT, rate_limit=1.0)

    async def run():
        async with Fetcher(policy) as fetcher:
            return (await fetcher.fetch_many([FetchRequest(url, source.name if source else "strip")]))[0]

    result = asyncio.run(run())
    if result.outcome != "fetched" or not result.body:
        raise StripError(f"cannot fetch {url}: {result.error or result.outcome}")
    return result.body


def _gunzip(body: bytes, target: str) -> bytes:
    try:
        return gzip.decompress(body)
    except (OSError, EOFError) as error:
        raise StripError(f"{target} is not valid gzip: {error}") from None


def _looks_like_html(body: bytes) -> bool:
    head = body[:2048].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<?xml", b"<head", b"<body", b"<div", b"<p"))
