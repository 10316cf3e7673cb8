"""Who, where and when around one trigger, from the dependency parse of its sentence.

- actor1, who did it: the verb's subject (the name set off just before a verb the parse left with
  none; a passive's agent; for an "-ing" participle with none,
  the clause's; for what a dated decision was to do, the decision's owner), or the subject of the verb that licenses a noun ("Police held talks"), or the
  noun's possessor, compound or "by" phrase;
- actor2, to or with whom: the verb's object (a passive's subject), the subject of an undergo verb
  ("Hale faces charges"), or an "against", "on", "with", "between" phrase;
- the location: a place in an "in", "at", "near" phrase of the trigger or its verb, else (for a
  noun) of the verb whose phrase holds it ("stayed in Leeds despite months of protests"), else of
  the sentence's main verb; a proper noun there is a place even if NER missed it; for an event
  with no one named, the place the main clause's acting body is of ("the Leeds transport authority");
- the date: event_dates.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from spacy.tokens import Doc, Span, Token

from winnow.transforms.enrich.actors import Actor, ActorResolver
from winnow.transforms.enrich.dates import ResolvedDate
from winnow.transforms.enrich.entities import Occurrence, Resolved, resolved_id
from winnow.transforms.enrich.event_dates import EventDates
from winnow.transforms.enrich.factuality import Licence, dated_decision
from winnow.transforms.enrich.geo import Gazetteer
from winnow.transforms.enrich.timeline import DateContext

LOCATIVE_PREPOSITIONS = {"in", "at", "near", "outside", "inside", "around", "across", "on", "along", "off"}
TARGET_PREPOSITIONS = {"against", "on", "with", "to", "at", "between", "toward", "towards", "from", "for"}
NOUN_ACTOR_DEPS = ("poss", "compound", "nmod", "amod")
# Drawn from buyers: each buyer's bid is the deal offered (events.yaml, attract).
BIDS = frozenset("bid bids offer offers".split())
SPEAKERS_OF = {"testimony", "statement", "announcement", "declaration"}  # "the testimony of two pilots": who spoke
SUBJECTS, OBJECTS = {"nsubj", "csubj"}, {"dobj", "dative", "oprd"}
APPOSITIVE_LENGTH = 6  # words between the commas of "Talvik, its biggest shareholder, provided"
# Nouns of what is done to someone: their owner underwent it ("his arrest", "the mayor's eviction"),
# unless an "of" phrase names who did ("the army's detention of reporters").
UNDERGONE = frozenset(
    "arrest arrests detention conviction eviction expulsion extradition deportation indictment sentencing trial".split()
)


@dataclass(frozen=True, slots=True)
class Participants:
    actor1: Actor | None
    actor2: Actor | None
    location: str | None  # entity_id of a place


class Arguments:
    """Looks up who, where and when around the triggers of one parsed sentence."""

    def __init__(
        self,
        parsed: Doc,
        offset: int,
        occurrences: list[Occurrence],
        gazetteer: Gazetteer,
        extra: list[Occurrence],
        located: frozenset[str] | None = None,
        genders: dict[str, str] | None = None,
        text: str = "",
    ) -> None:
        self.parsed = parsed
        self.offset = offset
        self.gazetteer = gazetteer
        self.extra = extra
        self.resolver = ActorResolver(occurrences, gazetteer, offset, extra, located, genders, text)
        self.dates = EventDates(parsed)

    def participants(self, trigger: Token, pos: str, licence: Licence | None) -> Participants:
        if pos == "verb":
            doers, receivers = _verb_roles(trigger)
        else:
            doers, receivers = _noun_roles(trigger, licence)
        actor1 = self._first(doers)
        actor2 = self._first([r for r in receivers], exclude=actor1)
        if pos == "noun" and actor1 is not None and actor2 is None:  # "the U.S.-Russia agreement": one with the other
            actor2 = next((a for d in doers for a in self.resolver.all_actors(d) if a.name != actor1.name), None)
        anchors = [trigger] + ([licence.verb] if licence and licence.verb is not None else [])
        return Participants(actor1, actor2, self.location(anchors, {a.entity for a in (actor1, actor2) if a}))

    def _first(self, heads: list[Token], exclude: Actor | None = None) -> Actor | None:
        for head in heads:
            for token in [head] + [c for c in head.children if c.dep_ == "conj"]:
                actor = self.resolver.actor(token)
                if actor is not None and (exclude is None or actor.name != exclude.name):
                    return actor
        return None

    def location(self, anchors: list[Token], actors: set[str | None]) -> str | None:
        """A place in a locative phrase of the trigger or its verb, else of the main clause."""
        root = anchors[0].sent.root if anchors[0].sent is not None else anchors[0]
        # a noun told inside a verb's phrase ("floated in Leeds despite months of protests"): that verb's place
        noun = anchors[0].pos_ in ("NOUN", "PROPN")
        verb = next((t for t in anchors[-1].ancestors if t.pos_ in ("VERB", "AUX")), root) if noun else root
        for scope in [t for a in anchors for t in a.subtree], [c for c in verb.children], [c for c in root.children]:
            named = [
                c for a in anchors for c in a.children if c.dep_ in ("compound", "nmod") and a.pos_ in ("NOUN", "PROPN")
            ]
            places = [o for o in self.resolver.places_in(named) if resolved_id(o.resolved) not in actors]
            if places:
                return resolved_id(places[0].resolved)  # "the Geneva agreement"
            for prep in [t for t in scope if t.dep_ == "prep" and t.lower_ in LOCATIVE_PREPOSITIONS]:
                for pobj in (c for c in prep.children if c.dep_ == "pobj"):
                    places = [
                        o for o in self.resolver.places_in(list(pobj.subtree)) if resolved_id(o.resolved) not in actors
                    ]
                    if places:
                        return resolved_id(places[0].resolved)
                    if pobj.tag_ == "NNP" and not pobj.ent_type_ and prep.lower_ != "on":
                        return self._new_place(pobj)
        if actors == set():  # no one named: the place the main clause's acting body is of ("Kelmouth health board")
            bodies = [g for c in root.children if c.dep_ in ("nsubj", "nsubjpass") for g in c.children]
            places = self.resolver.places_in([g for g in bodies if g.dep_ == "compound"])
            return resolved_id(places[0].resolved) if places else None
        return None

    def bidders(self, trigger: Token) -> list[tuple[Actor, int]]:
        """The buyers named in a "from" phrase of bids or offers a seller drew ("attracted bids for
        jets from Nordair, Talvik and a third buyer"), with the offset of each in the article's text.
        A buyer whose name the tagger took for a town's (an airline named after its home city) still bid."""
        offers = [c for c in trigger.children if c.dep_ == "dobj" and c.lower_ in BIDS]
        froms = [t for o in offers for t in o.subtree if t.dep_ == "prep" and t.lower_ == "from"]
        froms += [c for c in trigger.children if c.dep_ == "prep" and c.lower_ == "from"] if offers else []
        return [
            (actor, self.offset + c.idx)
            for prep in froms
            for pobj in prep.children
            if pobj.dep_ == "pobj"
            for c in [pobj, *pobj.conjuncts]
            for actor in [self.resolver.actor(c, actors_only=False)]
            if actor is not None and actor.entity is not None
        ]

    def coordinated_places(self, anchors: list[Token], location: str) -> list[tuple[str, int]]:
        """The places coordinated with the event's ("protests in Leeds, York and Hull"), with the
        offset of each in the article's text."""
        for prep in (t for a in anchors for t in a.subtree if t.dep_ == "prep" and t.lower_ in LOCATIVE_PREPOSITIONS):
            for pobj in (c for c in prep.children if c.dep_ == "pobj"):
                if [resolved_id(o.resolved) for o in self.resolver.places_in([pobj])] == [location]:
                    return [
                        (resolved_id(o.resolved), self.offset + c.idx)
                        for c in pobj.conjuncts
                        for o in self.resolver.places_in([c])
                    ]
        return []

    def _new_place(self, pobj: Token) -> str:
        """A proper noun after "in", "at" or "near" that NER missed: a place."""
        tokens = [t for t in pobj.subtree if t.tag_ in ("NNP", "NNPS", "HYPH", "NN", "NNS") and t.i <= pobj.i]
        first = min(t.i for t in tokens)
        words = self.parsed[first : pobj.i + 1]
        city = self.gazetteer.city(words.text)
        resolved = Resolved(words.text, "place", city.country_code if city else None, fixed=True)
        start = self.offset + words.start_char
        self.extra.append(Occurrence(resolved, words.text, start, start + len(words.text), False))
        return resolved_id(resolved)

    def date(self, head: Token, trigger: Span, published: date | None, context: DateContext) -> ResolvedDate:
        """The trigger's own date; else, told in the past, the paragraph's; else `reported` (event_dates.py)."""
        return self.dates.date(head, trigger, published, context)


def _verb_roles(verb: Token) -> tuple[list[Token], list[Token]]:
    """Doers and receivers of a verb: subject and object, or a passive's agent and subject."""
    if (doer := _name_before_participle(verb)) is not None:
        return [doer], [verb.head] + _targets(verb)
    children = list(verb.children)
    passive = any(c.dep_ in ("nsubjpass", "auxpass", "agent") for c in children)  # "having been annexed by X"
    passive = passive or verb.dep_ == "acl" and verb.tag_ == "VBN"  # "steel imports taxed in May": taxed, not taxing
    passive = passive or (  # "were detained and deported": the second shares the first's "were"
        verb.dep_ == "conj"
        and verb.tag_ == "VBN"
        and not any(c.dep_ in ("aux", "nsubj") for c in children)
        and any(c.dep_ in ("auxpass", "nsubjpass") for c in verb.head.children)
    )
    agents = [g for c in children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
    subjects = [c for c in children if c.dep_ in SUBJECTS]
    if not subjects and not passive and (named := _name_set_before(verb)) is not None:
        subjects = [named]
    clause = verb
    while not subjects and clause.dep_ in ("conj", "xcomp", "advcl") and clause.head != clause:
        controller = (  # its object, or a passive's subject ("the utility was scheduled to start cutting")
            [c for c in clause.head.children if c.dep_ == "dobj" or c.dep_ == "nsubjpass"]
            if clause.dep_ == "xcomp"
            else []
        )
        clause = clause.head  # "police came and arrested", "began to shell"
        subjects = controller or [c for c in clause.children if c.dep_ in SUBJECTS]  # "forced the mayor to resign"
        if not subjects and (named := _name_set_before(clause)) is not None:
            subjects = [named]  # "..., Talvik, its owner, paid the debts and sacked the board", "began to sack"
    if verb.dep_ == "relcl" and all(s.tag_ in ("WP", "WDT") for s in subjects):
        subjects = [verb.head]  # "Hale, who lost the race": "who" is Hale
    if not subjects and verb.tag_ == "VBG" and verb.dep_ in ("acl", "pcomp"):
        subjects = _participle_subjects(verb)
    if not subjects and dated_decision(verb):  # "the bank's decision to lower rates in January": the bank's
        subjects = [c for c in verb.head.children if c.dep_ == "poss"]
    doers = agents if passive else subjects
    receivers = [c for c in children if (c.dep_ == "nsubjpass" if passive else c.dep_ in OBJECTS)]
    if passive and not receivers and verb.dep_ in ("acl", "relcl"):
        # "the duties levied on March 3"; "the duty on Mexican cement imposed in May": Mexico's cement
        receivers = [verb.head] + [
            g for p in verb.head.children if p.lower_ == "on" for g in p.children if g.dep_ == "pobj"
        ]
    elif passive and not receivers and verb.dep_ in ("pcomp", "advcl", "conj"):
        # "came home after being expelled", "confessed and was jailed": the subject it hangs on underwent it
        receivers = next(
            (
                subjects
                for t in verb.ancestors
                if t.pos_ in ("VERB", "AUX")
                for subjects in [[c for c in t.children if c.dep_ in SUBJECTS | {"nsubjpass"}]]
                if subjects
            ),
            [],
        )
    receivers += _targets(verb)
    return doers, receivers


def _name_set_before(verb: Token) -> Token | None:
    """ "When Hale left in May, Talvik, its biggest shareholder, provided a bailout": a finite verb
    the parse left with no subject has for subject the name just before it, or before the
    appositive set off by commas in between (the small model can hang that name on a date)."""
    if verb.tag_ not in ("VBD", "VBZ", "VBP"):
        return None
    doc, start = verb.doc, verb.sent.start
    i = verb.i - 1
    if i > start and doc[i].text == ",":
        k = i - 1
        while k > start and doc[k].text != "," and i - k <= APPOSITIVE_LENGTH and doc[k].pos_ not in ("VERB", "AUX"):
            k -= 1
        if doc[k].text != "," or k - 1 < start:
            return None
        i = k - 1
    name = doc[i] if i >= start else None
    if name is None or name.pos_ != "PROPN" or not name.ent_type_ or name.dep_ in SUBJECTS | {"nsubjpass"}:
        return None
    return name


def _name_before_participle(verb: Token) -> Token | None:
    """ "Hale rebuked Ortiz as ...": the small model can read a past tense between two names as a
    participle modifying the second ("Hale" "rebuked" as of "Ortiz"); the name before it, in a phrase
    with no article or owner ("the Hale-funded Ortiz" has its hyphen), is who did it."""
    if verb.dep_ != "amod" or verb.tag_ not in ("VBD", "VBN") or verb.i == 0 or verb.head.pos_ != "PROPN":
        return None
    before = verb.doc[verb.i - 1]
    if before.pos_ != "PROPN" or before.head != verb.head or any(c.dep_ in ("det", "poss") for c in verb.head.children):
        return None
    return before


def _participle_subjects(participle: Token) -> list[Token]:
    """Who does an "-ing" participle: the noun it modifies ("protesters demanding reform"), unless
    that noun is only where the clause's verb happened ("posted on the forum accusing X", "spoke
    before lawmakers defending it"): then the subject of that verb."""
    noun = participle.head
    if participle.dep_ == "acl" and noun.dep_ != "pobj":
        return [noun]
    if participle.dep_ == "acl" and noun.head.lower_ not in LOCATIVE_PREPOSITIONS | {"before"}:
        return []  # "despite reports urging ...": the reports urge, and they are no one
    verb = next((t for t in participle.ancestors if t.pos_ in ("VERB", "AUX")), None)
    return [c for c in verb.children if c.dep_ in SUBJECTS] if verb is not None else []


def _noun_roles(noun: Token, licence: Licence | None) -> tuple[list[Token], list[Token]]:
    """Doers and receivers of a noun trigger: its possessor, compound or "by" phrase and its
    "against", "with" phrases, and the subject of the verb that licenses it."""
    doers = [c for c in noun.children if c.dep_ in NOUN_ACTOR_DEPS and c.i < noun.i]
    owners = []
    if noun.lower_ in UNDERGONE and not any(c.dep_ == "prep" and c.lower_ == "of" for c in noun.children):
        owners, doers = [c for c in doers if c.dep_ == "poss"], [c for c in doers if c.dep_ != "poss"]
    doers += [
        g for c in noun.children if c.dep_ in ("prep", "agent") and c.lower_ in ("by", "from") for g in c.children
    ]  # "a veto threat from the mayor"
    if noun.lower_ in SPEAKERS_OF:
        doers += [g for c in noun.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children]
    between = [
        g for c in noun.children if c.dep_ == "prep" and c.lower_ == "between" for g in c.children if g.dep_ == "pobj"
    ]
    receivers = owners + [t for t in _targets(noun) if t not in between and t.head.lower_ != "from"]
    for first in between:  # "talks between A and B"
        doers.append(first)
        receivers += [c for c in first.children if c.dep_ == "conj"]
    verb = licence.verb if licence else None
    if verb is not None and licence.relation == "undergo":
        receivers = [s for s in verb.children if s.dep_ in SUBJECTS] + receivers
    elif verb is not None and licence.relation in ("light", "phrase"):
        doers_of_verb, others = _verb_roles(verb)
        doers = doers_of_verb + doers
        receivers += [o for o in others if o != noun and o.dep_ in ("dative", "pobj")]  # "filed a lawsuit against X"
    return doers, receivers


def _targets(head: Token) -> list[Token]:
    return [
        g
        for c in head.children
        if c.dep_ == "prep" and c.lower_ in TARGET_PREPOSITIONS
        for g in c.children
        if g.dep_ == "pobj"
    ]
