"""Faults end to end: real `ingest` flow runs (on the session's Prefect test server, as in
tests/flows) against a misbehaving HTTP server on 127.0.0.1, with small fetch limits."""

from __future__ import annotations

import pytest

from tests.support.fetching import SMALL_LIMITS, use_small_limits


@pytest.fixture
def small_limits(monkeypatch):
    use_small_limits(monkeypatch)
    return SMALL_LIMITS
