"""Where an article's text names its makers rather than its subject: bylines, photo credits, the
wire service in a dateline ("WASHINGTON (AP) —"), a correspondent's signature, a site's name
after its titles. Names there are not the article's entities, and sentences there report nothing.
"""

from __future__ import annotations

import re

CREDIT_LINE = re.compile(
    r"^(?:by\s+[A-Z]|with\s+[\w\s.]{0,30}\bwires?\b|(?:main\s+)?(?:image|photo|picture)\s*(?:credit|copyright)?s?\s*:"
    r"|image copyright|copyright|©|listen to\b|follow\b|read more\b|watch\b|subscribe\b|sign up\b"
    r"|(?:additional\s+)?reporting by|writing by|editing by|compiled by|contributed|source:)",
    re.I,
)
# "Caroline Hawley, BBC diplomatic correspondent": a name and a newsroom job, and nothing else.
SIGNATURE = re.compile(
    r"^[^.!?]{0,80},\s*[^.!?,]{0,60}\b(?:correspondent|reporter|editor|writer|columnist"
    r"|contributor|producer|photographer)\s*$",
    re.I,
)
CONTRIBUTED = re.compile(r"\bcontributed(?: reporting)? to this (?:report|story|article)", re.I)
HANDLE = re.compile(r"^\S+@\S+$|^(?:https?://|www\.|twitter\.com/|@)\S+$", re.I)
# A wire or network credited in a dateline: "NEW YORK (Reuters) -", "(CNN)President ...".
DATELINE_CREDIT = re.compile(r"^[^\n]{0,60}?\(([A-Z][\w .&]{1,30})\)")
# A site's name after a title: "... | Editorial", "... - SpaceNews.com".
TITLE_SUFFIX = re.compile(r"\s+[|\-–—]\s+[^|\-–—]{1,40}$")


def credit_ranges(text: str) -> list[tuple[int, int]]:
    """Character ranges of `text` that credit its makers: whole credit lines, and the wire
    service named in a dateline."""
    ranges, start = [], 0
    for line in text.split("\n"):
        stripped = line.strip()
        if (
            CREDIT_LINE.match(stripped)
            or SIGNATURE.match(stripped)
            or HANDLE.match(stripped)
            or CONTRIBUTED.search(stripped)
        ):
            ranges.append((start, start + len(line)))
        elif match := DATELINE_CREDIT.match(line):
            ranges.append((start + match.start(1), start + match.end(1)))
        start += len(line) + 1
    return ranges


def title_without_site(title: str | None) -> str | None:
    """A title without the site's name some pages add after it."""
    if title is None:
        return None
    cut = TITLE_SUFFIX.sub("", title)
    return cut if len(cut.split()) >= 3 else title
