"""Fixtures of the flow and CLI tests."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from winnow.schemas.records import Article, FetchAttempt, FetchResult
from winnow.transforms.hashing import article_id, sha256_hex
from winnow.warehouse.articles import load_batch

T0 = datetime(2026, 10, 1, 8, 30, tzinfo=timezone.utc)


def _article(url: str, title: str, text: str, published_at: datetime) -> tuple[FetchResult, Article]:
    body = f"<html><body><h1>{title}</h1><p>{text}</p></body></html>".encode()
    result = FetchResult(
        url=url,
        source="herald",
        final_url=url,
        outcome="fetched",
        status=200,
        body=body,
        content_type="text/html",
        attempts=[FetchAttempt(url, 1, 200, None, len(body), 10.0, T0)],
    )
    article = Article(
        article_id=article_id(url),
        source="herald",
        url=url,
        fetched_url=url,
        title=title,
        authors=["A. Writer"],
        published_at=published_at,
        language="en",
        site_name="Herald",
        description=None,
        image=None,
        text=text,
        word_count=len(text.split()),
        content_hash=sha256_hex(text),
        page_hash=sha256_hex(body),
    )
    return result, article


@pytest.fixture
def small_db(tmp_path):
    """A warehouse with two articles, loaded the way the flow loads a batch."""
    db = tmp_path / "winnow.duckdb"
    pairs = [
        _article(
            "https://herald.example/a",
            "Harbour wall repaired",
            "The wall stands again.",
            datetime(2026, 10, 2, 9, 0, tzinfo=timezone.utc),
        ),
        _article(
            "https://herald.example/b",
            "Ferry, late again",
            "Passengers wait.",
            datetime(2026, 10, 3, 9, 0, tzinfo=timezone.utc),
        ),
    ]
    load_batch(db, "run-1", [r for r, _ in pairs], [a for _, a in pairs], [])
    return db
