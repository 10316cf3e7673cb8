"""`winnow quarantine release`: held rows checked again with today's suites, and merged if they pass.

Run it after a fix that the rows themselves do not show: a threshold or a source's accepted
languages changed in the config, or a check was wrong. (A fix to extraction is `winnow
reprocess`: the pages are re-extracted, and their new rows go through the gate.) A released row
is marked, never deleted; a row that fails again stays held.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from contextlib import nullcontext
from datetime import datetime, timezone
from typing import NamedTuple

import duckdb

from winnow.warehouse import db, stories, validation
from winnow.warehouse.articles import upsert_articles
from winnow.warehouse.comentions import pairs_recounted
from winnow.warehouse.enrichment import upsert_entities
from winnow.warehouse.validation import POSITION, Gate

# Each table that validation quarantines, and its key.
KEYS = {
    "articles": ("article_id",),
    "fetch_log": ("url", "attempt"),
    "entities": ("entity_id",),
    "mentions": ("article_id", "entity_id"),
    "events": ("event_id",),
}
STAGED = {"articles": "extracted", "entities": "new_entities"}  # the staged names the upserts read


class Released(NamedTuple):
    table: str
    source: str | None
    released: int
    still_held: int


def release(
    db_path: str | os.PathLike, run_id: str, gate_for: Callable[[str, str | None], Gate], table: str | None = None
) -> list[Released]:
    """Re-validate the unreleased quarantined rows, per table and source, through `gate_for(table,
    source)`; merge and mark those that pass. Batch checks apply to the rows released together."""
    now = datetime.now(timezone.utc)
    done = []
    with db.write(db_path) as conn:
        groups = conn.execute(
            """
            select distinct table_name, source from quarantine
            where released_at is null and (? is null or table_name = ?) order by 1, 2
        """,
            [table, table],
        ).fetchall()
        for name, source in groups:
            if name not in KEYS:
                continue
            staged = _stage_held(conn, name, source)
            verdict = validation.check_staged(
                conn,
                gate_for(name, source),
                name,
                staged,
                KEYS[name],
                run_id,
                validation.new_batch_id(),
                source,
                requarantine=False,
            )
            released = _merge(conn, name, staged, run_id, now)
            conn.execute(
                f"""update quarantine set released_at = ?, release_run_id = ?
                             where quarantine_id in (select quarantine_id from {staged})""",
                [now, run_id],
            )
            done.append(Released(name, source, released, verdict.quarantined))
            conn.execute(f"drop table {staged}")
    return done


def _stage_held(conn: duckdb.DuckDBPyConnection, table: str, source: str | None) -> str:
    """The group's held rows typed as their table's columns, with the columns its checks derive."""
    (keys,) = conn.execute(
        """select json_keys(any_value(record)) from quarantine
                              where table_name = ? and source is not distinct from ? and released_at is null""",
        [table, source],
    ).fetchone()
    types = dict(
        conn.execute(
            "select column_name, data_type from information_schema.columns where table_name = ?", [table]
        ).fetchall()
    )
    structure = json.dumps({key: types[key] for key in keys if key in types}).replace("'", "''")
    held = f"""(select quarantine_id, unnest(json_transform(record, '{structure}')) from quarantine
                where table_name = ? and source is not distinct from ? and released_at is null)"""
    staged = STAGED.get(table, f"held_{table}")
    conn.execute(
        f"""
        create temp table {staged} as
        select row_number() over (order by quarantine_id) - 1 as {POSITION}, *
        from ({validation.checked_rows(table, held)})
    """,
        [table, source],
    )
    return staged


def _merge(conn: duckdb.DuckDBPyConnection, table: str, staged: str, run_id: str, now: datetime) -> int:
    """Merge the staged rows still there (those that passed) into `table`; returns how many."""
    (count,) = conn.execute(f"select count(*) from {staged}").fetchone()
    if not count:
        return 0
    if table == "articles":
        upsert_articles(conn, run_id, now, exclude=("quarantine_id",))
        stories.place_articles(conn, now)
    elif table == "entities":
        upsert_entities(conn, now, exclude=("quarantine_id",))
    else:
        derived = {"mentions": ", entity_known", "events": ", latest_allowed_date, roles_known"}.get(table, "")
        run_column = ", ? as run_id" if table != "fetch_log" else ""
        recounted = pairs_recounted(conn, f"select article_id from {staged}") if table == "mentions" else nullcontext()
        with recounted:
            conn.execute(
                f"insert or ignore into {table} by name select * exclude ({POSITION}, quarantine_id{derived})"
                f"{run_column} from {staged}",
                [run_id] if run_column else [],
            )
    return count
