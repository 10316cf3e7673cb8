"""Remove the chaff inside an article: per-source rules first, then the generic detectors.

Works on blocks (one paragraph, list item or heading per line of the extracted text), with
markup hints when the blocks came from HTML and without them for plain text. Every removed
block becomes a `ChaffBlock` naming its kind, its evidence and the rule that fired.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from schemas.records import ChaffBlock, ChaffRules
from transforms.chaff.dom import DomHints
from transforms.chaff.lexicon import Lexicon

_WORD = re.compile(r"\w+")
# Text in double quotation marks: reported speech, where an appeal is news, not chaff.
_QUOTED = re.compile(r"\"[^\"]{0,600}\"|“[^”]{0,600}”|«[^»]{0,600}»|„[^“”]{0,600}[“”]")
_WEB_ADDRESS = re.compile(r"(?:https?://|www\.)\S+")
_SENTENCE_END = re.compile(r"[.!?]['\"”’)]?$")
LONG_BLOCK_WORDS = 80  # a paragraph this long needs more than one phrase to be an appeal
SUBSTANTIVE_WORDS = 20  # a block this long is article prose unless shown otherwise
SHORT_LINE_WORDS = 4  # buttons and labels: "Once", "Monthly", "Continue", "Preview"
TAIL_LINE_WORDS = 8  # lines this short may belong to an appeal that ends the page
LINKED_SHARE = 0.9  # a line this much inside links is a link, not prose
TEASER_LINKED_SHARE = 0.25  # a list item this much inside links: a linked headline and its teaser
TEASER_LIST_ITEMS = 3
REPEATED_RUN_PARAGRAPHS = 3  # paragraphs repeated in a row: a copy, not a quote repeated


@dataclass(frozen=True, slots=True)
class Verdict:
    kind: str
    evidence: str
    rule: str


@dataclass(frozen=True, slots=True)
class _Block:
    text: str
    unquoted: str  # without quoted speech and without the "- " of a list item
    lowered: str  # unquoted, lower-cased
    words: int
    publisher: int  # "we", "our" outside quotation marks
    reader: int  # "you", "your" outside quotation marks
    linked: float  # share of text inside links (0 for plain text)
    hints: DomHints | None


def strip_blocks(blocks: list[str], hints: list[DomHints | None] | None, rules: ChaffRules,
                 lexicon: Lexicon) -> list[ChaffBlock]:
    """The chaff among `blocks` (positions index into them), found by the source's rules and,
    unless the rules turn them off, the generic detectors."""
    hints = hints or [None] * len(blocks)
    parsed = [_parse(text, hint, lexicon) for text, hint in zip(blocks, hints)]
    verdicts: dict[int, Verdict] = _rule_verdicts(blocks, rules)
    if rules.detectors:
        for position, block in enumerate(parsed):
            if position not in verdicts:
                verdict = _detect(block, lexicon)
                if verdict is not None:
                    verdicts[position] = verdict
        _name_boxes(parsed, verdicts)
        _link_lists(parsed, verdicts)
        _trailing_teasers(parsed, verdicts)
        _repeated_copy(parsed, verdicts)
        _leading_addresses(parsed, verdicts)
        _extend_runs(parsed, verdicts)
        _cut_tail(parsed, verdicts, lexicon)
    return [ChaffBlock(position, blocks[position], v.kind, v.evidence, v.rule)
            for position, v in sorted(verdicts.items())]


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


def _parse(text: str, hints: DomHints | None, lexicon: Lexicon) -> _Block:
    unquoted = _QUOTED.sub(" ", text.removeprefix("- "))
    lowered = unquoted.lower()
    words = _WORD.findall(lowered.replace("’", "'"))
    publisher = sum(word in lexicon.publisher for word in words)
    reader = sum(word in lexicon.reader for word in words)
    return _Block(text, unquoted, lowered, len(_WORD.findall(text)), publisher, reader,
                  hints.link_share if hints else 0.0, hints)


def _detect(block: _Block, lexicon: Lexicon) -> Verdict | None:
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
    return None


def _phrase_verdict(block: _Block, lexicon: Lexicon) -> Verdict | None:
    # A long paragraph that mentions a newsletter or a donation is news unless the publisher
    # is speaking to the reader in it.
    if block.words > LONG_BLOCK_WORDS and block.publisher + block.reader < 3:
        return None
    for phrase in lexicon.strong:
        match = phrase.search(block.unquoted, block.lowered)
        if match is not None:
            return Verdict(phrase.kind, "detector", f"phrase {phrase.name}: {match.group(0)!r}")
    return None


def _name_boxes(blocks: list[_Block], verdicts: dict[int, Verdict]) -> None:
    """Blocks of one box are one kind: a promo box whose small print says "Already a member?"
    is a paywall prompt, every line of it."""
    kinds: dict[object, str] = {}  # the outermost marked box of a block -> its kind
    for position, verdict in verdicts.items():
        hints = blocks[position].hints
        if hints is not None and hints.marks and verdict.kind != "other":
            kinds.setdefault(hints.marks[-1].box, verdict.kind)
    for position, verdict in verdicts.items():
        hints = blocks[position].hints
        if verdict.kind == "other" and hints is not None and hints.marks and hints.marks[-1].box in kinds:
            verdicts[position] = Verdict(kinds[hints.marks[-1].box], verdict.evidence, verdict.rule)


def _repeated_copy(blocks: list[_Block], verdicts: dict[int, Verdict]) -> None:
    """The article's paragraphs again, several in a row with nothing between them (a copy from
    hidden markup or a print version): the copies go, the first occurrence stays. A paragraph
    repeated alone stays: pages repeat a quote, and recipes and schedules repeat items."""
    seen: set[str] = set()
    repeats: list[int] = []  # each block's position if it repeats a paragraph, else -1 (a break)
    for position, block in enumerate(blocks):
        key = " ".join(block.lowered.split())
        repeats.append(position if block.words >= SUBSTANTIVE_WORDS and key in seen else -1)
        seen.add(key)
    run: list[int] = []
    for position in [*repeats, -1]:
        if position >= 0:
            run.append(position)
            continue
        if len(run) >= REPEATED_RUN_PARAGRAPHS:
            for repeated in run:
                verdicts.setdefault(repeated, Verdict("other", "detector", "a copy of the article's paragraphs"))
        run = []


def _trailing_teasers(blocks: list[_Block], verdicts: dict[int, Verdict]) -> None:
    """A list that ends the page, each item led by a link: headlines and teasers of other articles."""
    start = len(blocks)
    while start > 0 and blocks[start - 1].text.startswith("- ") and blocks[start - 1].linked >= TEASER_LINKED_SHARE:
        start -= 1
    if len(blocks) - start >= TEASER_LIST_ITEMS:
        for position in range(start, len(blocks)):
            verdicts.setdefault(position, Verdict("related", "detector", "markup: a list of linked teasers ending the page"))


def _leading_addresses(blocks: list[_Block], verdicts: dict[int, Verdict]) -> None:
    """A bare web address above the article's first paragraph: a share or print widget's text."""
    for position, block in enumerate(blocks):
        if block.words >= SUBSTANTIVE_WORDS:
            return
        if _WEB_ADDRESS.fullmatch(block.text):
            verdicts.setdefault(position, Verdict("other", "detector", "a web address above the article"))


def _link_lists(blocks: list[_Block], verdicts: dict[int, Verdict]) -> None:
    """Links to other articles: two or more short lines in a row that are all link text, or a
    linked headline in capitals on its own between two paragraphs. (Other single linked lines
    are left alone: in reviews and guides they are often the article's own items, products or
    sources.)"""
    linked = [block.linked >= LINKED_SHARE and block.words <= SUBSTANTIVE_WORDS for block in blocks]
    for position, is_linked in enumerate(linked):
        if not is_linked or position in verdicts:
            continue
        block = blocks[position]
        if (position > 0 and linked[position - 1]) or (position + 1 < len(blocks) and linked[position + 1]):
            verdicts[position] = Verdict("related", "detector", "markup: a list of links")
        elif (block.words >= SHORT_LINE_WORDS + 1 and block.text.isupper() and 0 < position < len(blocks) - 1
              and min(blocks[position - 1].words, blocks[position + 1].words) >= SUBSTANTIVE_WORDS):
            verdicts[position] = Verdict("related", "detector", "markup: a linked headline between paragraphs")


def _extend_runs(blocks: list[_Block], verdicts: dict[int, Verdict]) -> None:
    """Spread a verdict over what belongs to the same box: the short lines right after a
    detected block (buttons, labels), and a run of linked lines after a related-links heading."""
    for position in sorted(verdicts):
        verdict = verdicts[position]
        if verdict.evidence != "detector":
            continue
        for following in range(position + 1, len(blocks)):
            if following in verdicts:
                break
            block = blocks[following]
            short = block.words <= SHORT_LINE_WORDS and not _SENTENCE_END.search(block.text)
            # Under a "Related" or "Don't miss" label: linked lines, or headlines (no full stop).
            listed = (verdict.kind == "related" and blocks[position].words <= SHORT_LINE_WORDS
                      and block.words <= SUBSTANTIVE_WORDS
                      and (block.linked >= 0.8 or not _SENTENCE_END.search(block.text)))
            if not (short or listed):
                break
            verdicts[following] = Verdict(verdict.kind, "detector", f"in the {verdict.kind} box above")


def _cut_tail(blocks: list[_Block], verdicts: dict[int, Verdict], lexicon: Lexicon) -> None:
    """Remove everything from a detected box near the end when all that follows it reads like
    the rest of an appeal: other detected boxes, short lines, or the publisher addressing the
    reader. Articles do not end with a sign-up box followed by more reporting."""
    substantive = 0
    for position, block in enumerate(blocks):
        verdict = verdicts.get(position)
        if verdict is not None and verdict.evidence == "detector" and verdict.kind != "other" and substantive >= 2:
            rest = range(position + 1, len(blocks))
            if all(i in verdicts or _appeal_like(blocks[i], lexicon) for i in rest):
                kind = verdict.kind
                for i in rest:
                    if i in verdicts:
                        kind = verdicts[i].kind
                    else:
                        verdicts[i] = Verdict(kind, "detector", f"after the {kind} box above, to the end")
                return
        if verdict is None and block.words >= SUBSTANTIVE_WORDS:
            substantive += 1


def _appeal_like(block: _Block, lexicon: Lexicon) -> bool:
    publisher_speaking = block.publisher >= 1 and block.publisher + block.reader >= 2
    teaser = block.text.startswith("- ") and block.linked >= TEASER_LINKED_SHARE  # a list item led by a link
    if block.words <= TAIL_LINE_WORDS or publisher_speaking or block.linked >= 0.8 or teaser:
        return True
    return block.words <= SUBSTANTIVE_WORDS and any(
        phrase.search(block.unquoted, block.lowered) for phrase in lexicon.weak)
