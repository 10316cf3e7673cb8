"""Whether a trigger reports something done, from the parse of its sentence and where it stands.

Precision comes first: a verb counts only when it is not negated, not under a modal or a future
auxiliary ("could bomb", "will meet"), not an intention or a plan ("decided to bomb", "wants to
meet"; "began to shell" is done), not in a condition ("if members reject it", or any clause
under one), and not a state told in a present-tense relative clause ("Hale, who denies the
charge"), nor a habit or a view told in the simple present with no date ("the board bans dogs
from its ferries"). A noun counts only where a verb says it happened: the object of a light verb ("held
talks"), what an undergo verb's subject faced ("faces charges"), the subject of a happening
verb ("talks began"), a phrase of time or place under a reported verb ("said in a statement",
"hit during a clash"), or with a date of its own ("the March 3 meeting"). Words inside quotation
marks are the speaker's, and headings, captions and questions report nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Token

from winnow.transforms.enrich.triggers import Licensing

FUTURE = {"will", "shall", "'ll", "wo"}
MODALS = {"would", "could", "may", "might", "should", "must", "can", "ca", "'d"} | FUTURE
CONDITIONS = {"if", "unless", "whether", "once", "until"}
NEGATIONS = {"not", "n't", "never", "no"}
# "is due to end", "is expected to sign", "plans to visit": what is to come.
PLAN_WORDS = {"due", "expected", "likely", "unlikely", "poised", "going", "about", "able", "ready", "willing"}
SAYING = frozenset(
    """
    say comment speak elaborate discuss disclose confirm specify answer respond state reveal
""".split()
)
# "has always denied", "is typically negotiated": a habit or a state, not a happening.
HABITUAL = frozenset(
    """
    always typically usually often generally normally routinely consistently frequently regularly
""".split()
)
# A clause under one of these nouns is feared, planned or possible, not done ("fear of being deported").
HYPOTHETICAL_NOUNS = frozenset(
    """
    fear fears threat risk possibility prospect chance danger plan plans bid attempt attempts effort
    efforts hope hopes idea proposal option way ability right need decision reason
""".split()
)
# "the site of air strikes", "the onset of the truce": the noun before "of" says it happened.
PRESUPPOSING_NOUNS = frozenset(
    """
    site scene aftermath wake onset start beginning end collapse breakdown victims anniversary
    outcome result results footage video
""".split()
)
# "convicted her of arson", "charged with assault": the trigger under "of" or "with" is the charge.
CHARGING = frozenset("convicted convicting charged charging accused accusing indicted suspected acquitted".split())
TESTIFYING = {"testify", "testifies", "testified", "testifying"}
# What a clause holds apart from the verb: a date inside one belongs to that clause, not the verb.
CLAUSES = {"ccomp", "xcomp", "advcl", "relcl", "acl", "csubj", "conj", "parataxis"}
NAME_LABELS = {"GPE", "ORG", "PERSON", "NORP", "LOC", "FAC"}
# "a wave of criticism", "months of protests": the noun before "of" only counts how much.
QUANTITY_NOUNS = frozenset(
    """
    mix wave series number string spate flurry round rounds months weeks days years hours lot couple
    dozens hundreds thousands barrage storm torrent chorus volley burst day week month year
