"""The `winnow` command line: run the pipeline, run the demo, query the warehouse, check sources."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from winnow.flows.environment import configure_prefect
from winnow.sources.runner_config import RunnerConfig

app = typer.Typer(
    help="winnow: clean, queryable news in DuckDB.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
sources_app = typer.Typer(help="Inspect the sources config.", no_args_is_help=True)
app.add_typer(sources_app, name="sources")
quarantine_app = typer.Typer(help="Rows validation held back.", no_args_is_help=True)
app.add_typer(quarantine_app, name="quarantine")
deployments_app = typer.Typer(
    help="The Prefect deployments in prefect.yaml, generated from the sources config.", no_args_is_help=True
)
app.add_typer(deployments_app, name="deployments")

PREFECT_HOME = Path("data/prefect")
DbOption = Annotated[
    Optional[Path],
    typer.Option("--db", envvar="WINNOW_DB", show_envvar=True, help="DuckDB file \\[default: data/winnow.duckdb]."),
]
ConfigOption = Annotated[Path, typer.Option("--config", "-c", help="Sources config (YAML).")]
RunnerOption = Annotated[
    Optional[str],
    typer.Option(
        "--runner",
        help="Where extract and enrich run: local, dask (a local cluster), dask-threads, or a Dask"
        " scheduler address (tcp://host:8786) \\[default: the config's runner: block, else local].",
    ),
]
DeploymentsFileOption = Annotated[Path, typer.Option("--file", "-f", help="Prefect deployments file.")]


class ExportFormat(str, Enum):
    parquet = "parquet"


class OutputFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


def _fail(message: str) -> typer.Exit:
    typer.secho(f"error: {message}", err=True, fg="red")
    return typer.Exit(1)


@sources_app.command("check")
def sources_check(config: ConfigOption = Path("sources.yaml")) -> None:
    """Validate the sources config; print the sources, or every error (exit code 1)."""
    from winnow.flows.console import print_sources
    from winnow.sources.config import ConfigError, load_config

    try:
        loaded = load_config(config)
    except ConfigError as error:
        for message in error.messages:
            typer.secho(message, err=True, fg="red")
        raise typer.Exit(1)
    _check_crons(loaded)
    print_sources(loaded.sources)


@sources_app.command("list")
def sources_list(
    config: ConfigOption = Path("sources.yaml"),
    db: DbOption = None,
    output: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")] = OutputFormat.table,
) -> None:
    """Each configured source's last run, article count and page failure rate in that run."""
    import duckdb

    from winnow.flows.console import print_rows
    from winnow.warehouse.db import WarehouseBusy, WarehouseMissing, default_db_path
    from winnow.warehouse.query import SourceStats, source_stats

    names = [source.name for source in _load_config(config).sources]
    try:
        stats = source_stats(db or default_db_path(), names)
    except WarehouseMissing:  # nothing run yet: every source at zero
        stats = [SourceStats(name, None, None, 0, None) for name in names]
    except (WarehouseBusy, duckdb.Error) as error:  # duckdb.Error: --db is no DuckDB file
        raise _fail(str(error))
    print_rows(SourceStats._fields, stats, output.value)


