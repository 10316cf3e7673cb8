"""The `validation:` block of the sources config: the thresholds of the expectation suites
(schemas/expectations.py)."""

from __future__ import annotations

from datetime import date

from pydantic import Field, model_validator

from winnow.schemas.config.extract import MIN_WORDS
from winnow.schemas.config.strict import Strict


class ValidationSettings(Strict):
    """How strict each batch's checks are; every field is optional."""

    enabled: bool = True
    # An article's text, in words: shorter pages are not extracted as articles (ExtractOptions).
    min_words: int = Field(MIN_WORDS, ge=0)
    max_words: int = Field(20_000, gt=0)
    title_mostly: float = Field(0.9, ge=0, le=1)  # share of a batch's articles with a title
    published_floor: date = date(1990, 1, 1)  # earliest believable publication date
    chaff_mostly: float = Field(0.95, ge=0, le=1)  # share with no chaff marker left
    max_duplicate_share: float = Field(0.2, ge=0, le=1)  # share repeating a text
    # More of a source's pages failing than this holds its batch back: the mark of a changed page layout ...
    max_failed_share: float = Field(0.5, ge=0, le=1)
    layout_min_pages: int = Field(3, ge=1)  # ... judged from this many pages up: fewer say nothing

    @model_validator(mode="after")
    def _bounds_in_order(self) -> ValidationSettings:
        if self.min_words > self.max_words:
            raise ValueError(f"min_words ({self.min_words}) is above max_words ({self.max_words})")
        return self
