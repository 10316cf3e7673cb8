"""The generic detectors' vocabulary, loaded from a YAML file per language (`lexicons/<code>.yaml`)."""

from __future__ import annotations

import re
import re._constants as sre_constants  # the parser's opcodes: to find the text a pattern requires
import re._parser as sre_parser
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

import yaml

from winnow.schemas.records import CHAFF_KINDS

LEXICON_DIR = Path(__file__).parent / "lexicons"
FALLBACK_LANGUAGE = "en"
_GRAM = 3  # required texts are filed under their first three letters


@dataclass(frozen=True, slots=True)
class Phrase:
    """A compiled phrase of one kind; `name` identifies it in `article_chaff.rule`."""

    kind: str
    name: str
    regex: re.Pattern[str]
    required: tuple[str, ...]  # lower-case texts one of which every match contains: a block with none is not searched


@dataclass(frozen=True)
class Lexicon:
    language: str
    class_tokens: dict[str, str]  # token -> kind
    strong: tuple[Phrase, ...]
    weak: tuple[Phrase, ...]
    publisher: frozenset[str]  # "we", "our": the publisher speaking
    reader: frozenset[str]  # "you", "your": to the reader

    def __post_init__(self) -> None:
        # Each required text, with its phrase's position, filed under its first three letters
        # (shorter texts under ""): a block is checked only for the texts whose first three
        # letters it holds, and no phrase is searched in a block that holds none of its texts.
        for level in ("strong", "weak"):
            index: dict[str, list[tuple[str, int]]] = {}
            for position, phrase in enumerate(getattr(self, level)):
                for text in phrase.required:
                    index.setdefault(text[:_GRAM] if len(text) >= _GRAM else "", []).append((text, position))
            object.__setattr__(self, f"_{level}_index", index)

    def first_match(self, level: str, text: str, lowered: str) -> tuple[Phrase, re.Match[str]] | None:
        """The first phrase of `level` ("strong" or "weak"), in order, found in `text`, with its
        match (`lowered` is text.lower())."""
        phrases = getattr(self, level)
        index = getattr(self, f"_{level}_index")
        # The block's runs of _GRAM letters, zipped and joined in C: a fifth faster than slicing.
        grams = set(map("".join, zip(*(lowered[start:] for start in range(_GRAM)))))
        grams.add("")
        candidates = {
            position for gram in grams & index.keys() for required, position in index[gram] if required in lowered
        }
        for position in sorted(candidates):
            match = phrases[position].regex.search(text)
            if match is not None:
                return phrases[position], match
        return None


def languages() -> list[str]:
    """The languages that have a lexicon."""
    return sorted(path.stem for path in LEXICON_DIR.glob("*.yaml"))


def lexicon_for(language: str | None) -> Lexicon:
    """The lexicon of `language`; every lexicon at once when the language is not known (a page
    that declares none, from a source that sets none); English for a language with no file.

    The class words and strong phrases of every lexicon apply whatever the language, after the
    language's own: a page's declared language can be wrong, pages carry other languages'
    furniture, and a strong phrase only matches text in its own language. The weak phrases and
    the words of a publisher speaking to its readers are the language's own."""
    if not language:
        return _every_language()
    code = language.lower()[:2]
    return _with_every_language(code if code in _available() else FALLBACK_LANGUAGE)


@cache
def _every_language() -> Lexicon:
    lexicons = [_load(code) for code in languages()]
    weak = {phrase.regex.pattern: phrase for lexicon in lexicons for phrase in lexicon.weak}
    return Lexicon(
        "any",
        _class_tokens(lexicons),
        _strong(lexicons),
        tuple(weak.values()),
        frozenset().union(*(lexicon.publisher for lexicon in lexicons)),
        frozenset().union(*(lexicon.reader for lexicon in lexicons)),
    )


@cache
def _with_every_language(code: str) -> Lexicon:
    own = _load(code)
    others = [_load(other) for other in (FALLBACK_LANGUAGE, *languages()) if other != code]
    return replace(own, class_tokens=_class_tokens([own, *others]), strong=_strong([own, *others]))


def _class_tokens(lexicons: list[Lexicon]) -> dict[str, str]:
    """Each token's kind from the first lexicon that has the token."""
    tokens: dict[str, str] = {}
    for lexicon in lexicons:
        for token, kind in lexicon.class_tokens.items():
            tokens.setdefault(token, kind)
    return tokens


def _strong(lexicons: list[Lexicon]) -> tuple[Phrase, ...]:
    """The strong phrases of the lexicons, in their order, each pattern once."""
    phrases: dict[str, Phrase] = {}
    for lexicon in lexicons:
        for phrase in lexicon.strong:
            phrases.setdefault(phrase.regex.pattern, phrase)
    return tuple(phrases.values())


@cache
def _available() -> frozenset[str]:
    return frozenset(languages())


@cache
def _load(code: str) -> Lexicon:
    data = yaml.safe_load((LEXICON_DIR / f"{code}.yaml").read_text(encoding="utf-8"))
    return parse_lexicon(data, code)


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
                target.append(Phrase(kind, f"{language}:{kind}:{level}:{index}", regex, required_texts(pattern)))
    return Lexicon(
        language,
        tokens,
        tuple(strong),
        tuple(weak),
        frozenset(data.get("publisher", [])),
        frozenset(data.get("reader", [])),
    )


def required_texts(pattern: str) -> tuple[str, ...]:
    """Literal texts, lower-cased, one of which every match of `pattern` contains (("",) when
    none is known). Searching only blocks that contain one makes the lexicon several times
    cheaper, since most blocks match no phrase."""
    return tuple(text.lower() for text in _alternatives(sre_parser.parse(pattern)))


def _alternatives(items) -> tuple[str, ...]:
    """For a parsed sequence: the longest literal run, or the alternatives of a branch or group
    it cannot match without, whichever has the longest shortest text."""
    best, run = ("",), ""
    for opcode, argument in items:
        if opcode is sre_constants.LITERAL:
            run += chr(argument)
            continue
        best, run = _better(best, (run,)), ""
        if opcode is sre_constants.BRANCH:
            branches = [_alternatives(branch) for branch in argument[1]]
            if all(min(map(len, branch)) for branch in branches):
                best = _better(best, tuple(text for branch in branches for text in branch))
        elif opcode is sre_constants.SUBPATTERN:
            best = _better(best, _alternatives(argument[-1]))
        elif opcode in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT) and argument[0] >= 1:
            best = _better(best, _alternatives(argument[2]))
    return _better(best, (run,))


def _better(one: tuple[str, ...], other: tuple[str, ...]) -> tuple[str, ...]:
    return other if min(map(len, other)) > min(map(len, one)) else one
