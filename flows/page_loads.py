"""A page batch's way from the fetcher to the warehouse: extracted on the runner (the `extract`
task), then loaded by the flow's thread in the order the batches came (the `load_batch` task), each
batch's producer told once it is loaded."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, NamedTuple

from prefect import task
from prefect.artifacts import create_progress_artifact, update_progress_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture
from prefect.utilities.annotations import quote

from winnow.flows import progress
from winnow.flows.extraction_pool import extract_pages
from winnow.flows.repetition import without_repeated_blocks
from winnow.flows.task_runners import Stages
from winnow.flows.validation import gate_for
from winnow.schemas.config import ExtractOptions, ValidationSettings
from winnow.schemas.records import ArchivePosition, Article, ExtractionFailure, FetchResult, RunSummary
from winnow.sources.source_config import SourceConfig
from winnow.transforms.extract import PageInput
from winnow.transforms.hashing import sha256_hex
from winnow.warehouse import articles as warehouse_articles
from winnow.warehouse.query import StoredPage


class Timed(NamedTuple):
    """A task's value and the seconds it took, for the run's per-stage times."""

    value: Any
    seconds: float


class Loaded(NamedTuple):
    """What loading one batch did, how many chaff blocks its articles lost, and the seconds
    validation took."""

    counts: warehouse_articles.BatchCounts
    chaff_removed: int
    validate_seconds: float = 0.0


def timed(started: float, value: Any) -> Timed:
    return Timed(value, time.perf_counter() - started)


class Extracted(NamedTuple):
    """The records extracted from a batch, and how many fetched pages were skipped because their
    body was the one fetched last time."""

    records: list[Article | ExtractionFailure]
    unchanged: int


@task(cache_policy=NO_CACHE)
def extract(
    source: SourceConfig, results: list[FetchResult], last_hashes: dict[str, str], options: ExtractOptions, workers: int
) -> Timed:
    """Extract the articles of one fetched batch; a body the same as last time's (`last_hashes`:
    URL -> hash of the body fetched before) is not extracted again."""
    started = time.perf_counter()
    bodies = [r for r in results if r.outcome == "fetched" and r.body]
    changed = [r for r in bodies if last_hashes.get(r.url) != sha256_hex(r.body)]
    pages = [page_input(source, r) for r in changed]
    return timed(started, Extracted(extract_pages(pages, options, workers), len(bodies) - len(changed)))


def page_input(source: SourceConfig, page: FetchResult | StoredPage) -> PageInput:
    """What extraction takes of a fetched or a stored page: its body, and the source's language and chaff rules."""
    return PageInput(page.url, page.final_url, page.source, page.body, language=source.language, rules=source.chaff)


@task(retries=2, retry_delay_seconds=2, cache_policy=NO_CACHE)
def load_batch(
    source: SourceConfig,
    validation: ValidationSettings,
    db_path: str,
    run_id: str,
    results: list[FetchResult],
    extracted: Timed,
    archive: ArchivePosition | None = None,
) -> Timed:
    """Strip the blocks the source repeats, then validate and write one batch (fetch log, raw
    pages, frontier, articles, chaff, quarantine, and how far an archive is read) in one transaction."""
    started = time.perf_counter()
    articles = without_repeated_blocks(source, db_path, [r for r in extracted.value.records if isinstance(r, Article)])
    failures = [r for r in extracted.value.records if not isinstance(r, Article)]
    gate = gate_for(source, validation, run_id)
    counts = warehouse_articles.load_batch(
        db_path, run_id, results, articles, failures, gate, validation.layout_min_pages, archive
    )
    return timed(
        started, Loaded(counts, sum(len(article.chaff) for article in articles), gate.seconds if gate else 0.0)
    )


class Batch(NamedTuple):
    """A batch of pages on its way: extracting on the runner, to be loaded here."""

    source: SourceConfig
    results: list[FetchResult]
    extracted: PrefectFuture
    loaded: Callable[[], None]  # tells the producer: it may fetch or read that many more
    archive: ArchivePosition | None  # for pages read from an archive: how far it is read after them