@sources_app.command("add")
def sources_add(
    url: Annotated[
        str, typer.Argument(metavar="URL", help="The site, a page of it, or a feed (https:// when no scheme is given).")
    ],
    name: Annotated[
        Optional[str],
        typer.Option(
            "--name",
            "-n",
            help="Name of the new source \\[default: from the host: news.example.com -> news-example-com].",
        ),
    ] = None,
    config: ConfigOption = Path("sources.yaml"),
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Append without asking.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would be appended; change nothing.")] = False,
    add_all: Annotated[
        bool,
        typer.Option(
            "--all",
            help="Add every feed found, not only the preferred ones: the feed given as URL; else the"
            " RSS/Atom feeds and news sitemaps; else the sitemaps.",
        ),
    ] = False,
    picked: Annotated[
        Optional[list[str]],
        typer.Option(
            "--feed", metavar="URL", help="Add this one of the feeds found (repeatable), instead of the preferred ones."
        ),
    ] = None,
    sitemaps: Annotated[bool, typer.Option(help="Also look for sitemaps (common paths, robots.txt).")] = True,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Also list the URLs tried that hold no feed, and why.")
    ] = False,
) -> None:
    """Find a site's feeds and sitemaps, show them, and append a source reading them to the
    config's `sources:` list: the rest of the file, comments too, stays as it is, and nothing is
    written unless the whole new file passes `sources check`."""
    import asyncio
    import sys

    from winnow.flows.console import print_rows
    from winnow.sources.config import ConfigError
    from winnow.sources.config_edit import add_source, configured_sources, read_config_text, write_config_text
    from winnow.sources.feed_finder import (
        COMMON_FEED_PATHS,
        COMMON_SITEMAP_PATHS,
        GIVEN_URL,
        FeedSearchError,
        FoundFeed,
        default_name,
        find_feeds,
        preferred_feeds,
    )
    from winnow.sources.fetch import Fetcher, FetchPolicy
    from winnow.sources.urls import canonical_url

    url = url if "://" in url else f"https://{url}"
    if canonical_url(url) is None:
        raise _fail(f"not an http(s) URL: {url}")
    name = name or default_name(url)
    origin = str(config)
    try:
        text = read_config_text(config)
        existing = configured_sources(text, config.parent, origin)
        if any(source.name == name for source in existing):
            raise _fail(f"a source named {name!r} is already in {config}; choose another name with --name")
        # The search fetches as the new source will (the config's defaults: user agent, rate
        # limit). Adding the source with the URL as a stand-in feed gives those settings, and
        # checks the config and the name before any request is made.
        stand_in = add_source(
            text, name, [FoundFeed("rss", url, GIVEN_URL, 0)], url, base_dir=config.parent, origin=origin
        ).source
    except ConfigError as error:
        _print_config_errors(error)
        raise typer.Exit(1)

    policy = FetchPolicy.for_source(stand_in)
    paths = len(COMMON_FEED_PATHS) + (len(COMMON_SITEMAP_PATHS) if sitemaps else 0)
    typer.echo(
        f"looking for feeds of {url}: its head links, {paths} common paths"
        f"{' and the sitemaps in robots.txt' if sitemaps else ''}, at most {policy.rate_limit:g}"
        " requests/s per host",
        err=True,
    )

    async def search_feeds():
        async with Fetcher(policy) as fetcher:
            return await find_feeds(url, fetcher, sitemaps=sitemaps)

    try:
        search = asyncio.run(search_feeds())
    except FeedSearchError as error:
        raise _fail(str(error))

    def key(feed_url: str) -> str:
        return canonical_url(feed_url) or feed_url

    configured = {
        key(feed.url): source.name for source in existing for feed in source.feeds if feed.kind in ("rss", "sitemap")
    }
    if picked:
        by_key = {key(feed.url): feed for feed in search.found}
        unknown = [choice for choice in picked if key(choice) not in by_key]
        if unknown:
            found = ", ".join(feed.url for feed in search.found) or "none"
            raise _fail(f"--feed {', '.join(unknown)}: not among the feeds found ({found})")
        wanted = [by_key[key(choice)] for choice in dict.fromkeys(picked)]
    else:
        wanted = search.found if add_all else preferred_feeds(search.found)
    selected = [feed for feed in wanted if key(feed.url) not in configured]

    if search.found:
        print_rows(
            ("add", "kind", "url", "found via", "entries", "newest", "note"),
            [_found_feed_row(feed, feed in selected, configured.get(key(feed.url))) for feed in search.found],
            "table",
        )
    if verbose and search.dropped:
        print_rows(
            ("tried", "found via", "why not"),
            [(dropped.url, dropped.via, dropped.reason) for dropped in search.dropped],
            "table",
        )
    if not search.found:
        hint = "" if verbose else " (--verbose says why each was no feed)"
        raise _fail(f"no feed or sitemap found at {url}; tried: {', '.join(search.tried)}{hint}")
    for feed in wanted:
        if key(feed.url) in configured:
            typer.echo(f"left out {feed.url}: source {configured[key(feed.url)]!r} already reads it", err=True)
    if not selected:
        others = [feed for feed in search.found if key(feed.url) not in configured]
        hint = f" (--all or --feed adds the {len(others)} other{'s' if len(others) != 1 else ''} found)"
        raise _fail(f"nothing to add: the configured sources already read the feeds chosen{hint if others else ''}")

    try:
        addition = add_source(text, name, selected, search.page_url, base_dir=config.parent, origin=origin)
    except ConfigError as error:
        _print_config_errors(error)
        raise typer.Exit(1)
    typer.echo(f"\nthe block to append to the sources list of {config}:\n")
    typer.echo(addition.block)
    if dry_run:
        typer.echo(f"dry run: {config} not changed", err=True)
        return
    if not yes:
        if sys.stdin is None or not sys.stdin.isatty():
            raise _fail(
                f"{config} not changed: there is no terminal to confirm on; pass --yes to append"
                " (or --dry-run to only look)"
            )
        typer.confirm(f"Append source {name!r} to {config}?", abort=True)
    try:
        write_config_text(config, addition.text)
    except OSError as error:
        raise _fail(f"cannot write {config}: {error.strerror or error}")
    typer.echo(
        f"added source {name!r} with {len(selected)} feed{'s' if len(selected) != 1 else ''} to {config};"
        f" try it with: winnow run --config {config} --source {name} --max-pages 5",
        err=True,
    )
    typer.echo(
        "its deployment: winnow deployments write (prefect.yaml), then prefect deploy --all or winnow serve", err=True
    )


