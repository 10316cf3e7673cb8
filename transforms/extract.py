"""Main-content extraction: one page's HTML in, one `Article` (or the reason there is none) out."""

from __future__ import annotations

import re
from copy import copy
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import cache

import trafilatura
from lxml.html import HtmlElement
from trafilatura.settings import Document, Extractor

from winnow.schemas.config import ChaffRules, ExtractOptions
from winnow.schemas.records import Article, ExtractionFailure
from winnow.transforms.chaff import clean_text, strip_blocks, strip_text, text_blocks
from winnow.transforms.chaff.dom import PageMarkup, drop_selected
from winnow.transforms.chaff.lexicon import lexicon_for
from winnow.transforms.chaff.name_cards import drop_name_cards
from winnow.transforms.chaff.page_text import PageText
from winnow.transforms.chaff.paywall import declared_paywalled, ends_in_paywall
from winnow.transforms.enrich.language import detect_language
from winnow.transforms.hashing import article_id, sha256_hex
from winnow.transforms.lead import missing_lead
from winnow.transforms.metadata import page_metadata
from winnow.transforms.page_tree import page_tree

# htmldate returns day precision unless told to keep the time and offset.
_DATE_PARAMS = {"outputformat": "%Y-%m-%dT%H:%M:%S%z", "extensive_search": False, "original_date": True}
_WORD = re.compile(r"\w+")
HEADLINE_SEARCH_BLOCKS = 3  # the headline may follow a kicker, a date or a URL line
_LANG = re.compile(r"^[a-zA-Z]{2,3}")


@dataclass(frozen=True, slots=True)
class PageInput:
    """A fetched page to extract: its body and where it came from."""

    url: str  # the URL it was asked for (canonical)
    final_url: str  # after redirects
    source: str
    body: bytes
    language: str | None = None  # the source's configured language: the chaff words of a page that declares none
    rules: ChaffRules = ChaffRules()  # how to strip the source's chaff


def extract_article(page: PageInput, options: ExtractOptions = ExtractOptions()) -> Article | ExtractionFailure:
    """Extract the article text and metadata from a page, or say why there is no article."""
    page_hash = sha256_hex(page.body)

    def failure(reason: str) -> ExtractionFailure:
        return ExtractionFailure(url=page.url, source=page.source, page_hash=page_hash, reason=reason)

    tree = page_tree(page.body)
    if tree is None:
        return failure("not parseable as HTML")
    lexicon = lexicon_for(_page_language(tree) or page.language)
    dropped = drop_selected(tree, page.rules.drop_selectors)
    if page.rules.detectors:
        dropped += drop_name_cards(tree, -(len(dropped) + 1))
    page_text = PageText(tree)
    index = PageMarkup(page_text, lexicon.class_tokens) if page.rules.detectors else None
    page_url = page.final_url if page.final_url.startswith("http") else None
    try:
        meta = page_metadata(tree, page_url, _DATE_PARAMS)
        declared_closed = declared_paywalled(tree, page.body)  # before extraction, which drops the scripts
        doc = _main_text(tree, page_url, options, _paragraph_chars(tree, page_text))
    except Exception as exc:  # a library fault on one page must not stop the batch
        return failure(f"trafilatura failed: {type(exc).__name__}: {exc}")
    blocks = _without_headline(text_blocks(doc.text or ""), meta.title) if doc is not None else []
    if (lead := missing_lead(tree, page_text, blocks)) is not None:
        blocks.insert(*lead)
    chaff = strip_blocks(blocks, index.hints(blocks) if index else None, page.rules, lexicon)
    text = clean_text(blocks, chaff)
    if not text:
        return failure("no main text found" if not blocks else "nothing left after removing chaff")
    word_count = len(_WORD.findall(text))
    if word_count < options.min_words:
        return failure(f"too short for an article: {word_count} words (min_words {options.min_words})")
    url = _canonical(meta.url, page)
    return Article(
        article_id=article_id(url),
        source=page.source,
        url=url,
        fetched_url=page.final_url,
        title=meta.title,
        authors=_authors(meta.author),
        published_at=_utc(meta.date),
        # The text's, not the page's declaration: a site's template may say "de" over an English article.
        language=detect_language(meta.title, text),
        site_name=meta.sitename,
        description=meta.description,
        image=meta.image,
        text=text,
        word_count=word_count,
        content_hash=sha256_hex(text),
        page_hash=page_hash,
        blocks=tuple(blocks),
        chaff=tuple(dropped + chaff),
        paywalled=declared_closed or ends_in_paywall(blocks, chaff),
    )


