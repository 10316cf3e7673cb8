"""The enrich stage's reads and writes: which articles need enriching, and loading what was found.

An article is enriched when it is new, when its text changed, or when the enrichment itself
did (another model, new rules or aliases: the `enrich_version`). Loading replaces the article's
mentions and events in one transaction, so a re-run never duplicates or loses a row.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import NamedTuple

from schemas.records import EnrichInput, Enrichment
from warehouse import db, staging


class EnrichCounts(NamedTuple):
    articles: int
    mentions: int
    events: int


def articles_to_enrich(db_path: str | os.PathLike, version: str, sources: list[str] | None = None,
                       batch_size: int = 200) -> Iterator[list[EnrichInput]]:
    """Batches of the articles not yet enriched as they now are with this `version`. Articles
    without a publication date resolve relative dates against the day they were first seen."""
    with db.read(db_path) as conn:
        rows = conn.execute("""
            select a.article_id, a.title, a.text,
                   cast(coalesce(a.published_at, a.first_seen_at) at time zone 'UTC' as date), a.content_hash
            from articles a left join article_enrichment e using (article_id)
            where (e.article_id is null or e.content_hash <> a.content_hash or e.enrich_version <> ?)
              and (? or a.source in (select unnest(?::varchar[])))
            order by a.article_id
        """, [version, sources is None, sources or []]).fetchall()
    for start in range(0, len(rows), batch_size):
        yield [EnrichInput(*row) for row in rows[start:start + batch_size]]


def load_enrichments(db_path: str | os.PathLike, run_id: str, version: str,
                     enrichments: list[Enrichment]) -> EnrichCounts:
    """Upsert the entities, and replace the mentions and events of the enriched articles."""
    latest = list({e.article_id: e for e in enrichments}.values())  # an article twice: the last wins
    now = datetime.now(timezone.utc)
    with db.write(db_path) as conn:
        conn.register("new_entities", staging.entities(latest))
        conn.register("new_mentions", staging.mentions(latest))
        conn.register("new_events", staging.events(latest))
        conn.register("enriched", staging.enriched(latest))
        conn.execute("""
            insert into entities by name
            select *, ? as first_seen_at, ? as updated_at from new_entities
            on conflict (entity_id) do update set
                name = excluded.name, type = excluded.type,
                country_code = coalesce(excluded.country_code, entities.country_code),
                aliases = list_distinct(list_concat(entities.aliases, excluded.aliases)),
                updated_at = excluded.updated_at
            where entities.name <> excluded.name
               or entities.country_code is distinct from coalesce(excluded.country_code, entities.country_code)
               or len(list_filter(excluded.aliases, x -> not list_contains(entities.aliases, x))) > 0
        """, [now, now])
        conn.execute("delete from mentions where article_id in (select article_id from enriched)")
        conn.execute("insert into mentions by name select *, ? as run_id from new_mentions", [run_id])
        conn.execute("delete from events where article_id in (select article_id from enriched)")
        conn.execute("insert into events by name select *, ? as run_id from new_events", [run_id])
        conn.execute("""
            insert or replace into article_enrichment by name
            select *, ? as enrich_version, ? as enriched_at, ? as run_id from enriched
        """, [version, now, run_id])
    return EnrichCounts(len(latest), sum(len(e.mentions) for e in latest), sum(len(e.events) for e in latest))

