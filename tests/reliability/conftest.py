"""Faults end to end: real `ingest` flow runs (on the session's Prefect test server, as in
tests/flows) against a misbehaving HTTP server on 127.0.0.1, with small fetch limits."""

from __future__ import annotations

import pytest

from bench.prefect_server import PrefectServer
from tests.support.fetching import SMALL_LIMITS, use_small_limits
from tests.support.prefect_homes import prefect_home_from


@pytest.fixture
def small_limits(monkeypatch):
    use_small_limits(monkeypatch)
    return SMALL_LIMITS


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