def _found_feed_row(feed, selected: bool, configured_in: str | None) -> tuple:
    """One row of the `sources add` table."""
    count, noun = (feed.child_sitemaps, "sitemap") if feed.child_sitemaps else (feed.pages, "page")
    entries = f"{count} {noun}{'s' if count != 1 else ''}"
    notes = [
        f'"{feed.title}"' if feed.title else "",
        "news sitemap" if feed.news else "",
        "sitemap index" if feed.child_sitemaps else "",
        f"already in source {configured_in!r}" if configured_in else "",
    ]
    return (
        "yes" if selected else "",
        feed.kind,
        feed.url,
        feed.via,
        entries,
        f"{feed.newest:%Y-%m-%d %H:%M}" if feed.newest else "",
        "; ".join(note for note in notes if note),
    )


@app.command()
def run(
    config: ConfigOption = Path("sources.yaml"),
    db: DbOption = None,
    source: Annotated[
        Optional[list[str]], typer.Option("--source", "-s", help="Only this source (repeatable).")
    ] = None,
    max_pages: Annotated[Optional[int], typer.Option(help="At most this many pages per source.", min=1)] = None,
    runner: RunnerOption = None,
) -> None:
    """Run the ingest flow over the configured sources."""
    _run_ingest(config, db, source, max_pages, _runner(runner))


@app.command()
def demo(
    db: DbOption = None, port: Annotated[int, typer.Option(help="Port of the local demo server on 127.0.0.1.")] = 8765
) -> None:
    """Serve the bundled demo corpus on 127.0.0.1, ingest it through the real fetch path, query it."""
    from winnow.demo.server import render_sources, serve_site

    with ExitStack() as stack:
        try:
            base_url = stack.enter_context(serve_site(port=port))
        except OSError as error:
            raise _fail(f"cannot serve the demo on 127.0.0.1:{port} ({error.strerror}); try --port")
        # A fixed port keeps the demo's URLs, and so its article ids, the same from run to run.
        config = Path("data/demo/sources.yaml")
        config.parent.mkdir(parents=True, exist_ok=True)
        config.write_text(render_sources(base_url))
        typer.echo(f"demo corpus served at {base_url}")
        _run_ingest(config, db, None, None)
    typer.echo("\nSample query: articles per publisher")
    _print_query(DEMO_QUERY, db, "table")
    typer.echo("\nChaff removed from inside the articles, by kind and evidence (see article_chaff)")
    _print_query(DEMO_CHAFF_QUERY, db, "table")
    typer.echo("\nThe most mentioned entities (see entities and mentions)")
    _print_query(DEMO_ENTITIES_QUERY, db, "table")
    typer.echo("\nEvents by type, with an example (see events and daily_event_counts)")
    _print_query(DEMO_EVENTS_QUERY, db, "table")
    typer.echo(
        '\nQuery it yourself: winnow query "select title, published_at from articles order by published_at desc"'
    )


DEMO_CHAFF_QUERY = """
select a.source, c.kind, c.evidence, count(*) as blocks
from article_chaff c join articles a using (article_id) group by all order by 1, 2, 3
"""