""".split()
)
LICENSING_PREPOSITIONS = {"in", "at", "during", "into", "under", "after", "amid", "following", "through"}
# "despite the protests", "amid a strike": what the phrase names is taken as having happened.
PRESUPPOSING_PREPOSITIONS = {"despite", "amid", "amidst"}
SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*\s*$")
CAPTION_START = re.compile(r"^(?:image|photo|picture|pictured|video|caption|credit|source|getty|file photo)\b", re.I)


@dataclass(frozen=True, slots=True)
class Licence:
    """The verb that makes a noun trigger an event, and how the noun stands to it."""

    verb: Token | None  # None: the noun is dated
    relation: str  # "light", "undergo", "happening", "phrase" or "dated"


def verb_reported(verb: Token, licensing: Licensing) -> bool:
    """Whether a verb (a trigger, or the verb licensing a noun) tells of something done."""
    if _negated(verb) or _modal(verb):
        return False
    if verb.dep_ == "relcl" and verb.tag_ in ("VBZ", "VBP") and not _auxiliaries(verb):
        return False  # "who denies the charge": a state, not an event
    if verb.dep_ == "acl" and verb.tag_ == "VBN" and not any(c.ent_type_ == "DATE" for c in verb.subtree):
        return False  # "goods sold to retailers" describes; "duties levied on March 3" tells
    if any(c.dep_ == "xcomp" and c.lower_ in SAYING for c in verb.children):
        return False  # "declined to comment" is not a refusal of anything
    if verb.lower_ in TESTIFYING and any(c.dep_ == "ccomp" for c in verb.children):
        return False  # "testified that ...", "..., she testified": what was said, as "said that" is
    if _habitual_present(verb, licensing):
        return False
    host = verb.head.head  # "convicted of arson", "convicted her of arson"
    if verb.dep_ == "pcomp" and verb.head.lower_ in ("of", "with") and CHARGING & {host.lower_, host.head.lower_}:
        return False  # the charge, told as the trial's, not a happening
    if any(c.dep_ == "advmod" and c.lower_ in HABITUAL for c in verb.children):
        return False
    if _under_hypothetical_noun(verb):
        return False
    if _intended(verb, licensing):
        return False
    clause = verb
    while clause.dep_ in ("conj", "xcomp", "ccomp", "advcl", "relcl", "acl", "pcomp") and clause.head != clause:
        if any(c.dep_ == "mark" and c.lower_ in CONDITIONS for c in clause.children):
            return False
        if (
            clause.dep_ == "conj"
            and not _auxiliaries(clause)  # "will regret it and were shocked": a tense of its own
            and not _across_a_quote(clause)
            and (_negated(clause.head) or _modal(clause.head) or _intended(clause.head, licensing))
        ):
            return False  # "could stop and search", "wants to cut and end": the first covers both
        if clause.dep_ == "ccomp" and _intended(clause.head, licensing):
            return False  # "would like to see Corvia agree": a wish
        clause = clause.head
    return not any(c.dep_ == "mark" and c.lower_ in CONDITIONS for c in clause.children)


def directs(verb: Token) -> bool:
    """Whether a saying verb gives an order: "told staff to leave", "staff were told to leave",
    "told the council it must pay" (not "told reporters he should have won")."""
    children = list(verb.children)
    addressed = any(c.dep_ in ("dobj", "dative", "nsubjpass") for c in children)
    ordered = any(c.dep_ == "xcomp" and any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children) for c in children)
    obliged = any(  # "told the council that it must pay", wherever the parse hangs the clause
        t.pos_ in ("VERB", "AUX")
        and (t.dep_ == "ccomp" and t.head == verb or any(m.dep_ == "mark" and m.lower_ == "that" for m in t.children))
        and {a.lower_ for a in t.children if a.dep_ == "aux"} & {"should", "must"}
        and not any(a.dep_ == "aux" and a.lower_ == "have" for a in t.children)
        for t in verb.subtree
    )
    return addressed and (ordered or obliged)


def _under_hypothetical_noun(verb: Token) -> bool:
    """ "his fear of being deported", "an attempt to stall": the clause hangs on a noun of what may be."""
    head = verb.head
    if verb.dep_ == "pcomp" and head.dep_ == "prep":
        head = head.head
    return verb.dep_ in ("pcomp", "acl") and head.lower_ in HYPOTHETICAL_NOUNS


def refused(verb: Token) -> bool:
    """Negated, or failed ("did not accept", "failed to answer"): for an agreement, a rejection."""
    return _negated(verb) or (verb.dep_ == "xcomp" and verb.head.lower_ in ("fail", "failed", "fails", "refused"))


def _negated(verb: Token) -> bool:
    return any(c.dep_ == "neg" or (c.dep_ == "advmod" and c.lower_ == "never") for c in verb.children)


def _auxiliaries(verb: Token) -> set[str]:
    return {c.lower_ for c in verb.children if c.dep_ in ("aux", "auxpass")}


def _modal(verb: Token) -> bool:
    return bool(_auxiliaries(verb) & MODALS)


def _intended(verb: Token, licensing: Licensing) -> bool:
    """An infinitive or a verb planned: "decided to bomb", "is set to meet" (not "began to shell")."""
    infinitive = verb.dep_ == "xcomp" or any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)
    if not infinitive:
        return False
    return not (verb.head == verb or verb.head.lower_ in licensing.factual_heads)


def noun_licence(noun: Token, licensing: Licensing, dated: bool) -> Licence | None:
    """The verb that says a noun trigger happened, or None when it is only referred to."""
    if noun.dep_ in ("compound", "amod", "poss"):
        return None  # "rescue workers", "the protest's organisers"
    head = noun.head
    phrase = _verb_phrase(head)
    if head.pos_ in ("VERB", "AUX"):
        if noun.dep_ in ("dobj", "nsubjpass") and (phrase in licensing.undergo and noun.dep_ == "dobj"):
            return Licence(head, "undergo")
        if noun.dep_ in ("dobj", "nsubjpass", "attr", "oprd") and phrase in licensing.light:
            return Licence(head, "light")
        if noun.dep_ == "nsubj" and phrase in licensing.happening:
            return Licence(head, "happening")
    if noun.dep_ == "pobj" and head.dep_ in ("prep", "agent") and head.lower_ in LICENSING_PREPOSITIONS | {"to"}:
        verb = head.head
        if verb.pos_ in ("VERB", "AUX") and _verb_phrase(verb) in licensing.light | licensing.undergo:
            return Licence(verb, "light")  # "placed under quarantine", "taken into custody", "agreed to a deal"
        if head.lower_ != "to" and verb.pos_ == "VERB" and verb.tag_ in ("VBD", "VBN") and not _told_before(noun):
            return Licence(verb, "phrase")  # "said in a statement", "hit during a clash"
    if noun.dep_ == "pobj" and head.lower_ in PRESUPPOSING_PREPOSITIONS:
        return Licence(None, "presupposed")
    if noun.dep_ == "conj" and noun.head.pos_ == "NOUN":
        return noun_licence(noun.head, licensing, dated)  # "talks and meetings were held"
    if (
        noun.dep_ == "pobj"
        and head.lower_ == "of"
        and head.head.lower_ in QUANTITY_NOUNS
        and head.head.dep_ in ("dobj", "nsubj", "nsubjpass", "attr", "pobj")
    ):
        return noun_licence(head.head, licensing, dated)  # "drew a wave of criticism", "months of protests"
    if noun.dep_ == "pobj" and head.lower_ == "of" and head.head.lower_ in PRESUPPOSING_NOUNS:
        return Licence(None, "presupposed")  # "the site of air strikes", "the onset of the truce"
    for clause in (c for c in noun.children if c.dep_ == "relcl"):
        if _verb_phrase(clause) in licensing.happening and any(
            c.dep_ == "nsubj" and c.lower_ in ("that", "which", "who") for c in clause.children
        ):
            return Licence(clause, "happening")  # "the protests that began in Market Square"
        if clause.tag_ == "VBD" and not _negated(clause) and not _modal(clause):
            return Licence(None, "presupposed")  # "the strike, which Washington blamed on ...", told as done
    if noun.dep_ == "nsubj" and _definite(noun) and not future_clause(head):
        return Licence(None, "presupposed")  # "the air strike on the convoy could be the death knell"
    if _named_and_definite(noun) and not (
        head.pos_ in ("VERB", "AUX") and noun.dep_ in ("dobj", "nsubjpass") and not verb_reported(head, licensing)
    ):
        return Licence(None, "presupposed")  # "the U.S.-Russia agreement": a named, definite happening
    return Licence(None, "dated") if dated else None


def _definite(noun: Token) -> bool:
    return any(
        c.dep_ in ("det", "poss") and c.lower_ in ("the", "its", "his", "her", "their") or c.dep_ == "poss"
        for c in noun.children
    )


def _named_and_definite(noun: Token) -> bool:
    """ "the U.S.-Russia agreement", "the Geneva talks": "the" and a name among the noun's modifiers."""
    children = list(noun.children)
    return any(c.dep_ == "det" and c.lower_ == "the" for c in children) and any(
        c.dep_ in ("compound", "amod", "nmod") and c.pos_ == "PROPN" and c.ent_type_ in NAME_LABELS for c in children
    )


