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

import duckdb

from winnow.schemas.records import EnrichInput, Enrichment, Entity
from winnow.warehouse import db, enrichment_tables, validation
from winnow.warehouse.comentions import follow_renamed, mark_renamed, pairs_recounted
from winnow.warehouse.validation import POSITION, Gate


class EnrichCounts(NamedTuple):
    articles: int
    mentions: int
    events: int
    failed: int  # articles whose enrichment failed
    quarantined: int = 0  # rows held back by validation


def articles_to_enrich(
    db_path: str | os.PathLike, version: str, sources: list[str] | None = None, batch_size: int = 200
) -> Iterator[list[EnrichInput]]:
    """Batches of the canonical articles not yet enriched as they now are with this `version`. Articles
    without a publication date resolve relative dates against the day they were first seen."""
    with db.read(db_path) as conn:
        rows = conn.execute(
            """
            select a.article_id, a.title, a.text,
                   cast(coalesce(a.published_at, a.first_seen_at) at time zone 'UTC' as date), a.content_hash,
                   a.language
            from articles a left join article_enrichment e using (article_id)
            where (e.article_id is null or e.content_hash <> a.content_hash or e.enrich_version <> ?)
              and (? or a.source in (select unnest(?::varchar[])))
              and coalesce(a.canonical, true)  -- a story is enriched once, as its canonical copy
            order by a.article_id
        """,
            [version, sources is None, sources or []],
        ).fetchall()
    for start in range(0, len(rows), batch_size):
        yield [EnrichInput(*row) for row in rows[start : start + batch_size]]


def strong_entities(db_path: str | os.PathLike, name_keys: list[str]) -> dict[str, Entity]:
    """The entities the warehouse types on strong evidence, by name key, of these names."""
    with db.read(db_path) as conn:
        rows = conn.execute(
            """
            select name_key, entity_id, name, type, country_code, aliases from entities
            where strong and name_key in (select unnest(?::varchar[]))
        """,
            [name_keys],
        ).fetchall()
    return {
        key: Entity(eid, name, kind, country, tuple(aliases), True) for key, eid, name, kind, country, aliases in rows
    }


def people_by_surname(db_path: str | os.PathLike, surname_keys: list[str]) -> tuple[Entity, ...]:
    """The people the warehouse knows by a full name ending in one of these surnames."""
    with db.read(db_path) as conn:
        rows = conn.execute(
            """
            select distinct e.entity_id, e.name, e.type, e.country_code, e.aliases, e.strong
            from entities e join (select unnest(?::varchar[]) as surname) k on suffix(e.name_key, ' ' || k.surname)
            where e.type = 'person' and contains(e.name, ' ')
        """,
            [surname_keys],
        ).fetchall()
    return tuple(
        Entity(eid, name, kind, country, tuple(aliases), bool(strong))
        for eid, name, kind, country, aliases, strong in rows
    )


def load_enrichments(
    db_path: str | os.PathLike, run_id: str, version: str, enrichments: list[Enrichment], gate: Gate | None = None
) -> EnrichCounts:
    """Upsert the entities, and replace the mentions and events of the enriched articles. With a
    `gate`, each table's rows are validated first and the failing ones quarantined."""
    latest = list({e.article_id: e for e in enrichments}.values())  # an article twice: the last wins
    now = datetime.now(timezone.utc)
    with db.write(db_path) as conn:
        conn.register("entities_batch", enrichment_tables.entities(latest))
        conn.register("mentions_batch", enrichment_tables.mentions(latest))
        conn.register("events_batch", enrichment_tables.events(latest))
        conn.register("enriched", enrichment_tables.enriched(latest))
        quarantined = _stage_checked(conn, gate, run_id)
        upsert_entities(conn, now)
        # Articles that gave a name a weaker type than the one it now has on strong evidence are
        # enriched again next run, and take that type (transforms/enrich/consolidate.py).
        conn.execute("""
            delete from article_enrichment where article_id in (
                select m.article_id from mentions m join entities e using (entity_id)
                join new_entities s on s.name_key = e.name_key and s.strong and s.type <> e.type
                where not e.strong)
        """)
        with pairs_recounted(conn, "select article_id from enriched"):
            conn.execute("delete from mentions where article_id in (select article_id from enriched)")
            conn.execute(
                f"insert into mentions by name select * exclude ({POSITION}, entity_known), ? as run_id"
                " from new_mentions",
                [run_id],
            )
        conn.execute("delete from events where article_id in (select article_id from enriched)")
        conn.execute(
            f"insert into events by name select * exclude ({POSITION}, latest_allowed_date, roles_known),"
            " ? as run_id from new_events",
            [run_id],
        )
        conn.execute(
            """
            insert or replace into article_enrichment by name
            select *, ? as enrich_version, ? as enriched_at, ? as run_id from enriched
        """,
            [version, now, run_id],
        )
    return EnrichCounts(
        len(latest),
        sum(len(e.mentions) for e in latest),
        sum(len(e.events) for e in latest),
        sum(e.error is not None for e in latest),
        quarantined,
    )


def upsert_entities(conn: duckdb.DuckDBPyConnection, now: datetime, exclude: tuple[str, ...] = ()) -> None:
    """Insert the staged `new_entities`, or update a known entity's name, type, country, aliases
    and evidence where they changed (an unchanged entity keeps its updated_at). `exclude`:
    staged columns that are not the table's."""
    mark_renamed(conn, "new_entities")
    conn.execute(
        f"""
        insert into entities by name
        select * exclude ({", ".join((POSITION, *exclude))}), ? as first_seen_at, ? as updated_at from new_entities
        on conflict (entity_id) do update set
            name = excluded.name, type = excluded.type, name_key = excluded.name_key,
            country_code = coalesce(excluded.country_code, entities.country_code),
            aliases = list_distinct(list_concat(entities.aliases, excluded.aliases)),
            strong = entities.strong or excluded.strong,
            updated_at = excluded.updated_at
        where entities.name <> excluded.name
           or entities.name_key is distinct from excluded.name_key
           or entities.country_code is distinct from coalesce(excluded.country_code, entities.country_code)
           or (excluded.strong and not entities.strong)
           or len(list_filter(excluded.aliases, x -> not list_contains(entities.aliases, x))) > 0
    """,
        [now, now],
    )
    follow_renamed(conn)


def _stage_checked(conn: duckdb.DuckDBPyConnection, gate: Gate | None, run_id: str) -> int:
    """Stage the batch's entities, mentions and events with the columns their checks read
    (is the entity known, the latest date an event may have), validate each through `gate` and
    quarantine the failing rows; returns how many were quarantined."""
    validation.stage(conn, "new_entities", "entities_batch", "entity_id")
    known = "(select entity_id from new_entities union select entity_id from entities)"  # the batch's count too
    for table, key in (("mentions", "article_id, entity_id"), ("events", "event_id")):
        conn.execute(f"create temp view {table}_checked as {validation.checked_rows(table, f'{table}_batch', known)}")
        validation.stage(conn, f"new_{table}", f"{table}_checked", key)
    if gate is None:
        return 0
    batch_id = validation.new_batch_id()
    return sum(
        validation.check_staged(conn, gate, suite, staged, key, run_id, batch_id, None).quarantined
        for suite, staged, key in (
            ("entities", "new_entities", ("entity_id",)),
            ("mentions", "new_mentions", ("article_id", "entity_id")),
            ("events", "new_events", ("event_id",)),
        )
    )
