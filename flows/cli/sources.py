"""`winnow sources`: check the sources config, list the sources' last runs, add a site's feeds, print
the config's JSON Schema."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from winnow.flows.cli.deployments import check_crons
from winnow.flows.cli.failures import CommandFailed
from winnow.flows.cli.options import ConfigOption, DbOption, FormatOption, OutputFormat

app = typer.Typer(help="Inspect the sources config.", no_args_is_help=True)


@app.command("check")
def sources_check(config: ConfigOption = Path("sources.yaml"), output: FormatOption = OutputFormat.table) -> None:
    """Validate the sources config; print the sources, or every error (exit code 1)."""
    from winnow.flows.console import print_sources
    from winnow.sources.config import load_config

    loaded = load_config(config)
    check_crons(loaded)
    print_sources(loaded.sources, output.value)


@app.command("list")
def sources_list(
    config: ConfigOption = Path("sources.yaml"), db: DbOption = None, output: FormatOption = OutputFormat.table
) -> None:
    """Each configured source's last run, article count and page failure rate in that run."""
    from winnow.flows.console import print_rows
    from winnow.sources.config import load_config
    from winnow.warehouse.db import WarehouseMissing
    from winnow.warehouse.query import SourceStats, source_stats

    names = [source.name for source in load_config(config).sources]
    try:
        stats = source_stats(db, names)
    except WarehouseMissing:  # nothing run yet: every source at zero
        stats = [SourceStats(name, None, None, 0, None) for name in names]
    print_rows(SourceStats._fields, stats, output.value)


@app.command("schema")
def sources_schema() -> None:
    """Print the JSON Schema of the sources config, for editors: save it beside the file and point
    the YAML language server at it, and a wrong key or value is marked as you type."""
    import json

    from winnow.sources.config import ConfigFile

    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", **ConfigFile.model_json_schema()}
    typer.echo(json.dumps(schema, indent=2))


@app.command("add")
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
    from winnow.flows.console import note
    from winnow.sources.config_edit import add_source, configured_sources, read_config_text
    from winnow.sources.feed_finder import GIVEN_URL, FoundFeed, default_name
    from winnow.sources.urls import canonical_url

    url = url if "://" in url else f"https://{url}"
    if canonical_url(url) is None:
        raise CommandFailed(f"not an http(s) URL: {url}")
    name = name or default_name(url)
    text = read_config_text(config)
    existing = configured_sources(text, config.parent, str(config))
    if any(source.name == name for source in existing):
        raise CommandFailed(f"a source named {name!r} is already in {config}; choose another name with --name")
    # The search fetches as the new source will (the config's defaults: user agent, rate
    # limit). Adding the source with the URL as a stand-in feed gives those settings, and
    # checks the config and the name before any request is made.
    stand_in = add_source(
        text, name, [FoundFeed("rss", url, GIVEN_URL, 0)], url, base_dir=config.parent, origin=str(config)
    ).source
    search = _search_feeds(url, stand_in, sitemaps)
    selected = _selected_feeds(url, search, existing, picked, add_all, verbose)
    addition = add_source(text, name, selected, search.page_url, base_dir=config.parent, origin=str(config))
    typer.echo(f"\nthe block to append to the sources list of {config}:\n")
    typer.echo(addition.block)
    if dry_run:
        note(f"dry run: {config} not changed")
        return
    _write_confirmed(config, addition.text, name, yes)
    note(
        f"added source {name!r} with {len(selected)} feed{'s' if len(selected) != 1 else ''} to {config};"
        f" try it with: winnow run --config {config} --source {name} --max-pages 5"
    )
    note("its deployment: winnow deployments write (prefect.yaml), then prefect deploy --all or winnow serve")


def _search_feeds(url: str, stand_in, sitemaps: bool):
    """The feeds found at `url`, fetched with the new source's settings."""
    import asyncio

    from winnow.flows.console import note
    from winnow.sources.feed_finder import COMMON_FEED_PATHS, COMMON_SITEMAP_PATHS, find_feeds
    from winnow.sources.fetch import Fetcher, FetchPolicy

    policy = FetchPolicy.for_source(stand_in)
    paths = len(COMMON_FEED_PATHS) + (len(COMMON_SITEMAP_PATHS) if sitemaps else 0)
    note(
        f"looking for feeds of {url}: its head links, {paths} common paths"
        f"{' and the sitemaps in robots.txt' if sitemaps else ''}, at most {policy.rate_limit:g} requests/s per host"
    )

    async def search_feeds():
        async with Fetcher(policy) as fetcher:
            return await find_feeds(url, fetcher, sitemaps=sitemaps)

    return asyncio.run(search_feeds())


def _selected_feeds(url: str, search, existing, picked: list[str] | None, add_all: bool, verbose: bool) -> list:
    """Show the feeds found, and which are added; refuse when there is nothing to add."""
    from winnow.flows.console import note, print_rows
    from winnow.sources.feed_finder import FeedsNotFound, choose_feeds

    try:
        choice = choose_feeds(search.found, existing, picked, add_all)
    except FeedsNotFound as error:
        raise CommandFailed(f"--feed {error}") from error
    if search.found:
        print_rows(
            ("add", "kind", "url", "found via", "entries", "newest", "note"),
            [_found_feed_row(feed, feed in choice.to_add, choice.reader(feed)) for feed in search.found],
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
        raise CommandFailed(f"no feed or sitemap found at {url}; tried: {', '.join(search.tried)}{hint}")
    for feed in choice.chosen:
        if choice.reader(feed):
            note(f"left out {feed.url}: source {choice.reader(feed)!r} already reads it")
    if not choice.to_add:
        others = [feed for feed in search.found if not choice.reader(feed)]
        hint = f" (--all or --feed adds the {len(others)} other{'s' if len(others) != 1 else ''} found)"
        raise CommandFailed(
            f"nothing to add: the configured sources already read the feeds chosen{hint if others else ''}"
        )
    return choice.to_add


def _write_confirmed(config: Path, text: str, name: str, yes: bool) -> None:
    """Write the config, once the user said yes (or gave --yes)."""
    import sys

    from winnow.sources.config_edit import write_config_text

    if not yes:
        if sys.stdin is None or not sys.stdin.isatty():
            raise CommandFailed(
                f"{config} not changed: there is no terminal to confirm on; pass --yes to append"
                " (or --dry-run to only look)"
            )
        typer.confirm(f"Append source {name!r} to {config}?", abort=True)
    try:
        write_config_text(config, text)
    except OSError as error:
        raise CommandFailed(f"cannot write {config}: {error.strerror or error}") from error


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
        "; ".join(part for part in notes if part),
    )
