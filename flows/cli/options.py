"""The options several commands share: the database, the sources config, the output format."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer


def resolve_db(db: Path | None) -> Path:
    """The --db given (as typed, so messages name it so), else $WINNOW_DB or data/winnow.duckdb."""
    from winnow.warehouse.db import default_db_path

    return db or default_db_path()


class OutputFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"
    jsonl = "jsonl"


DbOption = Annotated[
    Path,
    typer.Option(
        "--db",
        envvar="WINNOW_DB",
        show_envvar=True,
        callback=resolve_db,
        help="DuckDB file \\[default: data/winnow.duckdb].",
    ),
]
ConfigOption = Annotated[Path, typer.Option("--config", "-c", help="Sources config (YAML).")]
FormatOption = Annotated[
    OutputFormat,
    typer.Option("--format", "-f", help="Output format: a table, CSV, JSON, or JSON lines (an object a line)."),
]
RunnerOption = Annotated[
    Optional[str],
    typer.Option(
        "--runner",
        help="Where extract and enrich run: local, dask (a local cluster), dask-threads, or a Dask"
        " scheduler address (tcp://host:8786) \\[default: the config's runner: block, else local].",
    ),
]
DeploymentsFileOption = Annotated[Path, typer.Option("--file", "-f", help="Prefect deployments file.")]
SourcesOption = Annotated[Optional[list[str]], typer.Option("--source", "-s", help="Only this source (repeatable).")]
