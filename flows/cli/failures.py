"""The one place where what a command raises becomes what the user reads, and the exit code.

Commands raise; they neither print errors nor choose exit codes. An error that is the user's to
fix (a bad config, a busy or missing warehouse, a page that cannot be read, ...) is printed
without a traceback; any other error is a bug and keeps its traceback.
"""

from __future__ import annotations

import sys

import typer
from typer.core import TyperGroup


class CommandFailed(Exception):
    """A command's own refusal, in words the user can act on: `error: <message>`, exit code 1."""


# Other errors printed as `error: <message>`, exit code 1, named by the module that defines them.
# They are looked up only among the modules already imported (an error can come from no other):
# importing the rest, Prefect or spaCy among them, would slow every failing command by seconds.
USER_ERRORS = (
    ("duckdb", "Error"),
    ("winnow.warehouse.db", "WarehouseBusy"),
    ("winnow.warehouse.db", "WarehouseMissing"),
    ("winnow.warehouse.run_lock", "RunLocked"),
    ("winnow.sources.feed_finder", "FeedSearchError"),
    ("winnow.flows.strip", "StripError"),
    ("winnow.flows.deployments", "DeploymentsError"),
    ("winnow.flows.api_server", "ServerFailed"),
)
# The errors with words of their own, named the same way.
CONFIG_ERROR, SECOND_STOP = ("winnow.sources.config", "ConfigError"), ("winnow.flows.stopping", "RunInterrupted")
RUN_STOPPED, BATCHES_HELD = ("winnow.flows.stopping", "RunStopped"), ("winnow.flows.runs", "BatchesHeld")


class FailureMappingGroup(TyperGroup):
    """The `winnow` command group: runs a command, and turns what it raises into an exit."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except BaseException as error:  # a second stop signal is a BaseException
            leave = exit_for(error)
            if leave is None:
                raise
            raise leave from None


def exit_for(error: BaseException) -> typer.Exit | None:
    """Print what `error` means to the user and give the exit it calls for; None for a bug."""
    if _is(error, *CONFIG_ERROR):
        for message in error.messages:  # every problem of the file, each naming its place
            _say(message)
        return typer.Exit(1)
    if _is(error, *SECOND_STOP):
        _say(
            f"stopped at once by a second {error}: the batch being written was rolled back;"
            " the next run goes on from there"
        )
        return typer.Exit(128 + error.signal_number)
    if _is(error, *RUN_STOPPED):
        _say(f"{error}: what was fetched is loaded; the next run fetches the rest")
        return typer.Exit(128 + error.signal_number)
    if _is(error, *BATCHES_HELD):
        _say(str(error))
        return typer.Exit(1)
    if isinstance(error, CommandFailed) or any(_is(error, module, name) for module, name in USER_ERRORS):
        _say(f"error: {error}")
        return typer.Exit(1)
    return None


def _is(error: BaseException, module: str, name: str) -> bool:
    kind = getattr(sys.modules.get(module), name, None)
    return kind is not None and isinstance(error, kind)


def _say(message: str) -> None:
    typer.secho(message, err=True, fg="red")
