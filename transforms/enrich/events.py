"""Events from trigger words (triggers.py) and the dependency parse of the sentences that hold them.

A trigger reports an event only where factuality.py finds it done: a verb used as a verb, not
negated, modal, planned or conditional; a noun that a verb says happened. Triggers in quotes,
headings, captions and questions report nothing, but for an arrest, a charge or a deportation a
quote's speaker tells was done to them ("I was arrested in May," he said). Then arguments.py
finds who, where and when; an event with no actor and no place is left out, as is one dated
after publication (a plan). A
negated agreement ("did not accept the proposal") is a rejection; force or a sanction promised on
a condition is a threat, and cuts to come announced ("informed staff that layoffs would follow") are a
statement; a verdict of condemnation pronounced ("called the ruling outrageous") is
disapproval, and what a speaker says a named party must do ("said Norway must lift the tariffs")
a demand. What is reported yet no event of its own is event_checks.py's. A plural
happening in several places is one in each (one happening told twice is one event: retold.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from spacy.tokens import Doc, Span, Token

from winnow.schemas.records import Event
from winnow.transforms.enrich.arguments import Arguments, Participants
from winnow.transforms.enrich.dates import ResolvedDate
from winnow.transforms.enrich.entities import Occurrence
from winnow.transforms.enrich.event_checks import (
    VIOLENCE,
    Found,
    attributes_a_quote,
    done_by_no_one,
    placed_no_one,
    received_with,
    reports_another,
    trade_figure,
)
from winnow.transforms.enrich.event_dates import after_publication
from winnow.transforms.enrich.factuality import (
    FUTURE,
    directs,
    inside_quotes,
    modal,
    negated,
    refused,
    reporting_block,
    simple_past,
    states_a_fact,
    verb_reported,
)
from winnow.transforms.enrich.geo import Gazetteer
from winnow.transforms.enrich.noun_licence import has_own_date, noun_licence
from winnow.transforms.enrich.timeline import NO_CONTEXT, DateContext
from winnow.transforms.enrich.triggers import Kind, TriggerFinder, licensing, taxonomy
from winnow.transforms.hashing import event_id

# How much each part found adds to an event's confidence.
BASE_CONFIDENCE = {"verb": 0.55, "noun": 0.45}
ACTOR1_BONUS, ACTOR2_BONUS, LOCATION_BONUS, DATE_BONUS = 0.15, 0.1, 0.1, 0.1
# Agreeing refused is a rejection ("did not accept the proposal", "has not signed").
NEGATED_AGREEMENT = frozenset(
    "accept accepted accepting agree agreed approve approved sign signed answer answered".split()
)
# Force or a sanction promised on a condition ("said it would impose tariffs if ...") is a threat.
THREATENED_TYPES = VIOLENCE | {"coerce", "reduce_relations"}
PROMISING = {"would", "will", "'ll", "'d"}
THREAT_SAYING = {"said", "says", "told", "tells", "warned", "warns", "vowed", "vows", "declared", "added"}
# Verbs that announce cuts to come ("informed staff that layoffs would follow").
ANNOUNCING = frozenset("said says told tells announced announces informed informs notified notifies".split())
# The future as said, and as reported in the past ("said layoffs would follow").
TOLD_FUTURE = FUTURE | {"would"}
# Acts of authority that the body telling of them, in the passive, did ("police said two men were arrested").
DONE_BY_THE_TELLER = {"coerce", "reduce_relations"}
# Saying verbs that can say what another must do ("said Ruritania must pay"), and the names obliged.
OBLIGATION_SAYING = frozenset("said says insisted insists declared declares stated states".split())
OBLIGED_NAMES = {"GPE", "ORG", "PERSON", "NORP"}
# Deeds done to someone: what a speaker tells was done to them ("I was arrested in May," he said)
# is told of, not opined (not violence: "it grabbed me by the heart" is a figure of speech); and a
# coercion joined to a passive ("was expelled and jailed") is undergone by the passive's subject.
SUFFERED_TYPES = {"coerce"}
FIRST_PERSON_SUBJECTS = {"i", "we"}
FIRST_PERSON_OBJECTS = {"me", "us"}
QUOTED_SAYING = frozenset("said says told tells added adds recalled recalls".split())
# Verbs that pronounce a verdict on what they speak of ("called the ruling outrageous").
PRONOUNCING = frozenset(
    "said says told tells wrote writes called calls declared declares added adds stated states tweeted".split()
)


@dataclass(slots=True)
class ArticleContext:
    """What event extraction needs to know of the article."""

    article_id: str
    published: date | None
    occurrences: list[Occurrence]  # resolved names in the text, by character offsets
    gazetteer: Gazetteer
    min_confidence: float
    acronym_kinds: dict[str, list[Kind]]  # "CoH" -> the kinds of "cessation of hostilities"
    quoted: list[tuple[int, int]] = field(default_factory=list)  # character ranges inside quotation marks
    dateline: str | None = None  # entity_id of the place the article is datelined from
    located: frozenset[str] | None = None  # places the article uses as a location (actors.located_places)
    genders: dict[str, str] = field(default_factory=dict)  # entity_id -> "f" or "m" (actors.person_genders)
    text: str = ""  # the article's text


class EventExtractor:
    """Turns the parsed trigger sentences of an article into events."""

    def __init__(self, finder: TriggerFinder) -> None:
        self.finder = finder

    def events(
        self, context: ArticleContext, sentence: Span, parsed: Doc, extra: list[Occurrence], date_context: DateContext
    ) -> list[Event]:
        """The events of one sentence (`parsed` is its parse; `date_context` the date its
        paragraph set before it); places found only by the parse are appended to `extra`."""
        offset = sentence.start_char
        if not reporting_block(sentence.text) and not reporting_block(_block_of(sentence)):
            return []
        spans = self._spans(parsed, context)
        spans += [
            parsed[t.i : t.i + 1]
            for t in parsed
            if t.lower_ in NEGATED_AGREEMENT and refused(t) and not any(s.start <= t.i < s.end for s in spans)
        ]
        found = [
            f
            for span in spans
            for quoted in [inside_quotes(offset + span.start_char, context.quoted)]
            if not quoted or _suffered_by_the_speaker(span[0])
            for f in [self._reported(span, context) or self._threat(span) or self._announced_cut(span)]
            if f is not None and (not quoted or f.event_type in SUFFERED_TYPES)
        ]
        found += [
            f
            for span in spans
            for f in [self._verdict(span)]
            if f is not None and not inside_quotes(offset + f.span.start_char, context.quoted)
        ]
        found += [
            f
            for t in parsed
            for f in [self._obligation_said(t)]
            if f is not None and not inside_quotes(offset + t.idx, context.quoted)
        ]
        found = [f for f in found if not (f.event_type == "statement" and reports_another(f, found))]
        arguments = Arguments(
            parsed,
            offset,
            context.occurrences,
            context.gazetteer,
            extra,
            context.located,
            context.genders,
            context.text,
        )
        found = [f for f in found if not attributes_a_quote(f, context.quoted, offset)]
        found = [f for f in found if not done_by_no_one(f, arguments, self.finder) and not placed_no_one(f)]
        events = []
        for item in found:
            who = arguments.participants(item.head, item.pos, item.licence)
            who = _done_by_the_clause(item, who, arguments)
            who = _undergone_with_the_passive(item, who, arguments)
            who = _done_by_the_speaker(item, who, arguments)
            who = _demanded_of(item, who, arguments)
            if inside_quotes(offset + item.span.start_char, context.quoted):
                who = _befell_the_speaker(item, who, arguments)
            anchor = item.licence.verb if item.licence and item.licence.verb is not None else item.head
            presupposed = item.licence is not None and item.licence.relation == "presupposed"
            when = arguments.date(
                anchor if item.pos == "noun" and item.licence and item.licence.relation != "dated" else item.head,
                item.span,
                context.published,
                NO_CONTEXT if presupposed else date_context,
            )  # no verb tells when it happened
            if context.published and after_publication(when, context.published):
                continue  # a plan or a schedule, not something reported as done
            if trade_figure(item, who):
                continue
            if (
                who.actor1 is None
                and who.actor2 is None
                and who.location is None
                and not (item.event_type == "ceasefire" and when.precision not in ("reported", "unknown"))
            ):
                continue  # no one and nowhere: nothing a reader could use (a dated truce's sides often go unnamed)
            event = self._event(context, sentence, item, who, when)
            if event.confidence >= context.min_confidence:
                events += _by_each_bidder(context, item, event, arguments) or [event]
                events += self._elsewhere(context, offset, item, event, arguments)
        return events

    def _spans(self, parsed: Doc, context: ArticleContext) -> list[Span]:
        return self.finder.find(parsed) + [parsed[t.i : t.i + 1] for t in parsed if t.text in context.acronym_kinds]

    def _reported(self, span: Span, context: ArticleContext) -> Found | None:
        """The trigger as an event type if the parse says it was done, else None."""
        kinds = context.acronym_kinds.get(span.text) or self.finder.kinds_of(span.text)
        is_verb = span[0].pos_ in ("VERB", "AUX") or span[0].tag_.startswith("VB")
        head = span[0] if is_verb else span.root
        if is_verb and refused(head) and head.lower_ in NEGATED_AGREEMENT:
            return Found(span, head, "verb", "reject", None)
        if is_verb:
            objects = {c.lower_ for c in head.children if c.dep_ in ("dobj", "acomp", "oprd", "nsubjpass")}
            objects |= {
                g.lower_
                for c in head.children
                if c.dep_ == "prep" and c.lower_ in ("to", "into", "on", "as")
                for g in c.children
                if g.dep_ == "pobj"
            }  # "dragged X to court", "set on fire", "named X as coach"
            objects |= {t.lower_ for c in head.children if c.dep_ == "dobj" for t in c.children if t.dep_ == "compound"}
            objects |= {"money" for c in head.children if c.dep_ == "dobj" and c.ent_type_ == "MONEY"}  # "gave $5,000"
            kind = next((k for k in kinds if k.pos == "verb" and k.objects and k.objects & objects), None) or next(
                (k for k in kinds if k.pos == "verb" and not k.objects), None
            )
            if kind is None or kind.directive and not directs(head):
                return None
            if kind.event_type == "consult" and received_with(head):
                return None  # "was met with laughter", "were met with teargas": how it was received
            if kind.event_type == "threaten" and states_a_fact(head, licensing()):
                return None
            if (
                head.lower_ in licensing().light
                and not kind.objects
                and any(
                    (c.dep_ in ("dobj", "nsubjpass", "pobj") or c == head.head and head.dep_ == "relcl")
                    and any(k.pos == "noun" for k in self.finder.kinds_of(c.text))
                    for c in [
                        *head.children,
                        *(g for p in head.children if p.lower_ == "to" for g in p.children),
                        head.head,
                    ]
                )
            ):
                return None  # "signed a deal", "agreed to a deal", "the deal it signed": the object is the event
            return Found(span, head, "verb", kind.event_type, None) if verb_reported(head, licensing()) else None
        kind = next((k for k in kinds if k.pos == "noun"), None) or next(
            (k for k in self.finder.kinds_of(head.text) if k.pos == "noun"), None
        )  # "talks with": the noun alone
        if kind is None or head.pos_ not in ("NOUN", "PROPN") or head.ent_type_ == "DATE":  # "in March"
            return None
        if kind.event_type == "statement" and any(c.dep_ == "prep" and c.lower_ == "between" for c in head.children):
            kind = Kind("noun", "consult")  # "a news conference between A and B": they met
        licence = noun_licence(head, licensing(), has_own_date(head))
        if licence is None:
            return None
        if licence.verb is not None:
            if refused(licence.verb) and licence.verb.lower_ in NEGATED_AGREEMENT:
                return Found(span, head, "noun", "reject", licence)
            if not verb_reported(licence.verb, licensing()):
                return None
        return Found(span, head, "noun", kind.event_type, licence)

    @staticmethod
    def _elsewhere(
        context: ArticleContext, offset: int, item: Found, event: Event, arguments: Arguments
    ) -> list[Event]:
        """ "Protests were held in Leeds, York and Hull": a plural happening in several places is one
        in each."""
        if item.pos != "noun" or item.head.tag_ != "NNS" or event.location is None:
            return []
        anchors = [item.head] + ([item.licence.verb] if item.licence and item.licence.verb is not None else [])
        return [
            replace(event, event_id=event_id(context.article_id, offset, start), location=place)
            for place, start in arguments.coordinated_places(anchors, event.location)
        ]

    def _verdict(self, span: Span) -> Found | None:
        """ "The union called the ruling outrageous", "Hale said the delays were unacceptable": one who
        pronounces such a verdict on something disapproves of it, one who says something is a
        condition of a deal demands it; the saying verb is the event."""
        kind = next((k for k in self.finder.kinds_of(span.text) if k.pos == "verdict"), None)
        word = span[0]
        if kind is None or word.dep_ not in ("acomp", "oprd", "attr") or negated(word.head) or modal(word.head):
            return None
        clause = word.head
        speaker = clause if word.dep_ == "oprd" else clause.head if clause.dep_ == "ccomp" else None
        if speaker is None or speaker.lower_ not in PRONOUNCING or not verb_reported(speaker, licensing()):
            return None
        return Found(span.doc[speaker.i : speaker.i + 1], speaker, "verb", kind.event_type, None)

    @staticmethod
    def _obligation_said(word: Token) -> Found | None:
        """ "The minister said Ruritania must pay": a demand (_obliged_party); the saying verb is the event."""
        if _obliged_party(word) is None:
            return None
        return Found(word.doc[word.i : word.i + 1], word, "verb", "demand", None)

    def _announced_cut(self, span: Span) -> Found | None:
        """ "Managers informed staff that layoffs would follow", "the firm said it will close two
        plants": cuts to come, announced, are the announcement (the cuts themselves are a plan)."""
        if not any(k.event_type == "reduce_relations" for k in self.finder.kinds_of(span.text)):
            return None
        word = span[0]
        clause = word if word.pos_ in ("VERB", "AUX") else word.head if word.dep_ in ("nsubj", "nsubjpass") else None
        if (
            clause is None
            or clause.dep_ != "ccomp"
            or not {c.lower_ for c in clause.children if c.dep_ == "aux"} & TOLD_FUTURE
        ):
            return None
        speaker = clause.head
        if speaker.lower_ not in ANNOUNCING or negated(clause) or not verb_reported(speaker, licensing()):
            return None
        if any(c.dep_ == "advcl" for c in clause.children) and self._threat(span) is not None:
            return None
        return Found(span.doc[speaker.i : speaker.i + 1], speaker, "verb", "statement", None)

    def _threat(self, span: Span) -> Found | None:
        """ "Hale said he would impose tariffs if talks failed": the speaker threatens."""
        head, speaker = span[0], span[0].head
        if head.dep_ != "ccomp" or speaker.lower_ not in THREAT_SAYING or not verb_reported(speaker, licensing()):
            return None
        if not any(
            k.pos == "verb"
            and k.event_type in THREATENED_TYPES
            and (not k.objects or k.objects & {c.lower_ for c in head.children if c.dep_ == "dobj"})
            for k in self.finder.kinds_of(span.text)
        ):
            return None
        promised = any(c.dep_ == "aux" and c.lower_ in PROMISING for c in head.children)
        conditional = any(
            c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in ("if", "unless") for m in c.children)
            for verb in (head, speaker)
            for c in verb.children
        )
        return (
            Found(span.doc[speaker.i : speaker.i + 1], speaker, "verb", "threaten", None)
            if promised and conditional
            else None
        )

    @staticmethod
    def _event(context: ArticleContext, sentence: Span, item: Found, who: Participants, when: ResolvedDate) -> Event:
        offset = sentence.start_char
        located = who.location or context.dateline
        confidence = (
            BASE_CONFIDENCE[item.pos]
            + ACTOR1_BONUS * (who.actor1 is not None)
            + ACTOR2_BONUS * (who.actor2 is not None)
            + LOCATION_BONUS * (who.location is not None)
            + DATE_BONUS * (when.precision not in ("reported", "unknown"))
        )
        a1, a2 = who.actor1, who.actor2
        return Event(
            event_id(context.article_id, offset, offset + item.span.start_char),
            context.article_id,
            item.event_type,
            taxonomy()[item.event_type].cameo,
            item.span.text,
            a1.entity if a1 else None,
            a2.entity if a2 else None,
            located,
            when.value,
            when.precision,
            sentence.text.strip(),
            offset,
            round(min(confidence, 1.0), 2),
            a1.role if a1 else None,
            a1.type if a1 else None,
            a1.country if a1 else None,
            a2.role if a2 else None,
            a2.type if a2 else None,
            a2.country if a2 else None,
        )


