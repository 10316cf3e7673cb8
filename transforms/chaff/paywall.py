"""Is the article behind a paywall? The page says so (schema.org `isAccessibleForFree`, a locked
content tier), or the extracted text ended in a subscription prompt, removed as chaff.
The text kept of such an article may be only its free part."""

from __future__ import annotations

import re

from lxml.etree import XPath, _Element

from winnow.schemas.records import ChaffBlock

# As publishers write it in JSON-LD (Google asks for it on paywalled content): false, "False", "no".
_NOT_FREE = re.compile(r"[\"']isAccessibleForFree[\"']\s*:\s*[\"']?(?:false|no)\b", re.IGNORECASE)
_JSON_LD = XPath("//script[@type='application/ld+json']/text()")
_MICRODATA = XPath(
    "//*[@itemprop='isAccessibleForFree']/@content | //*[@itemprop='isAccessibleForFree']/text()"
    " | //meta[@property='article:content_tier' or @name='article:content_tier']/@content"
)
_DECLARATIONS = (b"ccessibleForFree", b"content_tier")
_CLOSED = frozenset({"false", "no", "locked", "premium", "subscriber", "subscribers"})


def declared_paywalled(tree: _Element, body: bytes) -> bool:
    """The page (`tree`, parsed from `body`) declares its article is not free to read."""
    if not any(word in body for word in _DECLARATIONS):  # most pages: no need to search the tree
        return False
    if any("ccessibleForFree" in text and _NOT_FREE.search(text) for text in _JSON_LD(tree)):
        return True
    return any(value.strip().lower() in _CLOSED for value in _MICRODATA(tree))


def ends_in_paywall(blocks: tuple[str, ...] | list[str], chaff: list[ChaffBlock]) -> bool:
    """The text ends in a subscription prompt: a block removed as a paywall prompt comes after
    every block that was kept."""
    removed = {c.position for c in chaff if c.position >= 0}
    kept = [position for position in range(len(blocks)) if position not in removed]
    last_kept = kept[-1] if kept else -1
    return any(c.kind == "paywall" and c.position > last_kept for c in chaff)
