"""The `enrich:` block of the sources config: the spaCy model, the alias table, which events to keep."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from schemas.records import DEFAULT_NLP_MODEL, ENTITY_TYPES, EnrichOptions, EntityAlias


DEFAULTS = EnrichOptions()


def _installed_model(name: str) -> str:
    """A spaCy pipeline is an installed package or a folder; say so now, not mid-run."""
    if not Path(name).is_dir() and importlib.util.find_spec(name) is None:
        raise ValueError(f"spaCy pipeline {name!r} is not installed: install its package"
                         " (as pyproject.toml does for the default) or give the path of a pipeline folder")
    return name


def _country_code(code: str) -> str:
    if not (len(code) == 2 and code.isascii() and code.isupper()):
        raise ValueError(f"invalid country {code!r}: give an ISO 3166-1 alpha-2 code such as 'GB'")
    return code


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class AliasConfig(_Strict):
    """One entity of the alias table: its canonical name, type, and the names that mean it."""

    name: str = Field(min_length=1)
    type: Literal[ENTITY_TYPES]  # type: ignore[valid-type]
    aliases: list[str] = Field(default_factory=list)
    country: Annotated[str, AfterValidator(_country_code)] | None = None  # for places


class EnrichConfig(_Strict):
    """How articles are enriched; every field is optional."""

    enabled: bool = True
    # any installed spaCy pipeline with NER and a parser
    model: Annotated[str, AfterValidator(_installed_model)] = Field(DEFAULT_NLP_MODEL, min_length=1)
    min_event_confidence: float = Field(DEFAULTS.min_event_confidence, ge=0, le=1)
    batch_size: int = Field(DEFAULTS.batch_size, gt=0)
    aliases: list[AliasConfig] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_entity_per_alias(self) -> EnrichConfig:
        claimed: dict[str, str] = {}
        for entry in self.aliases:
            for form in (entry.name, *entry.aliases):
                owner = claimed.setdefault(form.casefold(), entry.name)
                if owner != entry.name:
                    raise ValueError(f"alias {form!r} is given to both {owner!r} and {entry.name!r}")
        return self

    def options(self) -> EnrichOptions:
        """The settings as the transforms take them."""
        return EnrichOptions(
            model=self.model,
            aliases=tuple(EntityAlias(a.name, a.type, tuple(a.aliases), a.country) for a in self.aliases),
            min_event_confidence=self.min_event_confidence,
            batch_size=self.batch_size,
        )
