"""The `ingest` flow: sources config -> discover -> fetch -> extract -> load, in batches of pages,
then enrich the new and changed articles."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime
from typing import Any, NamedTuple
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_progress_artifact, update_progress_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture

from schemas.records import Article, ExtractionFailure, FetchResult, RunSummary
from sources.config import SourceConfig, load_config
from sources.runner_config import RunnerConfig
from sources.validation_config import ValidationConfig
from sources.discover import discover_source
from sources.fetch import Fetcher, FetchPolicy, FetchRequest
from transforms.extract import ExtractOptions, PageInput
from transforms.hashing import sha256_hex
from warehouse import load
from warehouse.db import default_db_path
from warehouse.migrate import migrate

from flows import progress
from flows.enrich import enrich_stored
from flows.extraction_pool import extract_pages
from flows.repetition import without_repeated_blocks
from flows.validation import gate_for, warm_up_validation
from flows.runs import conclude, recorded_run
from flows.task_runners import Stages

BATCH_SIZE = 200  # pages per fetch -> extract -> load task chain; measured best of 50, 200 (bench/README.md)


class Timed(NamedTuple):
    """A task's value and the seconds it took, for the run's per-stage times."""

    value: Any
    seconds: float


class Loaded(NamedTuple):
    """What loading one batch did, how many chaff blocks its articles lost, and the seconds
    validation took."""

    counts: load.BatchCounts
    chaff_removed: int
    validate_seconds: float = 0.0


def _timed(started: float, value: Any) -> Timed:
    return Timed(value, time.perf_counter() - started)


@task(retries=2, retry_delay_seconds=5, cache_policy=NO_CACHE)
def discover(source: SourceConfig, validators: dict[str, tuple[str | None, str | None]],
             cursors: dict[str, datetime]) -> Timed:
    """Fetch and read the source's feeds and sitemaps; returns the Discovery. No database here:
    the flow reads the validators and cursors and writes what was found, so this runs anywhere."""
    started = time.perf_counter()

    async def run():
        async with Fetcher(FetchPolicy.for_source(source)) as fetcher:
            return await discover_source(source, fetcher, validators, cursors)

    discovery = asyncio.run(run())
    logger = get_run_logger()
    for error in discovery.errors:
        logger.warning("%s: %s", source.name, error)
    return _timed(started, discovery)


@task(retries=2, retry_delay_seconds=5, cache_policy=NO_CACHE)
def fetch_batch(source: SourceConfig, due: list[load.DueURL]) -> Timed:
    """Fetch one batch of a source's pages, politely, with conditional GET."""
    started = time.perf_counter()
    requests = [FetchRequest(d.url, source.name, etag=d.etag, last_modified=d.last_modified) for d in due]

    async def run():
        async with Fetcher(FetchPolicy.for_source(source)) as fetcher:
            return await fetcher.fetch_many(requests)

    return _timed(started, asyncio.run(run()))


class Extracted(NamedTuple):
    """The records extracted from a batch, and how many fetched pages were skipped because their
    body was the one fetched last time."""

    records: list[Article | ExtractionFailure]
    unchanged: int


@task(cache_policy=NO_CACHE)
def extract(source: SourceConfig, due: list[load.DueURL], fetched: Timed, options: ExtractOptions,
            workers: int) -> Timed:
    """Extract the articles of one fetched batch; a body the same as last time's is not extracted again."""
    started = time.perf_counter()
    results: list[FetchResult] = fetched.value
    last_bodies = {d.url: d.page_hash for d in due if d.page_hash}
    bodies = [r for r in results if r.outcome == "fetched" and r.body]
    changed = [r for r in bodies if last_bodies.get(r.url) != sha256_hex(r.body)]
    pages = [PageInput(url=r.url, final_url=r.final_url, source=r.source, body=r.body, language=source.language,
                       rules=source.chaff.rules()) for r in changed]
    return _timed(started, Extracted(extract_pages(pages, options, workers), len(bodies) - len(changed)))


@task(retries=2, retry_delay_seconds=2, cache_policy=NO_CACHE)
def load_batch(source: SourceConfig, validation: ValidationConfig, db_path: str, run_id: str, fetched: Timed,
               extracted: Timed) -> Timed:
    """Strip the blocks the source repeats, then validate and write one batch (fetch log, raw
    pages, frontier, articles, chaff, quarantine) in one transaction."""
    started = time.perf_counter()
    articles = without_repeated_blocks(source, db_path,
                                       [r for r in extracted.value.records if isinstance(r, Article)])
    failures = [r for r in extracted.value.records if not isinstance(r, Article)]
    gate = gate_for(source, validation, run_id)
    counts = load.load_batch(db_path, run_id, fetched.value, articles, failures, gate,
                             validation.layout_min_pages)
    return _timed(started, Loaded(counts, sum(len(article.chaff) for article in articles),
                                  gate.seconds if gate else 0.0))


