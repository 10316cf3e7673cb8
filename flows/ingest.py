"""The `ingest` flow: sources config -> discover -> fetch -> extract -> load, page batches loaded
as they are fetched, then enrich the new and changed articles.

One Crawl (sources/crawl.py) does the run's fetching, for every source at once: one robots.txt
per host per run, every host at its rate. Its pages are taken as they arrive, gathered per source
into batches (flows/page_batches.py), extracted on the runner and loaded by this thread, so a URL
that is slow to answer holds up nothing but itself. SIGTERM or SIGINT stops the run cleanly
(flows/stopping.py).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any, NamedTuple

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_progress_artifact, update_progress_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture

from winnow.flows import progress
from winnow.flows.enrich import enrich_stored
from winnow.flows.extraction_pool import extract_pages
from winnow.flows.page_batches import PageBatches
from winnow.flows.repetition import without_repeated_blocks
from winnow.flows.runs import conclude, recorded_run
from winnow.flows.stopping import Stop, stop_on_signals
from winnow.flows.task_runners import Stages
from winnow.flows.validation import gate_for, warm_up_validation
from winnow.schemas.config import ExtractOptions, RunnerConfig, ValidationSettings
from winnow.schemas.records import ArchivePosition, Article, ExtractionFailure, FetchResult, RunSummary
from winnow.sources.archive_stream import ArchiveJob, ArchiveStream
from winnow.sources.config import load_config
from winnow.sources.crawl import Crawl, CrawlStopped, FetchStream
from winnow.sources.discover import Discovery, discover_source
from winnow.sources.fetch import FetchPolicy, FetchRequest
from winnow.sources.source_config import SourceConfig
from winnow.transforms.extract import PageInput
from winnow.transforms.hashing import sha256_hex
from winnow.warehouse import articles as warehouse_articles
from winnow.warehouse import frontier
from winnow.warehouse.db import default_db_path, resolved
from winnow.warehouse.migrate import migrate

BATCH_SIZE = 200  # pages per extract -> load batch at most; measured best of 50, 200 (bench/README.md)
# A batch not yet full is loaded once its first page has waited this long: a slow page delays
# nothing, and a stopped or killed run loses at most these last seconds of fetching.
BATCH_WAIT_S = 5.0
# Fetched pages not yet loaded, in batches: the fetching stops this far ahead of the loading.
BUFFER_BATCHES = 2
TICK_S = 0.2  # how often the flow looks for fetched pages and finished extractions


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


def _timed(started: float, value: Any) -> Timed:
    return Timed(value, time.perf_counter() - started)


@task(cache_policy=NO_CACHE)
def discover(
    sources: list[SourceConfig],
    validators: dict[str, dict[str, tuple[str | None, str | None]]],
    cursors: dict[str, dict[str, datetime]],
    crawl: Crawl,
) -> Timed:
    """Fetch and read the sources' feeds and sitemaps through the run's crawl, all at once;
    returns their Discoveries in order. No database here: the flow reads the validators and
    cursors (per source) and writes what was found."""
    started = time.perf_counter()

    async def discover_all(fetcher) -> list[Discovery]:
        return list(
            await asyncio.gather(*(discover_source(s, fetcher, validators[s.name], cursors[s.name]) for s in sources))
        )

    discoveries = crawl.call(discover_all)
    logger = get_run_logger()
    for source, discovery in zip(sources, discoveries):
        for error in discovery.errors:
            logger.warning("%s: %s", source.name, error)
    return _timed(started, discoveries)


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
    pages = [
        PageInput(
            url=r.url,
            final_url=r.final_url,
            source=r.source,
            body=r.body,
            language=source.language,
            rules=source.chaff,
        )
        for r in changed
    ]
    return _timed(started, Extracted(extract_pages(pages, options, workers), len(bodies) - len(changed)))


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
    return _timed(
        started, Loaded(counts, sum(len(article.chaff) for article in articles), gate.seconds if gate else 0.0)
    )


@flow(name="ingest")
def ingest(
    config_path: str = "sources.yaml",
    db_path: str | None = None,
    source_names: list[str] | None = None,
    max_pages: int | None = None,
    batch_size: int = BATCH_SIZE,
    extract_workers: int | None = None,
    runner: RunnerConfig | None = None,
):
    """Ingest the configured sources into DuckDB; returns the run summary.

    `runner` overrides the config's `runner:` block: where extract and enrich run (fetching stays
    in this process: one Crawl keeps every host's politeness). `extract_workers` processes extract
    pages on the local runner (default: one per core; 1 extracts in the task itself). Like any
    multiprocessing code, a script that calls this flow with more than one worker must do so under
    `if __name__ == "__main__":`. Stopped by a signal, the flow run ends Cancelled (RunStopped);
    with batches held back by validation, Failed (BatchesHeld).
    """
    config = load_config(Path(config_path))
    if config.validation.enabled:
        warm_up_validation()  # GX takes seconds to import: do it while the run sets up and discovers
    sources = config.select(source_names)
    db = str(resolved(db_path) if db_path else default_db_path())
    migrate(db)
    with (
        stop_on_signals(get_run_logger()) as stop,
        recorded_run(db, "ingest", [s.name for s in sources], stop) as summary,
        Stages(runner or config.runner, extract_workers) as stages,
    ):
        held = _ingest_sources(sources, config.validation, db, summary, max_pages, batch_size, stages, stop)
        enrich_stored(
            config.enrich, config.validation, db, summary.run_id, [s.name for s in sources], stages, summary, stop
        )
        if held:
            summary.status = "failed"
    return conclude(summary, "ingest", f"Ingest of {', '.join(summary.sources) or 'no sources'}", db, held, stop)


def _ingest_sources(
    sources: list[SourceConfig],
    validation: ValidationSettings,
    db: str,
    summary: RunSummary,
    max_pages: int | None,
    batch_size: int,
    stages: Stages,
    stop: Stop,
) -> list[str]:
    """Discover every source, then fetch their due pages and load them batch by batch as they
    arrive. Returns why batches were held back, if any were."""
    if not sources:
        return []
    jobs = [
        ArchiveJob(s, frontier.archive_cursors(db, s.name), max_pages or s.max_pages)
        for s in sources
        if s.archive_feeds()
    ]
    with Crawl(FetchPolicy.for_source(sources[0])) as crawl:
        forget = stop.on_request(crawl.stop)
        try:
            _discover(sources, db, summary, crawl)
        except CrawlStopped:  # stopped during discovery: nothing of it was written
            return []
        finally:
            forget()
        archives = ArchiveStream(jobs, batch_size, BUFFER_BATCHES) if jobs else None
        forget = stop.on_request(lambda: (crawl.stop(), archives and archives.stop()))
        try:
            return _fetch_and_load(sources, validation, db, summary, max_pages, batch_size, stages, crawl, archives)
        finally:
            forget()
            if archives:
                archives.stop()  # a run that failed leaves no reader behind


def _discover(sources: list[SourceConfig], db: str, summary: RunSummary, crawl: Crawl) -> None:
    """Discover the sources' URLs and queue them, with their feeds' validators and cursors."""
    discovered = discover(
        sources,
        {s.name: frontier.feed_validators(db, s.name) for s in sources},
        {s.name: frontier.discovery_cursors(db, s.name) for s in sources},
        crawl,
    )
    started = time.perf_counter()
    for source, discovery in zip(sources, discovered.value):
        frontier.record_discovered(
            db,
            discovery.urls,
            run_id=summary.run_id,
            cursors=[(source.name, url, newest) for url, newest in discovery.cursors.items()],
            feed_fetches=[(source.name, url, kind, result) for url, kind, result in discovery.feed_fetches],
        )
        summary.discovered += len(discovery.urls)
        summary.behind_cursor += discovery.behind_cursor
    summary.discover_seconds += discovered.seconds + time.perf_counter() - started  # the writes too


class _Batch(NamedTuple):
    """A batch of pages on its way: extracting on the runner, to be loaded here."""

    source: SourceConfig
    results: list[FetchResult]
    extracted: PrefectFuture
    loaded: Callable[[], None]  # tells the producer: it may fetch or read that many more
    archive: ArchivePosition | None  # for pages read from an archive: how far it is read after them


def _fetch_and_load(
    sources: list[SourceConfig],
    validation: ValidationSettings,
    db: str,
    summary: RunSummary,
    max_pages: int | None,
    batch_size: int,
    stages: Stages,
    crawl: Crawl,
    archives: ArchiveStream | None,
) -> list[str]:
    by_name = {source.name: source for source in sources}
    due = {s.name: frontier.due_urls(db, s.name, max_pages or s.max_pages) for s in sources}
    requests = [
        FetchRequest(d.url, name, etag=d.etag, last_modified=d.last_modified)
        for name, batch in due.items()
        for d in batch
    ]
    started = time.perf_counter()
    stream = crawl.stream(
        requests,
        lambda name: FetchPolicy.for_source(by_name[name]),
        lambda name: by_name[name].fetch_deadline,
        BUFFER_BATCHES * batch_size,
    )
    pages = _PageLoads(
        validation,
        db,
        summary,
        stages,
        len(requests),
        {d.url: d.page_hash for batch in due.values() for d in batch if d.page_hash},
    )
    batches = PageBatches(batch_size, BATCH_WAIT_S)
    reading = archives is not None
    while not stream.done or batches or pages.on_the_way or reading:
        # Wait on whichever producer is still going; both: half a tick each.
        for result in stream.take(0 if stream.done else TICK_S / (1 + reading)):
            batches.add(result)
        if stream.done and not summary.fetch_seconds:
            summary.fetch_seconds = time.perf_counter() - started
        for name, results in batches.ready(flush=stream.done):
            pages.extract(by_name[name], results, partial(stream.release, len(results)))
        if reading:
            for batch in archives.take(TICK_S / (2 - stream.done)):
                pages.extract(by_name[batch.position.source], batch.pages, archives.release, batch.position)
            reading = not archives.done
        pages.load_extracted(wait_s=TICK_S if stream.done and not reading else 0)
    _report_deferred(stream, summary)
    for error in archives.errors if archives else []:
        get_run_logger().warning("archive not read to its end (the next run goes on from its cursor): %s", error)
    pages.finish()
    return pages.held


class _PageLoads:
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
        self.on_the_way: list[_Batch] = []
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
        self.on_the_way.append(_Batch(source, results, future, loaded, archive))

    def load_extracted(self, wait_s: float) -> None:
        """Load the batches extracted so far, oldest first; wait up to `wait_s` for the oldest."""
        if wait_s and self.on_the_way and self.on_the_way[0].extracted not in self.extracted:
            self.on_the_way[0].extracted.wait(wait_s)
        while self.on_the_way and self.on_the_way[0].extracted in self.extracted:
            batch = self.on_the_way.pop(0)
            self.extracted.discard(batch.extracted)
            extracted = batch.extracted.result()
            loaded = load_batch(
                batch.source, self.validation, self.db, self.summary.run_id, batch.results, extracted, batch.archive
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


def _report_deferred(stream: FetchStream, summary: RunSummary) -> None:
    """Count and log the due URLs this run did not ask for: they are due next run."""
    logger = get_run_logger()
    for (source, reason), count in sorted(stream.deferred.items()):
        logger.warning("%s: %d URL(s) left for the next run: %s", source, count, reason)
    if stream.not_asked:
        logger.warning("stopped: %d URL(s) not fetched, left for the next run", stream.not_asked)
    summary.deferred += sum(stream.deferred.values()) + stream.not_asked


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
