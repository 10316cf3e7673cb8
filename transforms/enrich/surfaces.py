"""The names in an article's text as written: a span cleaned to the name it holds ("The Defense
Ministry's" -> "Defense Ministry"), the titles given with a person's name, the acronyms the text
defines, and spans the tagger got wrong repaired: a name cut in two joined again, a name cut short
extended ("the Kelmouth Evening" + "Courier"), a list taken for one name split ("Arlo, Bexley
Robotics"; "Kent and Surrey counties")."""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span

from winnow.transforms.enrich.surroundings import PLACE_NOUNS

HONORIFICS = re.compile(
    r"^(?:mr|mrs|ms|miss|dr|prof|sir|dame|lord|lady|president|prime minister|secretary|senator|sen"
    r"|gov|governor|mayor|judge|justice|gen|general|col|colonel|capt|captain|councillor"
    r"|councilmember|councilwoman|councilman|alderman|rep|representative|minister|chancellor"
    r"|commissioner|chief|inspector|superintendent|detective|sergeant|sgt|rev|reverend|bishop"
    r"|ambassador|speaker|lt|lieutenant|maj|major)\.?(?:\s+|$)",
    re.I,
)
# Words after a possessive that do not continue a name: "Brennan's March 3 speech".
CALENDAR_WORD = re.compile(
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?"
    r"|nov(?:ember)?|dec(?:ember)?)\.?$|(?:mon|tues|wednes|thurs|fri|satur|sun)day$",
    re.I,
)
# A possessive inside a name ("People's Daily", "Magistrate's Court"): a capitalised word follows.
POSSESSIVE = re.compile(r"['’]s\s+(?=[A-Z])")
COMPANY_SUFFIXES = {"inc", "ltd", "llc", "co", "corp", "plc", "jr", "sr", "ag", "sa", "nv"}
PLACE_NOUN_PLURALS = frozenset(n[:-1] + "ies" if n.endswith("y") else n + "s" for n in PLACE_NOUNS)
LONGEST_EXTENSION = 3  # words added to a name the tagger cut short
ACRONYM_DEFINITION = re.compile(
    r"((?:[A-Z][\w'’-]*\s+)(?:(?:of|and|the|for|on|de|[A-Z][\w'’-]*)\s+)*?"
    r"(?:[A-Z][\w'’-]*))\s+\(([A-Z][A-Za-z&]{1,9})\)"
)

ACRONYM_WORD = re.compile(r"\b[A-Z](?:&?[A-Z]){2,7}\b")


def clean_surface(text: str) -> str:
    """The name in a span: no leading article or honorific, no possessive, no stray punctuation."""
    text = re.sub(r"\s+", " ", text).strip(" \t\"'“”‘,;:()[]—–-")  # a final dot may be "U.S."
    # "Brennan’s 2016", "the mayor’s March 3": the name is the possessor; "People's Daily" is one name.
    text = _up_to_possessor(re.sub(r"^['’]s\s+", "", text))  # "’s Haqqani": a span from a possessive's end
    text = re.sub(r"(?:['’]s|['’])$", "", text)
    text = re.sub(r"^(?:the|The|THE|a|an)\s+", "", text)
    while (shorter := HONORIFICS.sub("", text)) != text:  # "Lt. Col. Ada Brennan"
        text = shorter
    text = re.sub(r"(?:\s+\S*(?:\d|=)\S*)+$", "", text)  # a ticker or a code after a name: "Copper CMCU3"
    return text.strip(" \"'“”‘,;:")


def with_capital_the(span: Span, surface: str) -> str:
    """A one-word organisation's name with the "The" it is written with mid-sentence ("told The
    Hill", "in The Economist"): without it, the name is a common word."""
    doc = span.doc
    the = doc[span.start] if span.text.startswith("The ") else doc[span.start - 1] if span.start else None
    if (
        span.label_ == "ORG"
        and surface.istitle()
        and " " not in surface
        and the is not None
        and the.text == "The"
        and not the.is_sent_start
    ):
        return f"The {surface}"
    return surface


def possessive_parts(surface: str) -> tuple[str, str] | None:
    """A name held by a name ("Punjab's Bhatinda", "People's Daily"): the possessor and the rest."""
    parts = POSSESSIVE.split(surface, maxsplit=1)
    return (parts[0], parts[1]) if len(parts) == 2 else None


def _up_to_possessor(text: str) -> str:
    """The text up to the possessive that ends its name: one followed by a word that is not a
    name's ("the mayor's office"), a date ("Brennan's March 3 speech") or a number."""
    pieces = re.split(r"(['’]s\s+)", text)
    kept = pieces[0]
    for mark, rest in zip(pieces[1::2], pieces[2::2]):
        word = rest.split()[0] if rest.split() else ""
        if not word[:1].isupper() or CALENDAR_WORD.match(word):
            break
        kept += mark + rest
    return kept


def acronym_definitions(text: str) -> dict[str, str]:
    """Acronyms the text defines: "Cessation of Hostilities (CoH)" -> {"CoH": "Cessation of Hostilities"}."""
    found = {}
    for match in ACRONYM_DEFINITION.finditer(text):
        words = match[1].split()
        acronym = match[2]
        capitals = [c for c in acronym if c.isupper()]
        for start in range(len(words)):  # the shortest tail of the phrase whose initials match
            initials = [w[0] for w in words[start:] if w[0].isupper()]
            if initials == capitals and words[start][0].isupper():
                found[acronym] = " ".join(words[start:])
    return found


