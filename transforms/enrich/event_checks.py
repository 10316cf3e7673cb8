"""What a trigger reported as done may still not be: an event of its own between actors.

A statement in a sentence that reports something else is how that is reported; a saying verb
after a quote only attributes it; goods counted as sold by no one named are a statistic; violence
done by a thing or to a thing is no event between actors; "was met with protests" is a reception;
"installed cameras" puts no one in a post.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Span, Token

from winnow.transforms.enrich.arguments import Arguments, Participants
from winnow.transforms.enrich.factuality import Licence, inside_quotes
from winnow.transforms.enrich.triggers import TriggerFinder, taxonomy

SAYING_TYPES = {"statement", "threaten"}
SAID_DEPS = {"ccomp", "dobj", "xcomp", "nsubjpass"}  # what a saying verb says or issues
QUOTING = frozenset("said says told wrote added".split())
# Where a statement is put out for anyone to read: "said in a statement on the club's site" is a post.
PUBLISHED_ON = frozenset("website site blog page account feed twitter facebook instagram".split())
TRADE_VERBS = frozenset(
    """
    buy bought buys buying sell sold sells selling purchase purchased purchases purchasing
""".split()
)
VIOLENCE = {"assault", "fight", "mass_violence"}
# Verbs that put someone in a post, or else put up a thing ("installed cameras").
PLACING = frozenset("install installs installed installing".split())


@dataclass(frozen=True, slots=True)
class Found:
    """One reported trigger, before it becomes an event."""

    span: Span
    head: Token
    pos: str
    event_type: str
    licence: Licence | None


def reports_another(statement: Found, found: list[Found]) -> bool:
    """Whether a statement announces another event of the sentence ("announced it had signed a deal",
    "warnings were issued"): then it is how that event is reported, not an event of its own. One told
    of what it speaks about ("defended the budget approved in May") is not what it says."""
    said = {t.i for c in statement.head.children if c.dep_ in SAID_DEPS for t in c.subtree}
    said -= {  # "the budget approved in May"
        t.i
        for c in statement.head.children
        if c.dep_ in ("dobj", "nsubjpass")
        for clause in c.children
        if clause.dep_ in ("acl", "relcl")
        for t in clause.subtree
    }
    return any(f is not statement and f.event_type != "statement" and f.head.i in said for f in found)


def attributes_a_quote(item: Found, quoted: list[tuple[int, int]], offset: int) -> bool:
    """ "'We got her!' officers announced": a saying verb after a quote only attributes it; a tweet is a
    post. So does "said in a statement" in a clause that quotes what the statement says, unless the
    statement was put out on a website or an account ("said in a statement on the club's site"): a post."""
    if item.pos == "noun" and item.head.lower_ in ("statement", "statements") and item.licence.relation == "phrase":
        if _posted(item.head):
            return False
        verb = item.licence.verb
        return verb.lower_ in QUOTING and any(
            inside_quotes(offset + t.idx, quoted) for t in verb.subtree if not t.is_punct
        )
    if item.pos != "verb" or item.event_type not in SAYING_TYPES or item.head.lower_.startswith("tweet"):
        return False
    start = offset + item.span.start_char
    # a quote just before the sentence counts: the splitter often ends the sentence at the quote's "!"
    quotes = [(low, high) for low, high in quoted if offset + item.head.sent.start_char - 3 <= high <= start]
    said = [c for c in item.head.children if c.dep_ in ("ccomp", "dobj")]
    return bool(quotes) and all(any(low <= offset + c.idx < high for low, high in quotes) for c in said)


def _posted(statement: Token) -> bool:
    """Whether a statement was put out "on" a website or an account ("a statement on the firm's blog")."""
    return any(
        p.dep_ == "prep" and p.lower_ == "on" and any(o.dep_ == "pobj" and o.lower_ in PUBLISHED_ON for o in p.children)
        for p in statement.children
    )


def trade_figure(item: Found, who: Participants) -> bool:
    """ "Shipyards sold 42 boats last year": a count of goods traded by no one named is a statistic,
    not a deal."""
    if item.pos != "verb" or item.head.lower_ not in TRADE_VERBS:
        return False
    counted = any(c.dep_ == "dobj" and any(n.dep_ == "nummod" for n in c.children) for c in item.head.children)
    return counted and not any(actor is not None and actor.entity for actor in (who.actor1, who.actor2))


def done_by_no_one(item: Found, arguments: Arguments, finder: TriggerFinder) -> bool:
    """Violence done by a thing or to a thing ("the pandemic killed millions", "ate a rabbit",
    "production beat forecasts") is not an event between actors. The object that makes the verb a
    trigger is the weapon, not the one it is done to ("fired rockets at the rebels")."""
    if item.pos != "verb" or item.event_type not in VIOLENCE:
        return False
    phrase_objects = {o for k in finder.kinds_of(item.span.text) for o in k.objects or ()}
    children = list(item.head.children)
    if not any(c.dep_ == "dobj" for c in children):  # "killed and ate a rabbit": the object is shared
        children += [o for c in children if c.dep_ == "conj" for o in c.children if o.dep_ == "dobj"]
    for child in children:
        if (
            child.dep_ in ("nsubj", "dobj")
            and not (child.dep_ == "dobj" and child.lower_ in phrase_objects)
            and not item.span.start <= child.i < item.span.end  # "opened fire": the trigger's own word
            and child.pos_ != "PRON"
            and arguments.resolver.actor(child) is None
            and not arguments.resolver.places_in([child])
        ):
            return True
    return (
        item.head.dep_ == "relcl"
        and arguments.resolver.actor(item.head.head) is None
        and not any(c.dep_ == "nsubj" for c in item.head.children if c.pos_ != "PRON")
    )


def placed_no_one(item: Found) -> bool:
    """ "Talvik installed Keller to lead the turnaround", "Keller was installed as chief", "installed a
    new coach" are hires; "installed cameras" is not: a verb that puts someone in a post reports a
    hire only when what it puts there is named or is a post (the posts one is named to)."""
    if item.pos != "verb" or item.head.lower_ not in PLACING:
        return False
    posts = taxonomy()["cooperate"].verb_objects["named"]
    children = list(item.head.children)
    placed = [c for c in children if c.dep_ in ("dobj", "nsubjpass")]
    placed += [g for c in children if c.dep_ == "prep" and c.lower_ == "as" for g in c.children if g.dep_ == "pobj"]
    return not any(
        p.pos_ == "PROPN"
        or p.ent_type_ == "PERSON"
        or p.text.istitle()
        or any(t.lower_ in posts for t in [p, *(c for c in p.children if c.dep_ == "compound")])
        for p in placed  # "a new coach", "as chief executive"; not "Huawei equipment"
    )


def received_with(verb: Token) -> bool:
    """A passive with "with" ("the plan was met with protests") tells a reception, not a meeting."""
    children = list(verb.children)
    return any(c.dep_ == "auxpass" for c in children) and any(
        c.dep_ in ("prep", "agent") and c.lower_ == "with" for c in children
    )