DEMO_ENTITIES_QUERY = """
select e.name, e.type, count(*) as articles, round(sum(m.salience), 2) as salience
from mentions m join entities e using (entity_id) group by all order by articles desc, salience desc limit 10
"""

DEMO_EVENTS_QUERY = """
select e.event_type, count(*) as events, count(event_date) as dated,
       arg_max(coalesce(a1.name || ' ', '') || e.trigger || coalesce(' ' || a2.name, ''), e.confidence) as example
from events e left join entities a1 on a1.entity_id = e.actor1 left join entities a2 on a2.entity_id = e.actor2
group by all order by events desc
"""

DEMO_QUERY = """
select source, count(*) as articles, round(avg(word_count)) as avg_words,
       min(published_at)::date as first, max(published_at)::date as last
from articles group by source order by source
"""


@quarantine_app.command("list")
def quarantine_list(
    db: DbOption = None,
    table: Annotated[Optional[str], typer.Option(help="Only this table's rows (articles, fetch_log, ...).")] = None,
    released: Annotated[bool, typer.Option("--released", help="Also the rows already released.")] = False,
    output: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")] = OutputFormat.table,
) -> None:
    """List the rows validation held back, newest first, with the checks they failed."""
    from winnow.flows.console import print_rows
    from winnow.warehouse.db import WarehouseBusy, WarehouseMissing, default_db_path
    from winnow.warehouse.validation import QuarantinedRow, quarantined

    try:
        rows = quarantined(db or default_db_path(), table, released)
    except (WarehouseBusy, WarehouseMissing) as error:
        raise _fail(str(error))
    print_rows(QuarantinedRow._fields, rows, output.value)


@quarantine_app.command("release")
def quarantine_release(
    config: ConfigOption = Path("sources.yaml"),
    db: DbOption = None,
    table: Annotated[Optional[str], typer.Option(help="Only this table's rows.")] = None,
) -> None:
    """Check the held rows again with the config's current settings; merge those that pass."""
    from datetime import timezone

    from winnow.flows.console import print_rows
    from winnow.flows.validation import build_docs, table_gates
    from winnow.warehouse.db import WarehouseBusy, WarehouseMissing, default_db_path
    from winnow.warehouse.release import Released, release

    loaded = _load_config(config)
    run_id = f"release-{datetime.now(timezone.utc):%Y%m%dT%H%M%S}"
    try:
        done = release(db or default_db_path(), run_id, table_gates(loaded.sources, loaded.validation, run_id), table)
    except (WarehouseBusy, WarehouseMissing) as error:
        raise _fail(str(error))
    print_rows(Released._fields, done, "table")
    docs = build_docs(str(db or default_db_path()))
    if docs:
        typer.echo(f"validation Data Docs: {docs}")


@app.command()
def validate(
    config: ConfigOption = Path("sources.yaml"),
    db: DbOption = None,
    output: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")] = OutputFormat.table,
) -> None:
    """Run every table's expectation suite over the whole warehouse; exit code 1 if a check fails."""
    from datetime import timezone

    from winnow.flows.console import print_rows
    from winnow.flows.validation import build_docs, validate_warehouse
    from winnow.warehouse.db import WarehouseBusy, WarehouseMissing, default_db_path

    loaded = _load_config(config)
    run_id = f"validate-{datetime.now(timezone.utc):%Y%m%dT%H%M%S}"
    try:
        results = validate_warehouse(loaded.sources, loaded.validation, str(db or default_db_path()), run_id)
    except (WarehouseBusy, WarehouseMissing) as error:
        raise _fail(str(error))
    rows = [
        (result.suite.name, source, r.check.name, r.check.level, r.success, r.unexpected_count, result.rows, r.observed)
        for result, source in results
        for r in result.results
    ]
    print_rows(("suite", "source", "check", "level", "success", "unexpected", "rows", "observed"), rows, output.value)
    failed = sum(not row[4] for row in rows)
    typer.echo(f"{failed} of {len(rows)} checks failed (validation_results, run_id {run_id})", err=True)
    docs = build_docs(str(db or default_db_path()))
    if docs:
        typer.echo(f"validation Data Docs: {docs}", err=True)
    if failed:
        raise typer.Exit(1)


