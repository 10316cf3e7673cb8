"""Who, where and when around one trigger, from the dependency parse of its sentence.

- actor1, who did it: the verb's subject (a passive's agent; for an "-ing" participle with none,
  the clause's), or the subject of the verb that licenses a noun ("Police held talks"), or the
  noun's possessor, compound or "by" phrase;
- actor2, to or with whom: the verb's object (a passive's subject), the subject of an undergo verb
  ("Hale faces charges"), or an "against", "on", "with", "between" phrase;
- the location: a place in an "in", "at", "near" phrase of the trigger or its verb, else of
  the sentence's main verb; a proper noun there is a place even if NER missed it;
- the date: a date expression tied to the trigger (a noun's own first), its verb or the sentence's main clause
  (dates.py resolves it in the clause's tense; "two days later", "that night" count from the
  sentence's earlier date or the story's), else the nearest one of a clause that holds the trigger;
  else, for a clause told in the past, the story's date context (timeline.py); else the
  publication date, precision `reported` (a length of time, "for years", is no date of its own).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from spacy.tokens import Doc, Span, Token

from winnow.transforms.enrich.actors import Actor, ActorResolver
from winnow.transforms.enrich.dates import UNKNOWN, ResolvedDate, is_duration, is_same_day, needs_anchor, resolve_date
from winnow.transforms.enrich.entities import Occurrence, Resolved, resolved_id
from winnow.transforms.enrich.factuality import Licence, future_clause, simple_past
from winnow.transforms.enrich.geo import Gazetteer
from winnow.transforms.enrich.timeline import DateContext

LOCATIVE_PREPOSITIONS = {"in", "at", "near", "outside", "inside", "around", "across", "on", "along", "off"}
TARGET_PREPOSITIONS = {"against", "on", "with", "to", "at", "between", "toward", "towards", "from", "for"}
NOUN_ACTOR_DEPS = ("poss", "compound", "nmod", "amod")
SPEAKERS_OF = {"testimony", "statement", "announcement", "declaration"}  # "the testimony of two pilots": who spoke
PRENOMINAL_DEPS = {"compound", "nmod", "poss", "amod", "npadvmod"}
TIME_SHARING_PREPOSITIONS = {"in", "at", "during", "on", "via", "through"}
SUBJECTS, OBJECTS = {"nsubj", "csubj"}, {"dobj", "dative", "oprd"}
CLAUSES = {"relcl", "acl", "advcl", "ccomp", "xcomp", "csubj", "pcomp", "conj"}
# A date expression with none of these ("at the time", "then") points back to the story's date.
CALENDAR_WORDS = re.compile(
    r"\d|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|day|week|month|year|night|morning", re.I
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
    ) -> None:
        self.parsed = parsed
        self.offset = offset
        self.gazetteer = gazetteer
        self.extra = extra
        self.resolver = ActorResolver(occurrences, gazetteer, offset, extra, located)

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
        for scope in [t for a in anchors for t in a.subtree], [c for c in root.children]:
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
        return None

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
        """The trigger's own date; else, told in the past, the paragraph's; else `reported`."""
        own, expressed = self._own_date(head, trigger, published, context)
        if own.value is not None or published is None or expressed:
            return own  # a date of its own that cannot be resolved ("the 14th century") is not `reported`
        verb = _clause_verb(head)
        if context.frame.value is not None and simple_past(verb):
            return context.frame
        return ResolvedDate(published, "reported")

    def _own_date(
        self, head: Token, trigger: Span, published: date | None, context: DateContext
    ) -> tuple[ResolvedDate, bool]:
        """The date tied to the trigger, resolved, and whether the text gave it one at all."""
        dates = [
            e
            for e in self.parsed.ents
            if e.label_ == "DATE"
            or e.label_ == "TIME"
            and any(w in e.text.lower() for w in ("night", "morning", "afternoon", "evening"))
        ]
        dates = [d for d in dates if not _dates_another_noun(d.root, trigger)]
        if not dates or published is None:
            return UNKNOWN, False
        near = [d for d in dates if _governed_by(d.root, head)]
        governor = head
        while not near and governor.head != governor and governor.pos_ != "VERB":
            governor = governor.head  # a noun's date is its own, or its governing verb's ("onset ... on Sept. 12")
            near = [
                d
                for d in dates
                if d.root.head == governor or d.root.head.dep_ == "prep" and d.root.head.head == governor
            ]
        if not near:  # the main clause's date ("elected on Tuesday, defeating ...")
            root = head.sent.root
            near = [d for d in dates if d.root.head == root or d.root.head.dep_ == "prep" and d.root.head.head == root]
        if not near:  # a date set off at the end, as in captions ("... eastern Aleppo, Sept. 21, 2016.")
            end = head.sent.end - 1 if head.sent[-1].is_punct else head.sent.end
            near = [d for d in dates if d.end == end and d.start > 0 and self.parsed[d.start - 1].text == ","]
        tense = "future" if future_clause(_clause_verb(head)) else "past"
        own_phrase = set(trigger.root.subtree)
        resolved = [
            resolve_date(d.text, published, tense, self._anchor(d, published, context))
            for d in sorted(near, key=lambda d: (d.root not in own_phrase, abs(d.start - trigger.start)))
        ]  # a noun's own date first: "announced Wednesday an order placed on Monday"
        found = next((r for r in resolved if r.value is not None), UNKNOWN)
        if (
            found.value is None
        ):  # the sentence's date nearest in the parse ("agreed a deal, officials announced Monday")
            resolved = [
                resolve_date(d.text, published, tense, self._anchor(d, published, context))
                for d in sorted(dates, key=lambda d: _distance(d.root, head))
                if d not in near and not _of_another_clause(d.root, head)
            ]
            found = next((r for r in resolved if r.value is not None and r.value <= published), UNKNOWN)
        return found, any(CALENDAR_WORDS.search(d.text) and not is_duration(d.text) for d in near)

    def _anchor(self, expression: Span, published: date, context: DateContext) -> ResolvedDate | None:
        """What "two months later" or "that night" counts from: the sentence's last date before it,
        else the date context; "that day" with no day in the context, the last day the story named."""
        if not needs_anchor(expression.text):
            return None
        earlier = [
            resolve_date(d.text, published)
            for d in self.parsed.ents
            if d.label_ == "DATE" and d.end <= expression.start
        ]
        if (told := next((r for r in reversed(earlier) if r.value is not None), None)) is not None:
            return told
        return context.last_day if context.frame.precision != "day" and is_same_day(expression.text) else context.frame


def _governed_by(token: Token, head: Token) -> bool:
    """Whether `head` governs `token` with no other clause between them: "dropped an inquiry
    into charges made in 2010" does not give "dropped" the year 2010."""
    while token != head:
        if token.head == token:
            return False
        token = token.head
        if token != head and (
            token.dep_ in CLAUSES and token.pos_ in ("VERB", "AUX") or token.dep_ in ("acl", "relcl")
        ):
            return False
    return True


