"""Running a flow from the command line: Prefect started, the run lock held, the summary printed."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import typer

from winnow.flows.cli.failures import CommandFailed
from winnow.flows.environment import configure_prefect
from winnow.schemas.config import RunnerConfig

PREFECT_HOME = Path("data/prefect")
STOP_GRACE_S = 20.0  # a stopped run that has not ended this long after the signal is ended outright


def parse_runner(spec: str | None) -> RunnerConfig | None:
    try:
        return RunnerConfig.parse(spec) if spec else None
    except ValueError as error:
        raise CommandFailed(f"--runner: {error}") from error


def start_prefect() -> None:
    """Prefect's settings; without PREFECT_API_URL, a temporary API server of winnow's own
    (flows/api_server.py: not stopped by a signal to the process group, not left behind)."""
    configure_prefect(PREFECT_HOME)
    if os.environ.get("PREFECT_API_URL"):
        return
    from winnow.flows.api_server import start_temporary_server
    from winnow.flows.console import note

    note("starting Prefect's temporary API server (a few seconds; set PREFECT_API_URL to use a running server instead)")
    start_temporary_server()


def run_flow(name: str, db: Path, fmt: str, **parameters) -> None:
    """Run the ingest or reprocess flow here, holding the run lock, and print its summary (in
    `fmt`). A run stopped by signal N exits with 128 + N, one whose validation held batches back
    with 1: the summary says what it loaded."""
    from winnow.flows.console import print_summary, showing_progress

    with writing_run(db, name):
        start_prefect()
        from winnow.flows.ingest import ingest  # Prefect is imported once its settings are made
        from winnow.flows.reprocess import reprocess
        from winnow.flows.runs import BatchesHeld
        from winnow.flows.stopping import RunStopped

        logging.getLogger("prefect.flow_runs").addFilter(_ENDINGS_REPORTED_HERE)
        flow = {"ingest": ingest, "reprocess": reprocess}[name]
        with showing_progress():
            state = flow(**parameters, db_path=str(db), return_state=True)
    outcome = state.result(raise_on_failure=False)
    if isinstance(outcome, (RunStopped, BatchesHeld)):
        print_summary(outcome.summary, fmt)
        raise outcome
    if isinstance(outcome, BaseException):
        raise outcome
    print_summary(outcome, fmt)


class _EndingsReportedHere(logging.Filter):
    """Prefect logs the exception a flow ends with, traceback and all. A stopped run and held
    batches are endings the command reports itself (the summary, the reason, the exit code), so
    their record is dropped; any other exception is still logged whole."""

    def filter(self, record: logging.LogRecord) -> bool:
        from winnow.flows.runs import BatchesHeld
        from winnow.flows.stopping import RunStopped

        error = record.exc_info[1] if record.exc_info else None
        return not isinstance(error, (BatchesHeld, RunStopped))


_ENDINGS_REPORTED_HERE = _EndingsReportedHere()


def writing_run(db: Path, flow: str) -> ExitStack:
    """The database's run lock, and the database opened and migrated, before Prefect starts: a
    run by hand that collides with another, or a --db that is no DuckDB file, exits at once with
    the reason (exit code 1, no traceback). The flow takes the lock again inside."""
    import duckdb

    from winnow.warehouse.db import WarehouseBusy
    from winnow.warehouse.migrate import migrate
    from winnow.warehouse.run_lock import run_lock

    check_environment_settings()
    held = ExitStack()
    held.enter_context(_exit_on_stop_signals())
    try:
        held.enter_context(run_lock(db, flow))
        migrate(db)
    except (WarehouseBusy, duckdb.Error, OSError) as error:
        held.close()
        raise CommandFailed(f"cannot use {db} as the warehouse: {error}") from error
    except BaseException:
        held.close()
        raise
    return held


def check_environment_settings() -> None:
    """Each WINNOW_* number a run reads from the environment, read now: a bad one ends the command
    at once, naming the variable, rather than the run midway."""
    from winnow.flows.extraction_pool import default_workers
    from winnow.flows.page_batches import batch_wait_s
    from winnow.schemas.config.environment import EnvironmentSettingError
    from winnow.warehouse.run_lock import default_wait_s

    try:
        default_workers(), batch_wait_s(), default_wait_s()
    except EnvironmentSettingError as error:
        raise CommandFailed(str(error)) from error


@contextmanager
def _exit_on_stop_signals() -> Iterator[None]:
    """Outside a flow run, SIGTERM and SIGINT end the command at once (exit code 128 + N): there is
    nothing to save. Inside one, the flow stops itself (flows/stopping.py); should the stop take
    longer than STOP_GRACE_S (a Prefect API that no longer answers, say), the process ends anyway:
    every batch is one transaction, so nothing half-written remains."""
    import signal
    import threading

    from winnow.flows.stopping import add_stop_listener

    def leave(signal_number: int, _frame) -> None:
        raise SystemExit(128 + signal_number)

    asked: list[int] = []
    stop_asked = threading.Event()

    def end_if_the_stop_hangs() -> None:  # in a thread of its own: a signal handler may not wait
        stop_asked.wait()
        time.sleep(STOP_GRACE_S)
        typer.secho(f"the run did not stop within {STOP_GRACE_S:g} s: ending it", err=True, fg="red")
        os._exit(128 + asked[0])

    threading.Thread(target=end_if_the_stop_hangs, name="stop-deadline", daemon=True).start()
    remove_listener = add_stop_listener(lambda signal_number: (asked.append(signal_number), stop_asked.set()))
    previous = {number: signal.signal(number, leave) for number in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        remove_listener()
