"""The chaff rules that read a block with its neighbours: lists of links, a label and its
linked headline, copies of the article, and how far a detected box reaches (its buttons, the
rest of an appeal that ends the page)."""

from __future__ import annotations

import re

from winnow.transforms.chaff.blocks import (
    SENTENCE_END,
    SUBSTANTIVE_WORDS,
    TEASER_LINKED_SHARE,
    Block,
    Verdict,
    weak_phrase,
)
from winnow.transforms.chaff.lexicon import Lexicon

SHORT_LINE_WORDS = 4  # buttons and labels: "Once", "Monthly", "Continue", "Preview"
TAIL_LINE_WORDS = 8  # lines this short may belong to an appeal that ends the page
OFFER_LINE_WORDS = 12  # an unpunctuated line this short after an appeal: one of its offers or perks
LINKED_SHARE = 0.9  # a line this much inside links is a link, not prose
TEASER_LIST_ITEMS = 3
REPEATED_RUN_PARAGRAPHS = 3  # paragraphs repeated in a row: a copy, not a quote repeated
APPEAL_KINDS = frozenset({"newsletter", "donation", "paywall"})
BUTTON_KINDS = frozenset({"share", "cookie", "app"})  # boxes of buttons and notices, not of prose
LABEL_WORDS = 4  # "Read also", "Lesen Sie auch", "Le puede interesar"
HEADLINE_WORDS = 3
# A short label, then a colon or a chevron, then the rest of the line.
_LABEL = re.compile(r"^(\w[\w'’ ]{0,40}?)\s*[:»›|]\s*(\S.*)$")
_WEB_ADDRESS = re.compile(r"(?:https?://|www\.)\S+")


def judge(blocks: list[Block], verdicts: dict[int, Verdict], lexicon: Lexicon) -> None:
    """Add the verdicts that a block's neighbours support, and withdraw those they contradict."""
    _prove_boxes(blocks, verdicts, lexicon)
    _keep_data_lists(blocks, verdicts)
    _name_boxes(blocks, verdicts)
    _link_lists(blocks, verdicts)
    _labelled_links(blocks, verdicts)
    _trailing_teasers(blocks, verdicts)
    _repeated_copy(blocks, verdicts)
    _leading_addresses(blocks, verdicts)
    _extend_runs(blocks, verdicts)
    _cut_tail(blocks, verdicts, lexicon)


def _prove_boxes(blocks: list[Block], verdicts: dict[int, Verdict], lexicon: Lexicon) -> None:
    """A paragraph of prose removed for a box that does not hold prose must be shown to be
    chaff: a form or an e-mail field near it (the box may be the article's own container,
    with a comment form or a search box in it) or a box named for sharing, cookies or apps
    (named so for the buttons it also holds). The proof is in the paragraph's own words (a
    word of chaff, the publisher speaking to the reader) or in another line of its box found
    by its wording. A box named for what holds prose (a sign-up, a promotion, an author's
    bio, related stories) needs no more."""
    worded = {
        blocks[i].hints.marks[-1].box
        for i, verdict in verdicts.items()
        if verdict.rule.startswith("phrase") and blocks[i].hints is not None and blocks[i].hints.marks
    }
    for position, verdict in list(verdicts.items()):
        block = blocks[position]
        if not verdict.rule.startswith("markup: ") or block.hints is None or not block.hints.marks:
            continue
        marks = block.hints.marks
        named = any(not mark.form and mark.kind not in BUTTON_KINDS for mark in marks)
        if (
            block.prose
            and not named
            and marks[-1].box not in worded
            and not (block.addressed or weak_phrase(block, lexicon))
        ):
            del verdicts[position]


def _keep_data_lists(blocks: list[Block], verdicts: dict[int, Verdict]) -> None:
    """Furniture wording ("Category: ...", "Source: ...", a date) on a list item next to other
    items that are kept is a row of the article's own list of facts, not the page's furniture."""
    for position, verdict in list(verdicts.items()):
        if verdict.kind != "other" or not verdict.rule.startswith("phrase") or not blocks[position].listed:
            continue
        around = [i for i in (position - 1, position + 1) if 0 <= i < len(blocks)]
        if any(blocks[i].listed and i not in verdicts for i in around):
            del verdicts[position]


def _name_boxes(blocks: list[Block], verdicts: dict[int, Verdict]) -> None:
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


def _link_lists(blocks: list[Block], verdicts: dict[int, Verdict]) -> None:
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
        elif (
            block.words >= SHORT_LINE_WORDS + 1
            and block.text.isupper()
            and 0 < position < len(blocks) - 1
            and min(blocks[position - 1].words, blocks[position + 1].words) >= SUBSTANTIVE_WORDS
        ):
            verdicts[position] = Verdict("related", "detector", "markup: a linked headline between paragraphs")


