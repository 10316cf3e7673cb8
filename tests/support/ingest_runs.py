"""Real `ingest` flow runs in the test process (on the session's Prefect test server) over a
one-source config on the programmable HTTP server."""

from __future__ import annotations

from pathlib import Path

from tests.support.localserver import LOOPBACK_YAML

# Validation and enrichment cost seconds a run; off where they are not what a test is about.
NO_CHECKS = "validation: {enabled: false}\nenrich: {enabled: false}\n"


def ingest(config: Path, db: Path, **options):
    """Run the `ingest` flow over `config` into `db`; `options` are the flow's other parameters."""
    from winnow.flows.ingest import ingest as ingest_flow  # imports Prefect: only after the harness set it up

    options.setdefault("extract_workers", 1)  # no process pool for a handful of pages
    return ingest_flow(config_path=str(config), db_path=str(db), **options)


def write_config(
    folder: Path, server, feeds: list[tuple[str, str]], *, checks: bool = True, rate_limit: float = 100, extra: str = ""
) -> Path:
    """A config of one source, `local`, reading `feeds` ((kind, path) on `server`); `checks=False`
    turns validation and enrichment off; `extra` adds lines to the source's block."""
    feed_lines = "".join(f'      - kind: {kind}\n        url: "{server.url(path)}"\n' for kind, path in feeds)
    config = folder / "sources.yaml"
    config.write_text(
        f"defaults:\n  user_agent: winnow-test/0.1\n  rate_limit: {rate_limit}\n  language: en\n"
        f"  allowed_networks: {LOOPBACK_YAML}\n"
        + ("" if checks else NO_CHECKS)
        + f'sources:\n  - name: local\n    feeds:\n{feed_lines}    allowed_domains: ["127.0.0.1"]\n{extra}',
        encoding="utf-8",
    )
    return config


def write_fault_config(folder: Path, server, feeds: list[tuple[str, str]], extra: str = "") -> Path:
    """write_config for the fault tests: no checks, and a rate that never paces them."""
    return write_config(folder, server, feeds, checks=False, rate_limit=1000, extra=extra)
