"""The GX suites a process keeps: one per table (and per source whose checks differ), however many
batches and runs it validates, with the value each batch moves on (its "tomorrow") given as a
suite parameter, a suite whose thresholds changed updated under its name, and Data Docs that list
the suites by their table names. Real GX, real DuckDB, through the flow's gates and load_batch.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict
from datetime import datetime, timedelta, timezone

import pandas as pd
import pytest

from tests.support.records import T0
from tests.support.validation import make_gate, pages_of, story
from winnow.flows.validation import gate_for, table_gates
from winnow.schemas import expectations, validate
from winnow.schemas.config import ValidationSettings
from winnow.sources.config import parse_config
from winnow.warehouse.articles import load_batch
from winnow.warehouse.query import run_query

NEWS_SUITES = ["articles.news", "fetch_log", "pages"]  # the suites of a batch of `news` (languages: [en])


@pytest.fixture
def own_validator(monkeypatch):
    """A validator (and GX context) of the test's own, so the suites counted are the test's."""
    monkeypatch.setattr(validate, "_validator", validate.Validator())
    return validate.validator()


def gx_names(validator) -> dict[str, list[str]]:
    """The names of the suites, validation definitions and assets in the validator's GX context."""
    return {
        "suites": sorted(s.name for s in validator.context.suites.all()),
        "definitions": sorted(d.name for d in validator.context.validation_definitions.all()),
        "assets": sorted(a.name for a in validator.source.assets),
    }


def batch_of(n: int, now: datetime, words: int = 30) -> list:
    """Three good articles, one published now and one published 3 days after `now`."""
    return [story(f"b{n}s{i}", words=words) for i in range(3)] + [
        story(f"b{n}now", published_at=now),
        story(f"b{n}late", published_at=now + timedelta(days=3)),
    ]


def test_batches_validated_one_after_another_share_one_gx_suite_per_table(db_path, tmp_path, own_validator):
    for n in range(3):  # the clock moves on between the batches, as in a long run
        batch = batch_of(n, datetime.now(timezone.utc))
        counts = load_batch(db_path, f"run-{n}", pages_of(batch), batch, [], gate=make_gate(tmp_path))
        assert counts.quarantined == 1

    assert gx_names(own_validator) == {"suites": NEWS_SUITES, "definitions": NEWS_SUITES, "assets": NEWS_SUITES}
    # Each batch's article published 3 days ahead failed, the one published now passed.
    assert run_query(db_path, "select row_key, checks from quarantine order by row_key").rows == sorted(
        (story(f"b{n}late").article_id, ["published_at_believable"]) for n in range(3)
    )
    assert run_query(db_path, "select count(*) from articles where url like '%now'").rows == [(3,)]
    # The reports still name the table's suite and the check.
    assert run_query(db_path, "select distinct suite from validation_results order by 1").rows == [
        ("articles",),
        ("fetch_log",),
        ("pages",),
    ]


def test_the_latest_believable_publication_is_the_day_after_each_batch_is_validated(own_validator):
    suite = expectations.articles_suite(ValidationSettings(), ["en"], [], "news")
    frame = pd.DataFrame(
        [asdict(a) for a in (story(1, published_at=T0), story(2, published_at=T0 + timedelta(days=3)))]
    ).drop(columns=["blocks", "chaff"])

    def failed_at(now: datetime) -> dict[int, list[str]]:
        return own_validator.validate(
            suite, frame, parameters=expectations.suite_parameters(suite, now, len(frame))
        ).failed_rows()

    assert failed_at(T0) == {1: ["published_at_believable"]}
    assert failed_at(T0 + timedelta(days=2)) == {}
    assert failed_at(T0 + timedelta(days=1)) == {1: ["published_at_believable"]}
    assert gx_names(own_validator)["suites"] == ["articles.news"]


def test_a_source_has_an_articles_suite_of_its_own_only_where_its_checks_differ(tmp_path):
    feeds = "feeds: [{kind: rss, url: 'https://x.example/feed'}]"
    sources = parse_config(
        f"""sources:
  - {{name: plain, {feeds}}}
  - {{name: news, languages: [en], {feeds}}}
  - {{name: zeitung, language: de, {feeds}}}
""",
        tmp_path,
        "s.yaml",
    ).sources
    config = ValidationSettings()

    names = {source.name: gate_for(source, config).suite("articles").qualified_name for source in sources}

    # A language limits no languages, and German's chaff phrases are every lexicon's, in the same order.
    assert names == {"plain": "articles", "news": "articles.news", "zeitung": "articles"}
    gate = table_gates(sources, config)
    assert gate("articles", "no-longer-configured").suite("articles").qualified_name == "articles"
    assert gate("articles", "plain").suite("articles") == gate("articles", "gone").suite("articles")
    assert [gate_for(sources[1], config).suite(name).qualified_name for name in ("pages", "fetch_log")] == [
        "pages",
        "fetch_log",
    ]
    assert {gate_for(source, config).suite("articles").name for source in sources} == {"articles"}


