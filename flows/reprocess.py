"""The `reprocess` flow: extraction, chaff removal and enrichment again over the stored pages, no network.

Run it after changing a source's chaff rules, the enrich settings or aliases, upgrading the
extractor or the model, or once the repetition counts have grown: articles whose clean text
changes are updated (with their chaff rows) and enriched again; so are all articles when the
enrichment changed. The others are left exactly as they are.
"""

from __future__ import annotations

from itertools import islice
from pathlib import Path
from typing import NamedTuple

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture
from prefect.utilities.annotations import quote

from winnow.flows import progress
from winnow.flows.enrich import enrich_stored
from winnow.flows.extraction_pool import extract_pages
from winnow.flows.ingest import BATCH_SIZE
from winnow.flows.page_loads import page_input
from winnow.flows.repetition import without_repeated_blocks
from winnow.flows.runs import conclude, recorded_run
from winnow.flows.stopping import stop_on_signals
from winnow.flows.task_runners import Stages
from winnow.flows.validation import gate_for
from winnow.schemas.config import ExtractOptions, RunnerConfig, ValidationSettings
from winnow.schemas.records import Article, ExtractionFailure, RunSummary
from winnow.sources.config import load_config
from winnow.sources.source_config import SourceConfig
from winnow.warehouse.articles import BatchCounts, load_batch
from winnow.warehouse.db import default_db_path, resolved
from winnow.warehouse.migrate import migrate
from winnow.warehouse.query import StoredPage, stored_page_count, stored_pages


class Reprocessed(NamedTuple):
    extracted: int
    not_extracted: int
    chaff_removed: int
    counts: BatchCounts
    validate_seconds: float


@task(cache_policy=NO_CACHE)
def extract_stored(
    source: SourceConfig, pages: list[StoredPage], options: ExtractOptions, workers: int
) -> list[Article | ExtractionFailure]:
    """Extract one batch of stored pages with the source's current rules."""
    return extract_pages([page_input(source, p) for p in pages], options, workers)


@task(retries=2, retry_delay_seconds=2, cache_policy=NO_CACHE)
def reprocess_batch(
    source: SourceConfig,
    validation: ValidationSettings,
    db_path: str,
    run_id: str,
    records: list[Article | ExtractionFailure],
) -> Reprocessed:
    """Validate one extracted batch and load what changed."""
    articles = without_repeated_blocks(source, db_path, [r for r in records if isinstance(r, Article)])
    failures = [r for r in records if not isinstance(r, Article)]
    gate = gate_for(source, validation, run_id)
    counts = load_batch(db_path, run_id, [], articles, failures, gate, validation.layout_min_pages)
    return Reprocessed(
        len(articles), len(failures), sum(len(a.chaff) for a in articles), counts, gate.seconds if gate else 0.0
    )


@flow(name="reprocess")
def reprocess(
    config_path: str = "sources.yaml",
    db_path: str | None = None,
    source_names: list[str] | None = None,
    batch_size: int = BATCH_SIZE,
    extract_workers: int | None = None,
    runner: RunnerConfig | None = None,
) -> RunSummary:
    """Re-extract every stored page of the sources (the latest body of each URL); returns the run summary.

    `runner` overrides the config's `runner:` block: where extraction and enrichment run."""
    config = load_config(Path(config_path))
    sources = config.select(source_names)
    db = str(resolved(db_path) if db_path else default_db_path())
    migrate(db)
    options = ExtractOptions(min_words=config.validation.min_words)  # the one threshold of both stages
    held: list[str] = []
    with (
        stop_on_signals(get_run_logger()) as stop,
        recorded_run(db, "reprocess", [s.name for s in sources], stop) as summary,
        Stages(runner or config.runner, extract_workers) as stages,
    ):
        for source in sources:
            if stop.requested:
                break
            total, done = stored_page_count(db, source.name), 0
            pages = stored_pages(db, source.name)
            batches = iter(lambda: list(islice(pages, batch_size)), [])

            def submit(batch: list[StoredPage] | None) -> tuple[list[StoredPage], PrefectFuture] | None:
                if not batch:
                    return None
                return batch, stages.submit(
                    extract_stored, source=source, pages=batch, options=options, workers=stages.extract_workers
                )

            # The next batch is extracted on the runner while this one loads. Loads go one after
            # another: each one's repetition counts include the ones before.
            pending = submit(next(batches, None))
            while pending:
                batch, extracted = pending
                pending = None if stop.requested else submit(next(batches, None))
                done_batch = reprocess_batch(source, config.validation, db, summary.run_id, quote(extracted.result()))
                summary.extracted += done_batch.extracted
                summary.not_extracted += done_batch.not_extracted
                summary.chaff_removed += done_batch.chaff_removed
                summary.new += done_batch.counts.new
                summary.updated += done_batch.counts.updated
                summary.quarantined += done_batch.counts.quarantined
                summary.batches_held += bool(done_batch.counts.held)
                summary.validate_seconds += done_batch.validate_seconds
                held += done_batch.counts.held
                done += len(batch)
                progress.report(f"{source.name} pages", done, total)
        enrich_stored(
            config.enrich, config.validation, db, summary.run_id, [s.name for s in sources], stages, summary, stop
        )
        if held:
            summary.status = "failed"
    return conclude(
        summary, "reprocess", f"Reprocessing of {', '.join(summary.sources) or 'no sources'}", db, held, stop
    )
