"""The pipeline's commands: run, demo, reprocess, maintenance, validate, serve."""

from __future__ import annotations

from contextlib import ExitStack
from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated, Optional

import typer

from winnow.flows.cli.deployments import deployment_differences
from winnow.flows.cli.failures import CommandFailed
from winnow.flows.cli.flow_runs import parse_runner, run_flow, start_prefect, writing_run
from winnow.flows.cli.options import (
    ConfigOption,
    DbOption,
    DeploymentsFileOption,
    FormatOption,
    OutputFormat,
    RunnerOption,
    SourcesOption,
)
from winnow.flows.cli.queries import print_query


def run(
    config: ConfigOption = Path("sources.yaml"),
    db: DbOption = None,
    source: SourcesOption = None,
    max_pages: Annotated[Optional[int], typer.Option(help="At most this many pages per source.", min=1)] = None,
    runner: RunnerOption = None,
    output: FormatOption = OutputFormat.table,
) -> None:
    """Run the ingest flow over the configured sources."""
    _ingest(config, db, source, max_pages, parse_runner(runner), output.value)


def demo(
    db: DbOption = None,
    port: Annotated[int, typer.Option(help="Port of the local demo server on 127.0.0.1.")] = 8765,
) -> None:
    """Serve the bundled demo corpus on 127.0.0.1, ingest it through the real fetch path, query it."""
    from winnow.demo.server import render_sources, serve_site

    with ExitStack() as stack:
        try:
            base_url = stack.enter_context(serve_site(port=port))
        except OSError as error:
            raise CommandFailed(f"cannot serve the demo on 127.0.0.1:{port} ({error.strerror}); try --port") from error
        # A fixed port keeps the demo's URLs, and so its article ids, the same from run to run.
        config = Path("data/demo/sources.yaml")
        config.parent.mkdir(parents=True, exist_ok=True)
        config.write_text(render_sources(base_url))
        typer.echo(f"demo corpus served at {base_url}")
        _ingest(config, db, None, None, None, "table")
    for heading, sql in DEMO_QUERIES:
        typer.echo(f"\n{heading}")
        print_query(sql, db, "table")
    typer.echo(
        '\nQuery it yourself: winnow query "select title, published_at from articles order by published_at desc"'
    )


DEMO_QUERIES = (
    (
        "Sample query: articles per publisher",
        """
select source, count(*) as articles, round(avg(word_count)) as avg_words,
       min(published_at)::date as first, max(published_at)::date as last
from articles group by source order by source
""",
    ),
    (
        "Chaff removed from inside the articles, by kind and evidence (see article_chaff)",
        """
select a.source, c.kind, c.evidence, count(*) as blocks
from article_chaff c join articles a using (article_id) group by all order by 1, 2, 3
""",
    ),
    (
        "The most mentioned entities (see entities and mentions)",
        """
select e.name, e.type, count(*) as articles, round(sum(m.salience), 2) as salience
from mentions m join entities e using (entity_id) group by all order by articles desc, salience desc limit 10
""",
    ),
    (
        "Events by type, with an example (see events and daily_event_counts)",
        """
select e.event_type, count(*) as events, count(event_date) as dated,
       arg_max(coalesce(a1.name || ' ', '') || e.trigger || coalesce(' ' || a2.name, ''), e.confidence) as example
from events e left join entities a1 on a1.entity_id = e.actor1 left join entities a2 on a2.entity_id = e.actor2
group by all order by events desc
""",
    ),
)


def reprocess(
    config: ConfigOption = Path("sources.yaml"),
    db: DbOption = None,
    source: SourcesOption = None,
    runner: RunnerOption = None,
    output: FormatOption = OutputFormat.table,
) -> None:
    """Extract the stored pages again (no network): after changing chaff rules, or as repetition counts grow."""
    from winnow.sources.config import load_config

    on = parse_runner(runner)
    load_config(config).select(source)  # a config error is the user's to fix: no flow run
    run_flow("reprocess", db, output.value, config_path=str(config), source_names=source, runner=on)


