"""One extracted block as the chaff detectors read it, and the verdict on it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from winnow.transforms.chaff.dom import DomHints
from winnow.transforms.chaff.lexicon import Lexicon

_WORD = re.compile(r"\w+")
# Text in double quotation marks: reported speech, where an appeal is news, not chaff.
_QUOTED = re.compile(r"\"[^\"]{0,600}\"|“[^”]{0,600}”|«[^»]{0,600}»|„[^“”]{0,600}[“”]")
SENTENCE_END = re.compile(r"[.!?]['\"”’)]?$")
SUBSTANTIVE_WORDS = 20  # a block this long is article prose unless shown otherwise
TEASER_LINKED_SHARE = 0.25  # a list item this much inside links: a linked headline and its teaser


@dataclass(frozen=True, slots=True)
class Verdict:
    kind: str
    evidence: str
    rule: str


@dataclass(frozen=True, slots=True)
class Block:
    text: str
    unquoted: str  # without quoted speech and without the "- " of a list item
    lowered: str  # unquoted, lower-cased
    words: int
    publisher: int  # "we", "our" outside quotation marks
    reader: int  # "you", "your" outside quotation marks
    linked: float  # share of text inside links (0 for plain text)
    hints: DomHints | None

    @property
    def listed(self) -> bool:
        """A list item (trafilatura writes them "- item")."""
        return self.text.startswith("- ")

    @property
    def prose(self) -> bool:
        """A paragraph of the writer's own sentences, not a link or a label."""
        return self.words >= SUBSTANTIVE_WORDS and self.linked < TEASER_LINKED_SHARE

    @property
    def addressed(self) -> bool:
        """The publisher speaking to the reader ("we" and "you" both)."""
        return self.publisher >= 1 and self.reader >= 1


def parse_block(text: str, hints: DomHints | None, lexicon: Lexicon) -> Block:
    unquoted = _QUOTED.sub(" ", text.removeprefix("- "))
    lowered = unquoted.lower()
    words = _WORD.findall(lowered.replace("’", "'"))
    publisher = sum(map(lexicon.publisher.__contains__, words))  # map: half the time of a generator
    reader = sum(map(lexicon.reader.__contains__, words))
    return Block(
        text, unquoted, lowered, len(_WORD.findall(text)), publisher, reader, hints.link_share if hints else 0.0, hints
    )


def weak_phrase(block: Block, lexicon: Lexicon) -> bool:
    """The block has a word of some kind of chaff ("newsletter", "subscribe", "share")."""
    return lexicon.first_match("weak", block.unquoted, block.lowered) is not None
