"""The enrich step of the `ingest` and `reprocess` flows: entities and events for every article
not yet enriched as it now is, in batches, on every core."""

from __future__ import annotations

import time

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from schemas.records import RunSummary
from sources.enrich_config import EnrichConfig
from sources.validation_config import ValidationConfig
from transforms.enrich.consolidate import consolidate
from transforms.enrich.names import name_key
from warehouse.enrichment import (EnrichCounts, articles_to_enrich, load_enrichments, people_by_surname,
                                  strong_entities)

from flows import progress
from flows.extraction_pool import enrich_articles
from flows.validation import enrich_gate

BATCH_SIZE = 200  # articles per enrich-then-load round


def enrich_stored(config: EnrichConfig, validation: ValidationConfig, db_path: str, run_id: str,
                  sources: list[str], workers: int, summary: RunSummary) -> None:
    """Enrich the sources' new and changed articles (all of them after the model, rules or
    aliases change) and load what was found; counts go into `summary`."""
    if not config.enabled:
        return
    started = time.perf_counter()
    counts, validate_seconds = enrich_task(config, validation, db_path, run_id, sources, workers)
    summary.enriched += counts.articles
    summary.entities_found += counts.mentions
    summary.events_found += counts.events
    summary.enrich_failed += counts.failed
    summary.quarantined += counts.quarantined
    summary.validate_seconds += validate_seconds
    summary.enrich_seconds += time.perf_counter() - started


@task(cache_policy=NO_CACHE)
def enrich_task(config: EnrichConfig, validation: ValidationConfig, db_path: str, run_id: str, sources: list[str],
                workers: int) -> tuple[EnrichCounts, float]:
    """The enrich step as one Prefect task, reporting progress per batch; returns the counts and
    the seconds validation took."""
    from transforms.enrich.enricher import enrich_version  # imports spaCy: only when enriching
    options = config.options()
    version = enrich_version(options)
    batches = list(articles_to_enrich(db_path, version, sources, BATCH_SIZE))
    total = sum(len(batch) for batch in batches)
    counts = EnrichCounts(0, 0, 0, 0, 0)
    gate = enrich_gate(validation, run_id)
    logger = get_run_logger()
    for batch in batches:
        found = enrich_articles(batch, options, workers)
        for failure in (e for e in found if e.error):
            logger.warning("enrichment of article %s failed: %s", failure.article_id, failure.error)
        names = sorted({name_key(e.name) for enrichment in found for e in enrichment.entities})
        surnames = sorted({name_key(e.name) for enrichment in found for e in enrichment.entities
                           if e.type == "person" and " " not in e.name})
        found = consolidate(found, strong_entities(db_path, names), people_by_surname(db_path, surnames))
        loaded = load_enrichments(db_path, run_id, version, found, gate)
        counts = EnrichCounts(*(a + b for a, b in zip(counts, loaded)))
        progress.report("articles enriched", counts.articles, total)
    return counts, gate.seconds if gate else 0.0
