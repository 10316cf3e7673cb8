"""The base of every settings model: unknown keys and loosely typed values are mistakes."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict

Item = TypeVar("Item")


class Strict(BaseModel):
    # strict: YAML already types its values, so "2" for a number is a mistake to report.
    # frozen: a stage's settings are hashable and cannot change under it.
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def _as_tuple(value: Any) -> Any:
    # YAML gives lists; strict mode takes only tuples for a tuple.
    return tuple(value) if isinstance(value, list) else value


# A list in the file, a tuple in the model (so the model stays hashable).
Items = Annotated[tuple[Item, ...], BeforeValidator(_as_tuple)]
