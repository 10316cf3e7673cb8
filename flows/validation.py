"""The gate a load hands its staged batches to: a source's suites, run by this process's GX validator.

Built inside the load task from plain settings, so nothing but config crosses task boundaries.
Every table has one suite; a source's articles have one of their own, `articles.<source>`, only
where its languages or its lexicon's chaff markers make their checks differ from the defaults'
(those of a source that sets no language).
"""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

from winnow.schemas import expectations
from winnow.schemas.config import ValidationSettings
from winnow.schemas.validate import SuiteResult, validation_ran, validator
from winnow.schemas.validate import warm_up as warm_up_validation
from winnow.sources.source_config import SourceConfig
from winnow.transforms.chaff.lexicon import lexicon_for
from winnow.warehouse.db import resolved
from winnow.warehouse.validation import record_validation, warehouse_frames


class TimedGate:
    """Suites behind one call, `gate(suite_name, frame)`, adding up the seconds spent."""

    def __init__(self, suites: dict[str, expectations.Suite], run_name: str | None = None) -> None:
        self.suites = suites
        self.run_name = run_name  # groups the results in the Data Docs
        self.seconds = 0.0

    def suite(self, name: str) -> expectations.Suite:
        return self.suites[name]

    def __call__(self, suite: str, frame) -> SuiteResult:
        started = time.perf_counter()
        try:
            # The suite parameters are the batch's: "tomorrow" moves on through a long run, shares follow its size.
            return validator().validate(
                self.suites[suite],
                frame,
                self.run_name,
                expectations.suite_parameters(self.suites[suite], datetime.now(timezone.utc), len(frame)),
            )
        finally:
            self.seconds += time.perf_counter() - started


DOCS_FOLDER = "validation-docs"
__all__ = [
    "DOCS_FOLDER",
    "TimedGate",
    "build_docs",
    "enrich_gate",
    "gate_for",
    "table_gates",
    "validate_warehouse",
    "warm_up_validation",
]


def gate_for(source: SourceConfig, settings: ValidationSettings, run_name: str | None = None) -> TimedGate | None:
    """The gate of a source's fetched and extracted batches, or None when validation is off."""
    if not settings.enabled:
        return None
    return TimedGate(
        {
            "articles": _articles_suite(source, settings),
            "pages": expectations.pages_suite(settings),
            "fetch_log": expectations.fetch_log_suite(),
        },
        run_name,
    )


def enrich_gate(settings: ValidationSettings, run_name: str | None = None) -> TimedGate | None:
    """The gate of enriched batches (entities, mentions, events), or None when validation is off."""
    if not settings.enabled:
        return None
    return TimedGate(
        {
            "entities": expectations.entities_suite(),
            "mentions": expectations.mentions_suite(),
            "events": expectations.events_suite(),
        },
        run_name,
    )


def table_gates(sources: list[SourceConfig], settings: ValidationSettings, run_name: str | None = None):
    """The gate of a table's rows from a source, for `winnow validate` and `winnow quarantine
    release` (the checks run even where validation is off: the user asked for them)."""
    by_name = {source.name: source for source in sources}
    others = {
        "fetch_log": expectations.fetch_log_suite(),
        "entities": expectations.entities_suite(),
        "mentions": expectations.mentions_suite(),
        "events": expectations.events_suite(),
    }

    def gate(table: str, source: str | None) -> TimedGate:
        suite = _articles_suite(by_name.get(source), settings) if table == "articles" else others[table]
        return TimedGate({table: suite}, run_name)

    return gate


def validate_warehouse(
    sources: list[SourceConfig], settings: ValidationSettings, db_path: str, run_id: str
) -> list[tuple[SuiteResult, str | None]]:
    """Every table's suite over the whole warehouse (each source's articles with its own
    settings, a source no longer configured with the defaults); the outcomes are kept in
    validation_results under `run_id` and returned."""
    gate = table_gates(sources, settings, run_id)
    results = [(gate(suite, source)(suite, frame), source) for suite, source, frame in warehouse_frames(db_path, gate)]
    record_validation(db_path, run_id, results)
    return results


def _articles_suite(source: SourceConfig | None, settings: ValidationSettings) -> expectations.Suite:
    """The suite of a source's articles: `articles`, the defaults' (any language, every lexicon's
    markers), unless the source's own settings change its checks: then `articles.<source>`."""
    defaults = expectations.articles_suite(settings, [], _chaff_markers(None))
    if source is None:  # a source no longer configured
        return defaults
    # Only `languages` limits them: `language` says which chaff words a page that declares none has,
    # and a source in one language still publishes articles in others.
    own = expectations.articles_suite(settings, source.languages, _chaff_markers(source.language), source.name)
    return defaults if replace(own, source=None) == defaults else own


def _chaff_markers(language: str | None) -> list[str]:
    return [phrase.regex.pattern for phrase in lexicon_for(language).strong]


def build_docs(db_path: str) -> Path | None:
    """The Data Docs of this process's validations, in `validation-docs` beside the database;
    None if nothing was validated."""
    if not validation_ran():
        return None
    return validator().build_docs(resolved(db_path).parent / DOCS_FOLDER)
