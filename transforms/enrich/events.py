"""Events from trigger words and the dependency parse of the sentences that hold them.

A trigger from the taxonomy (events.yaml) marks a sentence; only those sentences are parsed.
The trigger must be the part of speech it is listed as ("strike" the noun is a protest, "struck"
the verb a fight), and must report something done: a verb not negated, not under a modal ("could
bomb"), not an intention ("decided to bomb"), not a condition ("if members reject it"); a noun not
a modifier ("rescue workers") nor the subject of a future ("a meeting will be held"); and nothing
dated after publication. Then, from the parse:
- actor1, who did it: the subject (the agent of a passive), or for a noun its possessor,
  compound ("U.S.-Russia agreement") or "by" phrase;
- actor2, to or with whom: the object (the subject of a passive), or "on", "against", "with" phrases;
- the location: a place in an "in", "at", "near" phrase; a proper noun there is a place
  even if NER missed it ("at Deir-iz-Zor");
- the date: a date expression in the trigger's phrase, or its governing verb's, or the main
  clause's, or one set beside a noun as in captions; resolved (dates.py) in the clause's tense.
The confidence adds up what was found; events below the configured minimum are left out.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources

import yaml
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from schemas.records import Event
from transforms.enrich.dates import UNKNOWN, ResolvedDate, resolve_date
from transforms.enrich.entities import ROLE_SUFFIX, Occurrence, Resolved, resolved_id
from transforms.enrich.geo import Gazetteer
from transforms.hashing import event_id

LOCATIVE_PREPOSITIONS = {"in", "at", "near", "outside", "inside", "around", "across"}
TARGET_PREPOSITIONS = {"on", "against", "with", "to", "at", "between", "toward", "towards"}
FUTURE = {"will", "shall", "'ll", "wo"}
CONDITIONS = {"if", "unless", "whether"}
MODALS = {"would", "could", "may", "might", "should", "must", "can", "will", "shall", "'ll", "wo", "ca"}
TIME_OF_DAY = re.compile(r"\s+(?:night|morning|afternoon|evening)$", re.I)
SUBJECTS, OBJECTS = {"nsubj", "csubj"}, {"dobj", "dative", "attr", "oprd"}
# How much each part found adds to an event's confidence.
BASE_CONFIDENCE = {"verb": 0.55, "noun": 0.4}
ACTOR1_BONUS, ACTOR2_BONUS, LOCATION_BONUS, DATE_BONUS = 0.15, 0.1, 0.1, 0.15


@dataclass(frozen=True, slots=True)
class EventType:
    name: str
    cameo: str | None
    description: str
    verbs: tuple[str, ...]  # every form, lower case
    nouns: tuple[str, ...]


def _verb_forms(entry: str) -> list[str]:
    """"strike/struck/striking" -> those and "strikes"; "bomb" -> bomb, bombs, bombed, bombing."""
    base, *irregular = entry.split("/")
    words = base.split(" ", 1)
    head, rest = words[0], (" " + words[1] if len(words) > 1 else "")
    if head.endswith("e"):
        regular = [head + "s", head + "d", head[:-1] + "ing"]
    elif head.endswith("y") and head[-2:-1] not in "aeiou":
        regular = [head[:-1] + "ies", head[:-1] + "ied", head + "ing"]
    elif head.endswith(("s", "sh", "ch", "x", "z")):
        regular = [head + "es", head + "ed", head + "ing"]
    else:
        regular = [head + "s", head + "ed", head + "ing"]
    return [base, *(form + rest for form in regular), *irregular]


def _noun_forms(entry: str) -> list[str]:
    if entry.endswith(("s", "sh", "ch", "x")):
        return [entry, entry + "es"] if not entry.endswith("s") else [entry]
    return [entry, entry[:-1] + "ies" if entry.endswith("y") and entry[-2] not in "aeiou" else entry + "s"]


@cache
def taxonomy() -> dict[str, EventType]:
    """The event types and their trigger forms, from events.yaml."""
    raw = yaml.safe_load(resources.files(__package__).joinpath("events.yaml").read_text("utf-8"))
    return {name: EventType(name, spec["cameo"], spec["description"],
                            tuple(f.lower() for e in spec["verbs"] for f in _verb_forms(e)),
                            tuple(f.lower() for e in spec["nouns"] for f in _noun_forms(e)))
            for name, spec in raw.items()}


class TriggerFinder:
    """Finds trigger words in a tokenised text with one phrase matcher."""

    def __init__(self, nlp: Language) -> None:
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.kinds: dict[str, list[tuple[str, str]]] = defaultdict(list)  # form -> [(part of speech, type)]
        forms: dict[str, None] = {}
        for event_type in taxonomy().values():
            for pos, words in (("verb", event_type.verbs), ("noun", event_type.nouns)):
                for form in words:
                    self.kinds[form].append((pos, event_type.name))
                    forms[form] = None
        self.matcher.add("TRIGGER", list(nlp.tokenizer.pipe(forms)))

    def find(self, doc: Doc) -> list[Span]:
        """The longest trigger at each place ("air strikes", not "strikes")."""
        return filter_spans([doc[start:end] for _, start, end in self.matcher(doc)])

    def kinds_of(self, span: Span) -> list[tuple[str, str]]:
        return self.kinds.get(span.text.lower(), [])

    def acronym_kinds(self, acronyms: dict[str, str]) -> dict[str, list[tuple[str, str]]]:
        """Defined acronyms that stand for a trigger: "CoH" for "Cessation of Hostilities"."""
        return {acronym: self.kinds[long.lower()] for acronym, long in acronyms.items() if long.lower() in self.kinds}


@dataclass(slots=True)
class ArticleContext:
    """What event extraction needs to know of the article."""

    article_id: str
    published: date | None
    occurrences: list[Occurrence]  # resolved names in the text, by character offsets
    gazetteer: Gazetteer
    min_confidence: float
    acronym_kinds: dict[str, list[tuple[str, str]]]  # "CoH" -> the kinds of "cessation of hostilities"


class EventExtractor:
    """Turns the parsed trigger sentences of an article into events."""

    def __init__(self, finder: TriggerFinder) -> None:
        self.finder = finder

    def events(self, context: ArticleContext, sentence: Span, parsed: Doc,
               extra: list[Occurrence]) -> list[Event]:
        """The events of one sentence (`parsed` is its parse); places found only by the parse
        are appended to `extra`."""
        offset = sentence.start_char
        found = []
        spans = self.finder.find(parsed) + [parsed[t.i:t.i + 1] for t in parsed if t.text in context.acronym_kinds]
        triggers = [(span, kind) for span in spans if (kind := self._kind(span, context))]
        others = {kind[1] for _, kind in triggers if kind[1] != "statement"}
        for span, (pos, event_type) in triggers:
            head = span.root if pos == "noun" else span[0]
            if event_type == "statement" and others:
                continue  # a sentence reporting something else: the statement is how it is reported
            if pos == "verb" and not _reported(head) or pos == "noun" and not _reported_noun(head):
                continue  # not done ("could bomb", "a ballot will open"), or naming something else ("rescue workers")
            arguments = _Arguments(context, parsed, offset, extra)
            actor1, actor2 = arguments.actors(head, pos)
            if event_type == "statement" and actor1 is None:
                continue
            location = arguments.location(head, {actor1, actor2})
            when = arguments.date(head, span)
            if when.value and context.published and (when.value - context.published).days > 1:
                continue  # a plan or a schedule, not something reported as done
            confidence = (BASE_CONFIDENCE[pos] + ACTOR1_BONUS * (actor1 is not None)
                          + ACTOR2_BONUS * (actor2 is not None) + LOCATION_BONUS * (location is not None)
                          + DATE_BONUS * (when.value is not None))
            if confidence < context.min_confidence:
                continue
            cameo = taxonomy()[event_type].cameo
            found.append(Event(
                event_id(context.article_id, offset, offset + span.start_char), context.article_id, event_type,
                cameo, span.text, actor1, actor2, location, when.value, when.precision,
                sentence.text.strip(), offset, round(min(confidence, 1.0), 2)))
        return found

    def _kind(self, span: Span, context: ArticleContext) -> tuple[str, str] | None:
        """(part of speech, event type) if the trigger is used as the part of speech it is listed as."""
        tag = span.root.tag_ if len(span) > 1 else span[0].tag_
        pos = "verb" if tag.startswith("VB") else "noun" if tag.startswith("NN") else None
        if len(span) > 1 and span[0].tag_.startswith("VB"):
            pos = "verb"  # "called on", "walked out"
        kinds = context.acronym_kinds.get(span.text) or self.finder.kinds_of(span)
        return next(((p, t) for p, t in kinds if p == pos), None)


def _reported(verb: Token) -> bool:
    """Whether a verb reports something done: not negated, not modal, not an intention, not a condition."""
    if any(c.dep_ == "neg" or (c.dep_ in ("aux", "auxpass") and c.lower_ in MODALS)
           or (c.dep_ == "mark" and c.lower_ in CONDITIONS) for c in verb.children):
        return False
    if verb.dep_ == "xcomp" or any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children):
        return False
    return not (verb.dep_ == "conj" and not _reported(verb.head))


def _reported_noun(noun: Token) -> bool:
    """Whether a noun names something reported: it is not a modifier ("rescue workers"), and if it
    is an argument of a verb, that verb is reported ("they could call a strike" is not). Of the
    subject only the future counts ("a meeting will be held"; in "the strike could be the death
    knell" the strike happened), and a noun behind a preposition is something referred to."""
    if noun.dep_ in ("compound", "amod"):
        return False
    verb = noun.head
    if not verb.tag_.startswith("VB") or noun.dep_ not in ("nsubj", "nsubjpass", "dobj", "attr", "oprd"):
        return True
    if noun.dep_ in ("nsubj", "nsubjpass"):
        return not any(c.dep_ in ("aux", "auxpass") and c.lower_ in FUTURE for c in verb.children)
    return _reported(verb)


def _tense(head: Token) -> str:
    """"future" if the clause of the trigger speaks of what is to come ("will open", "opens on
    Monday", "is due to end"), else "past"; it decides which Monday "on Monday" is."""
    verb = head if head.tag_.startswith("VB") else head.head
    while verb.dep_ in ("xcomp", "conj") and verb.head != verb:  # "is due to end": the clause's verb decides
        if any(c.lower_ == "due" for c in verb.head.children):
            return "future"
        verb = verb.head
    auxiliaries = {c.lower_ for c in verb.children if c.dep_ in ("aux", "auxpass")}
    if auxiliaries & FUTURE:
        return "future"
    if auxiliaries & {"has", "have", "had", "was", "were", "did"} or verb.tag_ in ("VBD", "VBN"):
        return "past"
    return "future" if verb.tag_ in ("VBZ", "VBP") and verb.lower_ not in ("is", "are", "says", "say") else "past"


class _Arguments:
    """Looks up who, where and when around one trigger."""

    def __init__(self, context: ArticleContext, parsed: Doc, offset: int, extra: list[Occurrence]) -> None:
        self.context = context
        self.parsed = parsed
        self.offset = offset
        self.extra = extra

    def entities_in(self, tokens: list[Token], types: tuple[str, ...] = ("person", "organisation", "place"),
                    actors_only: bool = False) -> list[str]:
        """Entity ids named within these tokens, in order; a "U.S.-led" word counts as its country.
        Of places, only countries (their governments) can be actors."""
        ids: list[str] = []
        for token in sorted(tokens, key=lambda t: t.i):
            start = self.offset + token.idx
            for o in self.context.occurrences:
                if o.start <= start < o.end and o.resolved.type in types and not (
                        actors_only and o.resolved.type == "place" and not self.context.gazetteer.country(o.resolved.name)):
                    _add(ids, resolved_id(o.resolved))
            country = self.context.gazetteer.country(ROLE_SUFFIX.sub("", token.text))
            if ROLE_SUFFIX.search(token.text) and country and "place" in types:
                resolved = Resolved(country.name, "place", country.code, fixed=True)
                self.extra.append(Occurrence(resolved, token.text, start, start + len(token), False))
                _add(ids, resolved_id(resolved))
        return ids

    def actors(self, head: Token, pos: str) -> tuple[str | None, str | None]:
        children = list(head.children)
        if pos == "verb":
            passive = any(c.dep_ == "nsubjpass" for c in children)
            agents = [g for c in children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
            subjects = [c for c in children if c.dep_ in SUBJECTS]
            if not subjects and head.dep_ == "conj":
                subjects = [c for c in head.head.children if c.dep_ in SUBJECTS]
            if not subjects and head.dep_ == "relcl":
                subjects = [head.head]
            doers = agents if passive else subjects
            receivers = [c for c in children if (c.dep_ == "nsubjpass" if passive else c.dep_ in OBJECTS)]
        else:
            doers = [c for c in children if c.dep_ in ("poss", "compound", "amod", "nmod")]
            doers += [g for c in children if c.dep_ == "prep" and c.lower_ == "by" for g in c.children]
            receivers = []
        receivers += [g for c in children if c.dep_ == "prep" and c.lower_ in TARGET_PREPOSITIONS
                      for g in c.children if g.dep_ == "pobj"]
        actor1 = self.entities_in([t for d in doers for t in d.subtree], actors_only=True)
        actor2 = [e for e in self.entities_in([t for r in receivers for t in r.subtree], actors_only=True)
                  if e not in actor1]
        if len(actor1) > 1 and not actor2 and pos == "noun":
            return actor1[0], actor1[1]  # "the U.S.-Russia agreement": one with the other
        return (actor1[0] if actor1 else None), (actor2[0] if actor2 else None)

    def location(self, head: Token, actors: set[str | None]) -> str | None:
        named = [c for c in head.children if c.dep_ in ("compound", "nmod") and head.tag_.startswith("NN")]
        places = [p for p in self.entities_in(named, ("place",)) if p not in actors]
        if places:
            return places[0]  # "the Geneva agreement"
        scope = list(head.subtree)
        if head.dep_ == "pobj" and head.head.lower_ == "of":  # "the site of air strikes in al-Mashhad"
            scope += [c for c in head.head.head.children if c.dep_ == "prep"]
        for prep in [c for c in scope if c.dep_ == "prep" and c.lower_ in LOCATIVE_PREPOSITIONS]:
            for pobj in (c for c in prep.children if c.dep_ == "pobj"):
                places = [p for p in self.entities_in(list(pobj.subtree), ("place",)) if p not in actors]
                if places:
                    return places[0]
                if pobj.tag_ == "NNP" and not pobj.ent_type_:
                    return self._new_place(pobj)
        return None

    def _new_place(self, pobj: Token) -> str:
        """A proper noun after "in", "at" or "near" that NER missed: a place."""
        tokens = [t for t in pobj.subtree if t.tag_ in ("NNP", "NNPS", "HYPH", "NN", "NNS") and t.i <= pobj.i]
        first = min(t.i for t in tokens)
        words = self.parsed[first:pobj.i + 1]
        city = self.context.gazetteer.city(words.text)
        resolved = Resolved(words.text, "place", city.country_code if city else None, fixed=True)
        start = self.offset + words.start_char
        self.extra.append(Occurrence(resolved, words.text, start, start + len(words.text), False))
        return resolved_id(resolved)

    def date(self, head: Token, trigger: Span) -> ResolvedDate:
        # "Wednesday night" is tagged TIME: its day counts.
        dates = [e for e in self.parsed.ents if e.label_ == "DATE" or e.label_ == "TIME" and TIME_OF_DAY.search(e.text)]
        if not dates or self.context.published is None:
            return UNKNOWN
        subtree = {t.i for t in head.subtree}
        near = [d for d in dates if d.root.i in subtree]
        governor = head
        while not near and governor.head != governor and not governor.tag_.startswith("VB"):
            governor = governor.head  # a noun's date is its own, or its governing verb's ("onset ... on Sept. 12")
            near = [d for d in dates if d.root.head == governor
                    or d.root.head.dep_ == "prep" and d.root.head.head == governor]
        if not near:  # the main clause's date ("elected on Tuesday, defeating ...")
            root = head.sent.root
            near = [d for d in dates if d.root.head == root or d.root.head.dep_ == "prep" and d.root.head.head == root]
        if not near:  # a date set beside a noun, as in captions ("... eastern Aleppo, Sept. 21, 2016")
            near = [d for d in dates if not d.root.head.tag_.startswith("VB") and d.root.head.dep_ != "prep"]
        if not near:
            return UNKNOWN
        nearest = min(near, key=lambda d: abs(d.start - trigger.start))
        return resolve_date(TIME_OF_DAY.sub("", nearest.text), self.context.published, _tense(head))


def _add(ids: list[str], item: str) -> None:
    if item not in ids:
        ids.append(item)
