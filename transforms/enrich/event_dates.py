"""When one event happened, from the dependency parse of its sentence.

The date is a date expression tied to the trigger (a noun's own first), its verb or the sentence's
main clause (dates.py resolves it in the clause's tense; "two days later", "that night" count from
the sentence's earlier date or the story's), else the nearest one of a clause that holds the
trigger (read in its own clause's tense if that speaks of what is to come); else, for a clause
told in the past (an "-ing" clause in the tense of the clause it hangs on; not one in the past
perfect, "had arrested", which tells of a time before the story's), the story's date context
(timeline.py); else the publication date, precision `reported` (a length of time, "for
years", is no date of its own). A date of another happening the trigger is told before or after
("met days before the vote on March 5") dates it only as far as the count of time allows: "a day
before", that day; "days before", the month or year all such days fall in.
What a verb is about, or thanks or blames for ("praised on Tuesday
for rescuing", "protested over the arrest"), came before it: it takes only a date of its own.
"""

from __future__ import annotations

import math
import re
from datetime import date, timedelta

from spacy.tokens import Doc, Span, Token

from winnow.transforms.enrich.dates import (
    NUMBERS,
    UNKNOWN,
    ResolvedDate,
    is_duration,
    is_same_day,
    needs_anchor,
    resolve_date,
)
from winnow.transforms.enrich.factuality import future_clause, simple_past
from winnow.transforms.enrich.timeline import DateContext, date_entities

PRENOMINAL_DEPS = {"compound", "nmod", "poss", "amod", "npadvmod", "nummod"}  # "nummod": a year, "his 2016 remarks"
TIME_SHARING_PREPOSITIONS = {"in", "at", "during", "on", "via", "through", "toward", "towards"}
GROUNDS_PREPOSITIONS = {"of", "for", "over", "about"}
CLAUSE_SUBJECTS = {"nsubj", "csubj", "nsubjpass"}
CLAUSES = {"relcl", "acl", "advcl", "ccomp", "xcomp", "csubj", "pcomp", "conj"}
# "admitted to stealing", "acted quickly, rescuing": an "-ing" clause happens when its governor
# does; an infinitive's ("failed to answer", "agreed to pay") need not.
PARTICIPLE_CLAUSES = {"xcomp", "pcomp", "advcl"}
# A date expression with none of these ("at the time", "then") points back to the story's date.
CALENDAR_WORDS = re.compile(
    r"\d|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|day|week|month|year|night|morning", re.I
)

# "ahead of sentencing on", "before the vote in": a day named for a thing still to come
AHEAD_OF_A_THING = re.compile(
    r"\b(?:ahead of|before|until|pending)\s+(?:the\s+|a\s+|its\s+|their\s+)?\w+\s+(?:on|in)?\s*$", re.I
)

# "days before the vote on March 5", "two days after the raid on May 2": a date of another happening
# dates the trigger only as far as the relation and its count of time allow.
RELATIONS = {"before": -1, "after": 1, "following": 1}
# The days a count of time spans: exact ("two days": 2 to 2; "two months": 56 to 62), or, with no
# number ("days", "weeks"), the spans such a vague count is read as.
UNIT_DAYS = {"hour": (0, 1 / 24), "day": (1, 1), "week": (7, 7), "month": (28, 31), "year": (365, 366)}
VAGUE_DAYS = {"hour": (0, 2), "day": (2, 10), "week": (14, 42), "month": (60, 330), "year": (730, 3650)}


