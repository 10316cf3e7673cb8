"""A page's metadata (title, authors, date, site name, description, image, canonical URL) with
trafilatura's own extractors, in trafilatura's order, minus what winnow does not keep: the
categories, tags and licence that `extract_metadata` also looks for cost about a tenth of the
whole extraction (bench/README.md)."""

from __future__ import annotations

import json
import re
from typing import Any

from htmldate import find_date
from lxml.html import HtmlElement
from trafilatura.json_metadata import extract_json, extract_json_parse_error, normalize_json
from trafilatura.metadata import examine_meta, extract_author, extract_sitename, extract_title, extract_url
from trafilatura.settings import Document

_SITE_FROM_URL = re.compile(r"https?://(?:www\.|w[0-9]+\.)?([^/]+)")  # trafilatura's META_URL
_JSON_STRING = re.compile(r'("(?:\\.|[^"\\])*")')  # the string branch of trafilatura's JSON_MINIFY


def page_metadata(tree: HtmlElement, url: str | None, date_params: dict[str, Any]) -> Document:
    """The metadata of a parsed page; run it before extraction, which prunes the tree."""
    metadata = examine_meta(tree)
    if metadata.author and " " not in metadata.author:  # a one-word author is a handle or a section
        metadata.author = None
    try:
        metadata = _meta_json(tree, metadata)
    except Exception:  # noqa: BLE001 - trafilatura also tolerates faults of its JSON-LD reader
        pass
    metadata.title = metadata.title or extract_title(tree)
    metadata.author = metadata.author or extract_author(tree)
    metadata.url = metadata.url or extract_url(tree, url)
    metadata.date = find_date(tree, **{**date_params, "url": metadata.url})
    metadata.sitename = metadata.sitename or extract_sitename(tree)
    if metadata.sitename:
        metadata.sitename = metadata.sitename.lstrip("@")
        if metadata.sitename and "." not in metadata.sitename and not metadata.sitename[0].isupper():
            metadata.sitename = metadata.sitename.title()
    elif metadata.url and (match := _SITE_FROM_URL.match(metadata.url)):
        metadata.sitename = match[1]
    metadata.clean_and_trim()
    return metadata


def _meta_json(tree: HtmlElement, metadata: Document) -> Document:
    """trafilatura's `extract_meta_json`: the metadata of the page's JSON-LD, minified first."""
    for element in tree.xpath('.//script[@type="application/ld+json" or @type="application/settings+json"]'):
        if not element.text:
            continue
        text = normalize_json(minified_json(element.text))
        try:
            # strict=False, as trafilatura: control characters inside strings are let through
            metadata = extract_json(json.loads(text, strict=False), metadata)
        except json.JSONDecodeError:
            metadata = extract_json_parse_error(text, metadata)
    return metadata


def minified_json(text: str) -> str:
    """The text without the whitespace outside its JSON strings: what trafilatura's
    `JSON_MINIFY.sub(r"\\1", text)` gives, which expands its template in Python for each space
    and each string (107 -> 27 us a demo page's JSON-LD). Between the strings, the whitespace
    that `\\s` matches is what `str.split` splits on (every code point checked)."""
    parts = _JSON_STRING.split(text)
    parts[::2] = ["".join(between.split()) for between in parts[::2]]
    return "".join(parts)
