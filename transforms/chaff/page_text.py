"""The page's text as one whitespace-normalised string, and where each element's text lies in it.

trafilatura's output keeps no attributes, so each output line is found again in the page by its
normalised text. One walk over the page gives every element's span in the page's text: an
element's normalised text is the slice between its first and its last non-blank character, so
finding a line is a string search and a dictionary look-up, and spans also say which element
comes first in the page.
"""

from __future__ import annotations

from lxml import etree
from lxml.etree import _Element

# Above these the element is the page or the article itself, never one line of it.
STOP_TAGS = frozenset({"body", "html", "article", "main"})
_UNSEEN = frozenset({"script", "style", "noscript", "template"})  # text a reader never sees as text


def normalise(text: str) -> str:
    return " ".join(text.split())


class PageText:
    """The visible text of a page, normalised, with each element's span in it."""

    def __init__(self, tree: _Element) -> None:
        body = tree.find("body") if tree.tag == "html" else None
        root = body if body is not None else tree
        parts: list[str] = []
        starts: list[int] = []  # where each piece of words written starts
        element_at: dict[tuple[int, int], _Element] = {}  # span -> the innermost element with it
        span_of: dict[_Element, tuple[int, int]] = {}
        firsts: list[int] = []  # per open element: the number of pieces written before it
        length, space, unseen = 0, False, 0  # `space`: whitespace since the last word; `unseen`: open scripts

        def add(piece: str) -> None:  # a piece with words in it
            nonlocal length, space
            text = " ".join(piece.split())
            if length and (space or piece[0].isspace()):
                parts.append(" ")
                length += 1
            starts.append(length)
            parts.append(text)
            length += len(text)
            space = piece[-1].isspace()

        # One walk in a single function: this is a tenth of the extraction's time.
        for event, element in etree.iterwalk(root, events=("start", "end")):
            tag = element.tag
            if event == "start":
                firsts.append(len(starts))
                if tag in _UNSEEN:
                    unseen += 1
                elif not unseen and isinstance(tag, str) and (text := element.text):  # a comment's text is not text
                    if text.isspace():  # most pieces are the page's indentation: no call for them
                        space = True
                    else:
                        add(text)
                continue
            first = firsts.pop()
            if tag in _UNSEEN:
                unseen -= 1
            if len(starts) > first and isinstance(tag, str):
                span = (starts[first], length)
                span_of[element] = span
                if tag not in STOP_TAGS:
                    element_at.setdefault(span, element)  # children end first: the innermost wins
            if not unseen and element is not root and (tail := element.tail):
                if tail.isspace():
                    space = True
                else:
                    add(tail)
        self.text = "".join(parts)
        self._element_at = element_at
        self._span_of = span_of

    def element_for(self, line: str, start: int = 0) -> _Element | None:
        """The innermost element whose normalised text is `line` (normalised), the first in the
        page from `start` on."""
        if not line:
            return None
        position = self.text.find(line, start)
        while position >= 0:
            element = self._element_at.get((position, position + len(line)))
            if element is not None:
                return element
            position = self.text.find(line, position + 1)
        return None

    def span(self, element: _Element) -> tuple[int, int] | None:
        """Where the element's text lies in `text`; None for an element without text."""
        return self._span_of.get(element)

    def text_length(self, element: _Element) -> int:
        span = self._span_of.get(element)
        return span[1] - span[0] if span else 0
