"""From NER spans to canonical entities and their mentions in one article.

The tagger's spans are repaired first (surfaces.py: cut, glued or listed names), and the words
around them add names (context_names.py: "the Kenyan government", "in Kyiv" untagged).
Each span is cleaned ("The Defense Ministry's" -> "Defense Ministry"), then resolved, strongest
evidence first: the alias table; a country by name, code or demonym ("U.S.", "Russian"), or
a pair of them ("U.S.-Russia"); a capital used for its government ("Washington blamed");
a place the gazetteer knows or the context shows ("in al-Mashhad neighborhood"), whatever the
tagger said; an acronym the article defines; then the tagger's own label. Within the article,
a surname alone joins the full name ("Kerry" -> "John Kerry"), and a name tagged two ways takes
its most frequent type.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from spacy.tokens import Doc, Span

from winnow.schemas.config import EntityAlias
from winnow.schemas.records import Entity, Mention
from winnow.transforms.enrich.context_names import listed_organisations, untagged_places, with_next_word
from winnow.transforms.enrich.geo import LARGE_CITY_POPULATION, NORP_CITY_POPULATION, Gazetteer
from winnow.transforms.enrich.names import name_key
from winnow.transforms.enrich.occurrences import ACRONYM, Occurrence, Resolved, resolved_id
from winnow.transforms.enrich.pipeline import CASED_ALIAS_MAX_LENGTH
from winnow.transforms.enrich.surfaces import (
    HONORIFICS,
    clean_surface,
    possessive_parts,
    repaired_spans,
    title_words,
    with_capital_the,
    words_before,
)
from winnow.transforms.enrich.surroundings import (
    PLACE_NAME_ENDINGS,
    PLACE_ONLY_WORDS,
    after_locative_word,
    before_place_noun,
    in_group_apposition,
    names_a_company,
    names_an_organisation,
    names_the_place_after,
)

LABEL_TYPES = {"PERSON": "person", "ORG": "organisation", "GPE": "place", "LOC": "place", "FAC": "place"}
OTHER_LABELS = {"PER": "PERSON"}  # the label other languages' pipelines give people (French: PER, LOC, ORG, MISC)
NAME_PARTICLE = re.compile(r"^(?:al|el|ad|an|ar|as|ash|at|az|bin|ibn|abu)-", re.I)
ROLE_SUFFIX = re.compile(r"-(?:led|backed|based|supported|owned|run|brokered)$", re.I)
# Words that make a name an organisation's or a place's, never a person's.
INSTITUTION_WORDS = frozenset(
    """
    council ministry union trust company holdings group party hall university college school
    hospital bank club committee court department office agency association authority board service
    services centre center inc ltd corp line lines army force state times news port terminal bridge
    street road station theater theatre cafe
""".split()
)
# Last words of companies' names, which the tagger takes for people ("Harlow Productions").
COMPANY_ENDINGS = frozenset(
    """
    systems productions technologies industries enterprises partners media networks labs
    laboratories pharmaceuticals motors airlines airways ventures solutions communications
    entertainment studios records brands
