"""What the words around a name say about what it names: a word of place before it ("in
Brackenford"), a word for a kind of place after it ("al-Mashhad neighborhood"), a word for a group
of people beside it ("rebel groups — Ahrar al-Sham"), a use no person's name has ("energy company
Talvik", "posted on Chirper", "Rovers have won")."""

from __future__ import annotations

from spacy.tokens import Span

LOCATIVE_WORDS = frozenset(
    """
    in at near outside inside around across from into to toward towards
""".split()
)
# After these a name is a place even if the tagger made it an organisation ("in Brackenford").
PLACE_ONLY_WORDS = {"in", "near", "outside", "inside", "around", "across"}
# A name ending in one of these is a place's ("Brackenford Bridge", "Union Hall", "Gull Point").
PLACE_NAME_ENDINGS = frozenset(
    """
    bridge street road avenue lane row quay point square park hall theater theatre centre center
    terminal station airport harbour harbor island bay beach estate market district quarter valley
    hill mill province county region
""".split()
)
PLACE_NOUNS = frozenset(
    """
    neighborhood neighbourhood district province city town village region area suburb county quarter
    street road square camp valley river
""".split()
)
# What a body owns or keeps people in: a name before one is the body's ("in Brandco buildings").
PREMISES_NOUNS = frozenset(
    """
    custody detention office offices building buildings headquarters premises facility facilities site
    sites campus campuses store stores plant plants factory factories warehouse warehouses branch branches
""".split()
)
# Words for armed or political groups; not "company" or "council", which describe people's roles.
GROUP_NOUNS = frozenset(
    """
    group groups coalition movement militia militias faction factions organisation organization
    front brigade brigades
""".split()
)

# "energy company Talvik", "news website Daily Ledger": the kind of body a name set after it is.
ORGANISATION_NOUNS = frozenset(
    """
    company firm website site network platform broadcaster newspaper magazine club team startup
    carrier airline bank lender maker manufacturer outlet publisher charity app
""".split()
)
MEDIUM_NOUNS = frozenset("account accounts feed page channel handle app".split())  # "the Chirper account"
POSTING_VERBS = frozenset("posted said wrote tweeted announced shared commented replied".split())  # "posted on Chirper"
# What a company has and no town or region does: "Talvik's shares", "Talvik's chief executive"
# (not "investors", "customers" or "stocks", which a region's markets have too).
COMPANY_HOLDINGS = frozenset(
    """
    shares shareholders listing ceo executive executives founder co-founder cofounder subscribers users
    app apps platform website
""".split()
)
# What a company's name may stand before ("Talvik shareholders", "Talvik users") or be "of"/"in" after
# ("the chief executive of Talvik", "shares in Talvik"), which a town's name does not.
COMPANY_MODIFIED = frozenset("shareholders users subscribers".split())  # not "shares": "Asian shares"
COMPANY_OWNERS = frozenset("ceo executive officer founder co-founder cofounder shareholders shares stake".split())
FILING_WORDS = frozenset("filing filings".split())  # "said in a filing", "told regulators in a filing"
PLURAL_VERBS = frozenset("have are were".split())  # "Rovers have won": a team, not a person
DETERMINERS = frozenset("the a an this that its his her their our your my".split())


def after_locative_word(span: Span) -> bool:
    """Whether the span follows a word of place ("in", "near", "from"), a "the" between them allowed."""
    return after_word(span, LOCATIVE_WORDS)


def after_word(span: Span, words: set[str]) -> bool:
    """Whether the span follows one of `words` (a "the" between them allowed)."""
    doc = span.doc
    before = doc[span.start - 1] if span.start > 0 else None
    if before is not None and before.lower_ == "the" and span.start > 1:
        before = doc[span.start - 2]
    return before is not None and before.lower_ in words


def names_the_place_after(span: Span, words: set[str]) -> bool:
    """Whether the span is the place a word of place points to ("in Brackenford"), not the owner
    or a modifier of the noun that is ("in MVX's plans", "in BVMQ custody"): read from the parse
    where there is one, else (the NER pass has none) from the word after the span."""
    doc = span.doc
    owner = span.end < len(doc) and doc[span.end].lower_ in ("'s", "’s", "'", "’")
    if doc.has_annotation("DEP"):
        modifier = span.root.dep_ in ("compound", "poss", "nmod") and span.root.head.i >= span.end
    else:
        modifier = span.end < len(doc) and holds_premises(doc[span.end].text)
    return after_word(span, words) and not owner and not modifier