class EventDates:
    """Dates the events of one parsed sentence."""

    def __init__(self, parsed: Doc) -> None:
        self.parsed = parsed
        self.expressions = date_entities(parsed)  # the sentence's dates, found once for all its triggers

    def date(self, head: Token, trigger: Span, published: date | None, context: DateContext) -> ResolvedDate:
        """The trigger's own date; else, told in the past, the paragraph's; else `reported`."""
        own, expressed = self._own_date(head, trigger, published, context)
        if own.value is not None or published is None or expressed:
            return own  # a date of its own that cannot be resolved ("the 14th century") is not `reported`
        verb = _finite_verb(_clause_verb(head))
        pluperfect = any(c.dep_ == "aux" and c.lower_ == "had" for c in verb.children)  # before the story's day
        if context.frame.value is not None and simple_past(verb) and not pluperfect and _grounds(head) is None:
            return context.frame
        return ResolvedDate(published, "reported")

    def _own_date(
        self, head: Token, trigger: Span, published: date | None, context: DateContext
    ) -> tuple[ResolvedDate, bool]:
        """The date tied to the trigger, resolved, and whether the text gave it one at all."""
        dates = self.expressions + [
            e
            for e in self.parsed.ents
            if e.label_ == "TIME" and any(w in e.text.lower() for w in ("night", "morning", "afternoon", "evening"))
        ]
        told_at = _noun_told_when(head)
        dates = [d for d in dates if d.root.head == told_at or not _dates_another_noun(d.root, trigger)]
        related = [(d, r) for d in dates if (r := _relation(d, trigger)) is not None]
        dates = [d for d in dates if all(d is not other for other, _ in related)]
        if (grounds := _grounds(head)) is not None:  # "protested on Monday over the arrest": the arrest's own date only
            dates = [d for d in dates if d.root in grounds.subtree]
            related = [(d, r) for d, r in related if d.root in grounds.subtree]
        if published is None:
            return UNKNOWN, False
        near = [d for d in dates if _governed_by(d.root, head)] or [d for d in dates if d.root.head == told_at]
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
        tense = _tense(_clause_verb(head))
        if tense == "done":  # "arrested the 2030 hopeful": a clause told in the past is not of a time to come
            near = [d for d in near if not after_publication(resolve_date(d.text, published, tense), published)]
        own_phrase = set(trigger.root.subtree)
        resolved = [
            resolve_date(d.text, published, _as_told(d, tense), self._anchor(d, published, context))
            for d in sorted(near, key=lambda d: (d.root not in own_phrase, abs(d.start - trigger.start)))
        ]  # a noun's own date first: "announced Wednesday an order placed on Monday"
        found = next((r for r in resolved if r.value is not None), UNKNOWN)
        if (
            found.value is None
        ):  # the sentence's date nearest in the parse ("agreed a deal, officials announced Monday")
            resolved = [  # in its own clause's tense: "says she will play on Sunday" is the Sunday to come
                resolve_date(d.text, published, _own_tense(d, tense), self._anchor(d, published, context))
                for d in sorted(dates, key=lambda d: _distance(d.root, head))
                if d not in near and not _of_another_clause(d.root, head)
            ]
            found = next((r for r in resolved if r.value is not None and r.value <= published), UNKNOWN)
        if found.value is None:  # "met days before the vote on March 5": that date, as far as the count allows
            found = next(
                (
                    r
                    for d, relation in sorted(related, key=lambda pair: abs(pair[0].start - trigger.start))
                    if (r := _counted_from(relation, resolve_date(d.text, published, _as_told(d, tense)))).value
                ),
                UNKNOWN,
            )
        return found, any(CALENDAR_WORDS.search(d.text) and not is_duration(d.text) for d in near)

    def _anchor(self, expression: Span, published: date, context: DateContext) -> ResolvedDate | None:
        """What "two months later" or "that night" counts from: the sentence's last date before it,
        else the date context; "that day" with no day in the context, the last day the story named."""
        if not needs_anchor(expression.text):
            return None
        earlier = [resolve_date(d.text, published) for d in self.expressions if d.end <= expression.start]
        if (told := next((r for r in reversed(earlier) if r.value is not None), None)) is not None:
            return told
        return context.last_day if context.frame.precision != "day" and is_same_day(expression.text) else context.frame


def _relation(expression: Span, trigger: Span) -> Token | None:
    """The "before" or "after" with a count of time ("days before", "two days after") whose object a
    date dates, if the trigger is not in that phrase: "met days before the vote on March 5" (the
    vote's day, not the meeting's), not "arrested days after March 2" (the date is the relation's
    own object) nor the raid of "the raid on March 2" as the trigger. With no count, "before" is
    as often a place ("testified before the committee on Tuesday") and the date is the clause's.
    The words decide: the small model often hangs the count or the date on the verb."""
    doc = expression.doc
    for token in reversed(doc[expression.sent.start : expression.start]):
        if token.is_punct or token.pos_ in ("VERB", "AUX") or token.dep_ in ("mark", "relcl"):
            return None
        if token.pos_ == "ADP" and token.lower_ in RELATIONS:
            between = doc[token.i + 1 : expression.start]
            named = any(t.pos_ in ("NOUN", "PROPN") for t in between)
            counted = token.i > token.sent.start and token.nbor(-1).lower_.removesuffix("s") in UNIT_DAYS
            return token if named and counted and not token.i < trigger.start < expression.end else None
    return None


def _counted_from(relation: Token, other: ResolvedDate) -> ResolvedDate:
    """The date of a happening `relation` ("days before", "two days after") places from another's
    date: the finest of day, month and year that the whole span of times it allows falls in, not
    finer than the other's."""
    count = relation.nbor(-1)
    unit = count.lower_.removesuffix("s")
    if other.value is None or other.precision == "unknown":
        return UNKNOWN
    number = count.nbor(-1).lower_ if count.i > relation.sent.start else ""
    if number.isdigit() or number in NUMBERS:
        times = int(number) if number.isdigit() else NUMBERS[number]
        low, high = (math.floor(times * UNIT_DAYS[unit][0]), math.ceil(times * UNIT_DAYS[unit][1]))
    elif count.lower_.endswith("s"):
        low, high = VAGUE_DAYS[unit]
    else:
        return UNKNOWN
    start = other.value
    end = {
        "day": start,
        "week": start + timedelta(days=6),
        "month": (start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1),
        "year": start.replace(month=12, day=31),
    }[other.precision]
    sign = RELATIONS[relation.lower_]
    first, last = (
        (start - timedelta(days=high), end - timedelta(days=low))
        if sign < 0
        else (
            start + timedelta(days=low),
            end + timedelta(days=high),
        )
    )
    if first == last and other.precision == "day":
        return ResolvedDate(first, "day")
    if (first.year, first.month) == (last.year, last.month) and other.precision != "year":
        return ResolvedDate(first.replace(day=1), "month")
    if first.year == last.year:
        return ResolvedDate(date(first.year, 1, 1), "year")
    return UNKNOWN


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
    about a January 12 meeting", "apologised for Monday's vote" or "sued him over his 2016 remarks"
    do not date the testimony, the apology or the lawsuit. A noun the trigger happens in, at or
    toward ("pleaded in a January 12 letter", "donated toward her 2020 campaign": given while it
    ran) shares its date, and so does the story's day told again ("the day's hearing")."""
    noun = token.head
    spoken_about = noun.dep_ == "pobj" and noun.head.lower_ not in TIME_SHARING_PREPOSITIONS and noun not in trigger
    before_it = token.dep_ in PRENOMINAL_DEPS and token.i < noun.i
    return spoken_about and before_it and not is_same_day(token.doc[token.left_edge.i : token.i + 1].text)


