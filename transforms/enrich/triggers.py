"""The event taxonomy and its trigger words (events.yaml), and finding them in a text.

A trigger is a verb ("arrested"), a noun ("talks"), a verb that counts only with certain
objects ("released a video"), a saying verb that counts only with an order inside ("told the
board to resign") or a word that counts when a saying verb pronounces it ("said the delays
were unacceptable"); which of them report an event is decided on the parse
(transforms/enrich/factuality.py).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans


@dataclass(frozen=True, slots=True)
class EventType:
    name: str
    cameo: str | None
    description: str
    verbs: tuple[str, ...]  # every form, lower case
    nouns: tuple[str, ...]
    verb_objects: dict[str, frozenset[str]]  # verb form -> the object words (every form) it needs
    directives: tuple[str, ...]  # saying verbs that report this type with an order inside
    verdicts: tuple[str, ...]  # words that report this type when a saying verb pronounces them
    retellings: tuple[frozenset[str], ...]  # each group: the forms of words that tell one deed


@dataclass(frozen=True, slots=True)
class Kind:
    """What a trigger form can be: a verb or a noun of a type, a verb only with these objects."""

    pos: str  # "verb", "noun" or "verdict" (a word a saying verb pronounces of something)
    event_type: str
    objects: frozenset[str] | None = None
    directive: bool = False  # a saying verb that counts only with an order inside ("told staff to leave")


@dataclass(frozen=True, slots=True)
class Licensing:
    """The verbs around a trigger that say it was done (events.yaml, `licensing`)."""

    light: frozenset[str]  # "held talks": the object is done by the subject
    undergo: frozenset[str]  # "faces charges": the object is done to the subject
    happening: frozenset[str]  # "talks began": the subject happened
    factual_heads: frozenset[str]  # "began to shell": the infinitive is done


def verb_forms(entry: str) -> list[str]:
    """ "strike/struck/striking" -> those and "strikes"; "bomb" -> bomb, bombs, bombed, bombing."""
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


def noun_forms(entry: str) -> list[str]:
    """A noun and its plural ("charges" and "talks" are given as they are used)."""
    if entry.endswith("s"):
        return [entry]
    if entry.endswith(("sh", "ch", "x")):
        return [entry, entry + "es"]
    return [entry, entry[:-1] + "ies" if entry.endswith("y") and entry[-2] not in "aeiou" else entry + "s"]


def _forms(entries: list[str], make) -> frozenset[str]:
    return frozenset(form.lower() for entry in entries for form in make(entry))


def _word_forms(entry: str) -> list[str]:
    """A verb's forms and a noun's ("detain" and "detention" in one group of `retellings`)."""
    return verb_forms(entry) + noun_forms(entry.split("/")[0])


@cache
def _raw() -> dict:
    return yaml.safe_load(resources.files(__package__).joinpath("events.yaml").read_text("utf-8"))


@cache
def taxonomy() -> dict[str, EventType]:
    """The event types and their trigger forms."""
    types = {}
    for name, spec in _raw()["types"].items():
        objects = {
            form: _forms(nouns, noun_forms)
            for verb, nouns in (spec.get("verb_objects") or {}).items()
            for form in verb_forms(verb)
        }
        types[name] = EventType(
            name,
            spec["cameo"],
            spec["description"],
            tuple(_forms(spec["verbs"], verb_forms)),
            tuple(_forms(spec["nouns"], noun_forms)),
            objects,
            tuple(_forms(spec.get("directives") or [], verb_forms)),
            tuple(word.lower() for word in spec.get("verdicts") or []),
            tuple(_forms(group, _word_forms) for group in spec.get("retellings") or []),
        )
    return types


@cache
def licensing() -> Licensing:
    raw = _raw()["licensing"]
    return Licensing(
        _forms(raw["light_verbs"], verb_forms),
        _forms(raw["undergo_verbs"], verb_forms),
        _forms(raw["happening_verbs"], verb_forms),
        frozenset(raw["factual_heads"]),
    )


class TriggerFinder:
    """Finds trigger words in a tokenised text with one phrase matcher."""

    def __init__(self, nlp: Language) -> None:
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.kinds: dict[str, list[Kind]] = defaultdict(list)
        for event_type in taxonomy().values():
            for form in event_type.verbs:
                self.kinds[form].append(Kind("verb", event_type.name))
            for form in event_type.nouns:
                self.kinds[form].append(Kind("noun", event_type.name))
            for form, objects in event_type.verb_objects.items():
                self.kinds[form].append(Kind("verb", event_type.name, objects))
            for form in event_type.directives:
                self.kinds[form].append(Kind("verb", event_type.name, directive=True))
            for word in event_type.verdicts:
                self.kinds[word].append(Kind("verdict", event_type.name))
        self.matcher.add("TRIGGER", list(nlp.tokenizer.pipe(self.kinds)))

    def find(self, doc: Doc | Span) -> list[Span]:
        """The longest trigger at each place ("air strikes", not "strikes")."""
        return filter_spans([doc[start:end] for _, start, end in self.matcher(doc)])

    def kinds_of(self, text: str) -> list[Kind]:
        return self.kinds.get(text.lower(), [])

    def acronym_kinds(self, acronyms: dict[str, str]) -> dict[str, list[Kind]]:
        """Defined acronyms that stand for a trigger: "CoH" for "Cessation of Hostilities"."""
        return {acronym: self.kinds[long.lower()] for acronym, long in acronyms.items() if long.lower() in self.kinds}
