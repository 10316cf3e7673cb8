"""The trafilatura evaluation set's metric: strings of the main text an extractor must keep, and
strings of boilerplate it must leave out. Whitespace is collapsed in the text and in each string;
a must-keep string counts as kept, and a must-drop string as absent, by whether it occurs in the
extracted text. The scores are the shares of each kind, and of the appeals (sign-up, subscription,
donation) among the must-drop strings, over all pages' strings: the set's own definition,
written for winnow (bench/README.md says where the set comes from).
"""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass
from pathlib import Path

# The sign-up, subscription and donation appeals among the strings that must go.
APPEAL = re.compile(
    r"newsletter|subscri|abonn|donat|spende|support (us|our|independent)|unterstütz|sign[ -]up"
    r"|anmelden|register|membership|become a (member|supporter)|contribut",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class StringPage:
    id: str
    url: str
    html: bytes
    with_: tuple[str, ...]  # must be in the extracted text
    without: tuple[str, ...]  # must not


def load_string_pages(data: Path, limit: int | None = None) -> list[StringPage]:
    """The set's pages, decoded as UTF-8 with replacement (and handed to every system so)."""
    cases = json.loads((data / "evaldata.json").read_text(encoding="utf-8"))
    ids = sorted(cases)[:limit]
    return [
        StringPage(
            id,
            cases[id]["url"],
            gzip.decompress((data / "html" / f"{id}.gz").read_bytes()).decode("utf-8", "replace").encode(),
            tuple(cases[id]["with"]),
            tuple(cases[id]["without"]),
        )
        for id in ids
    ]


def collapse(text: str) -> str:
    return " ".join(text.split())


def string_scores(pages: list[StringPage], predictions: list[str]) -> dict:
    """The shares of must-keep strings kept, of must-drop strings absent, and of the appeals
    among the must-drop strings absent, over all the strings of all the pages."""
    kept = absent = appeals = appeals_absent = 0
    for page, text in zip(pages, predictions):
        text = collapse(text)
        kept += sum(collapse(string) in text for string in page.with_)
        for string in page.without:
            gone = collapse(string) not in text
            absent += gone
            if APPEAL.search(string):
                appeals += 1
                appeals_absent += gone
    return {
        "with_kept": kept / max(1, sum(len(page.with_) for page in pages)),
        "without_absent": absent / max(1, sum(len(page.without) for page in pages)),
        "appeals_absent": appeals_absent / max(1, appeals),
        "appeals": appeals,
    }