@app.command()
def export(
    folder: Annotated[Path, typer.Argument(metavar="DIR", help="Folder for the snapshot (created if missing).")],
    export_format: Annotated[ExportFormat, typer.Option("--format", help="File format.")] = ExportFormat.parquet,
    db: DbOption = None,
) -> None:
    """Write a snapshot of the warehouse as files, partitioned by source and date (hive style)."""
    import duckdb

    from winnow.warehouse.db import WarehouseBusy, WarehouseMissing, default_db_path
    from winnow.warehouse.export import export_parquet

    try:
        written = export_parquet(db or default_db_path(), folder)
    except (WarehouseBusy, WarehouseMissing, duckdb.Error) as error:  # duckdb.Error: --db is no DuckDB file
        raise _fail(str(error))
    except OSError as error:
        raise _fail(f"cannot write to {folder}: {error.strerror or error}")
    for table, count in written.items():
        typer.echo(f"{table}: {count} rows -> {folder / table}")


@app.command()
def query(
    sql: Annotated[str, typer.Argument(help="The SQL to run (read-only).")],
    db: DbOption = None,
    output: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")] = OutputFormat.table,
) -> None:
    """Run SQL against the warehouse on a read-only connection."""
    _print_query(sql, db, output.value)


@app.command()
def reprocess(
    config: ConfigOption = Path("sources.yaml"),
    db: DbOption = None,
    source: Annotated[
        Optional[list[str]], typer.Option("--source", "-s", help="Only this source (repeatable).")
    ] = None,
    runner: RunnerOption = None,
) -> None:
    """Extract the stored pages again (no network): after changing chaff rules, or as repetition counts grow."""
    on = _runner(runner)
    _check_config(config, source)
    with _writing_run(db, "reprocess"):
        _start_prefect()
        from winnow.flows.console import showing_progress
        from winnow.flows.reprocess import reprocess as reprocess_flow

        with showing_progress():
            state = _flow_state(
                reprocess_flow, config_path=str(config), db_path=str(db) if db else None, source_names=source, runner=on
            )
    _report_run(state)


@app.command()
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
) -> None:
    """Refresh the repetition statistics, compact the DuckDB file, export it as Parquet (daily, when deployed)."""
    _load_config(config)
    with _writing_run(db, "maintenance"):
        _start_prefect()
        from winnow.flows.console import print_rows
        from winnow.flows.maintenance import maintenance as maintenance_flow

        steps = maintenance_flow(
            config_path=str(config),
            db_path=str(db) if db else None,
            export_dir=str(export_dir) if export_dir else None,
            refresh_repetition=refresh,
            forget_unconfigured_sources=forget_unconfigured,
            compact=compact,
            export=export,
        )
    print_rows(("step", "outcome"), [(step["step"], step["outcome"]) for step in steps], "table")


@deployments_app.command("write")
def deployments_write(
    config: ConfigOption = Path("sources.yaml"),
    output: Annotated[Path, typer.Option("--output", "-o", help="Prefect deployments file.")] = Path("prefect.yaml"),
    reset: Annotated[
        bool,
        typer.Option("--reset", help="Also write the settings above the deployments anew, with winnow's defaults."),
    ] = False,
) -> None:
    """Write prefect.yaml's deployments from the sources config, keeping the settings above them.

    One ingest deployment per schedule group (the sources' cron: and group:), then reprocess and maintenance.
    """
    from winnow.flows.deployments import render_prefect_yaml

    loaded = _load_config(config)
    _check_crons(loaded)
    current = None if reset else _read_if_present(output)
    output.write_text(render_prefect_yaml(loaded, config, output, current), encoding="utf-8")
    for group in loaded.schedules:
        typer.echo(f"ingest-{group.name}: {', '.join(group.sources)} at {group.cron!r} (UTC)")
    typer.echo(f"wrote {output}: {len(loaded.schedules)} ingest deployment(s), reprocess, maintenance")


@deployments_app.command("check")
def deployments_check(
    config: ConfigOption = Path("sources.yaml"), file: DeploymentsFileOption = Path("prefect.yaml")
) -> None:
    """Exit code 1, showing the differences, when prefect.yaml is not what the sources config gives."""
    differences = _deployment_differences(config, file)
    if differences:
        typer.echo("\n".join(differences), err=True)
        raise _fail(f"{file} is not what {config} gives: run `winnow deployments write`")
    typer.echo(f"{file} is what {config} gives")


