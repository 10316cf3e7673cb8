"""Runs an expectation suite (schemas/expectations.py) on a pandas frame with GX Core.

Great Expectations is imported on the first validation only (it takes seconds), with its usage
statistics off and its progress bars shown only on a terminal. One ephemeral context per
process keeps one GX suite per suite name ("articles", "articles.news", "pages", ...), so
validating the next batch costs only the checks: what moves from batch to batch comes in as
suite parameters, and a suite whose checks changed (a config reloaded) is updated in place.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import sys
import threading
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from winnow.schemas.expectations import BATCH, ROW, Check, Suite

FRAME_PARAMETER = "dataframe"
CHECK_META = "check"  # the key of a GX expectation's meta that names its check
DOCS_SITE = "winnow"
RESULTS_KEPT_PER_SUITE = 20  # validation results kept in memory for the Data Docs, per suite
ASSETS = Path(__file__).parent / "datadocs"
# CDN files of GX's pages -> the copies in schemas/datadocs (README there).
OFFLINE_ASSETS = {
    r"https://code\.jquery\.com/jquery-[\d.]+\.min\.js": "js/jquery.min.js",
    r"https://cdnjs\.cloudflare\.com/ajax/libs/popper\.js/[\d.]+/umd/popper\.min\.js": "js/popper.min.js",
    r"https://stackpath\.bootstrapcdn\.com/bootstrap/[\d.]+/js/bootstrap\.min\.js": "js/bootstrap.min.js",
    r"https://maxcdn\.bootstrapcdn\.com/bootstrap/[\d.]+/css/bootstrap\.min\.css": "css/bootstrap.min.css",
    r"https://unpkg\.com/bootstrap-table@[\d.]+/dist/bootstrap-table\.min\.js": "js/bootstrap-table.min.js",
    r"https://unpkg\.com/bootstrap-table@[\d.]+/dist/bootstrap-table\.min\.css": "css/bootstrap-table.min.css",
    r"https://unpkg\.com/bootstrap-table@[\d.]+/dist/extensions/filter-control/bootstrap-table-filter-control\.min\.js": "js/bootstrap-table-filter-control.min.js",
    r"https://unpkg\.com/bootstrap-table@[\d.]+/dist/extensions/filter-control/bootstrap-table-filter-control(?:\.min)?\.css": "css/bootstrap-table-filter-control.min.css",
    r"https://cdnjs\.cloudflare\.com/ajax/libs/font-awesome/[\d.]+/css/all\.min\.css": "css/fontawesome.min.css",
    r"https://cdnjs\.cloudflare\.com/ajax/libs/bootstrap-datepicker/[\d.]+/js/bootstrap-datepicker\.min\.js": "js/bootstrap-datepicker.min.js",
    r"https://cdnjs\.cloudflare\.com/ajax/libs/bootstrap-datepicker/[\d.]+/css/bootstrap-datepicker\.min\.css": "css/bootstrap-datepicker.min.css",
}


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

        compile_docs_templates_once()
        self.gx = gx
        self.context = gx.get_context(mode="ephemeral")
        self.context.variables.progress_bars = ProgressBarsConfig(globally=sys.stderr.isatty())
        self.source = self.context.data_sources.add_pandas("winnow")
        self.definitions: dict[str, tuple[tuple[Check, ...], Any]] = {}  # by suite name: its checks, its GX definition
        self.context.delete_data_docs_site("local_site")  # an ephemeral context's, in a temporary folder
        self.docs_folder: Path | None = None
        self._documented: set[Any] = set()  # result keys whose pages the docs folder has
        self._changed_suites: set[str] = set()  # suites made or updated since the docs were built

    def validate(
        self, suite: Suite, frame: Any, run_name: str | None = None, parameters: dict[str, Any] | None = None
    ) -> SuiteResult:
        """Run `suite` on `frame` (a pandas DataFrame; its index is replaced by row positions) with
        the values of its suite `parameters`; `run_name` (winnow's run id) groups the results in the Data Docs."""
        from great_expectations.core.run_identifier import RunIdentifier

        frame = frame.reset_index(drop=True)
        checks = {check.name: check for check in suite.checks}
        with warnings.catch_warnings():  # GX calls pandas APIs pandas 3.1 deprecates: its business, not the user's
            warnings.simplefilter("ignore", DeprecationWarning)
            warnings.simplefilter("ignore", FutureWarning)
            run = self._definition(suite).run(
                batch_parameters={FRAME_PARAMETER: frame},
                expectation_parameters=parameters,
                result_format="COMPLETE",
                run_id=RunIdentifier(run_name=run_name),
            )
        results = []
        for outcome in run.results:
            check = checks[outcome.expectation_config.meta[CHECK_META]]
            detail = outcome.result or {}
            observed = detail.get("observed_value")
            if observed is None and detail.get("unexpected_percent") is not None:  # column-value checks
                observed = {"unexpected_percent": round(detail["unexpected_percent"], 2)}
            results.append(
                CheckResult(
                    check,
                    bool(outcome.success),
                    json.dumps(observed, default=str) if observed is not None else None,
                    int(detail.get("unexpected_count") or 0),
                    tuple(int(i) for i in detail.get("unexpected_index_list") or ()) if check.level == ROW else (),
                )
            )
        return SuiteResult(suite, len(frame), tuple(results))

    def build_docs(self, folder: Path) -> Path:
        """GX Data Docs of the suites and the latest results this process validated, as static
        HTML in `folder` that opens offline; returns its index.html. After the first build in a
        folder, only the pages of what changed since are built (and the index): a long-running
        process builds its docs after every run."""
        from great_expectations.data_context.types.resource_identifiers import ExpectationSuiteIdentifier

        folder = Path(folder).resolve()
        whole = self.docs_folder != folder or not (folder / "index.html").exists()
        if whole:
            if self.docs_folder is not None:
                self.context.delete_data_docs_site(DOCS_SITE)
            self.context.add_data_docs_site(
                site_name=DOCS_SITE,
                site_config={
                    "class_name": "SiteBuilder",
                    "show_how_to_buttons": False,
                    "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(folder)},
                    "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
                },
            )
            self.docs_folder, self._documented = folder, set()
        self._forget_old_results()
        results = set(self.context.validation_results_store.list_keys())
        changed = [
            *(ExpectationSuiteIdentifier(name) for name in sorted(self._changed_suites)),
            *(results - self._documented),
        ]
        started = time.time()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            self.context.build_data_docs(site_names=[DOCS_SITE], resource_identifiers=None if whole else changed)
        self._documented, self._changed_suites = results, set()
        offline_assets(folder, built_since=None if whole else started)
        return folder / "index.html"

    def _forget_old_results(self) -> None:
        """Keep the newest results of each suite: every run keeps its results in memory."""
        store = self.context.validation_results_store
        by_suite: dict[str, list] = {}
        for key in store.list_keys():
            by_suite.setdefault(key.expectation_suite_identifier.name, []).append(key)
        for keys in by_suite.values():
            for key in sorted(keys, key=lambda k: k.run_id.run_time)[:-RESULTS_KEPT_PER_SUITE]:
                store.remove_key(key)

    def _definition(self, suite: Suite) -> Any:
        """The GX validation definition of `suite`, under its name (asset, batch definition and GX
        suite too): made on first use, updated in place when the suite's checks changed."""
        name = suite.qualified_name
        checks, definition = self.definitions.get(name, (None, None))
        if checks != suite.checks:
            batch = definition.data if definition else self._whole_frames(name)
            gx_suite = self.gx.ExpectationSuite(name=name, expectations=[self._expectation(c) for c in suite.checks])
            # Rewrites the GX suite and validation definition of that name (their ids and results stay).
            definition = self.context.validation_definitions.add_or_update(
                self.gx.ValidationDefinition(name=name, data=batch, suite=gx_suite)
            )
            self.definitions[name] = suite.checks, definition
            self._changed_suites.add(name)
        return definition

    def _whole_frames(self, name: str) -> Any:
        """A GX asset `name` of frames, and its batch definition taking a frame whole."""
        return self.source.add_dataframe_asset(name).add_batch_definition_whole_dataframe(name)

    def _expectation(self, check: Check) -> Any:
        """The GX expectation of `check`, its parameterised arguments as GX's `$PARAMETER` references."""
        kwargs = {**check.kwargs, **{arg: {"$PARAMETER": name} for arg, name in check.parameters.items()}}
        return getattr(self.gx.expectations, check.expectation)(**kwargs, meta={CHECK_META: check.name})


def compile_docs_templates_once() -> None:
    """GX makes a new Jinja environment for every page of the Data Docs, so it compiled each of
    its templates again for every page of every build: two thirds of a build's CPU. Its
    environments share one bytecode cache here, so this process compiles each template once."""
    import jinja2
    from great_expectations.render.view import view

    if getattr(view.Environment, "shares_compiled_templates", False):
        return

    class CompiledTemplates(jinja2.BytecodeCache):
        def __init__(self) -> None:
            self.code: dict[str, bytes] = {}

        def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            if bucket.key in self.code:
                bucket.bytecode_from_string(self.code[bucket.key])  # ignored if the source changed

        def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            self.code[bucket.key] = bucket.bytecode_to_string()

    compiled = CompiledTemplates()

    class SharedCompiledTemplates(view.Environment):
        shares_compiled_templates = True

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, bytecode_cache=compiled, **kwargs)

    view.Environment = SharedCompiledTemplates


