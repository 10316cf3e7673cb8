"""What the CLI prints: run summaries, query results, sources, and progress."""

from __future__ import annotations

import csv
import json
import sys
from contextlib import contextmanager
from dataclasses import asdict
from datetime import date, datetime
from typing import Iterator, Sequence

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from winnow.flows import progress
from winnow.schemas.records import RUN_COUNTERS, RunSummary

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)
if not out.is_terminal:
    out.width = 200  # rich assumes 80 columns for pipes and files, which truncates tables


_quiet = False  # `winnow -q`: no notes, no progress; errors and the result only


def set_quiet(quiet: bool) -> None:
    global _quiet
    _quiet = quiet


def note(message: str) -> None:
    """A line for the user beside the result (what is happening, what to do next), on stderr."""
    if not _quiet:
        print(message, file=sys.stderr)


@contextmanager
def showing_progress() -> Iterator[None]:
    """A progress bar on a terminal; a plain line per update when not a terminal; nothing when quiet."""
    if _quiet:
        yield
    elif err.is_terminal:
        bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=True,
        )
        tasks: dict[str, int] = {}

        def on_progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        with bar:
            stop = progress.listen(on_progress)
            try:
                yield
            finally:
                stop()
    else:
        stop = progress.listen(lambda stage, done, total: print(f"{stage}: {done}/{total}", file=sys.stderr))
        try:
            yield
        finally:
            stop()


def print_summary(summary: RunSummary, fmt: str = "table") -> None:
    """The run's counters, one per line (narrow terminals and logs read it whole); or every field
    of the summary as one JSON object, one JSON line or a CSV row."""
    if fmt != "table":
        _print_record(asdict(summary), fmt)
        return
    out.print(f"ingest run {summary.run_id}: {summary.status}")
    table = Table("", "", show_header=False)
    for name in RUN_COUNTERS:
        value = getattr(summary, name)
        table.add_row(name, f"{value:.2f}" if isinstance(value, float) else str(value))
    out.print(table)
    if summary.validation_docs:
        out.print(f"validation Data Docs: {summary.validation_docs}")


def _print_record(record: dict, fmt: str) -> None:
    if fmt == "json":
        print(json.dumps(record, default=_json_value, ensure_ascii=False, indent=2))
    else:
        print_rows(tuple(record), [tuple(record.values())], fmt)


def print_rows(columns: Sequence[str], rows: Sequence[tuple], fmt: str) -> None:
    """Print a query result as a table, CSV, JSON (a list of objects) or JSON lines (an object a line)."""
    if fmt == "jsonl":
        for row in rows:
            print(json.dumps(dict(zip(columns, row)), default=_json_value, ensure_ascii=False))
    elif fmt == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(columns)
        writer.writerows(rows)
    elif fmt == "json":
        records = [dict(zip(columns, row)) for row in rows]
        print(json.dumps(records, default=_json_value, ensure_ascii=False, indent=2))
    else:
        # Text, not str: rich would read "[...]" in a value or column name as markup.
        table = Table(show_lines=False)
        for column in columns:
            table.add_column(Text(column))
        for row in rows:
            table.add_row(*(Text("" if value is None else str(value)) for value in row))
        out.print(table)
        out.print(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")


def _json_value(value: object) -> object:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    return str(value)


def print_sources(sources, fmt: str = "table") -> None:
    """The sources of a config that passed its checks: a table, or rows in another format."""
    if fmt != "table":
        columns = ("name", "feeds", "allowed_domains", "language", "rate_limit", "max_pages")
        print_rows(
            columns,
            [
                (
                    source.name,
                    [f"{feed.kind}: {_feed_place(feed)}" for feed in source.feeds],
                    list(source.allowed_domains),
                    source.language,
                    source.rate_limit,
                    source.max_pages,
                )
                for source in sources
            ],
            fmt,
        )
        return
    table = Table("name", "feeds", "allowed domains", "language", "rate/s", "max pages")
    for source in sources:
        feeds = "\n".join(f"{feed.kind}: {_feed_place(feed)}" for feed in source.feeds)
        table.add_row(
            source.name,
            Text(feeds),
            Text(", ".join(source.allowed_domains)),
            source.language,
            f"{source.rate_limit:g}",
            str(source.max_pages),
        )
    out.print(table)
    out.print(f"{len(sources)} source{'s' if len(sources) != 1 else ''} OK")


def _feed_place(feed) -> str:
    """Where a feed is read from, for the sources table."""
    if feed.kind == "ccnews":
        return f"{feed.start} to {feed.end} from {feed.index}"
    return str(getattr(feed, "url", None) or getattr(feed, "path", ""))


def print_stripped(article, explain: bool) -> None:
    """The clean text; with `explain`, then each removed block with its kind, evidence and rule."""
    if article.title:
        print(article.title)
    print(article.text)
    if not explain:
        return
    print(f"\n--- removed {len(article.chaff)} block(s): position, kind, evidence, rule ---")
    for chaff in article.chaff:
        print(f"[{chaff.position}] {chaff.kind} | {chaff.evidence} | {chaff.rule}\n    {chaff.text}")


def enrichment_json(found, published: date | None) -> dict:
    """What `winnow extract --json` prints for an article: its entities (most salient first) and events."""
    names = {e.entity_id: e.name for e in found.entities}
    mentions = {m.entity_id: m for m in found.mentions}
    entities = [
        {
            "name": e.name,
            "type": e.type,
            "country_code": e.country,
            "count": mentions[e.entity_id].count,
            "salience": mentions[e.entity_id].salience,
            "aliases": list(e.aliases),
        }
        for e in sorted(found.entities, key=lambda e: -mentions[e.entity_id].salience)
    ]
    # An actor the article does not name is given by its role ("federal prosecutors").
    events = [
        {
            "event_type": v.event_type,
            "cameo_code": v.cameo_code,
            "trigger": v.trigger,
            "actor1": names.get(v.actor1) or v.actor1_role,
            "actor2": names.get(v.actor2) or v.actor2_role,
            "location": names.get(v.location),
            "event_date": v.event_date.isoformat() if v.event_date else None,
            "date_precision": v.date_precision,
            "confidence": v.confidence,
            "sentence": v.sentence,
            "actor1_role": v.actor1_role,
            "actor1_type": v.actor1_type,
            "actor1_country": v.actor1_country,
            "actor2_role": v.actor2_role,
            "actor2_type": v.actor2_type,
            "actor2_country": v.actor2_country,
        }
        for v in found.events
    ]
    return {
        "published": published.isoformat() if published else None,
        "language": found.language,
        "enrich_error": found.error,
        "entities": entities,
        "events": events,
    }


def print_enrichment(found, published: date | None, fmt: str) -> None:
    """An article's entities (most salient first) and events, as tables, JSON or one JSON line."""
    record = enrichment_json(found, published)
    if fmt in ("json", "jsonl"):
        print(json.dumps(record, indent=2 if fmt == "json" else None, ensure_ascii=False))
        return
    if found.error:
        out.print(f"not enriched: {found.error}")
    if published is None:
        out.print("no publication date (give --published): relative dates stay unresolved")
    columns = ("name", "type", "country_code", "count", "salience")
    print_rows(columns, [tuple(e[c] for c in columns) for e in record["entities"]], "table")
    columns = ("event_type", "trigger", "actor1", "actor2", "location", "event_date", "date_precision", "confidence")
    print_rows(columns, [tuple(v[c] for c in columns) for v in record["events"]], "table")
