"""Faults end to end: real `ingest` flow runs (on the session's Prefect test server, as in
tests/flows) against a misbehaving HTTP server on 127.0.0.1, with small fetch limits."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from bench.prefect_server import PrefectServer
from tests.conftest import prefect_home_from
from tests.localserver import LOOPBACK_YAML
from winnow.sources.fetch import FetchPolicy
from winnow.warehouse.query import run_query

# Limits small enough that a timeout, an oversized body or a retry costs a test well under a
# second; the sources config does not expose them, so the tests set them on every source's policy.
SMALL_LIMITS = dict(
    timeout_s=0.5,
    total_timeout_s=1.0,
    max_bytes=200_000,
    retries=1,
    backoff_s=0.01,
    max_backoff_s=0.02,
    max_retry_after_s=2,
)


def use_small_limits(patch: pytest.MonkeyPatch) -> None:
    """Every source fetches under SMALL_LIMITS (its user agent, rate and networks kept)."""
    for_source = FetchPolicy.for_source.__func__
    patch.setattr(
        FetchPolicy, "for_source", classmethod(lambda cls, source: replace(for_source(cls, source), **SMALL_LIMITS))
    )


@pytest.fixture
def small_limits(monkeypatch):
    use_small_limits(monkeypatch)
    return SMALL_LIMITS


def ingest(config: Path, db: Path):
    from winnow.flows.ingest import ingest as ingest_flow  # imports Prefect: only after the harness set it up

    return ingest_flow(config_path=str(config), db_path=str(db), extract_workers=1)


def write_config(folder: Path, server, feeds: list[tuple[str, str]], extra: str = "") -> Path:
    """A one-source config reading `feeds` ((kind, path) on `server`), validation and enrich off
    (they are not what these tests are about, and cost seconds)."""
    feed_lines = "".join(f'      - kind: {kind}\n        url: "{server.url(path)}"\n' for kind, path in feeds)
    config = folder / "sources.yaml"
    config.write_text(
        "defaults:\n  user_agent: winnow-test/0.1\n  rate_limit: 1000\n  language: en\n"
        "validation: {enabled: false}\nenrich: {enabled: false}\n"
        f'sources:\n  - name: local\n    feeds:\n{feed_lines}    allowed_domains: ["127.0.0.1"]\n'
        f"    allowed_networks: {LOOPBACK_YAML}\n{extra}",
        encoding="utf-8",
    )
    return config


def rows(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    return run_query(db, sql, params).rows


def scalar(db: Path, sql: str, params: list | None = None):
    (row,) = rows(db, sql, params)
    return row[0]


@pytest.fixture(scope="module")
def prefect_api(tmp_path_factory, migrated_prefect_db) -> str:
    """A `prefect server start` process for the module's runs (apart from the flow tests'
    harness server, which this process's own flows use); yields its API URL."""
    folder = tmp_path_factory.mktemp("prefect-server")
    server = PrefectServer(prefect_home_from(migrated_prefect_db, folder / "home"), folder / "server.log")
    server.start()
    try:
        yield server.api_url
    finally:
        server.stop()