def _labelled_links(blocks: list[Block], verdicts: dict[int, Verdict]) -> None:
    """ "Read also: <a linked headline>" in any language: a line of a short label, a colon or a
    chevron, and a link of a few words that makes up the rest of the line."""
    for position, block in enumerate(blocks):
        if position in verdicts or block.listed or block.hints is None or block.words > SUBSTANTIVE_WORDS:
            continue
        match = _LABEL.match(block.unquoted)
        if match is None or len(match[1].split()) > LABEL_WORDS or len(match[2].split()) < HEADLINE_WORDS:
            continue
        headline_share = len(match[2]) / len(block.unquoted)
        # The headline is linked and the label is not (a whole linked line is one headline).
        if 0.8 * headline_share <= block.linked <= headline_share + 0.05:
            verdicts[position] = Verdict("related", "detector", "markup: a label and a linked headline")


def _trailing_teasers(blocks: list[Block], verdicts: dict[int, Verdict]) -> None:
    """A list that ends an article, each item led by a link: headlines and teasers of other
    articles. (A page that is nothing but such a list is a list of links someone wrote.)"""
    start = len(blocks)
    while start > 0 and blocks[start - 1].listed and blocks[start - 1].linked >= TEASER_LINKED_SHARE:
        start -= 1
    if len(blocks) - start >= TEASER_LIST_ITEMS and any(block.prose for block in blocks[:start]):
        for position in range(start, len(blocks)):
            verdicts.setdefault(
                position, Verdict("related", "detector", "markup: a list of linked teasers ending the page")
            )


def _repeated_copy(blocks: list[Block], verdicts: dict[int, Verdict]) -> None:
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


def _leading_addresses(blocks: list[Block], verdicts: dict[int, Verdict]) -> None:
    """A bare web address above the article's first paragraph: a share or print widget's text."""
    for position, block in enumerate(blocks):
        if block.words >= SUBSTANTIVE_WORDS:
            return
        if _WEB_ADDRESS.fullmatch(block.text):
            verdicts.setdefault(position, Verdict("other", "detector", "a web address above the article"))


def _extend_runs(blocks: list[Block], verdicts: dict[int, Verdict]) -> None:
    """Spread a verdict over what belongs to the same box: the short lines right after a
    detected box (buttons, labels), and a run of linked lines after a related-links heading.
    A line of furniture found by its wording alone (a credit, a date) is no box, and a short
    line after it is the article's own."""
    for position in sorted(verdicts):
        verdict = verdicts[position]
        if verdict.evidence != "detector" or not _is_box(verdict):
            continue
        for following in range(position + 1, len(blocks)):
            if following in verdicts:
                break
            block = blocks[following]
            short = block.words <= SHORT_LINE_WORDS and not SENTENCE_END.search(block.text)
            # Under a "Related" or "Don't miss" label: linked lines, or headlines (no full stop).
            listed = (
                verdict.kind == "related"
                and blocks[position].words <= SHORT_LINE_WORDS
                and block.words <= SUBSTANTIVE_WORDS
                and (block.linked >= 0.8 or not SENTENCE_END.search(block.text))
            )
            if not (short or listed):
                break
            verdicts[following] = Verdict(verdict.kind, "detector", f"in the {verdict.kind} box above")


def _is_box(verdict: Verdict) -> bool:
    """A verdict on a box (by its markup, or by an appeal's or a label's wording) rather than
    on one line of furniture (a credit, a date) or one linked headline."""
    if verdict.rule.startswith("phrase"):
        return verdict.kind != "other"
    return not verdict.rule.startswith(("markup: a label", "markup: a linked headline"))


def _cut_tail(blocks: list[Block], verdicts: dict[int, Verdict], lexicon: Lexicon) -> None:
    """Remove everything from a detected box near the end when all that follows it reads like
    the rest of an appeal: other detected boxes, short lines, or the publisher addressing the
    reader. Articles do not end with a sign-up box followed by more reporting."""
    substantive = 0
    for position, block in enumerate(blocks):
        verdict = verdicts.get(position)
        if verdict is not None and verdict.evidence == "detector" and verdict.kind != "other" and substantive >= 2:
            rest = range(position + 1, len(blocks))
            appeal = verdict.kind in APPEAL_KINDS
            if all(i in verdicts or _appeal_like(blocks[i], lexicon, appeal) for i in rest):
                kind = verdict.kind
                for i in rest:
                    if i in verdicts:
                        kind = verdicts[i].kind
                    else:
                        verdicts[i] = Verdict(kind, "detector", f"after the {kind} box above, to the end")
                return
        if verdict is None and block.words >= SUBSTANTIVE_WORDS:
            substantive += 1


def _appeal_like(block: Block, lexicon: Lexicon, after_appeal: bool) -> bool:
    publisher_speaking = block.publisher >= 1 and block.publisher + block.reader >= 2
    teaser = block.listed and block.linked >= TEASER_LINKED_SHARE  # a list item led by a link
    # After a sign-up, donation or paywall box: its offers and perks ("— Unlimited access").
    offer = after_appeal and block.words <= OFFER_LINE_WORDS and not SENTENCE_END.search(block.text)
    if block.words <= TAIL_LINE_WORDS or publisher_speaking or block.linked >= 0.8 or teaser or offer:
        return True
    return block.words <= SUBSTANTIVE_WORDS and weak_phrase(block, lexicon)