""".split()
)
TITLE_WEIGHT, LEAD_WEIGHT = 3.0, 2.0
NOT_NAME_ENDINGS = {"act", "bill", "average", "index"}  # laws and market indices, which the tagger calls organisations


class AliasTable:
    """The alias table as look-ups: exact for short forms ("WHO"), by name key for the rest."""

    def __init__(self, aliases: tuple[EntityAlias, ...]) -> None:
        self.cased: dict[str, Resolved] = {}
        self.keyed: dict[str, Resolved] = {}
        for alias in aliases:
            resolved = Resolved(alias.name, alias.type, alias.country, fixed=True)
            for form in (alias.name, *alias.aliases):
                if len(form) <= CASED_ALIAS_MAX_LENGTH:
                    self.cased[form] = resolved
                else:
                    self.keyed[name_key(form)] = resolved

    def get(self, surface: str) -> Resolved | None:
        return self.cased.get(surface) or self.keyed.get(name_key(surface))


class EntityResolver:
    """Resolves the NER spans of one article's title and text into entities and mentions."""

    def __init__(self, gazetteer: Gazetteer, aliases: AliasTable) -> None:
        self.gazetteer = gazetteer
        self.aliases = aliases

    def occurrences(self, doc: Doc, in_title: bool, acronyms: dict[str, str]) -> list[Occurrence]:
        """Every name in `doc` (the title or the text), resolved; call `merge` on the article's."""
        found = []
        spans = repaired_spans(doc)
        spans_named = {name_key(clean_surface(s.text)) for s in spans}  # "Acme's Widget", not "People's Daily"
        for span in spans:
            if span.label_ == "DATE":
                continue
            # A name after a title ("Ms Varga said") is a name, even where a sentence starts.
            first = span.start == span.sent.start and not HONORIFICS.match(span.text)
            for surface, start in self._names_in(span, spans_named):
                for resolved in self.resolve(span, surface, acronyms):
                    titles = title_words(surface, span.text, words_before(span)) if resolved.type == "person" else ()
                    for named, written in with_next_word(resolved, surface, span, self.gazetteer):
                        end = start + len(written)
                        found.append(Occurrence(named, written, start, end, in_title, first, titles))
        return found + ([] if in_title else untagged_places(doc, self.gazetteer) + listed_organisations(doc, spans))

    def _names_in(self, span: Span, named: set[str]) -> list[tuple[str, int]]:
        """The names a span holds, with their offsets: one, or a possessor and what it holds
        ("Punjab's Bhatinda", "Acme's Widget Pro" where the text names Acme alone too, "Tufts
        University's Fein Center"), unless the whole is an organisation's name ("People's Daily",
        "Kelmouth Magistrate's Court")."""
        surface = with_capital_the(span, clean_surface(span.text))
        if not surface:
            return []
        owner = span.doc[span.start - 2 : span.start] if span.start > 1 else None
        if surface.islower() and span.label_ == "ORG" and owner and owner[1].lower_ in ("'s", "’s"):
            if self.gazetteer.country(owner[0].text):  # "China's commerce ministry": a country's body
                return [(f"{owner.text} {surface}", owner.start_char)]
        start = span.start_char + max(span.text.find(surface), 0)
        if surface.startswith("The ") and not span.text.startswith("The "):  # "The" from before the span
            start = span.start_char - len("The ")
        parts = possessive_parts(surface)
        possessor = parts[0].strip() if parts else ""
        if not possessor:
            return [(surface, start)]
        complete = possessor.split()[-1].lower() in INSTITUTION_WORDS  # "Tufts University's Fein Center"
        if span.label_ == "ORG" and not (self.gazetteer.country(possessor) or name_key(possessor) in named or complete):
            return [(surface, start)]
        owned = clean_surface(parts[1])
        return [(possessor, start)] + ([(owned, start + surface.rfind(owned))] if owned else [])

    def resolve(self, span: Span, surface: str, acronyms: dict[str, str]) -> list[Resolved]:
        """What a span stands for: none, one or (a pair of countries) several entities."""
        alias = self.aliases.get(surface) or (self.aliases.get(span.ent_id_) if span.ent_id_ else None)
        if alias:
            return [alias]
        country = self.gazetteer.country(surface)
        if country:
            return [Resolved(country.name, "place", country.code, fixed=True)]
        parts = [self.gazetteer.country(ROLE_SUFFIX.sub("", p)) for p in surface.split("-")]
        if len(parts) > 1 and all(parts):
            return [Resolved(c.name, "place", c.code, fixed=True) for c in parts]
        inner, _, outer = surface.partition(" in ")
        if outer and inner[:1].isupper() and outer[:1].isupper():  # "Union Hall in Eastgate": two places
            return [Resolved(inner, "place", fixed=True), Resolved(outer, "place", fixed=True)]
        label = OTHER_LABELS.get(span.label_, span.label_)
        if label == "NORP" or self.gazetteer.country_of_demonym(surface):
            country = self.gazetteer.country_of_demonym(surface)
            if country:  # "Russian": Russia, as an adjective (see `merge`)
                return [Resolved(country.name, "place", country.code, fixed=True, adjective=True)]
        locative = after_locative_word(span)
        if label == "GPE" and not locative:
            capital_of = self.gazetteer.country_of_capital(surface)
            if capital_of:
                return [Resolved(capital_of.name, "place", capital_of.code, fixed=True)]
        city = self.gazetteer.city(surface)
        # The bigger the city, the stronger the evidence against the tagger; a NORP tag needs the most.
        needed = (
            0
            if LABEL_TYPES.get(label) == "place"
            else NORP_CITY_POPULATION
            if label == "NORP"
            else LARGE_CITY_POPULATION
        )
        if city and city.population >= needed:
            return [Resolved(surface, "place", city.country_code, fixed=True)]
        if not any(c.isupper() for c in surface):
            return []  # "district council": a description, not a name
        if surface in acronyms:  # stands for its long form, if that is an entity (see `merge`)
            return [self.aliases.get(acronyms[surface]) or Resolved(acronyms[surface], ACRONYM)]
        if label in ("PERSON", "ORG", "GPE", "LOC", "FAC") and (
            names_the_place_after(span, PLACE_ONLY_WORDS) or surface.split()[-1].lower() in PLACE_NAME_ENDINGS
        ):
            return [Resolved(surface, "place", city.country_code if city else None, fixed=True)]
        if label == "PERSON":  # after a place word proper, a place already (above)
            if before_place_noun(span):
                return [Resolved(surface, "place")]
            if in_group_apposition(span):
                return [Resolved(surface, "organisation")]
            if names_an_organisation(span) or surface.split()[-1].lower() in COMPANY_ENDINGS:
                return [Resolved(surface, "organisation", fixed=True)]
            if _looks_like_acronym(surface):
                return []
        entity_type = LABEL_TYPES.get(label)
        if entity_type == "place" and (names_a_company(span) or names_an_organisation(span)):
            return [Resolved(surface, "organisation", fixed=True)]
        if entity_type == "place":
            return [Resolved(surface, "place", city.country_code if city else None)]
        return [Resolved(surface, entity_type)] if entity_type else []