def _by_each_bidder(context: ArticleContext, item: Found, event: Event, arguments: Arguments) -> list[Event]:
    """ "Harwick attracted bids from Nordair and Talvik": each named buyer made a bid to the seller."""
    if item.pos != "verb" or item.event_type != "cooperate":
        return []
    return [
        replace(
            event,
            event_id=event_id(context.article_id, event.sentence_offset, start),
            actor1=buyer.entity,
            actor1_role=buyer.role,
            actor1_type=buyer.type,
            actor1_country=buyer.country,
            actor2=event.actor1,
            actor2_role=event.actor1_role,
            actor2_type=event.actor1_type,
            actor2_country=event.actor1_country,
        )
        for buyer, start in arguments.bidders(item.head)
    ]


def _done_by_the_speaker(item: Found, who: Participants, arguments: Arguments) -> Participants:
    """ "Police said two men were arrested", "the firm said 200 staff were laid off": an act of
    authority told in the passive, with no one named as doing it, by the body that tells of it
    (the police, officials, a company; not a person, who may tell of their own arrest) is that body's."""
    verb = item.head
    if item.pos != "verb" or item.event_type not in DONE_BY_THE_TELLER or who.actor1 is not None:
        return who
    children = list(verb.children)
    passive = any(c.dep_ == "auxpass" for c in children) and not any(c.dep_ == "agent" for c in children)
    if not passive or verb.dep_ != "ccomp" or verb.head.lower_ not in THREAT_SAYING:
        return who
    teller = next((c for c in verb.head.children if c.dep_ == "nsubj"), None)
    if teller is None or teller.pos_ == "PRON" or teller.ent_type_ == "PERSON":
        return who
    actor = arguments.resolver.actor(teller)
    return who if actor is None else Participants(actor, who.actor2, who.location)


