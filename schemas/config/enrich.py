"""The `enrich:` block of the sources config: the spaCy pipeline of each language, the alias table,
which events to keep."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field, model_validator

from winnow.schemas.config.strict import Items, Strict
from winnow.schemas.records import DEFAULT_NLP_MODEL, ENTITY_TYPES


def _pairs(value: Any) -> Any:
    # The file maps language -> pipeline; the model keeps the pairs, hashable and in order.
    if isinstance(value, dict):
        return tuple(value.items())
    if isinstance(value, tuple):
        return value
    raise ValueError(f"expected a mapping of language to spaCy pipeline, such as {{en: {DEFAULT_NLP_MODEL}}}")


def _installed_models(models: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """Each language is an ISO 639-1 code, and each spaCy pipeline an installed package or a
    folder; say so now, not mid-run."""
    for language, name in models:
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


class EntityAlias(Strict):
    """An alias-table entry: every alias (and the name itself) is the entity `name` of `type`."""

    name: str = Field(min_length=1)
    type: Literal[ENTITY_TYPES]  # type: ignore[valid-type]
    aliases: Items[str] = ()
    country: Annotated[str, AfterValidator(_country_code)] | None = None  # ISO 3166-1 alpha-2, for places


Models = Annotated[
    tuple[tuple[str, str], ...],
    BeforeValidator(_pairs, json_schema_input_type=dict[str, str]),
    AfterValidator(_installed_models),
]


class EnrichOptions(Strict):
    """How to enrich: the spaCy pipeline of each language, which aliases, which events to keep;
    every field is optional."""

    enabled: bool = True
    # language (ISO 639-1) -> an installed spaCy pipeline with NER and a parser; an article in a
    # language not listed is not enriched
    models: Models = Field(
        (("en", DEFAULT_NLP_MODEL),),
        min_length=1,
        json_schema_extra={"default": {"en": DEFAULT_NLP_MODEL}, "minProperties": 1},  # as the file gives it
    )
    min_event_confidence: float = Field(0.5, ge=0, le=1)
    batch_size: int = Field(16, gt=0)  # texts per nlp.pipe batch
    aliases: Items[EntityAlias] = ()

    @model_validator(mode="after")
    def _one_entity_per_alias(self) -> EnrichOptions:
        claimed: dict[str, str] = {}
        for entry in self.aliases:
            for form in (entry.name, *entry.aliases):
                owner = claimed.setdefault(form.casefold(), entry.name)
                if owner != entry.name:
                    raise ValueError(f"alias {form!r} is given to both {owner!r} and {entry.name!r}")
        return self

    def model_for(self, language: str) -> str | None:
        """The pipeline configured for `language`, if any."""
        return dict(self.models).get(language)
