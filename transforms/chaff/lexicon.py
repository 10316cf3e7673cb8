"""The generic detectors' vocabulary, loaded from a YAML file per language (`lexicons/<code>.yaml`)."""

from __future__ import annotations

import re
import re._constants as sre_constants  # the parser's opcodes: to find the text a pattern requires
import re._parser as sre_parser
from dataclasses import dataclass, replace
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
    required: str  # lower-case text every match contains: a block without it is not searched

    def search(self, text: str, lowered: str) -> re.Match[str] | None:
        """The first match in `text` (`lowered` is text.lower(), shared by every phrase)."""
        if self.required not in lowered:
            return None
        return self.regex.search(text)


@dataclass(frozen=True, slots=True)
class Lexicon:
    language: str
    class_tokens: dict[str, str]  # token -> kind
    strong: tuple[Phrase, ...]
    weak: tuple[Phrase, ...]
    publisher: frozenset[str]  # "we", "our": the publisher speaking
    reader: frozenset[str]  # "you", "your": to the reader


def languages() -> list[str]:
    """The languages that have a lexicon."""
    return sorted(path.stem for path in LEXICON_DIR.glob("*.yaml"))


def lexicon_for(language: str | None) -> Lexicon:
    """The lexicon of `language`; every lexicon at once when the language is not known (a page
    that declares none, from a source that sets none); English for a language with no file."""
    if not language:
        return _every_language()
    code = language.lower()[:2]
    return _load(code if code in _available() else FALLBACK_LANGUAGE)


@cache
def _every_language() -> Lexicon:
    lexicons = [_load(code) for code in languages()]
    strong = {phrase.regex.pattern: phrase for lexicon in lexicons for phrase in lexicon.strong}
    weak = {phrase.regex.pattern: phrase for lexicon in lexicons for phrase in lexicon.weak}
    return Lexicon("any", {token: kind for lexicon in lexicons for token, kind in lexicon.class_tokens.items()},
                   tuple(strong.values()), tuple(weak.values()),
                   frozenset().union(*(lexicon.publisher for lexicon in lexicons)),
                   frozenset().union(*(lexicon.reader for lexicon in lexicons)))


@cache
def _available() -> frozenset[str]:
    return frozenset(languages())


@cache
def _load(code: str) -> Lexicon:
    data = yaml.safe_load((LEXICON_DIR / f"{code}.yaml").read_text(encoding="utf-8"))
    lexicon = parse_lexicon(data, code)
    if code == FALLBACK_LANGUAGE:
        return lexicon
    # Class and id names are mostly English whatever the page's language, and pages in every
    # language carry English furniture too (timestamps, "Share", "Newsletter", image addresses).
    english = _load(FALLBACK_LANGUAGE)
    return replace(lexicon, class_tokens={**english.class_tokens, **lexicon.class_tokens},
                   strong=lexicon.strong + english.strong)


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
                regex = re.compile(pattern, re.IGNORECASE)
                target.append(Phrase(kind, f"{language}:{kind}:{level}:{index}", regex, required_text(pattern)))
    return Lexicon(language, tokens, tuple(strong), tuple(weak), frozenset(data.get("publisher", [])),
                   frozenset(data.get("reader", [])))


def required_text(pattern: str) -> str:
    """The longest run of literal characters at the top level of `pattern`, lower-cased: text
    that every match contains. Searching only blocks that contain it makes the lexicon several
    times cheaper, since most blocks match no phrase."""
    longest, run = "", ""
    for opcode, argument in sre_parser.parse(pattern):
        if opcode is sre_constants.LITERAL:
            run += chr(argument)
        else:
            longest, run = max(longest, run, key=len), ""
    return max(longest, run, key=len).lower()