def merge(occurrences: list[Occurrence]) -> list[Occurrence]:
    """Within one article: a name resolved on strong evidence (alias, gazetteer, "in Brackenford")
    gives its type to its other mentions; otherwise a name tagged two ways takes its most frequent
    type, and one tagged about as often a person as a place is an organisation (a club or a firm
    named after its town: a person's name is only now and then taken for a place the gazetteer
    does not know). A surname alone joins the one full name ending with it, a defined acronym joins its long
    form if the article names that as an entity (else it is dropped: "CoH" is an agreement, not a
    person), and a single word seen only at the start of sentences ("Turnout was ...") is dropped."""
    strong = {name_key(o.resolved.name): o.resolved for o in occurrences if o.resolved.fixed}
    votes: dict[str, Counter] = defaultdict(Counter)
    for o in occurrences:
        if not o.resolved.fixed and o.resolved.type != ACRONYM:
            votes[name_key(o.resolved.name)][o.resolved.type] += 1
    for o in occurrences:
        r, key = o.resolved, name_key(o.resolved.name)
        if r.type == ACRONYM or r.fixed:
            continue
        if key in strong:
            o.resolved = strong[key]
        elif _person_and_place(votes[key]):
            o.resolved = Resolved(r.name, "organisation", None)
        elif votes[key].most_common(1)[0][0] != r.type:
            o.resolved = Resolved(r.name, votes[key].most_common(1)[0][0], r.country)
    _people_by_surname(occurrences)
    by_key = {name_key(o.resolved.name): o.resolved for o in occurrences if o.resolved.type != ACRONYM}
    full_names: dict[str, set[str]] = defaultdict(set)
    for r in by_key.values():
        if r.type == "person" and len(r.name.split()) > 1:
            surname = r.name.split()[-1]
            for form in {surname, NAME_PARTICLE.sub("", surname)}:  # "al-Assad" is also "Assad"
                full_names[name_key(form)].add(name_key(r.name))
    merged = []
    for o in occurrences:
        key = name_key(o.resolved.name)
        if o.resolved.type == ACRONYM:
            if key not in by_key:
                continue
            o.resolved = by_key[key]
        elif o.resolved.type == "person" and len(full_names.get(key, ())) == 1:
            o.resolved = by_key[next(iter(full_names[key]))]
        merged.append(o)
    mid_sentence = {name_key(o.resolved.name) for o in merged if not o.sentence_start or o.in_title}
    merged = [
        o for o in merged if o.resolved.fixed or " " in o.resolved.name or name_key(o.resolved.name) in mid_sentence
    ]
    named = {name_key(o.resolved.name) for o in merged if not o.resolved.adjective}
    longer_names = [key.split() for key in {name_key(o.resolved.name) for o in merged}]
    found = []
    for o in merged:
        if name_key(o.resolved.name) not in named:
            continue
        if _fragment(o.resolved, longer_names):
            owner = _short_form_of(o.resolved, merged)
            if owner is None:
                continue
            o.resolved = owner
        found.append(o)
    return found


