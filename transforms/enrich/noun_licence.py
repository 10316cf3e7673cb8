"""When a noun trigger reports an event: a verb says it happened, or it is dated or presupposed.

A noun counts only where a verb says it happened: the object of a light verb ("held talks"), what
an undergo verb's subject faced ("faces charges"), the subject of a happening verb ("talks
began"), a phrase of time or place under a reported verb ("said in a statement", "hit during a
clash"), a relative clause of a light verb ("the sanctions Norway placed"), or with a date of its
own ("the March 3 meeting"); a definite one told as done ("the strike, which Washington blamed on
...", "despite the protests") is presupposed, and one whose owner it is told of, received ("her veto was
greeted with jeers") happened by the time of the verb that tells it.
"""

from __future__ import annotations

from spacy.tokens import Token

from winnow.transforms.enrich.factuality import Licence, future_clause, modal, negated, verb_reported
from winnow.transforms.enrich.timeline import date_entities
from winnow.transforms.enrich.triggers import Licensing

# "the site of air strikes", "the onset of the truce": the noun before "of" says it happened.
PRESUPPOSING_NOUNS = frozenset(
    """
    site scene aftermath wake onset start beginning end collapse breakdown victims anniversary
    outcome result results footage video
""".split()
)
NAME_LABELS = {"GPE", "ORG", "PERSON", "NORP", "LOC", "FAC"}
# "a wave of criticism", "months of protests": the noun before "of" only counts how much.
QUANTITY_NOUNS = frozenset(
    """
    mix wave series number string spate flurry round rounds months weeks days years hours lot couple
    dozens hundreds thousands barrage storm torrent chorus volley burst day week month year
""".split()
)
# "her veto was greeted with jeers", "his arrest was condemned": how a happening was received says
# it happened; what else a passive tells of it may say it did not ("postponed") or date another deed
# ("the ban was lifted").
RECEPTION_PASSIVES = frozenset(
    """
    met greeted received welcomed hailed praised applauded cheered criticized criticised condemned denounced
    slammed mocked ridiculed questioned challenged followed watched witnessed filmed seen noticed
""".split()
)
LICENSING_PREPOSITIONS = {"in", "at", "during", "into", "under", "after", "amid", "following", "through"}
# "despite the protests", "amid a strike": what the phrase names is taken as having happened.
PRESUPPOSING_PREPOSITIONS = {"despite", "amid", "amidst"}


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
    for clause in (c for c in noun.children if c.dep_ == "relcl"):
        if _verb_phrase(clause) in licensing.happening and any(
            c.dep_ == "nsubj" and c.lower_ in ("that", "which", "who") for c in clause.children
        ):  # "the protests that started at the docks", "called for it in a strike that closed the port"
            return Licence(clause, "happening")
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
        if clause.tag_ == "VBD" and not negated(clause) and not modal(clause):
            if _verb_phrase(clause) in licensing.light and _done_to_the_noun(clause):
                return Licence(clause, "light")  # "the duties Ruritania imposed in May": it imposed them
            return Licence(None, "presupposed")  # "the strike, which Washington blamed on ...", told as done
    if noun.dep_ == "nsubj" and _definite(noun) and not future_clause(head):
        return Licence(None, "presupposed")  # "the air strike on the convoy could be the death knell"
    if noun.dep_ == "nsubjpass" and _definite(noun) and head.lower_ in RECEPTION_PASSIVES:
        return Licence(head, "received")  # "her veto was greeted with jeers": it happened, by the verb's time
    if _named_and_definite(noun) and not (
        head.pos_ in ("VERB", "AUX") and noun.dep_ in ("dobj", "nsubjpass") and not verb_reported(head, licensing)
    ):
        return Licence(None, "presupposed")  # "the U.S.-Russia agreement": a named, definite happening
    return Licence(None, "dated") if dated else None


def _done_to_the_noun(clause: Token) -> bool:
    """A relative clause whose subject is someone and whose object is missing or "which": the noun it
    tells of is its object ("the sanctions Ruritania imposed", not "the strike, which closed the port")."""
    children = list(clause.children)
    return not any(c.dep_ == "dobj" and c.tag_ not in ("WDT", "WP") for c in children) and any(
        c.dep_ == "nsubj" and c.tag_ not in ("WDT", "WP") for c in children
    )


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


def has_own_date(noun: Token) -> bool:
    """ "the March 3 meeting", "an April 9 letter", "Tuesday's vote": a date inside the noun's own phrase
    (also where the tagger folded it into a name: "the mayor's May 3 call")."""
    dated = {t.i for span in date_entities(noun.doc) for t in span}
    dated -= {  # "the day's testimony": the day the story is about, not a date of the noun's own
        t.i for t in noun.subtree if t.dep_ == "poss" and any(c.dep_ == "det" and c.lower_ == "the" for c in t.children)
    }
    return any(
        t.i in dated and (t.i < noun.i and t.head.i <= noun.i or t.head == noun and t.dep_ == "npadvmod")
        for t in noun.subtree
        if t.dep_ in ("compound", "nmod", "npadvmod", "nummod", "amod", "poss") or t.head.i in dated
    )


def _told_before(noun: Token) -> bool:
    """ "said in the statement", "at the hearing": "the" alone points back to one told before."""
    children = list(noun.children)
    return (
        any(c.dep_ == "det" and c.lower_ == "the" for c in children)
        and not any(c.ent_type_ in NAME_LABELS | {"DATE"} for c in noun.subtree)
        and not has_own_date(noun)
    )