def acronyms_of_names(text: str, names: list[str]) -> dict[str, str]:
    """Acronyms the text uses without defining them, each for the name of the text whose capitalised
    words (a company suffix aside) start with its letters: "KHPA" for "Kelmouth Harbour Pilots
    Association", "HG&P" for "Harwick Gas & Power Co."; three letters at least, as two match too much."""
    by_initials: dict[str, str] = {}
    for name in names:
        words = [w for w in name.split() if w[:1].isupper() and w.strip(".").lower() not in COMPANY_SUFFIXES]
        if len(words) >= 3:
            by_initials.setdefault("".join(w[0] for w in words), name)
    return {
        acronym: by_initials[acronym.replace("&", "")]
        for acronym in set(ACRONYM_WORD.findall(text))
        if acronym.replace("&", "") in by_initials
    }


def joined_spans(doc: Doc) -> list[Span]:
    """The document's names, where the tagger cut the last word off a name ("Thornbury" "Marsh")
    joined again: an organisation or person span, a space, and a one-word one."""
    joined: list[Span] = []
    for span in doc.ents:
        last = joined[-1] if joined else None
        if (
            last is not None
            and span.start == last.end
            and len(span) == 1
            and last.label_ in ("ORG", "PERSON")
            and span.label_ in ("ORG", "PERSON")
            and doc.text[last.end_char : span.start_char] == " "
        ):
            joined[-1] = Span(doc, last.start, span.end, label=last.label_)
        else:
            joined.append(span)
    return joined


def title_words(surface: str, span_text: str, before: list[str]) -> tuple[str, ...]:
    """The title words given with a name: those its span held before it ("President" in
    "President Brennan") and the words just before it ("Gov.", "House Speaker")."""
    inside = span_text[: max(span_text.find(surface), 0)].split()
    return tuple(dict.fromkeys(w.lower().strip(".,") for w in inside + before if w[:1].isalpha()))


def words_before(span: Span, most: int = 3) -> list[str]:
    """Up to `most` capitalised words just before a span, in its sentence ("Gov.", "House Speaker")."""
    words = []
    for token in reversed(span.doc[max(span.sent.start, span.start - most) : span.start]):
        if not token.text[:1].isupper() or not (token.is_alpha or token.text.endswith(".")):
            break
        words.insert(0, token.text)
    return words


def repaired_spans(doc: Doc) -> list[Span]:
    """The document's names with the tagger's cuts repaired (`joined_spans`), an organisation cut
    short extended, and a list taken for one name split into its names."""
    repaired: list[Span] = []
    for span in joined_spans(doc):
        repaired += listed_names(span) or [extended(span)]
    return repaired


def extended(span: Span) -> Span:
    """An organisation's name the tagger cut short, with the capitalised words that follow it ("the
    Kelmouth Evening" + "Courier said"): one to three words untagged, then a word that is not
    capitalised. Not across a title ("Acme Chief Executive Ada Brennan"), a date or a title-case line."""
    doc, sentence = span.doc, span.sent
    if span.label_ != "ORG" or _title_case(sentence):
        return span
    end = span.end
    while (
        end < sentence.end
        and end - span.end < LONGEST_EXTENSION
        and doc[end - 1].whitespace_ == " "
        and not doc[end - 1].is_punct
        and not doc[end - 1].text.endswith(".")  # "Group D. The": a sentence the splitter missed
        and len(doc[end]) > 1
        and doc[end].is_alpha
        and doc[end].is_title
        and not doc[end].ent_type_
        and not CALENDAR_WORD.match(doc[end].text)
        and not HONORIFICS.match(doc[end].text)
    ):
        end += 1
    if end == span.end or (end < sentence.end and doc[end].text[:1].isupper()):
        return span
    return Span(doc, span.start, end, label=span.label_)


def listed_names(span: Span) -> list[Span]:
    """The names of a list the tagger took for one ("Arlo, Bexley Robotics"; "Kent and Surrey"
    before "counties"), or none if the span is one name ("Acme, Inc.", "Health and Human Services")."""
    doc = span.doc
    if span.label_ not in ("ORG", "PERSON", "GPE", "LOC", "FAC"):
        return []
    # Not a place's ("Portland, Oregon" is one place) nor a name of several words ("Council on
    # Energy, Environment and Water").
    if span.label_ in ("ORG", "PERSON") and not any(t.is_lower for t in span):
        separators = [t.i for t in span if t.text == ","]
    else:
        separators = []
    label = span.label_
    if not separators:
        joined_places = span.end < len(doc) and doc[span.end].lower_ in PLACE_NOUN_PLURALS
        separators = [t.i for t in span if t.lower_ == "and"] if joined_places else []
        label = "GPE"
    bounds = [span.start - 1, *separators, span.end]
    parts = [Span(doc, a + 1, b, label=label) for a, b in zip(bounds, bounds[1:])]
    if not separators or any(not p.text[:1].isupper() or p.text.strip(".").lower() in COMPANY_SUFFIXES for p in parts):
        return []
    return parts


def _title_case(sentence: Span) -> bool:
    """A headline-like line, where every longer word is capitalised ("Acme Shares Climb After Strong Quarter")."""
    words = [t for t in sentence if t.is_alpha and len(t) > 3]
    return len(words) > 2 and all(t.text[:1].isupper() for t in words)