def extract_text(
    text: str, url: str, source: str, language: str | None = None, rules: ChaffRules = ChaffRules()
) -> Article | ExtractionFailure:
    """An article from plain text (one block per line, as saved from a page): its chaff removed,
    no metadata."""
    blocks, chaff = strip_text(text, rules, language)
    page_hash = sha256_hex(text.encode())
    clean = clean_text(blocks, chaff)
    if not clean:
        return ExtractionFailure(
            url=url,
            source=source,
            page_hash=page_hash,
            reason="no text" if not blocks else "nothing left after removing chaff",
        )
    return Article(
        article_id=article_id(url),
        source=source,
        url=url,
        fetched_url=url,
        title=None,
        authors=[],
        published_at=None,
        language=detect_language(None, clean),
        site_name=None,
        description=None,
        image=None,
        text=clean,
        word_count=len(_WORD.findall(clean)),
        content_hash=sha256_hex(clean),
        page_hash=page_hash,
        blocks=tuple(blocks),
        chaff=tuple(chaff),
        paywalled=ends_in_paywall(blocks, chaff),
    )


def _main_text(tree: HtmlElement, url: str | None, options: ExtractOptions, paragraph_chars: int) -> Document | None:
    """trafilatura's main text: the fast extraction, and its fallback extractors' say where the
    fast result looks incomplete against the page."""

    def extract(fast: bool) -> Document | None:
        settings = copy(_settings(options.include_comments, options.favor_precision, fast))
        settings.url = settings.source = url
        return trafilatura.bare_extraction(tree, options=settings)

    doc = extract(options.fast)
    if options.fast and _looks_incomplete(doc, paragraph_chars, options.incomplete_share):
        doc = extract(fast=False) or doc
    return doc


@cache
def _settings(include_comments: bool, favor_precision: bool, fast: bool) -> Extractor:
    """trafilatura's settings for `bare_extraction`, read from its config once: made anew for
    every call they cost a quarter of a millisecond a page. Without metadata, its settings of a
    page differ only in the page's URL."""
    return Extractor(output_format="python", fast=fast, precision=favor_precision, comments=include_comments)


def _paragraph_chars(tree: HtmlElement, page_text: PageText) -> int:
    """How much text the page holds in paragraphs: what an article page's main text is made of."""
    return sum(page_text.text_length(paragraph) for paragraph in tree.iter("p"))


def _looks_incomplete(doc: Document | None, paragraph_chars: int, share: float) -> bool:
    """Where the fast extraction took the wrong part of the page: its result holds little of
    the page's paragraph text, or it is loose text rather than paragraphs (at most one, and
    more text than all the page's paragraphs: a dump of the page, a table)."""
    if doc is None or doc.body is None:
        return True
    length = len(doc.text or "")
    return length < share * paragraph_chars or (length > paragraph_chars and len(doc.body.findall(".//p")) < 2)


def _without_headline(blocks: list[str], title: str | None) -> list[str]:
    """Drop the headline where the body repeats it near the top: it is kept in `title`."""
    title_words = _WORD.findall(title or "")
    for position, block in enumerate(blocks[:HEADLINE_SEARCH_BLOCKS]):
        words = _WORD.findall(block)
        # The title may add the site's name after the headline, or a section before it.
        part_of_title = len(words) >= 4 and words in (title_words[: len(words)], title_words[-len(words) :])
        if words and (words == title_words or part_of_title):
            return blocks[:position] + blocks[position + 1 :]
    return blocks


def _canonical(declared: str | None, page: PageInput) -> str:
    """The page's own canonical URL when it is on the fetched site (or a saved file), else the fetched URL."""
    if declared and declared.startswith(("http://", "https://")):
        if page.url.startswith("file:") or _host(declared) == _host(page.final_url):
            return declared
    return page.url


def _host(url: str) -> str:
    host = url.split("://", 1)[-1].split("/", 1)[0].lower()
    return host.removeprefix("www.")


def _page_language(tree: HtmlElement) -> str | None:
    for value in tree.xpath("/html/@lang | /html/head/meta[@property='og:locale']/@content"):
        match = _LANG.match(value.strip())
        if match:
            return match.group(0).lower()
    return None


def _authors(value: str | None) -> list[str]:
    return [name.strip() for name in (value or "").split(";") if name.strip()]


def _utc(value: str | None) -> datetime | None:
    """Publication time in UTC; a date without a time is taken as midnight UTC."""
    if not value:
        return None
    for fmt in ("%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"):
        try:
            parsed = datetime.strptime(value, fmt)
        except ValueError:
            continue
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=timezone.utc)
        return parsed.astimezone(timezone.utc)
    return None


def extract_batch(
    pages: list[PageInput], options: ExtractOptions = ExtractOptions()
) -> list[Article | ExtractionFailure]:
    """Extract every page of a batch; a failure on one page is a record, not an exception."""
    return [extract_article(page, options) for page in pages]