def _grounds(head: Token) -> Token | None:
    """The preposition a verb's grounds hang on, if the trigger stands in them: what one is accused
    or convicted of, criticised or protests over, testifies about, thanked or jailed for doing
    ("protested on Monday over the arrest", "praised on Tuesday for rescuing"); that happened
    before the verb's time. A noun's "of" ("a wave of protests") is no verb's grounds, nor a "for"
    of purpose ("gathered on Saturday for a rally"): only a "for" of an "-ing" clause is."""
    return next(
        (
            t
            for t in head.ancestors
            if t.dep_ == "prep"
            and t.lower_ in GROUNDS_PREPOSITIONS
            and t.head.pos_ in ("VERB", "AUX", "ADJ")
            and (t.lower_ != "for" or any(c.dep_ == "pcomp" and c.tag_ == "VBG" for c in t.children))
        ),
        None,
    )


def _noun_told_when(head: Token) -> Token | None:
    """The noun a "when" clause of the trigger tells the time of, as the words run ("asked about
    the May 2 meeting in Hull when she urged him to resign": the urging is of the meeting's day),
    whatever the parse hangs the clause on; None if the trigger's clause has no "when"."""
    verb = _clause_verb(head)
    when = next((c for c in verb.children if c.dep_ == "advmod" and c.lower_ == "when" and c.i < verb.i), None)
    if when is None or when.i == 0:
        return None
    noun = when.doc[when.i - 1 if not when.doc[when.i - 1].is_punct else max(when.i - 2, 0)]
    while noun.dep_ == "pobj" and noun.head.dep_ == "prep" and noun.head.head.pos_ in ("NOUN", "PROPN"):
        noun = noun.head.head  # "the meeting in Hull when ...": the meeting's time
    return noun if noun.pos_ in ("NOUN", "PROPN") else None


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
            and any(c.dep_ in CLAUSE_SUBJECTS for c in t.children)
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


def _tense(verb: Token) -> str:
    """How a clause's dates resolve: "future" for what is to come, "done" told in the past ("was
    caught on May 16": the May 16 gone by; a past participle with no auxiliary that describes a
    noun, "Dale, detained on May 16, says", likewise), else "past"."""
    if future_clause(verb):
        return "future"
    return "done" if simple_past(_finite_verb(verb)) or _participle_done(verb) else "past"


def _participle_done(verb: Token) -> bool:
    """Whether a verb is a past participle with no auxiliary of its own that describes a noun or sets
    off its clause ("Dale, arrested on May 16, denies it", "Arrested on May 16, Dale ..."): done."""
    return (
        verb.tag_ == "VBN"
        and verb.dep_ in ("acl", "advcl")
        and not any(c.dep_ in ("aux", "auxpass") for c in verb.children)
    )


def after_publication(when: ResolvedDate, published: date) -> bool:
    """Whether a date is after the publication day and the day after it (a time zone's)."""
    return when.value is not None and (when.value - published).days > 1


def _as_told(expression: Span, tense: str) -> str:
    """A day told in the past is one gone by ("done"), unless it is the day of a thing still ahead
    ("granted bail ahead of sentencing on December 14"): that one takes the nearest year, as in
    "past", and is no date of the clause if it is to come."""
    before = expression.doc[max(0, expression.start - 6) : expression.start].text
    return "past" if tense == "done" and AHEAD_OF_A_THING.search(before) else tense


def _own_tense(expression: Span, tense: str) -> str:
    """The tense of the clause a date expression stands in, if that clause speaks of what is to come;
    else `tense`, the trigger's."""
    return "future" if future_clause(_clause_verb(expression.root)) else tense


def _finite_verb(verb: Token) -> Token:
    """The verb whose tense a clause is told in: an "-ing" participle with no auxiliary of its own
    ("admitted to stealing it", "acted fast, rescuing him") is told in the tense of the clause
    it hangs on."""
    while (
        verb.tag_ == "VBG"
        and verb.dep_ in PARTICIPLE_CLAUSES
        and not any(c.dep_ in ("aux", "auxpass") for c in verb.children)
        and verb.head != verb
    ):
        verb = _clause_verb(verb.head)
    return verb
