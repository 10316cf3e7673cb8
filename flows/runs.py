"""A flow run as the `runs` table and Prefect see it: started, counted, finished, summarised."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone

from prefect import get_run_logger
from prefect.artifacts import create_table_artifact
from prefect.runtime import flow_run
from prefect.states import Cancelled, State

from winnow.flows.stopping import RunInterrupted, RunStopped, Stop
from winnow.flows.validation import build_docs
from winnow.schemas.records import RUN_COUNTERS, RunSummary
from winnow.warehouse import runs
from winnow.warehouse.run_lock import run_lock
from winnow.warehouse.validation import run_results


class BatchesHeld(Exception):
    """Validation held back at least one batch whole; the message names each source and check,
    `summary` says what the run did."""

    def __init__(self, summary: RunSummary, held: list[str]) -> None:
        super().__init__("validation held back batches (see `winnow quarantine list`):\n" + "\n".join(held))
        self.summary = summary
        self.held = held


@contextmanager
def recorded_run(db_path: str, flow_name: str, sources: list[str], stop: Stop | None = None) -> Iterator[RunSummary]:
    """A `runs` row for the block's work: started now, finished on exit with its counts and
    status: "cancelled" if `stop` was requested (a stop signal came), "failed" if the block
    raises (and the exception goes on) or set it, else "completed".

    The database's run lock is held throughout (RunLocked if another process's run holds it),
    so runs on one file never interleave; runs a killed process left 'running' are marked 'crashed'."""
    started = time.perf_counter()
    summary = RunSummary(
        run_id=str(flow_run.get_id() or f"local-{datetime.now(timezone.utc):%Y%m%dT%H%M%S}"),
        started_at=datetime.now(timezone.utc),
        sources=sources,
    )
    with run_lock(db_path, flow_name, summary.run_id):
        for run_id, flow, started_at in runs.start_run(db_path, summary, flow_name):
            get_run_logger().warning(
                "%s run %s, started %s UTC, did not finish (its process died): marked crashed",
                flow,
                run_id,
                f"{started_at:%Y-%m-%d %H:%M:%S}",
            )
        try:
            yield summary
            if stop is not None and stop.requested:
                summary.status = "cancelled"
            elif summary.status == "running":
                summary.status = "completed"
        except RunInterrupted:
            summary.status = "cancelled"
            raise
        except BaseException:
            summary.status = "failed"
            raise
        finally:
            summary.finished_at = datetime.now(timezone.utc)
            summary.seconds = time.perf_counter() - started
            runs.finish_run(db_path, summary)


def publish(summary: RunSummary, flow_name: str, description: str, checks: list[dict]) -> None:
    """Log the run's counts and keep them as the `<flow>-summary` table artifact, and its
    validation outcomes (`checks`: one row per suite, source and check) as the `<flow>-validation` one."""
    logger = get_run_logger()
    logger.info(
        "%s %s: %s", flow_name, summary.status, ", ".join(f"{name} {getattr(summary, name)}" for name in RUN_COUNTERS)
    )
    if summary.validation_docs:
        logger.info("validation Data Docs: %s", summary.validation_docs)
    create_table_artifact(
        key=f"{flow_name}-summary",
        table=[{name: getattr(summary, name) for name in ("run_id", "status", *RUN_COUNTERS)}],
        description=description,
    )
    if checks:
        failed = sum(1 for check in checks if check["failed"])
        create_table_artifact(
            key=f"{flow_name}-validation",
            table=checks,
            description=f"{description}: {failed} of {len(checks)} checks failed in some batch"
            f" ({summary.quarantined} rows quarantined, {summary.batches_held} batches held)",
        )


def conclude(
    summary: RunSummary, flow_name: str, description: str, db_path: str, held: list[str], stop: Stop | None = None
) -> RunSummary | State:
    """Build the run's validation Data Docs and publish the run. Then: a run stopped by a signal
    ends Cancelled (RunStopped); one whose validation held batches back fails (BatchesHeld: the
    other batches are loaded, failing makes someone look); else it returns its summary."""
    checks = run_results(db_path, summary.run_id)
    # A run that validated nothing (nothing new) leaves the docs as they are: building them takes
    # seconds once a process holds many results, most of a re-run over unchanged sources.
    docs = build_docs(db_path) if checks else None
    summary.validation_docs = str(docs) if docs else None
    publish(summary, flow_name, description, checks)
    if stop is not None and stop.requested:
        stopped = RunStopped(summary, stop.signal_number)
        return Cancelled(message=str(stopped), data=stopped)
    if held:
        raise BatchesHeld(summary, held)
    return summary
