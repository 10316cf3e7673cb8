"""How to strip one source's chaff: the `chaff:` block of a source (or of `defaults:`).

chaff:
  drop_selectors: ["div.newsletter-box", "#donate"]    # removed before extraction
  patterns:                                             # a block matching one is chaff
    - {pattern: "^Support The Moscow Times!$", kind: donation}
  cut_markers:                                          # this block and all after it
    - {pattern: "^Sign up for our free weekly newsletter", kind: newsletter}
  detectors: true                                       # the generic detectors
  repetition_min_articles: 5                            # learned from repetition; 0: off
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field

from winnow.schemas.config.strict import Items, Strict
from winnow.schemas.records import CHAFF_KINDS


def _regex(value: str) -> str:
    try:
        re.compile(value, re.IGNORECASE)
    except re.error as exc:
        raise ValueError(f"invalid regular expression {value!r}: {exc}") from None
    return value


def _selector(value: str) -> str:
    from cssselect import GenericTranslator, SelectorError  # only where a config is read

    try:
        GenericTranslator().css_to_xpath(value)
    except SelectorError as exc:
        raise ValueError(f"invalid CSS selector {value!r}: {exc}") from None
    return value


def _pattern_shorthand(value: Any) -> Any:
    # A bare string is a pattern of kind "other".
    return {"pattern": value} if isinstance(value, str) else value


class ChaffPattern(Strict):
    """A per-source regular expression that marks a block as chaff of a kind."""

    pattern: Annotated[str, AfterValidator(_regex)]
    kind: Literal[CHAFF_KINDS] = "other"  # type: ignore[valid-type]


Pattern = Annotated[ChaffPattern, BeforeValidator(_pattern_shorthand, json_schema_input_type=str | ChaffPattern)]


class ChaffRules(Strict):
    """How to strip one source's chaff: its own rules, and which generic evidence to use; every
    field is optional."""

    drop_selectors: Items[Annotated[str, AfterValidator(_selector)]] = ()  # CSS, removed before extraction
    patterns: Items[Pattern] = ()  # a block matching one is chaff
    cut_markers: Items[Pattern] = ()  # the first block matching one, and all after it, are chaff
    detectors: bool = True  # the generic detectors (lexicon, markup, position)
    # A block in this many of the source's articles is chaff; 0: off.
    repetition_min_articles: int = Field(5, ge=0)
