"""The suites validated straight through the validator on small pandas frames, with real GX: the
enrich suites, and the articles check load_batch cannot break (staging keeps one row per
article_id)."""

from __future__ import annotations

from dataclasses import asdict, replace
from datetime import date

import duckdb
import pandas as pd

from tests.support.validation import NOW, story
from winnow.schemas import expectations
from winnow.schemas.config import ValidationSettings
from winnow.schemas.validate import validator
from winnow.warehouse.validation import frame_of


def test_a_duplicate_article_id_fails_article_id_unique_at_suite_level():
    # load_batch keeps the last of an article_id, so the check is run on a frame directly.
    first, twin = story(1), replace(story(2), article_id=story(1).article_id)
    rows = [first, story(3), twin, story(4)]
    frame = pd.DataFrame([asdict(a) for a in rows]).drop(columns=["blocks", "chaff"])
    suite = expectations.articles_suite(ValidationSettings(), ["en"], [])

    result = validator().validate(suite, frame, parameters=expectations.suite_parameters(suite, NOW, len(frame)))

    assert result.rows == 4
    assert result.failed_rows() == {0: ["article_id_unique"], 2: ["article_id_unique"]}
    assert result.batch_failures() == []
    (unique,) = [r for r in result.results if r.check.name == "article_id_unique"]
    assert (unique.success, unique.unexpected_count, unique.failed_rows) == (False, 2, (0, 2))


def _named(suite, column: str) -> str:
    """The name of the suite's in-set check on `column` (`entity_known`, `roles_known`; `_in_set` used
    to name them `<column>_known`, doubling the word)."""
    (name,) = [
        c.name
        for c in suite.checks
        if c.kwargs.get("column") == column and c.expectation == "ExpectColumnValuesToBeInSet"
    ]
    return name


def test_entities_suite_flags_unknown_types_and_bad_country_codes():
    frame = pd.DataFrame(
        {
            "entity_id": ["e1", "e2", "e3", "e4", "e5"],
            "name": ["Ada", "Acme", "Paris", "Zed", "Lyon"],
            "type": ["person", "organisation", "place", "alien", "place"],
            "country_code": [None, "GB", "fr", "US", "FRA"],
        }
    )
    result = validator().validate(expectations.entities_suite(), frame)
    assert result.failed_rows() == {2: ["country_code_iso"], 3: ["type_known"], 4: ["country_code_iso"]}
    assert result.batch_failures() == []


def test_mentions_suite_flags_unknown_entities_and_salience_above_one():
    suite = expectations.mentions_suite()
    frame = pd.DataFrame(
        {
            "article_id": ["a1", "a1", "a2", "a2", "a3"],
            "entity_id": ["e1", "e2", "e1", "e3", "e1"],
            "count": [1, 3, 2, 1, 1],
            "salience": [0.0, 1.0, 1.5, 0.4, 0.2],
            "entity_known": [True, True, True, False, True],
        }
    )
    result = validator().validate(suite, frame)
    assert result.failed_rows() == {2: ["salience_share"], 3: [_named(suite, "entity_known")]}

    repeated = pd.concat([frame, frame.iloc[[0]]], ignore_index=True)  # a1/e1 twice
    assert validator().validate(suite, repeated).failed_rows() == {
        0: ["mention_unique"],
        2: ["salience_share"],
        3: [_named(suite, "entity_known")],
        5: ["mention_unique"],
    }


def test_events_suite_flags_unknown_types_late_dates_and_unknown_roles():
    suite = expectations.events_suite()
    day = date(2025, 3, 2)
    frame = pd.DataFrame(
        {
            "event_id": [f"v{n}" for n in range(6)],
            "event_type": ["statement", "invade-mars", "appeal", "aid", "demand", "reject"],
            "date_precision": ["day", "day", "day", "unknown", "month", "day"],
            "latest_allowed_date": [day] * 6,
            "event_date": [date(2025, 3, 1), date(2025, 3, 1), date(2025, 3, 9), None, day, date(2025, 3, 3)],
            "roles_known": [True, True, True, True, False, True],
            "confidence": [0.5, 0.9, 0.7, 1.0, 0.3, 0.0],
        }
    )
    result = validator().validate(suite, frame)
    assert result.failed_rows() == {
        1: ["event_type_known"],
        2: ["dated_by_publication"],
        4: [_named(suite, "roles_known")],
        5: ["dated_by_publication"],
    }
    (dated,) = [r for r in result.results if r.check.name == "dated_by_publication"]
    assert (dated.success, dated.unexpected_count) == (False, 2)  # the undated event is not counted


def test_a_frame_holds_only_the_columns_its_suite_reads():
    suite = expectations.events_suite()
    assert set(suite.columns) == {
        "event_id",
        "event_type",
        "date_precision",
        "latest_allowed_date",
        "event_date",
        "roles_known",
        "confidence",
    }
    conn = duckdb.connect()
    conn.execute("create table t as select 3 as _pos, 'a' as event_id, 'a long text' as summary, ['x'] as actors")
    articles = expectations.articles_suite(ValidationSettings(), [], [r"\bsubscribe\b"])
    conn.execute("create table a as select 'id' as article_id, 'Subscribe now' as text, 'news' as source")
    marked = replace(articles, checks=articles.checks[:1] + articles.checks[-1:])

    frame = frame_of(conn, "select * from a where source = ?", marked, ["news"])

    assert list(frame.columns) == ["article_id", "chaff_marker"] and frame["chaff_marker"].tolist() == [True]
    partial = replace(suite, checks=suite.checks[:1])
    assert frame_of(conn, "select * from t", partial, keep=("_pos",)).to_dict("records") == [
        {"_pos": 3, "event_id": "a"}
    ]