def maintenance(
    config: ConfigOption = Path("sources.yaml"),
    db: DbOption = None,
    export_dir: Annotated[
        Optional[Path], typer.Option(help="Folder for the Parquet snapshot \\[default: export/ beside the database].")
    ] = None,
    refresh: Annotated[bool, typer.Option(help="Drop the repetition statistics nothing counts any more.")] = True,
    forget_unconfigured: Annotated[
        bool,
        typer.Option("--forget-unconfigured", help="Also those of the sources not in the config (removed for good)."),
    ] = False,
    compact: Annotated[bool, typer.Option(help="Give the file's free space back to the disk.")] = True,
    export: Annotated[bool, typer.Option(help="Write a Parquet snapshot.")] = True,
    output: FormatOption = OutputFormat.table,
) -> None:
    """Refresh the repetition statistics, compact the DuckDB file, export it as Parquet (daily, when deployed)."""
    from winnow.sources.config import load_config

    load_config(config)
    with writing_run(db, "maintenance"):
        start_prefect()
        from winnow.flows.console import print_rows
        from winnow.flows.maintenance import maintenance as maintenance_flow

        steps = maintenance_flow(
            config_path=str(config),
            db_path=str(db),
            export_dir=str(export_dir) if export_dir else None,
            refresh_repetition=refresh,
            forget_unconfigured_sources=forget_unconfigured,
            compact=compact,
            export=export,
        )
    print_rows(("step", "outcome"), [(step["step"], step["outcome"]) for step in steps], output.value)


def validate(
    config: ConfigOption = Path("sources.yaml"), db: DbOption = None, output: FormatOption = OutputFormat.table
) -> None:
    """Run every table's expectation suite over the whole warehouse; exit code 1 if a check fails."""
    from winnow.flows.console import note, print_rows
    from winnow.flows.validation import build_docs, validate_warehouse
    from winnow.sources.config import load_config

    loaded = load_config(config)
    run_id = f"validate-{datetime.now(timezone.utc):%Y%m%dT%H%M%S}"
    results = validate_warehouse(loaded.sources, loaded.validation, str(db), run_id)
    rows = [
        (result.suite.name, source, r.check.name, r.check.level, r.success, r.unexpected_count, result.rows, r.observed)
        for result, source in results
        for r in result.results
    ]
    print_rows(("suite", "source", "check", "level", "success", "unexpected", "rows", "observed"), rows, output.value)
    failed = sum(not row[4] for row in rows)
    note(f"{failed} of {len(rows)} checks failed (validation_results, run_id {run_id})")
    docs = build_docs(str(db))
    if docs:
        note(f"validation Data Docs: {docs}")
    if failed:
        raise typer.Exit(1)


def serve(config: ConfigOption = Path("sources.yaml"), file: DeploymentsFileOption = Path("prefect.yaml")) -> None:
    """Run prefect.yaml's deployments on their schedules in this process, one run at a time (no work pool).

    Run it from prefect.yaml's folder, which its entrypoints and paths are relative to; Ctrl-C stops it.
    """
    if deployment_differences(config, file):
        raise CommandFailed(
            f"{file} is not what {config} gives (`winnow deployments check` shows how): "
            "run `winnow deployments write` first"
        )
    start_prefect()
    from prefect import serve as serve_deployments

    from winnow.flows.deployments import deployment_specs, runner_deployments

    deployments = runner_deployments(deployment_specs(file.read_text(encoding="utf-8"), str(file)))
    serve_deployments(*deployments, limit=1)  # one run at a time: DuckDB has one writer


def _ingest(config: Path, db: Path, sources: list[str] | None, max_pages: int | None, runner, fmt: str) -> None:
    from winnow.sources.config import load_config

    load_config(config).select(sources)  # a config error is the user's to fix: no flow run
    run_flow("ingest", db, fmt, config_path=str(config), source_names=sources, max_pages=max_pages, runner=runner)
