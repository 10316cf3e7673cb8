"""Whether a trigger reports something done, from the parse of its sentence and where it stands.

Precision comes first: a verb counts only when it is not negated, not under a modal or a future
auxiliary ("could bomb", "will meet"), not an intention or a plan ("decided to bomb", "wants to
meet"; "began to shell" is done, and so is "the bank's decision to lower rates in January"), not in a condition ("if members reject it", or any clause
under one), and not a state told in a present-tense relative clause ("Hale, who denies the
charge"), nor a habit or a view told in the simple present with no date ("the board bans dogs
from its ferries"; a main verb with a that-clause tells what is said now, in the news present:
"denies that it was decided"). When a noun trigger counts is noun_licence.py's to say. Words inside
quotation marks are the speaker's, and headings, captions and questions report nothing.
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
DECIDED = frozenset("decision decisions".split())
# "convicted her of arson", "charged with assault": the trigger under "of" or "with" is the charge.
CHARGING = frozenset("convicted convicting charged charging accused accusing indicted suspected acquitted".split())
# "testified that ...", "confirmed that ...", "admitted that ...": what is so, told as "said that" tells it.
ASSERTING = frozenset(
    """
    testify testifies testified testifying confirm confirms confirmed confirming admit admits admitted
    admitting acknowledge acknowledges acknowledged acknowledging concede concedes conceded conceding
""".split()
)
# What a clause holds apart from the verb: a date inside one belongs to that clause, not the verb.
CLAUSES = {"ccomp", "xcomp", "advcl", "relcl", "acl", "csubj", "conj", "parataxis"}
SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*\s*$")
CAPTION_START = re.compile(r"^(?:image|photo|picture|pictured|video|caption|credit|source|getty|file photo)\b", re.I)


@dataclass(frozen=True, slots=True)
class Licence:
    """The verb that makes a noun trigger an event, and how the noun stands to it."""

    verb: Token | None  # None: the noun is dated
    relation: str  # "light", "undergo", "happening", "phrase" or "dated"


def verb_reported(verb: Token, licensing: Licensing) -> bool:
    """Whether a verb (a trigger, or the verb licensing a noun) tells of something done."""
    if negated(verb) or modal(verb):
        return False
    if verb.dep_ == "relcl" and verb.tag_ in ("VBZ", "VBP") and not _auxiliaries(verb):
        return False  # "who denies the charge": a state, not an event
    if verb.dep_ == "acl" and verb.tag_ == "VBN" and not any(c.ent_type_ == "DATE" for c in verb.subtree):
        return False  # "goods sold to retailers" describes; "duties levied on March 3" tells
    if any(c.dep_ == "xcomp" and c.lower_ in SAYING for c in verb.children):
        return False  # "declined to comment" is not a refusal of anything
    if verb.lower_ in ASSERTING and any(
        c.dep_ == "ccomp" or c.dep_ == "prep" and any(g.dep_ == "pcomp" for g in c.children) for c in verb.children
    ):
        return False  # "testified that ...", "admitted to stealing": what was said, as "said that" is
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
            and not past_joined_to_an_infinitive(clause)
            and not _across_a_quote(clause)
            and (negated(clause.head) or modal(clause.head) or _intended(clause.head, licensing))
        ):
            return False  # "could stop and search", "wants to cut and end": the first covers both
        if clause.dep_ == "ccomp" and _intended(clause.head, licensing):
            return False  # "would like to see Corvia agree": a wish
        clause = clause.head
    return not any(c.dep_ == "mark" and c.lower_ in CONDITIONS for c in clause.children)


def past_joined_to_an_infinitive(verb: Token) -> bool:
    """ "were trying to clear the square and arrested him": a verb in the past tense that the parse joined
    to an infinitive is a clause of its own (the small model hangs it on the last verb before "and"),
    joined to the verb that governs the infinitive: it takes none of the infinitive's intent
    ("wanted to expand the plant and fired 40 workers": the firing was done)."""
    head = verb.head
    infinitive = head.dep_ == "xcomp" or any(c.dep_ == "aux" and c.lower_ == "to" for c in head.children)
    return verb.dep_ == "conj" and verb.tag_ == "VBD" and head.tag_ == "VB" and infinitive


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
    return verb.dep_ in ("pcomp", "acl") and head.lower_ in HYPOTHETICAL_NOUNS and not dated_decision(verb)


def dated_decision(verb: Token) -> bool:
    """ "The bank's decision to lower rates in January": what a decision was to do, with a date of its
    own, was done then (a date after publication is a plan, dropped as every plan is)."""
    return verb.dep_ == "acl" and verb.head.lower_ in DECIDED and _own_date(verb)


def refused(verb: Token) -> bool:
    """Negated, or failed ("did not accept", "failed to answer"): for an agreement, a rejection."""
    return negated(verb) or (verb.dep_ == "xcomp" and verb.head.lower_ in ("fail", "failed", "fails", "refused"))


def negated(verb: Token) -> bool:
    return any(c.dep_ == "neg" or (c.dep_ == "advmod" and c.lower_ == "never") for c in verb.children)


def _auxiliaries(verb: Token) -> set[str]:
    return {c.lower_ for c in verb.children if c.dep_ in ("aux", "auxpass")}


def modal(verb: Token) -> bool:
    return bool(_auxiliaries(verb) & MODALS)


def _intended(verb: Token, licensing: Licensing) -> bool:
    """An infinitive or a verb planned: "decided to bomb", "is set to meet" (not "began to shell")."""
    infinitive = verb.dep_ == "xcomp" or any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)
    if not infinitive or dated_decision(verb):
        return False
    return not (verb.head == verb or verb.head.lower_ in licensing.factual_heads)


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


def inside_quotes(offset: int, quoted: list[tuple[int, int]]) -> bool:
    """Whether a character offset is inside one of the ranges quoted_ranges found."""
    return any(low <= offset < high for low, high in quoted)


def reporting_block(line: str) -> bool:
    """Whether a block of text can report an event: a sentence, not a heading, a caption or a question."""
    stripped = line.strip()
    return (
        bool(SENTENCE_END.search(stripped))
        and not CAPTION_START.match(stripped)
        and not stripped.rstrip("\"'”’)").endswith("?")
    )


def _habitual_present(verb: Token, licensing: Licensing) -> bool:
    """ "The board bans dogs from its ferries", "the union opposes the plan": a main verb in the
    simple present with no date of its own tells a habit or a view, not a happening ("faces
    charges" tells the charges brought). So does one in an adverbial clause ("although its rules ban
    smoking", "because the firm evicts anyone who ...")."""
    if verb.tag_ not in ("VBZ", "VBP") or _auxiliaries(verb) or verb.dep_ not in ("ROOT", "conj", "advcl"):
        return False
    if verb.dep_ == "ROOT" and any(c.dep_ == "ccomp" and _says_that(c) for c in verb.children):
        return False  # "the company denies that it was sorted": what is said now, told in the news present
    return verb.lower_ not in licensing.undergo and not _own_date(verb)


def _says_that(clause: Token) -> bool:
    return any(c.dep_ == "mark" and c.lower_ == "that" for c in clause.children)


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


def states_a_fact(verb: Token, licensing: Licensing) -> bool:
    """ "warned that the roads are unsafe", "warned that children would face risks": a warning of
    what is or what others will undergo, not a threat of what one will do."""
    return verb.lower_.startswith("warn") and any(
        c.dep_ == "ccomp"
        and (c.tag_ in ("VBZ", "VBP") and not _auxiliaries(c) & MODALS or c.lower_ in licensing.undergo | {"be"})
        for c in verb.children
    )
