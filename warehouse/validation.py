"""Validation inside a load: a staged batch is checked before it is merged.

The load functions stage a batch in a temp table, hand it here with a `Gate` (the flow's
suites and GX validator, see flows/validation.py), and merge whatever is left. Rows that fail a
row check, or every row of a batch that fails a batch check, move to `quarantine` as JSON with
the checks they failed; every check's outcome is a `validation_results` row. Nothing is deleted
from the warehouse: warehouse/release.py puts quarantined rows back through the same gate.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any, NamedTuple, Protocol

import duckdb
import pyarrow as pa

from winnow.schemas.expectations import Suite
from winnow.schemas.validate import SuiteResult
from winnow.warehouse import db


class Gate(Protocol):
    """The flow's gate: runs the named suite ("articles", "pages", ...) on a frame of a staged batch."""

    def suite(self, name: str) -> Suite: ...

    def __call__(self, name: str, frame: Any) -> SuiteResult: ...


POSITION = "_pos"  # a staged row's position, to find it again after validation


class Verdict(NamedTuple):
    """What validating one staged table did."""

    result: SuiteResult | None  # None: nothing to validate
    quarantined: int
    held: bool  # a batch check failed: every row was quarantined

    def batch_failures(self) -> list:
        return self.result.batch_failures() if self.result else []


def new_batch_id() -> str:
    return uuid.uuid4().hex


def stage(conn: duckdb.DuckDBPyConnection, name: str, source_view: str, order_by: str) -> None:
    """A temp table of the batch with each row's position, so failing rows can be taken out."""
    conn.execute(
        f"create temp table {name} as select row_number() over (order by {order_by}) - 1 as {POSITION}, *"
        f" from {source_view}"
    )


def check_staged(
    conn: duckdb.DuckDBPyConnection,
    gate: Gate,
    suite: str,
    staged: str,
    key: tuple[str, ...],
    run_id: str,
    batch_id: str,
    source: str | None,
    requarantine: bool = True,
) -> Verdict:
    """Validate the staged rows; quarantine the failing ones (all of them if a batch check
    fails), record the outcomes. The staged table keeps only what may be merged. Rows staged
    from the quarantine itself (`requarantine` False) are only taken out when they fail again."""
    frame = frame_of(conn, f"select * from {staged} order by {POSITION}", gate.suite(suite), keep=(POSITION,))
    if frame.empty:
        return Verdict(None, 0, False)
    result = gate(suite, frame.drop(columns=[POSITION]))
    record_results(conn, result, run_id, batch_id, source)
    failed = result.failed_rows()
    held = bool(result.batch_failures())
    if held:
        batch_checks = [r.check.name for r in result.batch_failures()]
        failed = {row: failed.get(row, []) + batch_checks for row in range(len(frame))}
    positions = {int(frame[POSITION][row]): checks for row, checks in failed.items()}
    if not requarantine:
        conn.execute(f"delete from {staged} where {POSITION} in (select unnest(?::bigint[]))", [list(positions)])
        return Verdict(result, len(positions), held)
    quarantined = _quarantine(conn, staged, key, positions, "batch" if held else "row", suite, run_id, batch_id)
    return Verdict(result, quarantined, held)


def frame_of(
    conn: duckdb.DuckDBPyConnection, query: str, suite: Suite, params: list | None = None, keep: tuple[str, ...] = ()
) -> Any:
    """The columns the suite's checks read (the derived ones computed) and `keep`, of the rows of
    `query` with its `params`, as a pandas frame. Only those: converting a batch's other columns
    (its texts, its author lists) took longer than the checks."""
    derived = {d.column: d for d in suite.derived}
    columns = [f"{derived[c].sql} as {c}" if c in derived else f'"{c}"' for c in suite.columns]
    derived_params = [param for c in suite.columns if c in derived for param in derived[c].params]
    # Parameters are numbered in the order they are written: the derived columns' come first.
    return conn.execute(
        f"select {', '.join([*keep, *columns])} from ({query})", [*derived_params, *(params or [])]
    ).df()


def check_pages(
    conn: duckdb.DuckDBPyConnection, gate: Gate, run_id: str, batch_id: str, source: str | None, min_pages: int
) -> Verdict:
    """The batch's pages, each with whether it gave an article still staged: if too few did (a
    changed layout), the staged articles are held back too. Fewer than `min_pages` pages are
    too few to judge a layout by."""
    frame = conn.execute("""
        select url, bool_or(loaded) as loaded from (
            select fetched_url as url, article_id in (select article_id from extracted) as loaded from extracted_batch
            union all
            select url, false from failures)
        group by url order by url
    """).df()
    if len(frame) < max(min_pages, 1):
        return Verdict(None, 0, False)
    result = gate("pages", frame)
    record_results(conn, result, run_id, batch_id, source)
    checks = [r.check.name for r in result.batch_failures()]
    if not checks:
        return Verdict(result, 0, False)
    positions = [row[0] for row in conn.execute(f"select {POSITION} from extracted").fetchall()]
    return Verdict(
        result,
        _quarantine(
            conn, "extracted", ("article_id",), dict.fromkeys(positions, checks), "batch", "articles", run_id, batch_id
        ),
        True,
    )