@flow(name="ingest")
def ingest(
    config_path: str = "sources.yaml",
    db_path: str | None = None,
    source_names: list[str] | None = None,
    max_pages: int | None = None,
    batch_size: int = BATCH_SIZE,
    extract_workers: int | None = None,
    runner: RunnerConfig | None = None,
) -> RunSummary:
    """Ingest the configured sources into DuckDB; returns the run summary.

    `runner` overrides the config's `runner:` block: where fetch, extract and enrich run.
    `extract_workers` processes extract pages on the local runner (default: one per core; 1
    extracts in the task itself). Like any multiprocessing code, a script that calls this flow
    with more than one worker must do so under `if __name__ == "__main__":`.
    """
    config = load_config(Path(config_path))
    if config.validation.enabled:
        warm_up_validation()  # GX takes seconds to import: do it while the run sets up and discovers
    sources = config.select(source_names)
    db = str(Path(db_path) if db_path else default_db_path())
    migrate(db)
    with recorded_run(db, "ingest", [s.name for s in sources]) as summary, \
            Stages(runner or config.runner, extract_workers) as stages:
        held = _ingest_sources(sources, config.validation, db, summary, max_pages, batch_size, stages)
        enrich_stored(config.enrich, config.validation, db, summary.run_id, [s.name for s in sources], stages,
                      summary)
        if held:
            summary.status = "failed"
    return conclude(summary, "ingest", f"Ingest of {', '.join(summary.sources) or 'no sources'}", db, held)


def _ingest_sources(sources: list[SourceConfig], validation: ValidationConfig, db: str, summary: RunSummary,
                    max_pages: int | None, batch_size: int, stages: Stages) -> list[str]:
    """Per source, fetch batches in sequence (one host, one rate); extraction overlaps the next
    fetch, on the runner. This thread loads each batch once extracted, in order: DuckDB takes one
    writer, and so the runner's workers need no access to the database. Returns why batches were
    held back, if any were."""
    listed = [(s, stages.submit(discover, source=s, validators=load.feed_validators(db, s.name),
                                cursors=load.discovery_cursors(db, s.name)))
              for s in sources]
    for source, future in listed:
        discovered = future.result()
        started, discovery = time.perf_counter(), discovered.value
        load.record_discovered(
            db, discovery.urls, run_id=summary.run_id,
            cursors=[(source.name, url, newest) for url, newest in discovery.cursors.items()],
            feed_fetches=[(source.name, url, kind, result) for url, kind, result in discovery.feed_fetches])
        summary.discovered += len(discovery.urls)
        summary.behind_cursor += discovery.behind_cursor
        summary.discover_seconds += discovered.seconds + time.perf_counter() - started  # the writes too
    plan = []
    for source in sources:
        due = load.due_urls(db, source.name, max_pages or source.max_pages)
        plan += [(source, due[i:i + batch_size]) for i in range(0, len(due), batch_size)]
    total = sum(len(batch) for _, batch in plan)
    progress_id = create_progress_artifact(0.0, key="ingest-progress", description="Pages loaded")
    previous_fetch: dict[str, PrefectFuture] = {}
    chains: list[tuple[SourceConfig, PrefectFuture, PrefectFuture]] = []
    options = ExtractOptions()
    for source, batch in plan:
        fetched = stages.submit(fetch_batch, _after(previous_fetch.get(source.name)), source=source, due=batch)
        previous_fetch[source.name] = fetched
        extracted = stages.submit(extract, source=source, due=batch, fetched=fetched, options=options,
                                  workers=stages.extract_workers)
        chains.append((source, fetched, extracted))
    done, held = 0, []
    for source, fetched, extracted in chains:
        loaded = load_batch(source, validation, db, summary.run_id, fetched.result(), extracted.result())
        _count(summary, fetched.result(), extracted.result(), loaded)
        held += loaded.value.counts.held
        done += len(fetched.result().value)
        progress.report("pages", done, total)
        update_progress_artifact(progress_id, 100.0 * done / total)
    if not plan:
        update_progress_artifact(progress_id, 100.0)
    return held


def _after(future: PrefectFuture | None) -> list[PrefectFuture]:
    return [future] if future is not None else []


def _count(summary: RunSummary, fetched: Timed, extracted: Timed, loaded: Timed) -> None:
    for result in fetched.value:  # each fetch outcome has a counter of the same name
        setattr(summary, result.outcome, getattr(summary, result.outcome) + 1)
    articles = sum(isinstance(r, Article) for r in extracted.value.records)
    summary.extracted += articles
    summary.not_extracted += len(extracted.value.records) - articles
    summary.unchanged += extracted.value.unchanged
    summary.chaff_removed += loaded.value.chaff_removed
    summary.quarantined += loaded.value.counts.quarantined
    summary.batches_held += bool(loaded.value.counts.held)
    summary.validate_seconds += loaded.value.validate_seconds
    summary.new += loaded.value.counts.new
    summary.updated += loaded.value.counts.updated
    summary.fetch_seconds += fetched.seconds
    summary.extract_seconds += extracted.seconds
    summary.load_seconds += loaded.seconds
