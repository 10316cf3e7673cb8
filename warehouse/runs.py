"""Writes to the `runs` table: a run recorded as started (and the runs that died marked crashed),
then as finished with its counts."""

from __future__ import annotations

import os
from datetime import datetime

from winnow.schemas.records import RUN_COUNTERS, RunSummary
from winnow.warehouse import db


def start_run(db_path: str | os.PathLike, summary: RunSummary, flow: str) -> list[tuple[str, str, datetime]]:
    """Record a run as started (a retried flow run with the same id starts over), and mark the
    runs still 'running' as 'crashed'; returns those ((run id, flow, started at) tuples).

    The caller holds the run lock (warehouse.run_lock), so no other run is going on: a run
    still 'running' is one whose process died before it could finish. Its work is safe up to
    its last committed batch, and what it had not loaded is still due in the frontier.
    """
    with db.write(db_path) as conn:
        crashed = conn.execute(
            """
            update runs set status = 'crashed' where status = 'running' and run_id <> ?
            returning run_id, flow, started_at
        """,
            [summary.run_id],
        ).fetchall()
        conn.execute(
            f"""
            insert or replace into runs (run_id, flow, started_at, finished_at, status, sources,
                {", ".join(RUN_COUNTERS)})
            values (?, ?, ?, ?, ?, ?, {", ".join("?" for _ in RUN_COUNTERS)})
        """,
            [
                summary.run_id,
                flow,
                summary.started_at,
                summary.finished_at,
                summary.status,
                summary.sources,
                *_run_counts(summary),
            ],
        )
    return sorted(crashed, key=lambda run: run[2])


def finish_run(db_path: str | os.PathLike, summary: RunSummary) -> None:
    """Record a started run's end: status, finish time and counts."""
    with db.write(db_path) as conn:
        conn.execute(
            f"""
            update runs set finished_at = ?, status = ?, sources = ?, {", ".join(f"{c} = ?" for c in RUN_COUNTERS)}
            where run_id = ?
        """,
            [summary.finished_at, summary.status, summary.sources, *_run_counts(summary), summary.run_id],
        )


def _run_counts(summary: RunSummary) -> list:
    return [getattr(summary, name) for name in RUN_COUNTERS]
