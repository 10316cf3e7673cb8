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
from datetime import datetime
from functools import partial
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from winnow.flows.enrich import enrich_stored
from winnow.flows.page_batches import PageBatches, batch_wait_s
from winnow.flows.page_loads import PageLoads, Timed, timed
from winnow.flows.runs import conclude, recorded_run
from winnow.flows.stopping import Stop, stop_on_signals
from winnow.flows.task_runners import Stages
from winnow.flows.validation import warm_up_validation
from winnow.schemas.config import RunnerConfig, ValidationSettings
from winnow.schemas.records import RunSummary
from winnow.sources.archive_stream import ArchiveJob, ArchiveStream
from winnow.sources.config import load_config
from winnow.sources.crawl import Crawl, CrawlStopped, FetchStream
from winnow.sources.discover import Discovery, discover_source
from winnow.sources.fetch import FetchPolicy, FetchRequest
from winnow.sources.source_config import SourceConfig
from winnow.warehouse import frontier
from winnow.warehouse.db import default_db_path, resolved
from winnow.warehouse.migrate import migrate

BATCH_SIZE = 200  # pages per extract -> load batch at most; measured best of 50, 200 (bench/README.md)
# An archive's pages come as fast as a file is read, none held up by a slow host: its batches are
# larger, spreading each load's fixed cost (GX's checks, Prefect's task runs, DuckDB's open and
# checkpoint: ~0.6 s of the flow's one thread a batch) over more pages (bench/backfill.py, 2000
# pages: 6.5 -> 3.3 ms of that thread's CPU a page). Not more: the first load waits for a whole batch.
ARCHIVE_BATCH_SIZE = 500
# Fetched pages not yet loaded, in batches: the fetching stops this far ahead of the loading.
BUFFER_BATCHES = 2
# An archive's reader goes one batch further: while this thread loads a batch, the extraction
# workers have two more, and do not run dry where a load outlasts an extraction (an archive's
# last, smaller batches; a busy machine).
ARCHIVE_BUFFER_BATCHES = BUFFER_BATCHES + 1
TICK_S = 0.2  # how often the flow looks for fetched pages and finished extractions


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
    return timed(started, discoveries)


@flow(name="ingest")
def ingest(
    config_path: str = "sources.yaml",
    db_path: str | None = None,
    source_names: list[str] | None = None,
    max_pages: int | None = None,
    batch_size: int | None = None,
    extract_workers: int | None = None,
    runner: RunnerConfig | None = None,
):
    """Ingest the configured sources into DuckDB; returns the run summary.

    `batch_size` caps the pages of a batch, fetched (default BATCH_SIZE) or read from an archive
    (default ARCHIVE_BATCH_SIZE). `runner` overrides the config's `runner:` block: where extract and enrich run (fetching stays
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
    batch_size: int | None,
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
        # The archives are read from now on: the first batches are ready for the extraction
        # workers when discovery ends, instead of read then with every core waiting.
        archives = ArchiveStream(jobs, batch_size or ARCHIVE_BATCH_SIZE, ARCHIVE_BUFFER_BATCHES) if jobs else None
        forget = stop.on_request(lambda: (crawl.stop(), archives and archives.stop()))
        try:
            try:
                _discover(sources, db, summary, crawl)
            except CrawlStopped:  # stopped during discovery: nothing of it was written
                return []
            return _fetch_and_load(
                sources, validation, db, summary, max_pages, batch_size or BATCH_SIZE, stages, crawl, archives
            )
        finally:
            forget()
            if archives:
                archives.stop()  # a run that failed or stopped leaves no reader behind


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
    pages = PageLoads(
        validation,
        db,
        summary,
        stages,
        len(requests),
        {d.url: d.page_hash for batch in due.values() for d in batch if d.page_hash},
    )
    batches = PageBatches(batch_size, batch_wait_s())
    reading = archives is not None
    while not stream.done or batches or pages.on_the_way or reading:
        # Wait on whichever producer is still going (both: half a tick each), unless the buffer
        # is full: then the producers wait for a load, and this thread waits for the extraction
        # of the oldest batch, to load it the moment it is done.
        full = len(pages.on_the_way) >= BUFFER_BATCHES
        for result in stream.take(0 if stream.done or full else TICK_S / (1 + reading)):
            batches.add(result)
        if stream.done and not summary.fetch_seconds:
            summary.fetch_seconds = time.perf_counter() - started
        for name, results in batches.ready(flush=stream.done):
            pages.extract(by_name[name], results, partial(stream.release, len(results)))
        if reading:
            for batch in archives.take(0 if full else TICK_S / (2 - stream.done)):
                pages.extract(by_name[batch.position.source], batch.pages, archives.release, batch.position)
            reading = not archives.done
        pages.load_extracted(wait_s=TICK_S if full or (stream.done and not reading) else 0)
    _report_deferred(stream, summary)
    for error in archives.errors if archives else []:
        get_run_logger().warning("archive not read to its end (the next run goes on from its cursor): %s", error)
    pages.finish()
    return pages.held


def _report_deferred(stream: FetchStream, summary: RunSummary) -> None:
    """Count and log the due URLs this run did not ask for: they are due next run."""
    logger = get_run_logger()
    for (source, reason), count in sorted(stream.deferred.items()):
        logger.warning("%s: %d URL(s) left for the next run: %s", source, count, reason)
    if stream.not_asked:
        logger.warning("stopped: %d URL(s) not fetched, left for the next run", stream.not_asked)
    summary.deferred += sum(stream.deferred.values()) + stream.not_asked
