"""Config problems in plain words: pydantic's errors as the people editing sources.yaml read them.

Each problem becomes one line naming the file, the source and the field the way it is
written in the file ("sources.yaml: source 'a' (sources[0]), field feeds[1].url: ..."),
without pydantic's vocabulary.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from winnow.sources.feeds import FEED_KINDS

# Plain words for pydantic's error types; {names} come from the error's context.
MESSAGES = {
    "extra_forbidden": "unknown key",
    "missing": "missing required key",
    "union_tag_invalid": "unknown feed kind {tag!r}: expected one of " + ", ".join(FEED_KINDS),
    "union_tag_not_found": "missing key 'kind' (one of " + ", ".join(FEED_KINDS) + ")",
    "greater_than": "must be greater than {gt:g}",
    "greater_than_equal": "must be at least {ge}",
    "less_than_equal": "must be at most {le}",
    "too_short": "must list at least {min_length} item(s)",
    "string_too_short": "must not be empty",
    "finite_number": "must be a finite number",
    "literal_error": "must be one of {expected}",
}
EXPECTED = {
    "int_type": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "string_type": "text",
    "bool_type": "true or false",
    "list_type": "a list",
    "tuple_type": "a list",  # the models keep lists as tuples
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
}


def validation_messages(exc: ValidationError, where: str, skip: set[tuple]) -> list[str]:
    """One line per error in `exc`, prefixed by `where` (file and source) and the field;
    errors at the locations in `skip` are left out."""
    messages = []
    for error in exc.errors():
        if tuple(error["loc"]) not in skip:
            path = field_path(error["loc"])
            messages.append(f"{where}{', field ' + path if path else ''}: {describe_error(error)}")
    return messages


def field_path(loc: tuple) -> str:
    """A validation location as the user wrote it: ('feeds', 1, 'rss', 'url') -> feeds[1].url."""
    path = ""
    for position, part in enumerate(loc):
        if isinstance(part, int):
            path += f"[{part}]"
        elif part in FEED_KINDS and position >= 2 and loc[position - 2] == "feeds":
            continue  # the union's tag, which the user never wrote
        else:
            path += f".{part}" if path else str(part)
    return path


def describe_error(error: dict) -> str:
    """A pydantic error in plain words."""
    kind, ctx = error["type"], error.get("ctx", {})
    if kind == "value_error":  # our own validators' messages
        return str(ctx["error"])
    if kind in MESSAGES:
        return MESSAGES[kind].format(**ctx)
    if kind in EXPECTED:
        return f"expected {EXPECTED[kind]}, got {_shown(error['input'])}"
    return error["msg"]


def _shown(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return "nothing" if value is None else repr(value)
