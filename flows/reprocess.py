"""The `reprocess` flow: extraction, chaff removal and enrichment again over the stored pages, no network.

Run it after changing a source's chaff rules, the enrich settings or aliases, upgrading the
extractor or the model, or once the repetition counts have grown: articles whose clean text
changes are updated (with their chaff rows) and enriched again; so are all articles when the
enrichment changed. The others are left exactly as they are.
"""

from __future__ import annotations

from itertools import islice
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from schemas.records import Article, RunSummary
from sources.config import SourceConfig, load_config
from transforms.extract import ExtractOptions, PageInput
from warehouse import load
from warehouse.db import default_db_path
from warehouse.migrate import migrate
from warehouse.query import StoredPage, stored_page_count, stored_pages

from flows import progress
from flows.enrich import enrich_stored
from flows.extraction_pool import default_workers, extract_pages, warm_up
from flows.ingest import BATCH_SIZE
from flows.repetition import without_repeated_blocks
from flows.runs import publish, recorded_run


@task(retries=2, retry_delay_seconds=2, cache_policy=NO_CACHE)
def reprocess_batch(source: SourceConfig, db_path: str, run_id: str, pages: list[StoredPage],
                    workers: int) -> tuple[int, int, int, int, int]:
    """Extract one batch of stored pages and load what changed; returns (extracted, not
    extracted, chaff removed, new, updated)."""
    inputs = [PageInput(url=p.url, final_url=p.final_url, source=p.source, body=p.body,
                        language=source.language, rules=source.chaff.rules()) for p in pages]
    records = extract_pages(inputs, ExtractOptions(), workers)
    articles = without_repeated_blocks(source, db_path, [r for r in records if isinstance(r, Article)])
    failures = [r for r in records if not isinstance(r, Article)]
    counts = load.load_batch(db_path, run_id, [], articles, failures)
    return len(articles), len(failures), sum(len(a.chaff) for a in articles), counts.new, counts.updated


@flow(name="reprocess")
def reprocess(
    config_path: str = "sources.yaml",
    db_path: str | None = None,
    source_names: list[str] | None = None,
    batch_size: int = BATCH_SIZE,
    extract_workers: int | None = None,
) -> RunSummary:
    """Re-extract every stored page of the sources (the latest body of each URL); returns the run summary."""
    config = load_config(Path(config_path))
    sources = config.select(source_names)
    db = str(Path(db_path) if db_path else default_db_path())
    migrate(db)
    workers = extract_workers or default_workers()
    with recorded_run(db, "reprocess", [s.name for s in sources]) as summary:
        warm_up(workers)
        for source in sources:
            # Batches go one after another: each one's repetition counts include the ones before.
            total, done = stored_page_count(db, source.name), 0
            pages = stored_pages(db, source.name)
            while batch := list(islice(pages, batch_size)):
                extracted, failed, chaff, new, updated = reprocess_batch(source, db, summary.run_id, batch, workers)
                summary.extracted += extracted
                summary.not_extracted += failed
                summary.chaff_removed += chaff
                summary.new += new
                summary.updated += updated
                done += len(batch)
                progress.report(f"{source.name} pages", done, total)
        enrich_stored(config.enrich, db, summary.run_id, [s.name for s in sources], workers, summary)
    publish(summary, "reprocess", f"Reprocessing of {', '.join(summary.sources) or 'no sources'}")
    return summary