class PageLoads:
    """Batches of pages on their way to the warehouse: extracted on the runner, then loaded by this
    thread in the order they came; each batch's producer hears when it is loaded."""

    def __init__(
        self,
        validation: ValidationSettings,
        db: str,
        summary: RunSummary,
        stages: Stages,
        total: int,
        last_hashes: dict[str, str],
    ) -> None:
        self.validation, self.db, self.summary, self.stages = validation, db, summary, stages
        self.total, self.last_hashes, self.done, self.held = total, last_hashes, 0, []
        self.on_the_way: list[Batch] = []
        self.extracted: set[PrefectFuture] = set()  # filled by the futures' callbacks, on the runner's threads
        self.options = ExtractOptions(min_words=validation.min_words)  # the one threshold of both stages
        self.progress_id = create_progress_artifact(0.0, key="ingest-progress", description="Pages loaded")

    def extract(
        self,
        source: SourceConfig,
        results: list[FetchResult],
        loaded: Callable[[], None],
        archive: ArchivePosition | None = None,
    ) -> None:
        """Extract a batch on the runner; `loaded()` is called once it is loaded, and the archive
        position, if the pages come from an archive, is written with it."""
        future = self.stages.submit(
            extract,
            source=source,
            results=results,
            options=self.options,
            workers=self.stages.extract_workers,
            last_hashes={r.url: self.last_hashes[r.url] for r in results if r.url in self.last_hashes},
        )
        future.add_done_callback(self.extracted.add)
        self.on_the_way.append(Batch(source, results, future, loaded, archive))

    def load_extracted(self, wait_s: float) -> None:
        """Load the oldest batch if it is extracted, waiting up to `wait_s` for it. One at a time:
        the batch that loading one lets its producer read goes to the extraction workers before
        the next load, or they wait through it with nothing to do (bench/backfill.py)."""
        if wait_s and self.on_the_way and self.on_the_way[0].extracted not in self.extracted:
            self.on_the_way[0].extracted.wait(wait_s)
        if self.on_the_way and self.on_the_way[0].extracted in self.extracted:
            batch = self.on_the_way.pop(0)
            self.extracted.discard(batch.extracted)
            extracted = batch.extracted.result()
            # quoted: Prefect need not walk every page and record looking for futures (Stages.submit)
            loaded = load_batch(
                batch.source,
                self.validation,
                self.db,
                self.summary.run_id,
                quote(batch.results),
                quote(extracted),
                batch.archive,
            )
            batch.loaded()
            _count(self.summary, batch.results, extracted, loaded)
            self.held += loaded.value.counts.held
            self.done += len(batch.results)
            progress.report("pages", self.done, max(self.total, self.done))
            update_progress_artifact(self.progress_id, 100.0 * self.done / max(self.total, self.done))

    def finish(self) -> None:
        if not self.done:
            update_progress_artifact(self.progress_id, 100.0)


def _count(summary: RunSummary, results: list[FetchResult], extracted: Timed, loaded: Timed) -> None:
    for result in results:  # each fetch outcome has a counter of the same name
        setattr(summary, result.outcome, getattr(summary, result.outcome) + 1)
    articles = sum(isinstance(r, Article) for r in extracted.value.records)
    summary.extracted += articles
    summary.paywalled += sum(isinstance(r, Article) and r.paywalled for r in extracted.value.records)
    summary.not_extracted += len(extracted.value.records) - articles
    summary.unchanged += extracted.value.unchanged
    summary.chaff_removed += loaded.value.chaff_removed
    summary.quarantined += loaded.value.counts.quarantined
    summary.batches_held += bool(loaded.value.counts.held)
    summary.validate_seconds += loaded.value.validate_seconds
    summary.new += loaded.value.counts.new
    summary.updated += loaded.value.counts.updated
    summary.duplicates += loaded.value.counts.duplicates
    summary.extract_seconds += extracted.seconds
    summary.load_seconds += loaded.seconds
