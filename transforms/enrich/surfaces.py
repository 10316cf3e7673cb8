"""The names in an article's text as written: a span cleaned to the name it holds ("The Defense
Ministry's" -> "Defense Ministry"), the titles given with a person's name, names the tagger cut
in two joined again, and the acronyms the text defines."""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span

HONORIFICS = re.compile(
    r"^(?:mr|mrs|ms|miss|dr|prof|sir|dame|lord|lady|president|prime minister|secretary|senator|sen"
    r"|gov|governor|mayor|judge|justice|gen|general|col|colonel|capt|captain|councillor"
    r"|councilmember|councilwoman|councilman|alderman|rep|representative|minister|chancellor"
    r"|commissioner|chief|inspector|superintendent|detective|sergeant|sgt|rev|reverend|bishop"
    r"|ambassador|speaker|lt|lieutenant|maj|major)\.?(?:\s+|$)",
    re.I,
)
ACRONYM_DEFINITION = re.compile(
    r"((?:[A-Z][\w'’-]*\s+)(?:(?:of|and|the|for|on|de|[A-Z][\w'’-]*)\s+)*?"
    r"(?:[A-Z][\w'’-]*))\s+\(([A-Z][A-Za-z&]{1,9})\)"
)


def clean_surface(text: str) -> str:
    """The name in a span: no leading article or honorific, no possessive, no stray punctuation."""
    text = re.sub(r"\s+", " ", text).strip(" \t\"'“”‘,;:()[]—–-")  # a final dot may be "U.S."
    text = re.split(r"['’]s\s", text)[0]  # "Brennan’s 2016", "the mayor’s March 3": the name is the possessor
    text = re.sub(r"(?:['’]s|['’])$", "", text)
    text = re.sub(r"^(?:the|The|THE|a|an)\s+", "", text)
    while (shorter := HONORIFICS.sub("", text)) != text:  # "Lt. Col. Ada Brennan"
        text = shorter
    text = re.sub(r"(?:\s+\S*(?:\d|=)\S*)+$", "", text)  # a ticker or a code after a name: "Copper CMCU3"
    return text.strip(" \"'“”‘,;:")


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
