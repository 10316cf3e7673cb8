"""What a name in an article stands for (`Resolved`) and where the article names it (`Occurrence`)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from winnow.transforms.enrich.names import name_key
from winnow.transforms.hashing import entity_id

ACRONYM = "acronym"  # the type of a defined acronym until `merge` resolves it


@dataclass(frozen=True, slots=True)
class Resolved:
    """What one span (or part of one) stands for."""

    name: str
    type: str
    country: str | None = None
    fixed: bool = False  # from the alias table or a gazetteer: not open to the type vote
    adjective: bool = False  # a nationality ("Russian"): its country, but not a name the article gives


@dataclass(slots=True)
class Occurrence:
    """One mention of an entity: where, written how."""

    resolved: Resolved
    surface: str
    start: int  # character offsets in the text, or in the title when in_title
    end: int
    in_title: bool
    sentence_start: bool = False  # capitalised there whatever it is ("Turnout was 46 percent")
    titles: tuple[str, ...] = ()  # lower-case words given as a person's title ("gov", "house", "speaker")


def resolved_id(resolved: Resolved) -> str:
    """The entity id of a resolved name."""
    return entity_id(resolved.type, name_key(resolved.name))


def names_told_again(occurrences: list[Occurrence], text: str) -> list[Occurrence]:
    """The mentions the tagger missed of an organisation it tagged elsewhere in the article under a
    name of two words or more ("Harwick Motors has denied ..." after "the carmaker, Harwick Motors"): the
    same words, capitalised the same, name the same thing."""
    taken = [(o.start, o.end) for o in occurrences if not o.in_title]
    found: list[Occurrence] = []
    for surface, resolved in {
        o.surface: o.resolved for o in occurrences if o.resolved.type == "organisation" and " " in o.surface
    }.items():
        for match in re.finditer(rf"(?<![\w&.'’-]){re.escape(surface)}(?![\w&'’-])", text):
            if not any(low < match.end() and match.start() < high for low, high in taken):
                found.append(Occurrence(resolved, surface, match.start(), match.end(), False))
                taken.append(match.span())
    return found
