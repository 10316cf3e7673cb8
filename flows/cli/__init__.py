"""The `winnow` command line: run the pipeline, run the demo, query the warehouse, check sources.

One module per command group; what a command raises becomes a message and an exit code in one
place, flows/cli/failures.py.
"""

from __future__ import annotations

import logging
import os
from typing import Annotated

import typer

from winnow.flows.cli import deployments, pipeline, quarantine, queries, sources, text_tools
from winnow.flows.cli.failures import FailureMappingGroup

app = typer.Typer(
    help="winnow: clean, queryable news in DuckDB.",
    no_args_is_help=True,
    cls=FailureMappingGroup,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(sources.app, name="sources")
app.add_typer(quarantine.app, name="quarantine")
app.add_typer(deployments.app, name="deployments")
for command in (
    pipeline.run,
    pipeline.demo,
    pipeline.validate,
    queries.export,
    queries.query,
    pipeline.reprocess,
    pipeline.maintenance,
    pipeline.serve,
    text_tools.strip,
    text_tools.extract,
):
    app.command()(command)


def _print_version(asked: bool) -> None:
    from importlib.metadata import version

    if asked:
        typer.echo(f"winnow {version('winnow')}")
        raise typer.Exit()


@app.callback()
def verbosity(
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors and the result.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log debug messages (Prefect's too).")] = False,
    _version: Annotated[
        bool, typer.Option("--version", callback=_print_version, is_eager=True, help="Print winnow's version and exit.")
    ] = False,
) -> None:
    """How much the command says besides its result."""
    from winnow.flows.console import set_quiet

    if quiet and verbose:
        raise typer.BadParameter("--quiet and --verbose exclude each other", param_hint="'-q' / '-v'")
    set_quiet(quiet)
    # Read by Prefect when it is imported, which every command does after this (or never).
    if verbose:
        logging.basicConfig(level=logging.DEBUG, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        os.environ["PREFECT_LOGGING_LEVEL"] = "DEBUG"
    elif quiet:
        os.environ["PREFECT_LOGGING_LEVEL"] = "ERROR"


def main() -> None:
    app(prog_name="winnow")
