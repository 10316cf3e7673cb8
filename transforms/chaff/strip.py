"""Remove the chaff inside an article: per-source rules first, then the generic detectors.

Works on blocks (one paragraph, list item or heading per line of the extracted text), with
markup hints when the blocks came from HTML and without them for plain text. Every removed
block becomes a `ChaffBlock` naming its kind, its evidence and the rule that fired. A block's
own evidence comes first (its box, its wording); then the rules that read its neighbours
(transforms/chaff/neighbours.py).
"""

from __future__ import annotations

import re
from functools import cache

from winnow.schemas.config import ChaffRules
from winnow.schemas.records import ChaffBlock
from winnow.transforms.chaff import neighbours
from winnow.transforms.chaff.blocks import Block, Verdict, parse_block
from winnow.transforms.chaff.dom import DomHints
from winnow.transforms.chaff.lexicon import Lexicon

LONG_BLOCK_WORDS = 80  # a paragraph this long needs more than one phrase to be an appeal
# Latin words with Cyrillic look-alike letters in them ("Yоur соntеnt"): no writer does that
# by hand, advertisers do it to get past filters.
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_DISGUISED_WORD = re.compile(r"\b(?=\w*[a-zA-Z])(?=\w*[\u0400-\u04ff])\w+")
DISGUISED_WORDS = 3


def strip_blocks(
    blocks: list[str], hints: list[DomHints | None] | None, rules: ChaffRules, lexicon: Lexicon
) -> list[ChaffBlock]:
    """The chaff among `blocks` (positions index into them), found by the source's rules and,
    unless the rules turn them off, the generic detectors."""
    hints = hints or [None] * len(blocks)
    parsed = [parse_block(text, hint, lexicon) for text, hint in zip(blocks, hints)]
    verdicts: dict[int, Verdict] = _rule_verdicts(blocks, rules)
    if rules.detectors:
        for position, block in enumerate(parsed):
            if position not in verdicts:
                verdict = _detect(block, lexicon)
                if verdict is not None:
                    verdicts[position] = verdict
        neighbours.judge(parsed, verdicts, lexicon)
    return [
        ChaffBlock(position, blocks[position], v.kind, v.evidence, v.rule) for position, v in sorted(verdicts.items())
    ]


def clean_text(blocks: tuple[str, ...] | list[str], chaff: tuple[ChaffBlock, ...] | list[ChaffBlock]) -> str:
    """The blocks that are not chaff, one per line."""
    removed = {c.position for c in chaff}
    return "\n".join(block for position, block in enumerate(blocks) if position not in removed)


def _rule_verdicts(blocks: list[str], rules: ChaffRules) -> dict[int, Verdict]:
    verdicts: dict[int, Verdict] = {}
    for marker in rules.cut_markers:
        regex = _compiled(marker.pattern)
        start = next((i for i, block in enumerate(blocks) if regex.search(block)), None)
        if start is not None:
            for position in range(start, len(blocks)):
                verdicts.setdefault(position, Verdict(marker.kind, "rule", f"cut marker {marker.pattern!r}"))
    for pattern in rules.patterns:
        regex = _compiled(pattern.pattern)
        for position, block in enumerate(blocks):
            if position not in verdicts and regex.search(block):
                verdicts[position] = Verdict(pattern.kind, "rule", f"pattern {pattern.pattern!r}")
    return verdicts


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


def _detect(block: Block, lexicon: Lexicon) -> Verdict | None:
    """A block's own evidence: a box named for a kind of chaff, its wording, then a box that
    is chaff of no particular kind (a promo, a form)."""
    marks = block.hints.marks if block.hints is not None else ()
    named = next((mark for mark in marks if mark.kind != "other"), None)
    if named is not None:
        return Verdict(named.kind, "detector", f"markup: {named.reason}")
    phrased = _phrase_verdict(block, lexicon)
    if phrased is not None:
        return phrased
    if marks:
        return Verdict(marks[0].kind, "detector", f"markup: {marks[0].reason}")
    if _CYRILLIC.search(block.text) and len(_DISGUISED_WORD.findall(block.text)) >= DISGUISED_WORDS:
        return Verdict("other", "detector", "words spelt in two alphabets: an advert disguised from filters")
    return None


def _phrase_verdict(block: Block, lexicon: Lexicon) -> Verdict | None:
    # A long paragraph that mentions a newsletter or a donation is news unless the publisher
    # is speaking to the reader in it.
    if block.words > LONG_BLOCK_WORDS and block.publisher + block.reader < 3:
        return None
    found = lexicon.first_match("strong", block.unquoted, block.lowered)
    if found is None:
        return None
    phrase, match = found
    return Verdict(phrase.kind, "detector", f"phrase {phrase.name}: {match.group(0)!r}")