def offline_assets(site: Path, built_since: float | None = None) -> None:
    """Point GX's pages at local copies of the scripts and styles they take from CDNs, so the
    docs render without a network (and in a browser opening file:// pages); with `built_since`
    (a time), only the pages written since then."""
    shutil.copytree(ASSETS, site / "static" / "vendor", dirs_exist_ok=True, ignore=shutil.ignore_patterns("*.md"))
    for page in site.rglob("*.html"):
        if built_since is not None and page.stat().st_mtime < built_since:
            continue
        up = os.path.relpath(site / "static", page.parent)
        html = page.read_text(encoding="utf-8")
        for pattern, path in OFFLINE_ASSETS.items():
            html = re.sub(pattern, f"{up}/vendor/{path}", html)
        html = re.sub(r'\s+(?:integrity|crossorigin)="[^"]*"', "", html)  # browsers refuse them on file://
        html = re.sub(
            r"https://great-expectations-web-assets\.s3[^\"']*/logo-long\.png[^\"']*",
            f"{up}/images/logo-long.png",
            html,
        )
        html = re.sub(r'<script[^>]*src="https://[^"]*"[^>]*>\s*</script>', "", html)  # charts, themes: not needed
        html = re.sub(r'<link[^>]*href="https://[^"]*\.css"[^>]*>', "", html)
        page.write_text(html, encoding="utf-8")


_validator: Validator | None = None
_validator_lock = threading.Lock()


def validator() -> Validator:
    """This process's Validator (GX is imported on first use)."""
    global _validator
    with _validator_lock:
        if _validator is None:
            _validator = Validator()
        return _validator


def validation_ran() -> bool:
    """Whether this process has made its validator (so there is something to document)."""
    return _validator is not None


def warm_up() -> None:
    """Import GX and make the validator in a background thread, while other work goes on:
    the import alone takes seconds."""
    threading.Thread(target=validator, name="gx-warm-up", daemon=True).start()