def record_results(
    conn: duckdb.DuckDBPyConnection, result: SuiteResult, run_id: str, batch_id: str, source: str | None
) -> None:
    now = datetime.now(timezone.utc)
    conn.executemany(
        "insert into validation_results values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                run_id,
                batch_id,
                result.suite.name,
                source,
                r.check.name,
                r.check.expectation,
                r.check.level,
                r.success,
                r.observed,
                r.unexpected_count,
                result.rows,
                now,
            )
            for r in result.results
        ],
    )


def _quarantine(
    conn: duckdb.DuckDBPyConnection,
    staged: str,
    key: tuple[str, ...],
    failed: dict[int, list[str]],
    level: str,
    table: str,
    run_id: str,
    batch_id: str,
) -> int:
    if not failed:
        return 0
    conn.register("failed_rows", pa.table({"position": list(failed), "checks": list(failed.values())}))
    row_key = " || '|' || ".join(f"coalesce(cast(s.{column} as varchar), '')" for column in key)
    conn.execute(
        f"""
        insert into quarantine
        select sha256(? || '|' || {row_key} || '|' || ? || '|' || s.{POSITION}), ?, ?, ?,
               {"s.source" if "source" in _columns(conn, staged) else "null"}, {row_key}, ?, f.checks,
               json_merge_patch(to_json(s), '{{"{POSITION}": null, "quarantine_id": null}}'), ?, null, null
        from {staged} s join failed_rows f on f.position = s.{POSITION}
    """,
        [table, batch_id, run_id, batch_id, table, level, datetime.now(timezone.utc)],
    )
    conn.execute(f"delete from {staged} where {POSITION} in (select position from failed_rows)")
    conn.unregister("failed_rows")
    return len(failed)


def _columns(conn: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return [row[0] for row in conn.execute(f"describe {table}").fetchall()]


class QuarantinedRow(NamedTuple):
    quarantine_id: str
    table_name: str
    source: str | None
    row_key: str
    level: str
    checks: list[str]
    quarantined_at: datetime
    run_id: str


def quarantined(
    db_path: str | os.PathLike, table: str | None = None, include_released: bool = False
) -> list[QuarantinedRow]:
    """The rows held back (not yet released), newest first."""
    with db.read(db_path) as conn:
        rows = conn.execute(
            """
            select quarantine_id, table_name, source, row_key, level, checks, quarantined_at, run_id
            from quarantine
            where (? or released_at is null) and (? is null or table_name = ?)
            order by quarantined_at desc, table_name, row_key
        """,
            [include_released, table, table],
        ).fetchall()
    return [QuarantinedRow(*row) for row in rows]


KNOWN_ENTITIES = "(select entity_id from entities)"


def checked_rows(table: str, rows: str, known_entities: str = KNOWN_ENTITIES) -> str:
    """A query of `rows` (a table, or a subquery in parentheses) with the columns the table's
    checks read that the rows do not hold: for mentions whether the entity is known, for events
    the latest date they may have and whether their actors and place are known entities."""
    if table == "mentions":
        return f"select m.*, m.entity_id in {known_entities} as entity_known from {rows} m"
    if table == "events":
        return f"""
            select v.*, cast(coalesce(a.published_at, a.first_seen_at) at time zone 'UTC' as date) + 1
                        as latest_allowed_date,
                   coalesce(v.actor1 in {known_entities}, true) and coalesce(v.actor2 in {known_entities}, true)
                   and coalesce(v.location in {known_entities}, true) as roles_known
            from {rows} v left join articles a using (article_id)"""
    return f"select * from {rows}"


def warehouse_frames(
    db_path: str | os.PathLike, gate_for: Callable[[str, str | None], Gate]
) -> list[tuple[str, str | None, Any]]:
    """(suite, source, frame) for every table the suites check, whole, with the columns its checks
    derive; articles one source at a time."""
    with db.read(db_path) as conn:
        sources = [source for (source,) in conn.execute("select distinct source from articles order by 1").fetchall()]
        queries = [("articles", source, "select * from articles where source = ?", [source]) for source in sources]
        queries += [
            (table, None, checked_rows(table, table), []) for table in ("fetch_log", "entities", "mentions", "events")
        ]
        frames = [
            (suite, source, frame_of(conn, sql, gate_for(suite, source).suite(suite), params))
            for suite, source, sql, params in queries
        ]
    return [(suite, source, frame) for suite, source, frame in frames if not frame.empty]


def record_validation(db_path: str | os.PathLike, run_id: str, results: list[tuple[SuiteResult, str | None]]) -> None:
    """Keep the outcomes of a whole-warehouse validation, one batch per suite and source."""
    with db.write(db_path) as conn:
        for result, source in results:
            record_results(conn, result, run_id, new_batch_id(), source)


def run_results(db_path: str | os.PathLike, run_id: str) -> list[dict[str, Any]]:
    """A run's validation outcomes, one row per suite, source and check, over all its batches."""
    with db.read(db_path) as conn:
        cursor = conn.execute(
            """
            select suite, source, check_name, level, count(*) as batches, count(*) filter (where not success) as failed,
                   sum(unexpected_count) as unexpected_rows, sum(rows) as rows
            from validation_results where run_id = ? group by all order by failed desc, suite, source, check_name
        """,
            [run_id],
        )
        columns = [d[0] for d in cursor.description]
        return [dict(zip(columns, row)) for row in cursor.fetchall()]