def _dates_another_noun(token: Token, trigger: Span) -> bool:
    """Whether a date stands before a noun the trigger speaks about, as that noun's own: "testified
    about a January 12 meeting" or "apologised for Monday's vote" do not date the testimony or the
    apology. A noun the trigger happens in or at ("pleaded in a January 12 letter") shares its date, and
    so does the story's day told again ("the day's hearing")."""
    noun = token.head
    spoken_about = noun.dep_ == "pobj" and noun.head.lower_ not in TIME_SHARING_PREPOSITIONS and noun not in trigger
    before_it = token.dep_ in PRENOMINAL_DEPS and token.i < noun.i
    return spoken_about and before_it and not is_same_day(token.doc[token.left_edge.i : token.i + 1].text)


def _of_another_clause(token: Token, head: Token) -> bool:
    """Whether `token` stands in a clause of another happening that `head` is not in: a relative
    clause ("Hale, who lost in May, criticised ..."), a past participle's ("appealed against a fine
    imposed in 2015") or a coordinated clause with a subject of its own ("started a petition,
    and by Tuesday it had ..."); a date elsewhere in the sentence is one of the trigger's clause or
    its reporting ("agreed a deal, officials announced Monday")."""
    return any(
        head not in t.subtree
        and (
            t.dep_ == "relcl"
            or t.dep_ == "acl"
            and t.tag_ == "VBN"
            or t.dep_ == "conj"
            and t.pos_ in ("VERB", "AUX")
            and any(c.dep_ in SUBJECTS | {"nsubjpass"} for c in t.children)
        )
        for t in [token, *token.ancestors]
    )


def _distance(a: Token, b: Token) -> int:
    """The number of dependency arcs between two tokens of one sentence."""
    up_a, up_b = [a, *a.ancestors], [b, *b.ancestors]
    common = next((t for t in up_a if t in up_b), None)
    return up_a.index(common) + up_b.index(common) if common is not None else len(up_a) + len(up_b)


def _clause_verb(head: Token) -> Token:
    verb = head
    while verb.pos_ not in ("VERB", "AUX") and verb.head != verb:
        verb = verb.head
    return verb


def _verb_roles(verb: Token) -> tuple[list[Token], list[Token]]:
    """Doers and receivers of a verb: subject and object, or a passive's agent and subject."""
    children = list(verb.children)
    passive = any(c.dep_ in ("nsubjpass", "auxpass", "agent") for c in children)  # "having been annexed by X"
    agents = [g for c in children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
    subjects = [c for c in children if c.dep_ in SUBJECTS]
    clause = verb
    while not subjects and clause.dep_ in ("conj", "xcomp", "advcl") and clause.head != clause:
        controller = [c for c in clause.head.children if c.dep_ == "dobj"] if clause.dep_ == "xcomp" else []
        clause = clause.head  # "police came and arrested", "began to shell"
        subjects = controller or [c for c in clause.children if c.dep_ in SUBJECTS]  # "forced the mayor to resign"
    if verb.dep_ == "relcl" and all(s.tag_ in ("WP", "WDT") for s in subjects):
        subjects = [verb.head]  # "Hale, who lost the race": "who" is Hale
    if not subjects and verb.tag_ == "VBG" and verb.dep_ in ("acl", "pcomp"):
        subjects = _participle_subjects(verb)
    doers = agents if passive else subjects
    receivers = [c for c in children if (c.dep_ == "nsubjpass" if passive else c.dep_ in OBJECTS)]
    if passive and not receivers and verb.dep_ in ("acl", "relcl"):
        receivers = [verb.head]  # "the duties levied on March 3"
    elif passive and not receivers and verb.dep_ in ("pcomp", "advcl"):
        # "they returned home after being deported": the subject of the clause it hangs on underwent it
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
    doers += [
        g for c in noun.children if c.dep_ in ("prep", "agent") and c.lower_ in ("by", "from") for g in c.children
    ]  # "a veto threat from the mayor"
    if noun.lower_ in SPEAKERS_OF:
        doers += [g for c in noun.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children]
    between = [
        g for c in noun.children if c.dep_ == "prep" and c.lower_ == "between" for g in c.children if g.dep_ == "pobj"
    ]
    receivers = [t for t in _targets(noun) if t not in between and t.head.lower_ != "from"]
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
