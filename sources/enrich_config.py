"""The `enrich:` block of the sources config: the spaCy pipeline of each language, the alias table,
which events to keep."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from winnow.schemas.records import ENTITY_TYPES, EnrichOptions, EntityAlias

DEFAULTS = EnrichOptions()


def _installed_models(models: dict[str, str]) -> dict[str, str]:
    """Each language is an ISO 639-1 code, and each spaCy pipeline an installed package or a
    folder; say so now, not mid-run."""
    for language, name in models.items():
        if not (len(language) == 2 and language.isascii() and language.islower()):
            raise ValueError(f"language {language!r} is not an ISO 639-1 code such as 'en' or 'fr'")
        if not Path(name).is_dir() and importlib.util.find_spec(name) is None:
            raise ValueError(
                f"spaCy pipeline {name!r} for {language!r} is not installed: install its package"
                " (as pyproject.toml does for the defaults) or give the path of a pipeline folder"
            )
    return models


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
    # language (ISO 639-1) -> an installed spaCy pipeline with NER and a parser; an article in a
    # language not listed is not enriched
    models: Annotated[dict[str, str], AfterValidator(_installed_models)] = Field(
        default_factory=lambda: dict(DEFAULTS.models), min_length=1
    )
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
            models=tuple(self.models.items()),
            aliases=tuple(EntityAlias(a.name, a.type, tuple(a.aliases), a.country) for a in self.aliases),
            min_event_confidence=self.min_event_confidence,
            batch_size=self.batch_size,
        )
