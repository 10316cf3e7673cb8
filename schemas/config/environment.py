"""Settings a machine gives by environment variable rather than the sources config (how long to
wait, how many workers): read with one check, so a bad value stops a run with the variable's name."""

from __future__ import annotations

import math
import os


class EnvironmentSettingError(ValueError):
    """An environment variable winnow reads holds no number it can use."""


def number_from_environment(name: str, minimum: float, whole: bool = False) -> float | None:
    """$name as a number (an int if `whole`) at least `minimum`; None when unset or empty."""
    text = os.environ.get(name, "").strip()
    if not text:
        return None
    try:
        value = int(text) if whole else float(text)
    except ValueError:
        value = math.nan
    if not value >= minimum:  # nan, inf below: not a number, or too small
        kind = "a whole number" if whole else "a number"
        raise EnvironmentSettingError(f"{name}={text!r}: expected {kind} of at least {minimum:g}")
    if math.isinf(value):
        raise EnvironmentSettingError(f"{name}={text!r}: expected a finite number")
    return value
