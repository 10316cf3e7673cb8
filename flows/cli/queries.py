"""The warehouse read from the command line: `winnow query` and `winnow export`."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from winnow.flows.cli.failures import CommandFailed
from winnow.flows.cli.options import DbOption, FormatOption, OutputFormat


class ExportFormat(str, Enum):
    parquet = "parquet"


def query(
    sql: Annotated[str, typer.Argument(help="The SQL to run (read-only).")],
    db: DbOption = None,
    output: FormatOption = OutputFormat.table,
) -> None:
    """Run SQL against the warehouse on a read-only connection."""
    print_query(sql, db, output.value)


def export(
    folder: Annotated[Path, typer.Argument(metavar="DIR", help="Folder for the snapshot (created if missing).")],
    export_format: Annotated[ExportFormat, typer.Option("--format", help="File format.")] = ExportFormat.parquet,
    db: DbOption = None,
) -> None:
    """Write a snapshot of the warehouse as files, partitioned by source and date (hive style)."""
    from winnow.warehouse.db import WarehouseMissing
    from winnow.warehouse.export import export_parquet

    try:
        written = export_parquet(db, folder)
    except WarehouseMissing:
        raise
    except OSError as error:
        raise CommandFailed(f"cannot write to {folder}: {error.strerror or error}") from error
    for table, count in written.items():
        typer.echo(f"{table}: {count} rows -> {folder / table}")


def print_query(sql: str, db: Path, fmt: str) -> None:
    from winnow.flows.console import print_rows
    from winnow.warehouse.query import run_query

    if not sql.strip():
        raise CommandFailed("no SQL given")
    result = run_query(db, sql)
    print_rows(result.columns, result.rows, fmt)
