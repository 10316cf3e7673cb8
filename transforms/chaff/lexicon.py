"""The generic detectors' vocabulary, loaded from a YAML file per language (`lexicons/<code>.yaml`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from schemas.records import CHAFF_KINDS

LEXICON_DIR = Path(__file__).parent / "lexicons"
FALLBACK_LANGUAGE = "en"


@dataclass(frozen=True, slots=True)
class Phrase:
    """A compiled phrase of one kind; `name` identifies it in `article_chaff.rule`."""

    kind: str
    name: str
    regex: re.Pattern[str]


@dataclass(frozen=True, slots=True)
class Lexicon:
    language: str
    class_tokens: dict[str, str]  # token -> kind
    strong: tuple[Phrase, ...]
    weak: tuple[Phrase, ...]
    publisher: frozenset[str]  # "we", "our": the publisher speaking
    reader: frozenset[str]  # "you", "your": to the reader

    def chaff_markers(self) -> list[str]:
        """The strong phrases as regular expressions: what must not be left in a clean text."""
        return [phrase.regex.pattern for phrase in self.strong]


def languages() -> list[str]:
    """The languages that have a lexicon."""
    return sorted(path.stem for path in LEXICON_DIR.glob("*.yaml"))


@cache
def lexicon_for(language: str | None) -> Lexicon:
    """The lexicon of `language`, or the English one when there is none for it."""
    code = (language or FALLBACK_LANGUAGE).lower()[:2]
    path = LEXICON_DIR / f"{code}.yaml"
    if not path.exists():
        path, code = LEXICON_DIR / f"{FALLBACK_LANGUAGE}.yaml", FALLBACK_LANGUAGE
    return parse_lexicon(yaml.safe_load(path.read_text(encoding="utf-8")), code)


def parse_lexicon(data: dict, language: str) -> Lexicon:
    """Build a lexicon from its YAML data; an unknown kind is a ValueError naming it."""
    unknown = (set(data.get("class_tokens", {})) | set(data.get("phrases", {}))) - set(CHAFF_KINDS)
    if unknown:
        raise ValueError(f"lexicon {language!r}: unknown chaff kinds {sorted(unknown)}; known: {CHAFF_KINDS}")
    tokens = {token: kind for kind, words in data.get("class_tokens", {}).items() for token in words}
    strong: list[Phrase] = []
    weak: list[Phrase] = []
    for kind, levels in data.get("phrases", {}).items():
        for level, target in (("strong", strong), ("weak", weak)):
            for index, pattern in enumerate(levels.get(level, [])):
                target.append(Phrase(kind, f"{language}:{kind}:{level}:{index}", re.compile(pattern, re.IGNORECASE)))
    return Lexicon(language, tokens, tuple(strong), tuple(weak), frozenset(data.get("publisher", [])),
                   frozenset(data.get("reader", [])))
