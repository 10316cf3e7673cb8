"""The `validation:` block of the sources config: the thresholds of the expectation suites."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field, model_validator

from winnow.schemas.records import ValidationSettings

DEFAULTS = ValidationSettings()


class ValidationConfig(BaseModel):
    """How strict each batch's checks are (schemas/expectations.py); every field is optional."""

    model_config = ConfigDict(extra="forbid", strict=True)

    enabled: bool = True
    min_words: int = Field(DEFAULTS.min_words, ge=0)  # an article's text, in words
    max_words: int = Field(DEFAULTS.max_words, gt=0)
    title_mostly: float = Field(DEFAULTS.title_mostly, ge=0, le=1)  # share of a batch's articles with a title
    published_floor: date = DEFAULTS.published_floor  # earliest believable publication date
    chaff_mostly: float = Field(DEFAULTS.chaff_mostly, ge=0, le=1)  # share with no chaff marker left
    max_duplicate_share: float = Field(DEFAULTS.max_duplicate_share, ge=0, le=1)  # share repeating a text
    max_failed_share: float = Field(DEFAULTS.max_failed_share, ge=0, le=1)  # more of a source's pages
    # failing than this holds its batch back: the mark of a changed page layout
    layout_min_pages: int = Field(DEFAULTS.layout_min_pages, ge=1)  # ... judged from this many pages up

    def settings(self) -> ValidationSettings:
        """The thresholds as the suites take them."""
        return ValidationSettings(**self.model_dump(exclude={"enabled"}))

    @model_validator(mode="after")
    def _bounds_in_order(self) -> ValidationConfig:
        if self.min_words > self.max_words:
            raise ValueError(f"min_words ({self.min_words}) is above max_words ({self.max_words})")
        return self
