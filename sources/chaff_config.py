"""The `chaff:` block of a source (or of `defaults:`): its own chaff rules, as config.

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

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from winnow.schemas.records import CHAFF_KINDS, ChaffPattern, ChaffRules

DEFAULT_RULES = ChaffRules()


def _regex(value: str) -> str:
    try:
        re.compile(value, re.IGNORECASE)
    except re.error as exc:
        raise ValueError(f"invalid regular expression {value!r}: {exc}") from None
    return value


def _selector(value: str) -> str:
    from cssselect import GenericTranslator, SelectorError

    try:
        GenericTranslator().css_to_xpath(value)
    except SelectorError as exc:
        raise ValueError(f"invalid CSS selector {value!r}: {exc}") from None
    return value


def _pattern_shorthand(value: Any) -> Any:
    # A bare string is a pattern of kind "other".
    return {"pattern": value} if isinstance(value, str) else value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class PatternConfig(_Strict):
    pattern: Annotated[str, AfterValidator(_regex)]
    kind: Literal[CHAFF_KINDS] = "other"  # type: ignore[valid-type]


Pattern = Annotated[PatternConfig, BeforeValidator(_pattern_shorthand)]


class ChaffConfig(_Strict):
    """A source's chaff rules; every field is optional."""

    drop_selectors: list[Annotated[str, AfterValidator(_selector)]] = Field(default_factory=list)
    patterns: list[Pattern] = Field(default_factory=list)
    cut_markers: list[Pattern] = Field(default_factory=list)
    detectors: bool = DEFAULT_RULES.detectors
    repetition_min_articles: int = Field(DEFAULT_RULES.repetition_min_articles, ge=0)

    def rules(self) -> ChaffRules:
        """The rules as the transforms take them."""
        return ChaffRules(
            drop_selectors=tuple(self.drop_selectors),
            patterns=tuple(ChaffPattern(p.pattern, p.kind) for p in self.patterns),
            cut_markers=tuple(ChaffPattern(p.pattern, p.kind) for p in self.cut_markers),
            detectors=self.detectors,
            repetition_min_articles=self.repetition_min_articles,
        )
