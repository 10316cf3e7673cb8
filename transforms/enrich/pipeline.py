"""The spaCy pipeline of the enrich stage, and which of its components each pass runs.

The NER pass runs only what entities need (the model's NER, which has its own token vectors,
an entity ruler made from the alias table, and a rule-based sentence splitter); the parse pass
runs the tagger and dependency parser on the few sentences that hold an event trigger.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import spacy
import yaml
from spacy.language import Language
from spacy.tokens import Doc

from winnow.schemas.config import EntityAlias

# NER labels the enrich stage reads: names, and the dates events need.
NER_LABELS = ("PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "LANGUAGE", "DATE")
ALIAS_LABELS = {"person": "PERSON", "organisation": "ORG", "place": "GPE"}
# Short aliases are matched with their case ("WHO", not "who"); longer ones in any case.
CASED_ALIAS_MAX_LENGTH = 5


@Language.component("block_boundaries")
def block_boundaries(doc: Doc) -> Doc:
    """A new line starts a new sentence: the text is one block (paragraph, caption) per line."""
    for token in doc[1:]:
        previous = doc[token.i - 1]
        if previous.is_space and "\n" in previous.text:
            token.is_sent_start = True
    return doc


@cache
def default_aliases() -> tuple[EntityAlias, ...]:
    """The alias table shipped with winnow (aliases.yaml); a config adds to it."""
    entries = yaml.safe_load(resources.files(__package__).joinpath("aliases.yaml").read_text("utf-8"))
    return tuple(
        EntityAlias(name=e["name"], type=e["type"], aliases=tuple(e.get("aliases", ())), country=e.get("country"))
        for e in entries
    )


def merged_aliases(configured: tuple[EntityAlias, ...]) -> tuple[EntityAlias, ...]:
    """The default table with the configured entries added; a configured entry replaces a
    default one of the same name."""
    names = {alias.name.casefold() for alias in configured}
    return tuple(a for a in default_aliases() if a.name.casefold() not in names) + configured


@cache
def load_pipeline(model: str, aliases: tuple[EntityAlias, ...]) -> Language:
    """The model with an entity ruler for `aliases` before its NER, and a sentence splitter.
    Cached: each process loads a model once."""
    nlp = spacy.load(model, exclude=["lemmatizer", "senter"])
    ruler = nlp.add_pipe("entity_ruler", before="ner", config={"phrase_matcher_attr": "LOWER"})
    patterns = []
    for alias in aliases:
        for form in (alias.name, *alias.aliases):
            if len(form) <= CASED_ALIAS_MAX_LENGTH:
                pattern = [{"ORTH": token.text} for token in nlp.make_doc(form)]
            else:
                pattern = form
            patterns.append({"label": ALIAS_LABELS[alias.type], "pattern": pattern, "id": alias.name})
    ruler.add_patterns(patterns)
    nlp.add_pipe("sentencizer", first=True)
    nlp.add_pipe("block_boundaries", after="sentencizer")
    return nlp


def ner_disabled(nlp: Language) -> list[str]:
    """Components the NER pass leaves out."""
    return [name for name in nlp.pipe_names if name not in ("sentencizer", "block_boundaries", "entity_ruler", "ner")]


def parse_disabled(nlp: Language) -> list[str]:
    """Components the parse pass leaves out: it keeps the entities the NER pass found."""
    return ["sentencizer", "block_boundaries", "entity_ruler", "ner"]
