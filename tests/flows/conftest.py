"""Fixtures of the flow and CLI tests."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from tests.support.records import article, fetched
from winnow.warehouse.articles import load_batch


@pytest.fixture(scope="session")
def small_db(tmp_path_factory):
    """A warehouse with two articles, loaded the way the flow loads a batch; one per session (per
    xdist worker), since its tests only read it (a write through `winnow query` is refused)."""
    db = tmp_path_factory.mktemp("small-db") / "winnow.duckdb"
    stories = [
        (
            "https://herald.example/a",
            "Harbour wall repaired",
            "The wall stands again.",
            datetime(2026, 10, 2, 9, 0, tzinfo=timezone.utc),
        ),
        (
            "https://herald.example/b",
            "Ferry, late again",
            "Passengers wait.",
            datetime(2026, 10, 3, 9, 0, tzinfo=timezone.utc),
        ),
    ]
    articles = [
        article(
            url, text, source="herald", title=title, body=title.encode(), published_at=at.replace(tzinfo=timezone.utc)
        )
        for url, title, text, at in stories
    ]
    load_batch(db, "run-1", [fetched(a.url, a.title.encode(), source="herald") for a in articles], articles, [])
    return db
