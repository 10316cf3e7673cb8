"""The gate a load hands its staged batches to: a source's suites, run by this process's GX validator.

Built inside the load task from plain settings, so nothing but config crosses task boundaries.
"""

from __future__ import annotations

import time
from datetime import datetime, timezone

from schemas import expectations
from schemas.validate import SuiteResult, validator
from schemas.validate import warm_up as warm_up_validation
from sources.config import SourceConfig
from sources.validation_config import ValidationConfig
from transforms.chaff.lexicon import lexicon_for
from warehouse.validation import Gate


class TimedGate:
    """A source's suites behind one call, `gate(suite_name, frame)`, adding up the seconds spent."""

    def __init__(self, source: SourceConfig, config: ValidationConfig) -> None:
        settings = config.settings()
        markers = [phrase.regex.pattern for phrase in lexicon_for(source.language).strong]
        self.suites = {
            "articles": expectations.articles_suite(settings, source.accepted_languages(), markers,
                                                    datetime.now(timezone.utc)),
            "pages": expectations.pages_suite(settings),
            "fetch_log": expectations.fetch_log_suite(),
        }
        self.seconds = 0.0

    def __call__(self, suite: str, frame) -> SuiteResult:
        started = time.perf_counter()
        try:
            return validator().validate(self.suites[suite], frame)
        finally:
            self.seconds += time.perf_counter() - started


__all__ = ["TimedGate", "gate_for", "warm_up_validation"]


def gate_for(source: SourceConfig, config: ValidationConfig) -> Gate | None:
    """The source's gate, or None when validation is off."""
    return TimedGate(source, config) if config.enabled else None