def _person_and_place(votes: Counter) -> bool:
    """Whether a name's mentions are tagged people and places alike, neither twice the other."""
    people, places = votes["person"], votes["place"]
    return people > 0 and places > 0 and 2 * min(people, places) >= max(people, places)


def _short_form_of(resolved: Resolved, occurrences: list[Occurrence]) -> Resolved | None:
    """The one organisation of the article whose name starts with this name's words, a name no
    person's ends with: a company named after a region ("Kelmouth" after "Kelmouth Airways", in
    an article that also names "North Kelmouth") is the company's short form, not a piece cut off
    the longer place ("Hale" of "Ada Hale" stays hers, even beside "Hale Group")."""
    words = name_key(resolved.name).split()
    keys = {name_key(o.resolved.name): o.resolved for o in occurrences}
    if resolved.type == "person" or any(
        r.type == "person" and k.split()[-len(words) :] == words for k, r in keys.items()
    ):
        return None
    owners = [
        r
        for k, r in keys.items()
        if r.type == "organisation" and k.split()[: len(words)] == words and len(k.split()) > len(words)
    ]
    return owners[0] if len(owners) == 1 else None


def names_only(occurrences: list[Occurrence], text: str) -> list[Occurrence]:
    """Drops what the tagger took for a name: a one-word name the article also writes in lower case
    ("Frost closed the road", "frost damage"), a family ("the Bergs" of Ann Berg), a law, an index or
    an ideology ("the Harbour Protection Act", "the Kelmouth Composite Index", "Syndicalism"); a
    common word before a surname at a sentence's start ("Questioning Brisk's account")."""
    lower = set(re.findall(r"(?<![\w.-])[a-z][a-z]+(?![\w-])", text))
    _without_word_before_surname(occurrences, lower)
    surnames = {
        name_key(o.resolved.name.split()[-1])
        for o in occurrences
        if o.resolved.type == "person" and " " in o.resolved.name
    }
    return [
        o
        for o in occurrences
        if o.resolved.fixed
        or not (
            " " not in o.resolved.name
            and (o.resolved.name.lower() in lower or name_key(o.resolved.name[:-1]) in surnames)
            or o.resolved.name.split()[-1].lower() in NOT_NAME_ENDINGS
            or o.resolved.name.endswith("ism")
        )
    ]


