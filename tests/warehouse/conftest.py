"""Fixtures of the warehouse tests: a real DuckDB file per test."""

from __future__ import annotations

import pytest


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "winnow.duckdb"
