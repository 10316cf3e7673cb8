"""What a name in an article stands for (`Resolved`) and where the article names it (`Occurrence`)."""

from __future__ import annotations

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
