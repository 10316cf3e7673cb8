"""Repetition learned in the warehouse, applied to articles: shared by ingest, reprocess and strip.

Kept apart from the flows so that `winnow strip` uses it without importing Prefect.
"""

from __future__ import annotations

from winnow.schemas.records import Article
from winnow.sources.source_config import SourceConfig
from winnow.transforms.chaff.repetition import batch_block_keys, strip_repeated_batch
from winnow.warehouse.articles import block_counts


def without_repeated_blocks(source: SourceConfig, db_path: str, articles: list[Article]) -> list[Article]:
    """The articles without the blocks found in many of the source's articles, stored or in this batch."""
    min_articles = source.chaff.repetition_min_articles
    if not articles or min_articles <= 0:
        return articles
    stored = block_counts(
        db_path, source.name, batch_block_keys(articles), [article.article_id for article in articles]
    )
    return strip_repeated_batch(articles, stored, min_articles)