def test_changed_thresholds_update_the_suite_of_the_same_name(db_path, tmp_path, own_validator):
    def text_length_bounds() -> list[tuple[int, int]]:
        suite = own_validator.context.suites.get("articles.news")
        return [(e.min_value, e.max_value) for e in suite.expectations if e.meta["check"] == "text_length"]

    outcomes = []
    for n, min_words in enumerate((25, 50, 25)):  # the config edited, then edited back
        batch = [story(f"b{n}s{i}", words=60) for i in range(2)] + [story(f"b{n}short", words=40)]
        counts = load_batch(
            db_path, f"run-{n}", pages_of(batch), batch, [], gate=make_gate(tmp_path, min_words=min_words)
        )
        outcomes.append((counts.quarantined, text_length_bounds()))

    assert outcomes == [(0, [(25, 20_000)]), (1, [(50, 20_000)]), (0, [(25, 20_000)])]
    assert run_query(db_path, "select row_key, checks from quarantine").rows == [
        (story("b1short").article_id, ["text_length"])
    ]
    assert gx_names(own_validator) == {"suites": NEWS_SUITES, "definitions": NEWS_SUITES, "assets": NEWS_SUITES}


def test_data_docs_list_one_page_per_suite_with_each_runs_results_under_it(db_path, tmp_path, own_validator):
    for run in ("run-1", "run-2"):
        for n in range(2):
            batch = batch_of(n, datetime.now(timezone.utc))
            load_batch(db_path, run, pages_of(batch), batch, [], gate=make_gate(tmp_path, run))
    docs = tmp_path / "validation-docs"

    index = own_validator.build_docs(docs).read_text(encoding="utf-8")

    suite_pages = sorted(p.relative_to(docs / "expectations").as_posix() for p in docs.glob("expectations/**/*.html"))
    assert suite_pages == ["articles/news.html", "fetch_log.html", "pages.html"]  # GX makes a dot a folder
    for run in ("run-1", "run-2"):
        assert len(list(docs.glob(f"validations/articles/news/{run}/*/*.html"))) == 2
    assert "'expectation_suite_name': 'articles.news'" in index


def test_after_the_first_build_only_the_new_run_s_pages_are_built(db_path, tmp_path, own_validator):
    docs = tmp_path / "validation-docs"
    batch = batch_of(0, datetime.now(timezone.utc))
    load_batch(db_path, "run-1", pages_of(batch), batch, [], gate=make_gate(tmp_path, "run-1"))
    own_validator.build_docs(docs)
    first_pages = {page: page.stat().st_mtime_ns for page in docs.rglob("*.html") if page.name != "index.html"}

    batch = batch_of(1, datetime.now(timezone.utc))
    load_batch(db_path, "run-2", pages_of(batch), batch, [], gate=make_gate(tmp_path, "run-2"))
    index = own_validator.build_docs(docs).read_text(encoding="utf-8")

    assert {page: page.stat().st_mtime_ns for page in first_pages} == first_pages  # not written again
    assert len(list(docs.glob("validations/articles/news/run-2/*/*.html"))) == 1
    assert "run-1" in index and "run-2" in index and "code.jquery.com" not in index
    new_pages = [page for page in docs.rglob("*.html") if page not in first_pages]
    assert new_pages and all("static/vendor/" in page.read_text(encoding="utf-8") for page in new_pages)


def test_data_docs_keep_the_newest_results_of_each_suite(db_path, tmp_path, own_validator, monkeypatch):
    monkeypatch.setattr(validate, "RESULTS_KEPT_PER_SUITE", 2)
    for n in range(3):
        batch = batch_of(n, datetime.now(timezone.utc))
        load_batch(db_path, f"run-{n}", pages_of(batch), batch, [], gate=make_gate(tmp_path, f"run-{n}"))
    docs = tmp_path / "validation-docs"

    own_validator.build_docs(docs)

    results = own_validator.context.validation_results_store.list_keys()
    assert Counter(key.expectation_suite_identifier.name for key in results) == dict.fromkeys(NEWS_SUITES, 2)
    assert sorted(p.parent.parent.name for p in docs.glob("validations/articles/news/*/*/*.html")) == ["run-1", "run-2"]
