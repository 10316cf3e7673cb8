"""A page's metadata (title, authors, date, site name, description, image, canonical URL) with
trafilatura's own extractors, in trafilatura's order, minus what winnow does not keep: the
categories, tags and licence that `extract_metadata` also looks for cost about a tenth of the
whole extraction (bench/README.md)."""

from __future__ import annotations

import re
from typing import Any

from htmldate import find_date
from lxml.html import HtmlElement
from trafilatura.metadata import (
    examine_meta,
    extract_author,
    extract_meta_json,
    extract_sitename,
    extract_title,
    extract_url,
)
from trafilatura.settings import Document

_SITE_FROM_URL = re.compile(r"https?://(?:www\.|w[0-9]+\.)?([^/]+)")  # trafilatura's META_URL


def page_metadata(tree: HtmlElement, url: str | None, date_params: dict[str, Any]) -> Document:
    """The metadata of a parsed page; run it before extraction, which prunes the tree."""
    metadata = examine_meta(tree)
    if metadata.author and " " not in metadata.author:  # a one-word author is a handle or a section
        metadata.author = None
    try:
        metadata = extract_meta_json(tree, metadata)
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