def holds_premises(word: str) -> bool:
    """Whether a word after a name makes the name its owner's, not a place: "in Brandco buildings",
    "at Brandco offices", "in BVMQ custody"."""
    return word in PREMISES_NOUNS


def before_place_noun(span: Span) -> bool:
    """Whether a word for a kind of place follows the span ("al-Mashhad neighborhood")."""
    return span.end < len(span.doc) and span.doc[span.end].lower_ in PLACE_NOUNS


def in_group_apposition(span: Span) -> bool:
    """ "rebel groups — Ahrar al-Sham and Jaish al-Islam", "Fatah al-Haleb, a ... coalition": a name
    set beside a word for a group of people (or joined to one that is) is the group's name."""
    doc = span.doc
    if span.start > 1 and doc[span.start - 1].lower_ in ("and", "or", ","):
        partner = next((e for e in doc.ents if e.end == span.start - 1 and e.label_ == "PERSON"), None)
        if partner is not None and in_group_apposition(partner):
            return True
    before = [t for t in doc[max(span.sent.start, span.start - 6) : span.start] if not t.is_punct]
    if any(t.lower_ in GROUP_NOUNS for t in before[-4:]) and any(
        t.text in "—–-:,(" for t in doc[max(0, span.start - 2) : span.start]
    ):
        return True
    after = doc[span.end : min(span.sent.end, span.end + 12)]
    if len(after) > 1 and after[0].text == "," and after[1].lower_ in ("a", "an", "the"):
        for token in after[2:]:
            if token.is_punct:
                break
            if token.lower_ in GROUP_NOUNS and not (token.i + 1 < len(doc) and doc[token.i + 1].lower_ in ("'s", "’s")):
                return True
    return False


def names_an_organisation(span: Span) -> bool:
    """Whether the words around a name use it as no person's name is used: after a word for a kind
    of body with a modifier before it ("energy company Talvik", not "the company Brisk founded");
    before a word for an account ("the Chirper account"); as where something is posted ("said on
    Chirper"); or opening a sentence as the subject of a plural verb ("Rovers have won", not "Claims
    against Brisk are ...")."""
    doc = span.doc
    before = [doc[i] for i in range(max(span.start - 2, 0), span.start)]
    after = doc[span.end] if span.end < len(doc) else None
    if len(before) == 2 and before[1].lower_ in ORGANISATION_NOUNS:
        if before[0].lower_ not in DETERMINERS and not before[0].is_punct:
            return True
    if after is not None and after.lower_ in MEDIUM_NOUNS:
        return True
    if len(before) == 2 and before[1].lower_ == "on" and before[0].lower_ in POSTING_VERBS:
        return after is None or after.lower_ not in ("'s", "’s")
    opening = all(t.lower_ == "the" or t.is_punct for t in doc[span.sent.start : span.start])
    return opening and after is not None and after.lower_ in PLURAL_VERBS


def names_a_company(span: Span) -> bool:
    """Whether a name the tagger took for a place is used as a company's: owning what only a company
    has ("Talvik's shares", "Talvik's chief executive", not "Kelmouth's mayor"), before such a word
    ("Talvik shareholders", "Talvik users"), after one ("the chief operating officer of Talvik",
    "a stake in Talvik"), or the subject of saying in a filing ("Talvik said Monday in a regulatory
    filing")."""
    doc = span.doc
    after = doc[span.end : min(span.end + 8, span.sent.end)]
    if len(after) > 1 and after[0].lower_ in ("'s", "’s", "'", "’"):
        holding = after[1] if after[1].lower_ != "chief" or len(after) < 3 else after[2]
        return holding.lower_ in COMPANY_HOLDINGS
    if len(after) > 0 and after[0].lower_ in COMPANY_MODIFIED:
        return True
    if span.start > 1 and doc[span.start - 1].lower_ in ("of", "in") and doc[span.start - 2].lower_ in COMPANY_OWNERS:
        return doc[span.start - 1].lower_ == "of" or doc[span.start - 2].lower_ in ("shares", "stake", "shareholders")
    return (
        len(after) > 0
        and after[0].lower_ in POSTING_VERBS
        and any(
            t.lower_ in FILING_WORDS and doc[t.i - 1].lower_ in ("a", "an", "its", "regulatory", "securities")
            for t in after[1:]
        )
    )
