"""Real `winnow run` processes for the reliability tests: a Prefect server of their own, a bench
config over the demo site's copies, and a look at the database from outside the run."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb


def winnow_env(tmp_path: Path, api_url: str) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith(("PREFECT_", "WINNOW_"))}
    env.update(PREFECT_HOME=str(tmp_path / "prefect-home"), PREFECT_API_URL=api_url, NO_COLOR="1")
    return env


def write_bench_config(path: Path, base_url: str, pages: int, rate_limit: float) -> None:
    """One source over the demo site's bench sitemap (`pages` distinct article URLs), fetched at
    `rate_limit` pages per second; no enrichment, so a run is mostly fetch and load."""
    path.write_text(
        "validation:\n  max_duplicate_share: 1.0\n"  # the copies repeat each other's text by design
        "enrich:\n  enabled: false\n"
        "sources:\n"
        "  - name: copies\n"
        "    feeds:\n"
        "      - kind: sitemap\n"
        f"        url: {base_url}/bench/sitemap.xml\n"
        '    allowed_domains: ["127.0.0.1"]\n'
        '    allowed_networks: ["127.0.0.0/8"]\n'  # the demo server is on loopback, refused otherwise
        f"    rate_limit: {rate_limit}\n"
        f"    max_pages: {pages}\n"
        "    language: en\n",
        encoding="utf-8",
    )


def holder_pid(db: Path) -> int | None:
    """The pid of the process that has the database open right now (None: nobody), read from
    DuckDB's refusal to open it; a successful open is closed at once."""
    try:
        duckdb.connect(str(db), read_only=True).close()
    except duckdb.IOException as error:
        held_by = str(error).partition("(PID ")[2].partition(")")[0]
        return int(held_by) if held_by.isdigit() else None
    return None


def count(db: Path, sql: str) -> int | None:
    """One number from the database, read-only; None while a run holds the file (or before it exists)."""
    try:
        with duckdb.connect(str(db), read_only=True) as conn:
            return conn.execute(sql).fetchone()[0]
    except (duckdb.IOException, duckdb.CatalogException):
        return None
