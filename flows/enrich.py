"""The enrich step of the `ingest` and `reprocess` flows: entities and events for every article
not yet enriched as it now is, in batches, on every core."""

from __future__ import annotations

import time

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture

from winnow.flows import progress
from winnow.flows.extraction_pool import enrich_articles
from winnow.flows.stopping import Stop
from winnow.flows.task_runners import DASK_ENRICH_PART, Stages
from winnow.flows.validation import enrich_gate
from winnow.schemas.config import EnrichOptions, ValidationSettings
from winnow.schemas.records import EnrichInput, Enrichment, RunSummary
from winnow.transforms.enrich.consolidate import consolidate
from winnow.transforms.enrich.names import name_key
from winnow.warehouse.enrichment import (
    EnrichCounts,
    articles_to_enrich,
    load_enrichments,
    people_by_surname,
    strong_entities,
)

BATCH_SIZE = 200  # articles per enrich-then-load round


def enrich_stored(
    options: EnrichOptions,
    validation: ValidationSettings,
    db_path: str,
    run_id: str,
    sources: list[str],
    stages: Stages,
    summary: RunSummary,
    stop: Stop,
) -> None:
    """Enrich the sources' new and changed articles (all of them after the model, rules or
    aliases change) on the runner, and load what was found in this thread, batch by batch in
    order; counts go into `summary`. A stop asked for ends it between batches: the articles
    left are enriched by the next run."""
    if not options.enabled or stop.requested:
        return
    from winnow.transforms.enrich.enricher import enrich_version  # imports spaCy: only when enriching

    started = time.perf_counter()
    version = enrich_version(options)
    batches = list(articles_to_enrich(db_path, version, sources, BATCH_SIZE))
    total = sum(len(batch) for batch in batches)
    part_size = DASK_ENRICH_PART if stages.on_dask else BATCH_SIZE

    def submit(batch: list[EnrichInput]) -> list[PrefectFuture]:
        return [
            stages.submit(
                enrich_part, articles=batch[i : i + part_size], options=options, workers=stages.extract_workers
            )
            for i in range(0, len(batch), part_size)
        ]

    # On Dask every batch goes out at once, so the workers never wait on a load. Locally one
    # batch at a time: the process pool already keeps every core busy.
    ahead = [submit(batch) for batch in batches] if stages.on_dask else []
    counts = EnrichCounts(0, 0, 0, 0, 0)
    gate = enrich_gate(validation, run_id)
    logger = get_run_logger()
    for index, batch in enumerate(batches):
        if stop.requested:
            break
        parts = ahead[index] if ahead else submit(batch)
        found = [enrichment for part in parts for enrichment in part.result()]
        for failure in (e for e in found if e.error):
            logger.warning("enrichment of article %s failed: %s", failure.article_id, failure.error)
        names = sorted({name_key(e.name) for enrichment in found for e in enrichment.entities})
        surnames = sorted(
            {
                name_key(e.name)
                for enrichment in found
                for e in enrichment.entities
                if e.type == "person" and " " not in e.name
            }
        )
        found = consolidate(found, strong_entities(db_path, names), people_by_surname(db_path, surnames))
        counts = EnrichCounts(*(a + b for a, b in zip(counts, load_enrichments(db_path, run_id, version, found, gate))))
        progress.report("articles enriched", counts.articles, total)
    summary.enriched += counts.articles
    summary.entities_found += counts.mentions
    summary.events_found += counts.events
    summary.enrich_failed += counts.failed
    summary.quarantined += counts.quarantined
    summary.validate_seconds += gate.seconds if gate else 0.0
    summary.enrich_seconds += time.perf_counter() - started


@task(cache_policy=NO_CACHE)
def enrich_part(articles: list[EnrichInput], options: EnrichOptions, workers: int) -> list[Enrichment]:
    """Entities and events of some articles, on `workers` processes (in the task itself when 1)."""
    return enrich_articles(articles, options, workers)
