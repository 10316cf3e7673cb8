"""Name cards inside sentences: a linked name followed by a hidden card that repeats the name
and lists the person's latest headlines ("Rep. Jane DoeJane DoeSome headline… MORE said").
The extractor keeps the card's text inside the sentence, where it breaks the sentence and
poisons the entities found in it, so the card is removed from the page before extraction.

The evidence is the repetition, in any language: right after a link of a few words in a
paragraph comes an element (not a link) whose own first link repeats every word of the name,
with more links after it.
"""

from __future__ import annotations

from itertools import islice

from lxml.etree import XPath, _Element

from winnow.schemas.records import ChaffBlock
from winnow.transforms.chaff.dom import remove_keeping_tail
from winnow.transforms.chaff.page_text import normalise

MAX_NAME_WORDS = 5
PARAGRAPH_DEPTH = 3  # how far above the link its paragraph may be
RULE = "markup: a card repeating the linked name before it"
# Links in a paragraph whose next element is not a link and holds two links or more.
_LINKS_BEFORE_A_BOX = XPath("//p//a[following-sibling::*[1][not(self::a)][count(.//a) >= 2]]")


def drop_name_cards(tree: _Element, first_position: int = -1) -> list[ChaffBlock]:
    """Remove the name cards from the page; each is a chaff record, numbered down from
    `first_position` (records of elements removed before extraction have negative positions)."""
    cards = [card for link in _LINKS_BEFORE_A_BOX(tree) if (card := _card_after(link)) is not None]
    dropped = []
    for card in cards:
        if card.getparent() is None:  # inside a card removed already
            continue
        dropped.append(
            ChaffBlock(first_position - len(dropped), normalise(card.text_content()), "related", "detector", RULE)
        )
        remove_keeping_tail(card)
    return dropped


def _card_after(link: _Element) -> _Element | None:
    name = normalise(link.text_content()).lower().split()
    if not 1 <= len(name) <= MAX_NAME_WORDS or (link.tail and link.tail.strip()) or not _in_paragraph(link):
        return None
    card = link.getnext()
    if card is None or card.tag == "a" or not isinstance(card.tag, str):
        return None
    links = list(card.iter("a"))
    if len(links) < 2:
        return None
    repeated = normalise(links[0].text_content()).lower().split()
    return card if set(name) <= set(repeated) else None


def _in_paragraph(link: _Element) -> bool:
    """The link is part of a sentence (menus hold lists of links after links too)."""
    return any(box.tag == "p" for box in islice(link.iterancestors(), PARAGRAPH_DEPTH))