def says_an_obligation(sentence: Span) -> bool:
    """Whether a sentence has the words of a demand said (_obliged_party): a saying verb, and "must"
    or "has to"/"have to". Words alone: it chooses, before any parse, the sentences to parse."""
    words = [t.lower_ for t in sentence]
    return any(w in OBLIGATION_SAYING for w in words) and any(
        w == "must" or w == "to" and i > 0 and words[i - 1] in ("has", "have") for i, w in enumerate(words)
    )


def _obliged_party(word: Token) -> Token | None:
    """ "The minister said Ruritania must pay", "insisted the union will have to accept the offer":
    what a speaker says a named other party must or has to do is demanded of it (CAMEO 10), as what
    one is told to do is. Only a name obliged to act, now or to come ("had to" tells of what was
    needed; "must be proud" of no deed), with no condition; the name, or None."""
    if word.lower_ not in OBLIGATION_SAYING or not verb_reported(word, licensing()):
        return None
    for clause in (c for c in word.children if c.dep_ == "ccomp" and c.pos_ in ("VERB", "AUX")):
        subject = next((c for c in clause.children if c.dep_ == "nsubj"), None)
        if subject is None or subject.ent_type_ not in OBLIGED_NAMES or negated(clause):
            continue
        chain = [clause]
        while (step := next((c for c in chain[-1].children if c.dep_ == "xcomp"), None)) is not None:
            chain.append(step)  # "will have to pay"
        if any(
            c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in ("if", "unless") for m in c.children)
            for t in chain
            for c in t.children
        ):
            continue  # "must pay if ...": a condition
        deed = chain[-1]
        must = any(c.dep_ == "aux" and c.lower_ == "must" for c in clause.children)
        has_to = any(t.lower_ in ("has", "have") for t in chain[:-1]) and deed.lower_ not in ("be", "have")
        if (must and clause.lower_ not in ("be", "have") or has_to) and deed.pos_ == "VERB":
            return subject
    return None


