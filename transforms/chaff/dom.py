"""What the page's markup says about each extracted block: the boxes it sits in, forms, links.

Each output line is found again in the page (transforms/chaff/page_text.py) and judged by the
elements around it there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import chain, islice

from lxml.etree import _Element

from winnow.schemas.records import ChaffBlock
from winnow.transforms.chaff.page_text import STOP_TAGS, PageText, normalise

_MAX_BOX_DEPTH = 6  # how far up from a block to look for a marked box
_FORM_BOX_DEPTH = 3  # how far up from a block an e-mail field still belongs to its box
_PROSE_WORDS = 30  # a line this long in a box is a paragraph of prose
_FORM_BOX_LINES = 5
_FORM_BOX_WORDS = 80  # larger elements are containers, never one line
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True, slots=True)
class BoxMark:
    """A box around a block that looks like chaff: its class or id names a kind, or it is a
    form, or it holds an e-mail field."""

    box: _Element  # held, so that lxml keeps one proxy per element and identity holds
    kind: str
    reason: str  # for the audit trail: "class or id 'newsletter'", "a form", ...
    form: bool = False  # found by its form or e-mail field, not its name


@dataclass(frozen=True, slots=True)
class DomHints:
    """The markup evidence about one extracted block."""

    marks: tuple[BoxMark, ...]  # innermost first
    link_share: float  # share of the block's text inside links


def _without_bullet(line: str) -> str:
    # trafilatura writes list items as "- item".
    return line[2:] if line.startswith("- ") else line


def attribute_tokens(value: str) -> set[str]:
    """Words of a class or id attribute, and each neighbouring pair joined ("read-more" -> "readmore")."""
    words = _NON_ALNUM.split(_CAMEL.sub(" ", value).lower())
    words = [word for word in words if word]
    return set(words) | {a + b for a, b in zip(words, words[1:])}


def drop_selected(tree: _Element, selectors: tuple[str, ...]) -> list[ChaffBlock]:
    """Remove the elements matching the source's drop selectors; each removed text is a chaff record."""
    if not selectors:
        return []
    from lxml.cssselect import CSSSelector  # only sources with selectors need cssselect

    dropped: list[ChaffBlock] = []
    for selector in selectors:
        for element in CSSSelector(selector)(tree):
            parent = element.getparent()
            if parent is None:
                continue
            text = normalise(element.text_content())
            if text:
                dropped.append(ChaffBlock(-(len(dropped) + 1), text, "other", "rule", f"drop selector {selector!r}"))
            remove_keeping_tail(element)
    return dropped


def remove_keeping_tail(element: _Element) -> None:
    """Remove an element from the page, keeping the text after it (its tail, which belongs to the parent)."""
    parent = element.getparent()
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


class PageMarkup:
    """The markup evidence about extracted lines: each line's element in the page, the boxes
    around it, and how much of it is link text."""

    def __init__(self, page: PageText, class_tokens: dict[str, str]) -> None:
        self.page = page
        self._class_tokens = class_tokens
        self._box_cache: dict[tuple[_Element, bool], tuple[BoxMark, ...]] = {}

    def hints(self, lines: list[str]) -> list[DomHints | None]:
        """Markup evidence for each line (None where the line is not found in the page).

        A marked box that holds most of the lines' words, or two paragraphs of prose, is the
        article's own container (or a part of it), and its marks are ignored: sign-up boxes,
        appeals and link lists are short.
        """
        targets = [normalise(_without_bullet(line)) for line in lines]
        elements = self._elements(targets)
        marks = [self._marks(element) if element is not None else () for element in elements]
        words = [len(line.split()) for line in lines]
        total = sum(words) or 1
        held: dict[_Element, int] = {}
        prose: dict[_Element, int] = {}
        lines_held: dict[_Element, int] = {}
        form_boxes = {mark.box for mark_list in marks for mark in mark_list if mark.form}
        for mark_list, count in zip(marks, words):
            for box in {mark.box for mark in mark_list}:
                held[box] = held.get(box, 0) + count
                prose[box] = prose.get(box, 0) + (count >= _PROSE_WORDS)
                lines_held[box] = lines_held.get(box, 0) + 1
        # A sign-up form is a heading, a pitch and small print: a form box holding more is a
        # section of the page that happens to contain a form.
        containers = {
            box
            for box, count in held.items()
            if count > total / 2
            or prose[box] >= 2
            or (box in form_boxes and (lines_held[box] > _FORM_BOX_LINES or count > _FORM_BOX_WORDS))
        }
        return [
            self._hints(element, tuple(m for m in mark_list if m.box not in containers), len(target))
            if element is not None
            else None
            for element, mark_list, target in zip(elements, marks, targets)
        ]

    def _elements(self, targets: list[str]) -> list[_Element | None]:
        """Each line's element. The lines come in page order, so each is looked for after the
        one before it first: a heading's text may also be a link in a table of contents above."""
        elements = []
        after = 0
        for target in targets:
            element = self.page.element_for(target, after)
            if element is None:
                element = self.page.element_for(target)
            if element is not None:
                after = self.page.span(element)[1]
            elements.append(element)
        return elements

    def _marks(self, element: _Element) -> tuple[BoxMark, ...]:
        found: list[BoxMark] = []
        boxes = chain((element,), element.iterancestors())
        for depth, box in enumerate(islice(boxes, _MAX_BOX_DEPTH + 1)):
            if box.tag in STOP_TAGS:  # its classes describe the page or the article, not a box in it
                break
            found += self._box_marks(box, near=depth <= _FORM_BOX_DEPTH)
        return tuple(found)

    def _box_marks(self, box: _Element, near: bool) -> tuple[BoxMark, ...]:
        """What one element says about itself; boxes are shared by many lines, so it is kept."""
        key = (box, near)
        marks = self._box_cache.get(key)
        if marks is None:
            marks = tuple(
                BoxMark(box, kind, f"class or id {token!r}")
                for token in sorted(attribute_tokens(f"{box.get('class', '')} {box.get('id', '')}"))
                if (kind := self._class_tokens.get(token)) is not None
            )
            if near and box.find(".//input[@type='email']") is not None:
                marks += (BoxMark(box, "newsletter", "a box with an e-mail field", form=True),)
            elif box.tag == "form":
                marks += (BoxMark(box, "other", "a form", form=True),)
            self._box_cache[key] = marks
        return marks

    def _hints(self, element: _Element, marks: tuple[BoxMark, ...], text_length: int) -> DomHints:
        """`text_length`: of the element's normalised text, which is its line."""
        in_link = element.tag == "a" or any(a.tag == "a" for a in islice(element.iterancestors(), 3))
        linked = sum(self.page.text_length(a) for a in element.iterdescendants("a"))
        return DomHints(marks=marks, link_share=1.0 if in_link else min(1.0, linked / (text_length or 1)))