def _verb_phrase(verb: Token) -> str:
    """The verb with its particle ("broke out", "took place") where it has one, else the verb."""
    particle = next(
        (
            c
            for c in verb.children
            if c.dep_ == "prt" or (c.dep_ == "dobj" and c.lower_ == "place" and c.i == verb.i + 1)
        ),
        None,
    )
    return f"{verb.lower_} {particle.lower_}" if particle is not None else verb.lower_


def future_clause(verb: Token) -> bool:
    """Whether the clause speaks of what is to come ("will open", "is due to end")."""
    while True:
        if _auxiliaries(verb) & FUTURE or any(c.lower_ in PLAN_WORDS for c in verb.children if c.dep_ == "acomp"):
            return True
        if verb.dep_ not in ("xcomp", "conj") or verb.head == verb or _across_a_quote(verb):
            return False
        verb = verb.head


def _across_a_quote(verb: Token) -> bool:
    """Whether a closing quotation mark stands between a verb and the one it is coordinated with:
    the parse joins "'We will win,' Trump tweeted" as if the tweet were the quote's second verb."""
    low, high = sorted((verb.i, verb.head.i))
    return any(t.tag_ == "''" for t in verb.doc[low + 1 : high])


def simple_past(verb: Token) -> bool:
    """Whether a clause is told in the past ("arrested", "was arrested", "had arrested"), not as
    news of now ("has arrested", "is arresting", "faces")."""
    auxiliaries = _auxiliaries(verb)
    if auxiliaries & {"has", "have", "is", "are", "am", "'s", "'re", "'ve"}:
        return False
    return verb.tag_ == "VBD" or bool(auxiliaries & {"was", "were", "had", "did"})