def _demanded_of(item: Found, who: Participants, arguments: Arguments) -> Participants:
    """The party a demand said of (_obliged_party) is the one it is made of."""
    if item.event_type != "demand" or item.pos != "verb" or who.actor2 is not None:
        return who
    party = _obliged_party(item.head)
    actor = arguments.resolver.actor(party) if party is not None else None
    return who if actor is None else Participants(who.actor1, actor, who.location)


def _suffered_by_the_speaker(verb: Token) -> bool:
    """ "I swam the river but was stopped and detained," he said; "They arrested me at home,"
    she said: a quote's arrest, charge or deportation of the one who tells it, in the simple past, is
    a deed told as it happened, not a view. The verb, or a clause it is joined to or hangs on, has
    the speaker for its object ("me") or for the subject of a passive ("I was"), up to the saying
    verb after the quote, whose subject is the speaker."""
    chain = [verb, *verb.ancestors]
    said = chain[-1]
    if said.dep_ != "ROOT" or said.lower_ not in QUOTED_SAYING or said.i < verb.i or not simple_past(verb):
        return False
    if not any(c.dep_ == "nsubj" and c.lower_ not in FIRST_PERSON_SUBJECTS for c in said.children):
        return False
    children = [c for t in chain[:-1] if t.pos_ in ("VERB", "AUX") for c in t.children]
    passive = any(c.dep_ == "auxpass" for c in children)
    return any(
        c.dep_ == "dobj"
        and c.lower_ in FIRST_PERSON_OBJECTS
        or c.dep_ == "nsubjpass"
        and c.lower_ in FIRST_PERSON_SUBJECTS
        or passive
        and c.dep_ == "nsubj"
        and c.lower_ in FIRST_PERSON_SUBJECTS
        for c in children
    )


