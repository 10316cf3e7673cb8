"""The article's lead (standfirst, teaser, intro) where the extractor left it out.

Publishers set the lead apart, in its own box between the headline and the first paragraph,
and the extractor often takes that box for page furniture. The lead is the publisher's own
text, so it is put back at the head of the text when the page says what it is: its box is named
for a lead. It must lie between the headline and the first extracted line, read as prose, and
not be links.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml.etree import _Element

from winnow.transforms.chaff.dom import attribute_tokens
from winnow.transforms.chaff.page_text import PageText, normalise

# Class and id words of a lead's box, in the vocabularies of page templates (the English ones,
# and the French, Italian, Spanish and Portuguese terms of the trade).
LEAD_TOKENS = frozenset(
    """
    lead leadtext lede intro introtext introduction teaser teasertext standfirst abstract excerpt
    deck dek subtitle subheadline summary chapo chapeau sapo catenaccio sommario entradilla bajada
    sumario vorspann articleintro articlelead storylead articleteaser articleexcerpt articledeck
    articlesummary entryexcerpt textintro pageintro
""".split()
)
MIN_WORDS = 8  # shorter lines between headline and body are kickers, dates and bylines
MAX_WORDS = 160  # a longer box is a part of the article's layout, not its lead
MAX_LINK_SHARE = 0.3
_SENTENCE_END = (".", "!", "?", "…", '"', "“", "”", "»", ")", ":")
_MARKUP = re.compile(r"<[a-z/!]", re.IGNORECASE)  # an embed code shown as text


def missing_lead(tree: _Element, page: PageText, blocks: list[str]) -> tuple[int, str] | None:
    """The lead the extraction left out, and the position among `blocks` where it goes; None
    when there is none (or it is already there)."""
    first = _first_found(page, blocks)
    if first is None:
        return None
    position, body_start = first
    headline = _headline(tree, page, body_start)
    if headline is None:
        return None
    extracted = normalise(" ".join(blocks))
    found = []
    for element in _between(headline, body_start, page):
        span = page.span(element)
        text = page.text[span[0] : span[1]]
        if _named_for_lead(element) and text not in extracted and _reads_as_lead(element, text, page):
            found.append((span, text))
    if not found:
        return None
    # The outermost box first in the page: a lead of two paragraphs comes whole.
    span, text = min(found, key=lambda item: (item[0][0], -item[0][1]))
    return position, text


def _first_found(page: PageText, blocks: list[str]) -> tuple[int, int] | None:
    """The first block found in the page, and where its text starts there."""
    for position, block in enumerate(blocks[:5]):
        element = page.element_for(normalise(block.removeprefix("- ")))
        if element is not None:
            return position, page.span(element)[0]
    return None


def _headline(tree: _Element, page: PageText, body_start: int) -> _Element | None:
    """The last headline above the body."""
    above = [
        (span[1], element)
        for element in tree.iter("h1")
        if (span := page.span(element)) is not None and span[1] <= body_start
    ]
    return max(above, key=lambda item: item[0])[1] if above else None


def _between(headline: _Element, body_start: int, page: PageText) -> Iterator[_Element]:
    """The elements after the headline whose text ends before the body starts, in page order."""
    node = headline
    while node is not None:
        for sibling in node.itersiblings():
            span = page.span(sibling)
            if span is None:
                continue
            if span[0] >= body_start:
                return
            yield from _before(sibling, body_start, page)
        node = node.getparent()


def _before(element: _Element, body_start: int, page: PageText) -> Iterator[_Element]:
    """The element and its descendants whose text ends before `body_start`."""
    if page.span(element)[1] <= body_start:
        yield element
    for child in element:
        span = page.span(child)
        if span is not None and span[0] < body_start:
            yield from _before(child, body_start, page)


def _named_for_lead(element: _Element) -> bool:
    return not LEAD_TOKENS.isdisjoint(attribute_tokens(f"{element.get('class', '')} {element.get('id', '')}"))


def _reads_as_lead(element: _Element, text: str, page: PageText) -> bool:
    """Sentences of prose, not links, not an image's caption."""
    words = len(text.split())
    if not MIN_WORDS <= words <= MAX_WORDS or not text.endswith(_SENTENCE_END) or _MARKUP.search(text):
        return False
    if element.xpath("boolean(ancestor-or-self::figure | ancestor-or-self::figcaption)"):
        return False
    linked = sum(page.text_length(link) for link in element.iter("a"))
    return linked <= MAX_LINK_SHARE * len(text)
