"""One page at a time, no warehouse needed: `winnow strip` and `winnow extract`."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated, Optional

import typer

from winnow.flows.cli.failures import CommandFailed
from winnow.flows.cli.options import ConfigOption, DbOption, FormatOption, OutputFormat


def strip(
    target: Annotated[str, typer.Argument(metavar="FILE_OR_URL", help="An HTML, .html.gz or text file, or a URL.")],
    source: Annotated[
        Optional[str],
        typer.Option(
            "--source", "-s", help="Use this source's chaff rules (and, with a warehouse, the blocks it repeats)."
        ),
    ] = None,
    explain: Annotated[
        bool, typer.Option("--explain", help="Also list each removed block, its kind and evidence.")
    ] = False,
    config: ConfigOption = Path("sources.yaml"),
    db: DbOption = None,
) -> None:
    """Print the clean text of one page or text file, its chaff removed."""
    from winnow.flows.console import print_stripped
    from winnow.flows.strip import strip_document
    from winnow.sources.config import load_config

    source_config = load_config(config).select([source])[0] if source else None
    print_stripped(strip_document(target, source_config, str(db) if source else None), explain)


def extract(
    target: Annotated[str, typer.Argument(metavar="FILE", help="An HTML, .html.gz or text file (or a URL).")],
    published: Annotated[
        Optional[datetime],
        typer.Option(
            "--published",
            formats=["%Y-%m-%d"],
            help="Publication date, for relative dates \\[default: the page's own, if it gives one].",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="The same as --format json.")] = False,
    output: FormatOption = OutputFormat.table,
    config: Annotated[
        Optional[Path], typer.Option("--config", "-c", help="Sources config whose enrich: settings and aliases to use.")
    ] = None,
) -> None:
    """Print the entities and events found in one page or text file, its chaff removed first."""
    from winnow.flows.console import print_enrichment
    from winnow.flows.strip import extract_document
    from winnow.schemas.config import EnrichOptions
    from winnow.sources.config import load_config

    if output is OutputFormat.csv:  # the entities and the events are two tables: no one CSV holds both
        raise typer.BadParameter("extract prints JSON, JSON lines or tables, not CSV", param_hint="'--format'")
    options = load_config(config).enrich if config else EnrichOptions()
    try:
        found, when = extract_document(target, published.date() if published else None, options)
    except OSError as error:  # spaCy cannot find the model
        raise CommandFailed(f"cannot load a spaCy model of {dict(options.models)}: {error}") from error
    print_enrichment(found, when, "json" if as_json else output.value)
