"""Runs an expectation suite (schemas/expectations.py) on a pandas frame with GX Core.

Great Expectations is imported on the first validation only (it takes seconds), with its usage
statistics off and its progress bars shown only on a terminal. One ephemeral context per
process keeps every suite it has run, so validating the next batch costs only the checks.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import threading
import warnings
from dataclasses import dataclass
from typing import Any

from schemas.expectations import BATCH, ROW, Check, Suite

FRAME_PARAMETER = "dataframe"


@dataclass(frozen=True, slots=True)
class CheckResult:
    check: Check
    success: bool
    observed: str | None  # the observed value, as JSON
    unexpected_count: int
    failed_rows: tuple[int, ...]  # positions in the frame, for row checks


@dataclass(frozen=True, slots=True)
class SuiteResult:
    suite: Suite
    rows: int
    results: tuple[CheckResult, ...]

    def failed_rows(self) -> dict[int, list[str]]:
        """Frame position -> the row checks that row failed."""
        failed: dict[int, list[str]] = {}
        for result in self.results:
            if result.check.level == ROW:
                for row in result.failed_rows:
                    failed.setdefault(row, []).append(result.check.name)
        return failed

    def batch_failures(self) -> list[CheckResult]:
        return [r for r in self.results if r.check.level == BATCH and not r.success]


class Validator:
    """Validates frames against suites in one ephemeral GX context."""

    def __init__(self) -> None:
        os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

        # GX announces its temporary folders at INFO, with its own level set on that module's logger.
        for name in ("great_expectations", "great_expectations.data_context.types.base"):
            logging.getLogger(name).setLevel(logging.WARNING)

        self.gx = gx
        self.context = gx.get_context(mode="ephemeral")
        self.context.variables.progress_bars = ProgressBarsConfig(globally=sys.stderr.isatty())
        self.source = self.context.data_sources.add_pandas("winnow")
        self.definitions: dict[str, tuple[Any, dict[str, Check]]] = {}

    def validate(self, suite: Suite, frame: Any) -> SuiteResult:
        """Run `suite` on `frame` (a pandas DataFrame; its index is replaced by row positions)."""
        frame = frame.reset_index(drop=True)
        definition, checks = self._definition(suite)
        with warnings.catch_warnings():  # GX calls pandas APIs pandas 3.1 deprecates: its business, not the user's
            warnings.simplefilter("ignore", DeprecationWarning)
            warnings.simplefilter("ignore", FutureWarning)
            run = definition.run(batch_parameters={FRAME_PARAMETER: frame}, result_format="COMPLETE")
        results = []
        for outcome in run.results:
            check = checks[outcome.expectation_config.id]
            detail = outcome.result or {}
            observed = detail.get("observed_value")
            if observed is None and detail.get("unexpected_percent") is not None:  # column-value checks
                observed = {"unexpected_percent": round(detail["unexpected_percent"], 2)}
            results.append(CheckResult(
                check, bool(outcome.success),
                json.dumps(observed, default=str) if observed is not None else None,
                int(detail.get("unexpected_count") or 0),
                tuple(int(i) for i in detail.get("unexpected_index_list") or ()) if check.level == ROW else ()))
        return SuiteResult(suite, len(frame), tuple(results))

    def _definition(self, suite: Suite) -> tuple[Any, dict[str, Check]]:
        """The GX validation definition of `suite`, and its checks by GX expectation id."""
        # Settings differ by source (languages) and config: one GX suite per distinct content.
        key = f"{suite.name}-{abs(hash(repr(suite))):x}"
        if key not in self.definitions:
            gx = self.gx
            expectations = [getattr(gx.expectations, c.expectation)(**c.kwargs) for c in suite.checks]
            gx_suite = self.context.suites.add(gx.ExpectationSuite(name=key, expectations=expectations))
            asset = self.source.add_dataframe_asset(key)
            batch = asset.add_batch_definition_whole_dataframe(key)
            definition = self.context.validation_definitions.add(
                gx.ValidationDefinition(name=key, data=batch, suite=gx_suite))
            self.definitions[key] = definition, {e.id: c for e, c in zip(gx_suite.expectations, suite.checks)}
        return self.definitions[key]


_validator: Validator | None = None
_validator_lock = threading.Lock()


def validator() -> Validator:
    """This process's Validator (GX is imported on first use)."""
    global _validator
    with _validator_lock:
        if _validator is None:
            _validator = Validator()
        return _validator


def warm_up() -> None:
    """Import GX and make the validator in a background thread, while other work goes on:
    the import alone takes seconds."""
    threading.Thread(target=validator, name="gx-warm-up", daemon=True).start()
