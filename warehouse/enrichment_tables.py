"""Arrow tables of what the enrich stage found, for its bulk load: entities, mentions, events, and
the enriched articles. Built as warehouse/staging.py builds the fetch's and articles' tables, and
held to the DDL by the same test.
"""

from __future__ import annotations

import dataclasses

import pyarrow as pa

from winnow.schemas.records import Enrichment
from winnow.transforms.enrich.names import name_key
from winnow.warehouse.staging import table

ENTITIES = pa.schema(
    [
        ("entity_id", pa.string()),
        ("name", pa.string()),
        ("type", pa.string()),
        ("country_code", pa.string()),
        ("aliases", pa.list_(pa.string())),
        ("name_key", pa.string()),
        ("strong", pa.bool_()),
    ]
)
MENTIONS = pa.schema(
    [
        ("article_id", pa.string()),
        ("entity_id", pa.string()),
        ("surface_forms", pa.list_(pa.string())),
        ("count", pa.int32()),
        ("first_offset", pa.int32()),
        ("salience", pa.float64()),
    ]
)
EVENTS = pa.schema(
    [
        ("event_id", pa.string()),
        ("article_id", pa.string()),
        ("event_type", pa.string()),
        ("cameo_code", pa.string()),
        ("trigger", pa.string()),
        ("actor1", pa.string()),
        ("actor2", pa.string()),
        ("location", pa.string()),
        ("event_date", pa.date32()),
        ("date_precision", pa.string()),
        ("sentence", pa.string()),
        ("sentence_offset", pa.int32()),
        ("confidence", pa.float64()),
        ("actor1_role", pa.string()),
        ("actor1_type", pa.string()),
        ("actor1_country", pa.string()),
        ("actor2_role", pa.string()),
        ("actor2_type", pa.string()),
        ("actor2_country", pa.string()),
    ]
)
ENRICHED = pa.schema(
    [
        ("article_id", pa.string()),
        ("content_hash", pa.string()),
        ("entities", pa.int32()),
        ("events", pa.int32()),
        ("error", pa.string()),
        ("language", pa.string()),
    ]
)


def entities(enrichments: list[Enrichment]) -> pa.Table:
    """The entities of a batch, once each, with every surface form the batch saw."""
    merged = {}
    for enrichment in enrichments:
        for entity in enrichment.entities:
            known = merged.get(entity.entity_id)
            merged[entity.entity_id] = dataclasses.replace(
                entity,
                aliases=tuple(dict.fromkeys((*(known.aliases if known else ()), *entity.aliases))),
                strong=entity.strong or bool(known and known.strong),
            )
    kept = list(merged.values())
    return table(ENTITIES, kept, country_code=[e.country for e in kept], name_key=[name_key(e.name) for e in kept])


def mentions(enrichments: list[Enrichment]) -> pa.Table:
    return table(MENTIONS, [m for e in enrichments for m in e.mentions])


def events(enrichments: list[Enrichment]) -> pa.Table:
    return table(EVENTS, [v for e in enrichments for v in e.events])


def enriched(enrichments: list[Enrichment]) -> pa.Table:
    return table(
        ENRICHED,
        enrichments,
        entities=[len(e.mentions) for e in enrichments],
        events=[len(e.events) for e in enrichments],
    )
