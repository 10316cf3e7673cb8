"""`winnow quarantine`: the rows validation held back, listed and released."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated, Optional

import typer

from winnow.flows.cli.options import ConfigOption, DbOption, FormatOption, OutputFormat

app = typer.Typer(help="Rows validation held back.", no_args_is_help=True)


@app.command("list")
def quarantine_list(
    db: DbOption = None,
    table: Annotated[Optional[str], typer.Option(help="Only this table's rows (articles, fetch_log, ...).")] = None,
    released: Annotated[bool, typer.Option("--released", help="Also the rows already released.")] = False,
    output: FormatOption = OutputFormat.table,
) -> None:
    """List the rows validation held back, newest first, with the checks they failed."""
    from winnow.flows.console import print_rows
    from winnow.warehouse.validation import QuarantinedRow, quarantined

    print_rows(QuarantinedRow._fields, quarantined(db, table, released), output.value)


@app.command("release")
def quarantine_release(
    config: ConfigOption = Path("sources.yaml"),
    db: DbOption = None,
    table: Annotated[Optional[str], typer.Option(help="Only this table's rows.")] = None,
    output: FormatOption = OutputFormat.table,
) -> None:
    """Check the held rows again with the config's current settings; merge those that pass."""
    from winnow.flows.console import print_rows
    from winnow.flows.validation import build_docs, table_gates
    from winnow.sources.config import load_config
    from winnow.warehouse.release import Released, release

    loaded = load_config(config)
    run_id = f"release-{datetime.now(timezone.utc):%Y%m%dT%H%M%S}"
    done = release(db, run_id, table_gates(loaded.sources, loaded.validation, run_id), table)
    print_rows(Released._fields, done, output.value)
    docs = build_docs(str(db))
    if docs:  # on stderr beside CSV or JSON, which stay parsable
        typer.echo(f"validation Data Docs: {docs}", err=output is not OutputFormat.table)