def _befell_the_speaker(item: Found, who: Participants, arguments: Arguments) -> Participants:
    """The speaker of a quote telling what was done to them (_suffered_by_the_speaker) is the one it
    befell; who did it stays the parse's, unless that is the speaker too."""
    if item.pos != "verb" or item.event_type not in SUFFERED_TYPES or not _suffered_by_the_speaker(item.head):
        return who
    said = [item.head, *item.head.ancestors][-1]
    actor = arguments.resolver.actor(next(c for c in said.children if c.dep_ == "nsubj"))
    if actor is None:
        return who
    doer = who.actor1 if who.actor1 is not None and who.actor1.name != actor.name else None
    return Participants(doer, actor, who.location)


def _done_by_the_clause(item: Found, who: Participants, arguments: Arguments) -> Participants:
    """ "Dockers marched to the port to call for pay in a strike that closed it": a happening told
    by its own clause, in an "in" phrase, is done by the subject of the clause the phrase hangs on."""
    noun = item.head
    if item.pos != "noun" or who.actor1 is not None or item.licence is None or item.licence.relation != "happening":
        return who
    if noun.dep_ != "pobj" or noun.head.lower_ not in ("in", "during") or item.licence.verb.head != noun:
        return who
    subjects = (c for t in noun.ancestors if t.pos_ == "VERB" for c in t.children if c.dep_ == "nsubj")
    doer = next((a for s in subjects for a in [arguments.resolver.actor(s)] if a is not None), None)
    return who if doer is None else Participants(doer, who.actor2, who.location)