def _fragment(resolved: Resolved, names: list[list[str]]) -> bool:
    """A piece of a longer name of the article that the tagger cut off: its tail ("Rhein" of "Weil
    am Rhein", "Fisheries Protection" of "Marine and Fisheries Protection"), or a first name alone
    ("Harold" of "Harold Brisk"); `names` are the article's names' keys, split in words."""
    if resolved.fixed:
        return False
    words = name_key(resolved.name).split()
    for longer in names:
        for start in range(len(longer) - len(words) + 1):
            if (
                longer[start : start + len(words)] == words
                and len(longer) > len(words)
                and (start > 0 or resolved.type == "person" and len(words) == 1)
            ):
                return True
    return False


def _people_by_surname(occurrences: list[Occurrence]) -> None:
    """A two- or three-word name the article also uses by its last word alone ("Helena Ruiz-Farrow",
    then "Ruiz-Farrow said") is a person's, whatever the tagger said, unless a word in it names an
    institution ("Northgate City Council") or is an acronym ("AFC Kelmouth")."""
    alone = {name_key(o.resolved.name) for o in occurrences if len(o.resolved.name.split()) == 1}
    people = set()
    for o in occurrences:
        words = o.resolved.name.split()
        if (
            not o.resolved.fixed
            and o.resolved.type == "organisation"
            and 2 <= len(words) <= 3
            and name_key(words[-1]) in alone
            and all(w[0].isupper() for w in words)
            and not any(w.lower() in INSTITUTION_WORDS or len(w) > 1 and w.isupper() for w in words)
        ):
            people |= {name_key(o.resolved.name), name_key(words[-1])}
    for o in occurrences:
        if name_key(o.resolved.name) in people and not o.resolved.fixed:
            o.resolved = Resolved(o.resolved.name, "person", None)


def _without_word_before_surname(occurrences: list[Occurrence], lower: set[str]) -> None:
    """A two-word "name" seen only where sentences start ("Questioning Brisk's account", a
    heading), whose first word is a gerund or a word the text also writes in lower case and whose
    last word is the surname of one person named in full within a sentence, is that person."""
    people = {o.resolved.name: o.resolved for o in occurrences if o.resolved.type == "person"}
    mid_sentence = {o.resolved.name for o in occurrences if not o.sentence_start or o.in_title}
    for o in occurrences:
        words = o.resolved.name.split()
        if o.resolved.type != "person" or len(words) != 2 or o.resolved.name in mid_sentence or o.resolved.fixed:
            continue
        full = [
            r
            for name, r in people.items()
            if name in mid_sentence and name.split()[1:] and name.split()[-1] == words[-1]
        ]
        if len(full) == 1 and (words[0].lower() in lower or words[0].endswith("ing")):
            o.resolved = full[0]


def entities_and_mentions(
    article_id: str, occurrences: list[Occurrence], lead_end: int
) -> tuple[list[Entity], list[Mention]]:
    """The article's entities and its mentions of them."""
    groups: dict[str, list[Occurrence]] = defaultdict(list)
    for o in occurrences:
        groups[resolved_id(o.resolved)].append(o)
    weights = {
        eid: sum(TITLE_WEIGHT if o.in_title else LEAD_WEIGHT if o.start < lead_end else 1.0 for o in group)
        for eid, group in groups.items()
    }
    total = sum(weights.values()) or 1.0
    entities, mentions = [], []
    for eid, group in groups.items():
        resolved = group[0].resolved
        surfaces = tuple(dict.fromkeys(o.surface for o in group))
        strong = any(o.resolved.fixed for o in group)
        entities.append(Entity(eid, resolved.name, resolved.type, resolved.country, surfaces, strong))
        offsets = [o.start for o in group if not o.in_title]
        mentions.append(
            Mention(
                article_id, eid, surfaces, len(group), min(offsets) if offsets else None, round(weights[eid] / total, 4)
            )
        )
    return entities, mentions


def _looks_like_acronym(surface: str) -> bool:
    return " " not in surface and sum(c.isupper() for c in surface) >= 2 and len(surface) <= 6
