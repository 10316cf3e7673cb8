"""Names the words around the tagger's spans give: a name and the word after it naming one thing
("the Kenyan government" is Kenya, "Brackenford police" and "the Lund administration" are
organisations, "the Bergen airport" a place), the country an organisation's name opens with
("Kenya Airways"), and places the tagger missed, where the words around them say they are places
and the gazetteer or the name's last word agrees ("in Bergen", "Bergen-based", a dateline's
"BERGEN —", "on Harbour Street"); and organisations the tagger missed in a list of those it tagged."""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span, Token

from winnow.transforms.enrich.geo import LARGE_CITY_POPULATION, Gazetteer
from winnow.transforms.enrich.occurrences import Occurrence, Resolved
from winnow.transforms.enrich.surroundings import LOCATIVE_WORDS, PLACE_NAME_ENDINGS, PLACE_ONLY_WORDS

# A country's (or its demonym's) word for its own bodies: "the Kenyan army", "the Kenyan embassy".
COUNTRY_BODIES = {"army": "organisation", "navy": "organisation", "embassy": "place", "consulate": "place"}
FACILITY_WORDS = {"airport", "prison", "jail"}  # a place's facility: "the Bergen airport"
DATELINE_DASH = re.compile(r"\s*(?:\([^)]{1,30}\))?\s*[—–-]")
LONGEST_PLACE = 3  # words in a place name the tagger missed
_NAME = r"[A-Z][\w&.'’/-]*(?: [A-Z][\w&.'’/-]*){0,3}"
LIST_ITEM = re.compile(rf"(?<![\w&.'’/-]){_NAME}")
NAME_LIST = re.compile(rf"(?<![\w&.'’/-]){_NAME}(?:, {_NAME})+(?:,? and {_NAME})?")


def with_next_word(resolved: Resolved, surface: str, span: Span, gazetteer: Gazetteer) -> list[tuple[Resolved, str]]:
    """What a name and the word after it name, with the surface that names it: the country for "the
    Kenyan government" (a government is its country, as "Washington" is), an organisation for "the
    Lund administration" (not the person) and for "Brackenford police" (besides the town; "Afghan
    police" or "Kenya police" is no one body), the army or embassy of a country, a town's airport
    or prison (not "a Kenyan prison"). Else the name alone."""
    word = span.doc[span.end].lower_ if span.end < len(span.doc) else ""
    is_country = resolved.type == "place" and gazetteer.country(resolved.name) is not None
    if word == "government" and is_country:
        return [(Resolved(resolved.name, "place", resolved.country, fixed=True), f"{surface} {span.doc[span.end]}")]
    if word == "administration" and resolved.type == "person":
        return [(Resolved(f"{surface} administration", "organisation"), f"{surface} administration")]
    named = [(resolved, surface)]
    if word == "police" and resolved.type in ("place", "organisation") and not is_country:
        named.append((Resolved(f"{surface} police", "organisation"), f"{surface} police"))
    if word in COUNTRY_BODIES and is_country:
        named.append((Resolved(f"{surface} {word}", COUNTRY_BODIES[word]), f"{surface} {word}"))
    if word in FACILITY_WORDS and resolved.type == "place" and not is_country:
        named.append((Resolved(f"{surface} {word}", "place"), f"{surface} {word}"))
    if resolved.type == "organisation" and not resolved.fixed:
        words = surface.split()
        country = next(
            (c for k in (2, 1) if len(words) > k for c in [gazetteer.country(" ".join(words[:k]))] if c), None
        )
        if country is not None:  # "Kenya Airways", "US Senate": the article names the country too
            named.append((Resolved(country.name, "place", country.code, fixed=True), surface.split()[0]))
    return named


def untagged_places(doc: Doc, gazetteer: Gazetteer) -> list[Occurrence]:
    """Places the tagger did not tag, where the words around them say they are places and the
    gazetteer knows them (a large city after "in" or "near", any city before "-based", the city of
    a dateline in capitals: "BERGEN —") or the name ends with a word for a place ("on Harbour Street")."""
    found = []
    line_starts = {0, doc.text.find("\n") + 1}  # a dateline opens the text, or follows a standfirst
    i = 0
    while i < len(doc):
        words = _capitalised_run(doc, i, doc[i].idx in line_starts) if doc[i].text[:1].isupper() else None
        if not words:
            i += 1
            continue
        city = gazetteer.city(words.text)
        before = doc[words.start - 1].lower_ if words.start > 0 else ""
        after = doc[words.end : words.end + 2].text
        dateline = (
            words.start_char in line_starts and words.text.isupper() and DATELINE_DASH.match(doc.text, words.end_char)
        )
        # "on Harbour Street", "near Gull Point": a place by its name's last word
        by_name = len(words) > 1 and words[-1].lower_ in PLACE_NAME_ENDINGS and before in LOCATIVE_WORDS | {"on"}
        if by_name or (
            city is not None
            and (
                before in PLACE_ONLY_WORDS and city.population >= LARGE_CITY_POPULATION or after == "-based" or dateline
            )
        ):
            resolved = Resolved(words.text, "place", city.country_code if city else None, fixed=True)
            found.append(Occurrence(resolved, words.text, words.start_char, words.end_char, False))
        i = words.end
    return found


def _capitalised_run(doc: Doc, start: int, line_start: bool) -> Span | None:
    """The untagged capitalised words from `start`, one to three, if no capitalised word follows."""
    end = start
    while (
        end < len(doc) and end - start < LONGEST_PLACE and _untagged_capitalised(doc[end], line_start and end == start)
    ):
        end += 1
    if end == start or end < len(doc) and _untagged_capitalised(doc[end], False):
        return None
    return doc[start:end]


def _untagged_capitalised(token: Token, line_start: bool) -> bool:
    """A capitalised word not tagged, and not capitalised only for starting a sentence (a line's
    first word may be a dateline's)."""
    return (
        token.is_alpha and token.text[:1].isupper() and not token.ent_type_ and (line_start or not token.is_sent_start)
    )


def listed_organisations(doc: Doc, spans: list[Span]) -> list[Occurrence]:
    """The names of a list of organisations the tagger missed ("orders from Acme, Brell Systems,
    Corvo and Dunmore Mills" where it tagged two of them): where at least two of three or more
    names listed together are tagged organisations, the untagged ones are organisations too."""
    found = []
    tagged = [(s.start_char, s.end_char, s.label_) for s in spans]
    for sentence in doc.sents:
        for listing in NAME_LIST.finditer(sentence.text):
            offset = sentence.start_char + listing.start()
            items = [(offset + m.start(), offset + m.end()) for m in LIST_ITEM.finditer(listing.group())]
            labels = [next((label for a, b, label in tagged if a < end and start < b), None) for start, end in items]
            if len(items) < 3 or labels.count("ORG") < max(2, len(items) / 2):
                continue
            for (start, end), label in zip(items, labels):
                # Not a sentence's capitalised first word ("Enter Lugg, ..."), nor a letter ("the G, H and J keys").
                if label is None and start > sentence.start_char and end - start > 1:
                    name = doc.text[start:end]
                    found.append(Occurrence(Resolved(name, "organisation"), name, start, end, False))
    return found