def quoted_ranges(text: str) -> list[tuple[int, int]]:
    """The character ranges of `text` inside quotation marks, block by block (a quote left open
    runs to the end of its line, as news prints a quote that goes on in the next paragraph)."""
    ranges, start = [], None
    for index, char in enumerate(text):
        if char == "\n":
            if start is not None:
                ranges.append((start, index))
            start = None
        elif char == "“" or (char == '"' and start is None):
            start = index if start is None else start
        elif char == "”" or char == '"':
            if start is not None:
                ranges.append((start, index + 1))
            start = None
    if start is not None:
        ranges.append((start, len(text)))
    return ranges


def reporting_block(line: str) -> bool:
    """Whether a block of text can report an event: a sentence, not a heading, a caption or a question."""
    stripped = line.strip()
    return (
        bool(SENTENCE_END.search(stripped))
        and not CAPTION_START.match(stripped)
        and not stripped.rstrip("\"'”’)").endswith("?")
    )


def has_own_date(noun: Token) -> bool:
    """ "the March 3 meeting", "an April 9 letter": a date inside the noun's own phrase."""
    return any(
        t.ent_type_ == "DATE" and (t.i < noun.i and t.head.i <= noun.i or t.head == noun and t.dep_ == "npadvmod")
        for t in noun.subtree
        if t.dep_ in ("compound", "nmod", "npadvmod", "nummod", "amod") or t.head.ent_type_ == "DATE"
    )


def _habitual_present(verb: Token, licensing: Licensing) -> bool:
    """ "The board bans dogs from its ferries", "the union opposes the plan": a main verb in the
    simple present with no date of its own tells a habit or a view, not a happening ("faces
    charges" tells the charges brought)."""
    if verb.tag_ not in ("VBZ", "VBP") or _auxiliaries(verb) or verb.dep_ not in ("ROOT", "conj"):
        return False
    return verb.lower_ not in licensing.undergo and not _own_date(verb)


def _own_date(verb: Token) -> bool:
    """A date told of the verb itself, not of a clause under it."""
    for token in verb.subtree:
        if token.ent_type_ == "DATE":
            step = token
            while step != verb and step.dep_ not in CLAUSES:
                step = step.head
            if step == verb:
                return True
    return False


def _told_before(noun: Token) -> bool:
    """ "said in the statement", "at the hearing": "the" alone points back to one told before."""
    children = list(noun.children)
    return (
        any(c.dep_ == "det" and c.lower_ == "the" for c in children)
        and not any(c.ent_type_ in NAME_LABELS | {"DATE"} for c in noun.subtree)
        and not has_own_date(noun)
    )


def states_a_fact(verb: Token) -> bool:
    """ "warned that the roads are unsafe": a warning of what is, not a threat of what one will do."""
    return verb.lower_.startswith("warn") and any(
        c.dep_ == "ccomp" and c.tag_ in ("VBZ", "VBP") and not _auxiliaries(c) & MODALS for c in verb.children
    )