@app.command()
def serve(config: ConfigOption = Path("sources.yaml"), file: DeploymentsFileOption = Path("prefect.yaml")) -> None:
    """Run prefect.yaml's deployments on their schedules in this process, one run at a time (no work pool).

    Run it from prefect.yaml's folder, which its entrypoints and paths are relative to; Ctrl-C stops it.
    """
    if _deployment_differences(config, file):
        raise _fail(
            f"{file} is not what {config} gives (`winnow deployments check` shows how): "
            "run `winnow deployments write` first"
        )
    _start_prefect()
    from prefect import serve as serve_deployments

    from winnow.flows.deployments import DeploymentsError, deployment_specs, runner_deployments

    try:
        deployments = runner_deployments(deployment_specs(file.read_text(encoding="utf-8"), str(file)))
    except DeploymentsError as error:
        raise _fail(str(error))
    serve_deployments(*deployments, limit=1)  # one run at a time: DuckDB has one writer


@app.command()
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
    from winnow.flows.strip import StripError, strip_document
    from winnow.warehouse.db import WarehouseBusy, default_db_path

    source_config = _check_config(config, [source])[0] if source else None
    try:
        article = strip_document(target, source_config, str(db or default_db_path()) if source else None)
    except (StripError, WarehouseBusy) as error:
        raise _fail(str(error))
    print_stripped(article, explain)


@app.command()
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
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
    config: Annotated[
        Optional[Path], typer.Option("--config", "-c", help="Sources config whose enrich: settings and aliases to use.")
    ] = None,
) -> None:
    """Print the entities and events found in one page or text file, its chaff removed first."""
    from winnow.flows.console import print_enrichment
    from winnow.flows.strip import StripError, extract_document
    from winnow.schemas.records import EnrichOptions

    options = _load_config(config).enrich.options() if config else EnrichOptions()
    try:
        found, when = extract_document(target, published.date() if published else None, options)
    except StripError as error:
        raise _fail(str(error))
    except OSError as error:  # spaCy cannot find the model
        raise _fail(f"cannot load a spaCy model of {dict(options.models)}: {error}")
    print_enrichment(found, when, as_json)


def _print_config_errors(error) -> None:
    for message in error.messages:
        typer.secho(message, err=True, fg="red")


def _load_config(config: Path):
    from winnow.sources.config import ConfigError, load_config

    try:
        return load_config(config)
    except ConfigError as error:
        for message in error.messages:
            typer.secho(message, err=True, fg="red")
        raise typer.Exit(1)


def _check_config(config: Path, sources: list[str] | None) -> list:
    """The selected sources; a config error is the user's to fix: no flow run, no traceback."""
    from winnow.sources.config import ConfigError

    try:
        return _load_config(config).select(sources)
    except ConfigError as error:
        for message in error.messages:
            typer.secho(message, err=True, fg="red")
        raise typer.Exit(1)


def _check_crons(loaded) -> None:
    """Prefect's own check of the config's crons; Prefect is imported for it, with winnow's settings."""
    from winnow.flows.deployments import check_crons
    from winnow.sources.config import ConfigError

    if loaded.schedules:
        configure_prefect(PREFECT_HOME)
    try:
        check_crons(loaded)
    except ConfigError as error:
        _print_config_errors(error)
        raise typer.Exit(1)