def _undergone_with_the_passive(item: Found, who: Participants, arguments: Arguments) -> Participants:
    """ "Dale was expelled in January and jailed for eight months": a coercion joined to a passive, with no
    subject, auxiliary or object of its own, shares the passive's "was", which the small model
    misses when it tags the second verb as a simple past; the passive's subject underwent it. Only
    for coercion, done to someone: "was suspended and resigned" is the subject's own deed."""
    verb = item.head
    if item.pos != "verb" or item.event_type not in SUFFERED_TYPES or who.actor1 or who.actor2:
        return who
    if verb.dep_ != "conj" or verb.tag_ != "VBD" or any(c.dep_ in ("nsubj", "aux", "dobj") for c in verb.children):
        return who
    if not any(c.dep_ == "auxpass" for c in verb.head.children):
        return who
    undergoer = next(
        (a for c in verb.head.children if c.dep_ == "nsubjpass" for a in [arguments.resolver.actor(c)] if a), None
    )
    return who if undergoer is None else Participants(None, undergoer, who.location)


def _block_of(sentence: Span) -> str:
    """The line (paragraph, heading, caption) a sentence stands in."""
    text = sentence.doc.text
    start = text.rfind("\n", 0, sentence.start_char) + 1
    end = text.find("\n", sentence.end_char)
    return text[start : end if end >= 0 else len(text)]
