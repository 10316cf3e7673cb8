"""An article whose enrichment fails says why: `winnow extract` shows the error instead of an
article that silently has no events."""

from __future__ import annotations

import json

from tests.support.cli import winnow
from winnow.demo.server import SITE_ROOT
from winnow.transforms.enrich.events import EventExtractor

MAYOR_PAGE = SITE_ROOT / "northgate-observer" / "politics" / "mayor-elected.html"


def _broken_events(*args, **kwargs):
    raise RuntimeError("event rules broke on this sentence")


def test_extract_json_carries_the_enrichment_error(monkeypatch):
    monkeypatch.setattr(EventExtractor, "events", _broken_events)
    result = winnow("extract", str(MAYOR_PAGE), "--published", "2026-11-04", "--json")

    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert found["enrich_error"] == "RuntimeError: event rules broke on this sentence"
    assert found["events"] == [] and found["entities"] == []


def test_extract_table_says_the_article_was_not_enriched(monkeypatch):
    monkeypatch.setattr(EventExtractor, "events", _broken_events)
    result = winnow("extract", str(MAYOR_PAGE), "--published", "2026-11-04")

    assert result.exit_code == 0, result.output
    assert "not enriched: RuntimeError: event rules broke on this sentence" in result.stdout


def test_extract_json_has_no_error_when_enrichment_works():
    result = winnow("extract", str(MAYOR_PAGE), "--published", "2026-11-04", "--json")

    found = json.loads(result.stdout)
    assert found["enrich_error"] is None and found["events"]