def _read_if_present(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None


def _deployment_differences(config: Path, file: Path) -> list[str]:
    """How `file` differs from the deployments `config` gives, as a diff; empty when it does not."""
    from winnow.flows.deployments import DeploymentsError, differences, render_prefect_yaml

    loaded = _load_config(config)
    _check_crons(loaded)
    current = _read_if_present(file)
    try:
        return differences(current, render_prefect_yaml(loaded, config, file, current), file, config)
    except DeploymentsError as error:
        raise _fail(f"{error} (`winnow deployments write --reset` writes winnow's settings part anew)")


def _start_prefect() -> None:
    """Prefect's settings; without PREFECT_API_URL, a temporary API server of winnow's own
    (flows/api_server.py: not stopped by a signal to the process group, not left behind)."""
    configure_prefect(PREFECT_HOME)
    if os.environ.get("PREFECT_API_URL"):
        return
    from winnow.flows.api_server import ServerFailed, start_temporary_server

    typer.echo(
        "starting Prefect's temporary API server (a few seconds; set PREFECT_API_URL to use a running server instead)",
        err=True,
    )
    try:
        start_temporary_server()
    except ServerFailed as error:
        raise _fail(str(error))


def _run_ingest(
    config: Path, db: Path | None, sources: list[str] | None, max_pages: int | None, runner: RunnerConfig | None = None
) -> None:
    _check_config(config, sources)
    with _writing_run(db, "ingest"):
        _start_prefect()
        from winnow.flows.console import showing_progress
        from winnow.flows.ingest import ingest

        with showing_progress():
            state = _flow_state(
                ingest,
                config_path=str(config),
                db_path=str(db) if db else None,
                source_names=sources,
                max_pages=max_pages,
                runner=runner,
            )
    _report_run(state)


def _flow_state(flow, **parameters):
    """Run `flow` here and return its final Prefect state; a second stop signal exits at once."""
    from winnow.flows.stopping import RunInterrupted

    try:
        return flow(**parameters, return_state=True)
    except RunInterrupted as interrupted:
        typer.secho(
            f"stopped at once by a second {interrupted}: the batch being written was rolled back;"
            " the next run goes on from there",
            err=True,
            fg="red",
        )
        raise typer.Exit(128 + interrupted.signal_number)


def _report_run(state) -> None:
    """Print the summary of an ingest or reprocess run; exit code 1 when validation held batches
    back, 128 + N when signal N stopped it (the summary says what it loaded)."""
    from winnow.flows.console import print_summary
    from winnow.flows.runs import BatchesHeld
    from winnow.flows.stopping import RunStopped

    outcome = state.result(raise_on_failure=False)
    if isinstance(outcome, (RunStopped, BatchesHeld)):
        print_summary(outcome.summary)
        typer.secho(
            str(outcome)
            if isinstance(outcome, BatchesHeld)
            else f"{outcome}: what was fetched is loaded; the next run fetches the rest",
            err=True,
            fg="red",
        )
        raise typer.Exit(128 + outcome.signal_number if isinstance(outcome, RunStopped) else 1)
    if isinstance(outcome, BaseException):
        raise outcome
    print_summary(outcome)


def _writing_run(db: Path | None, flow: str) -> ExitStack:
    """The database's run lock, and the database opened and migrated, before Prefect starts: a
    run by hand that collides with another, or a --db that is no DuckDB file, exits at once with
    the reason (exit code 1, no traceback). The flow takes the lock again inside."""
    import duckdb

    from winnow.warehouse.db import WarehouseBusy, default_db_path
    from winnow.warehouse.migrate import migrate
    from winnow.warehouse.run_lock import RunLocked, run_lock

    path = db or default_db_path()
    held = ExitStack()
    held.enter_context(_exit_on_stop_signals())
    try:
        held.enter_context(run_lock(path, flow))
        migrate(path)
    except RunLocked as error:
        held.close()
        raise _fail(str(error))
    except (WarehouseBusy, duckdb.Error, OSError) as error:
        held.close()
        raise _fail(f"cannot use {path} as the warehouse: {error}")
    return held


STOP_GRACE_S = 20.0  # a stopped run that has not ended this long after the signal is ended outright


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


def _runner(spec: str | None) -> RunnerConfig | None:
    try:
        return RunnerConfig.parse(spec) if spec else None
    except ValueError as error:
        raise _fail(f"--runner: {error}")


def _print_query(sql: str, db: Path | None, fmt: str) -> None:
    import duckdb

    from winnow.flows.console import print_rows
    from winnow.warehouse.db import WarehouseBusy, WarehouseMissing, default_db_path
    from winnow.warehouse.query import run_query

    if not sql.strip():
        raise _fail("no SQL given")
    try:
        result = run_query(db or default_db_path(), sql)
    except (WarehouseBusy, WarehouseMissing) as error:
        raise _fail(str(error))
    except duckdb.Error as error:
        raise _fail(str(error))
    print_rows(result.columns, result.rows, fmt)


def main() -> None:
    app(prog_name="winnow")
