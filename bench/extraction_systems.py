"""The systems bench/extraction.py compares: each a function (decompressed HTML, page URL) -> article
text, "" if none; plain trafilatura in a few settings, trafilatura with its metadata, and winnow."""

from __future__ import annotations

from typing import Callable

import trafilatura

from winnow.schemas.config import ExtractOptions
from winnow.schemas.records import Article
from winnow.transforms.extract import PageInput, extract_article

BASELINE = "trafilatura"  # the per-page recall and speed comparisons are against this one
WINNOW = "winnow"
SAME_WORK = "trafilatura_with_metadata"  # also compared for speed: the same work as winnow's call

Extractor = Callable[[bytes, str], str]  # (decompressed HTML, page URL) -> article text, "" if none


def plain_trafilatura(**options) -> Extractor:
    def extract(html: bytes, url: str) -> str:
        return trafilatura.extract(html, **options) or ""

    return extract


def trafilatura_with_metadata(html: bytes, url: str) -> str:
    """trafilatura doing the work winnow asks of it: the text plus the metadata (title, authors,
    date, site name...) that plain `extract` skips."""
    document = trafilatura.bare_extraction(html, url=url, with_metadata=True)
    return (document.text or "") if document is not None else ""


def winnow(html: bytes, url: str) -> str:
    """The pipeline's own extraction, with no minimum length: a short page is scored, not refused."""
    page = PageInput(url=url, final_url=url, source="bench", body=html)
    result = extract_article(page, ExtractOptions(min_words=0))
    return result.text if isinstance(result, Article) else ""  # else an ExtractionFailure


STRING_SYSTEMS: dict[str, Extractor] = {  # as the set's own baselines were measured
    BASELINE: lambda html, url: trafilatura.extract(html, url=url) or "",
    WINNOW: winnow,
}
SYSTEMS: dict[str, Extractor] = {
    BASELINE: plain_trafilatura(),
    "trafilatura_no_comments": plain_trafilatura(include_comments=False),
    "trafilatura_precision": plain_trafilatura(favor_precision=True),
    SAME_WORK: trafilatura_with_metadata,
    WINNOW: winnow,
}
