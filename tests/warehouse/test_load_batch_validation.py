"""Validation inside load_batch, end to end: a real DuckDB file, the flow's real gate and real GX.

Each batch is a few good articles and the one (or the many) that break a check; the tests read
back `articles`, `quarantine`, `validation_results` and the other tables to see what was merged,
what was held back and why. The suites run straight on frames (the enrich suites, and the check
load_batch cannot break) are in test_suites_on_frames.py.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

import pytest

from tests.support.queries import table
from tests.support.records import fetched
from tests.support.validation import NOW, SITE, make_gate, pages_of, story
from winnow.flows.validation import gate_for
from winnow.schemas.config import ValidationSettings
from winnow.schemas.records import ExtractionFailure
from winnow.sources.config import parse_config
from winnow.transforms.hashing import sha256_hex
from winnow.warehouse.articles import BatchCounts, load_batch
from winnow.warehouse.query import run_query

CHAFF = "Sign up for our free weekly newsletter"


def good_batch():
    # One without a publication date: a missing value is no failure of published_at_believable.
    return [story(1), story(2), story(3, published_at=None), story(4)]


def quarantine_rows(db_path):
    rows = run_query(
        db_path,
        """
        select table_name, level, checks, source, row_key, record from quarantine order by row_key""",
    ).rows
    return [(*row[:5], json.loads(row[5])) for row in rows]


def article_ids(db_path):
    return [row[0] for row in run_query(db_path, "select article_id from articles order by article_id").rows]


def failed_checks(db_path, suite):
    return run_query(
        db_path,
        """
        select check_name, unexpected_count, rows from validation_results
        where suite = ? and not success order by check_name""",
        [suite],
    ).rows


ROW_CASES = {
    # name: (validation settings, the failed check, the bad article)
    "relative url": ({}, "url_well_formed", replace(story(9), url="/story-9")),
    "url with a space": ({}, "url_well_formed", replace(story(9), url=f"{SITE}/story 9")),
    "too few words": ({}, "text_length", story(9, words=5)),
    "too many words": ({"max_words": 50}, "text_length", story(9, words=51)),
    "language not accepted": ({}, "language_known", story(9, language="fr")),
    "published in the future": ({}, "published_at_believable", story(9, published_at=NOW + timedelta(days=3))),
    "published before the floor": (
        {"published_floor": date(2000, 1, 1)},
        "published_at_believable",
        story(9, published_at=datetime(1999, 12, 31, 23, tzinfo=timezone.utc)),
    ),
}


@pytest.mark.parametrize(("settings", "check", "bad"), ROW_CASES.values(), ids=ROW_CASES.keys())
def test_a_row_failing_a_row_check_is_quarantined_and_the_rest_merged(db_path, tmp_path, settings, check, bad):
    good = good_batch()
    batch = good[:2] + [bad] + good[2:]
    counts = load_batch(db_path, "run-1", pages_of(batch), batch, [], gate=make_gate(tmp_path, **settings))

    assert counts == BatchCounts(new=4, updated=0, unchanged=0, pages_stored=5, quarantined=1, held=())
    ((table_name, level, checks, source, row_key, record),) = quarantine_rows(db_path)
    assert (table_name, level, checks, source, row_key) == ("articles", "row", [check], "news", bad.article_id)
    assert (record["article_id"], record["url"], record["word_count"]) == (bad.article_id, bad.url, bad.word_count)
    assert "_pos" not in record
    assert article_ids(db_path) == sorted(a.article_id for a in good)
    assert failed_checks(db_path, "articles") == [(check, 1, 5)]
    assert failed_checks(db_path, "pages") == []  # 4 of 5 pages gave an article that passed
    assert failed_checks(db_path, "fetch_log") == []
    # Nothing of the held article was merged alongside: no blocks, no sightings.
    assert run_query(db_path, "select count(*) from block_sightings where article_id = ?", [bad.article_id]).rows == [
        (0,)
    ]


BATCH_CASES = {
    "title_present": [story(1)] + [story(n, title=None) for n in range(2, 6)],
    "duplicate_texts_bounded": [story(1)]
    + [story(n, text=" ".join(f"same{i}" for i in range(30))) for n in range(2, 6)],
    "no_chaff_left": [story(1)]
    + [story(n, text=" ".join(f"w{n}x{i}" for i in range(30)) + f". {CHAFF}.") for n in range(2, 6)],
}


@pytest.mark.parametrize(("check", "batch"), BATCH_CASES.items(), ids=BATCH_CASES.keys())
def test_a_failed_batch_check_holds_every_article_of_the_batch(db_path, tmp_path, check, batch):
    # A proportion of unique values counts no unexpected rows; the per-row checks count the 4 bad ones.
    unexpected = 0 if check == "duplicate_texts_bounded" else 4
    counts = load_batch(db_path, "run-1", pages_of(batch), batch, [], gate=make_gate(tmp_path))

    assert counts[:5] == (0, 0, 0, 5, 5)
    assert counts.held[0].startswith(f"source 'news': {check} failed (")
    rows = quarantine_rows(db_path)
    assert [(r[0], r[1], r[2], r[3]) for r in rows] == [("articles", "batch", [check], "news")] * 5
    assert sorted(r[5]["article_id"] for r in rows) == sorted(a.article_id for a in batch)
    assert article_ids(db_path) == []
    assert failed_checks(db_path, "articles") == [(check, unexpected, 5)]
    assert run_query(db_path, "select count(*) from pages").rows == [(5,)]  # pages are always kept
    # Their pages gave no article that was merged: due again next run, the body asked for afresh.
    assert run_query(db_path, "select state, attempts, last_error, etag, count(*) from frontier group by all").rows == [
        ("failed", 1, "gave no article", None, 5)
    ]


# One bad article among three good ones: each batch check's setting would fail it in a batch of 4.
ONE_BAD_CASES = {
    "title_present": story(5, title=None),
    "duplicate_texts_bounded": story(5, text=story(1).text),
    "no_chaff_left": story(5, text=" ".join(f"w5x{i}" for i in range(30)) + f". {CHAFF}."),
}


@pytest.mark.parametrize(("check", "bad"), ONE_BAD_CASES.items(), ids=ONE_BAD_CASES.keys())
def test_one_bad_article_does_not_hold_its_neighbours(db_path, tmp_path, check, bad):
    batch = good_batch()[:3] + [bad]

    counts = load_batch(db_path, "run-1", pages_of(batch), batch, [], gate=make_gate(tmp_path))

    assert (counts.quarantined, counts.held) == (0, ())
    assert article_ids(db_path) == sorted(a.article_id for a in batch)
    # Seen and recorded all the same: one row unexpected, the check passed.
    unexpected = 0 if check == "duplicate_texts_bounded" else 1
    assert run_query(
        db_path, "select success, unexpected_count from validation_results where check_name = ?", [check]
    ).rows == [(True, unexpected)]


def test_two_bad_articles_of_five_still_hold_the_batch(db_path, tmp_path):
    batch = good_batch()[:3] + [story(5, title=None), story(6, title=None)]

    counts = load_batch(db_path, "run-1", pages_of(batch), batch, [], gate=make_gate(tmp_path))

    assert counts.quarantined == 5 and counts.held[0].startswith("source 'news': title_present failed (")
    assert article_ids(db_path) == []


def test_a_source_s_language_does_not_limit_its_articles_languages(db_path, tmp_path):
    source = parse_config(
        "sources: [{name: news, language: en, feeds: [{kind: rss, url: 'https://news.example/f'}]}]", tmp_path, "s.yaml"
    ).sources[0]
    batch = good_batch() + [story(5, language="de")]

    counts = load_batch(db_path, "run-1", pages_of(batch), batch, [], gate=gate_for(source, ValidationSettings()))

    assert counts.quarantined == 0
    assert run_query(db_path, "select language, count(*) from articles group by 1 order by 1").rows == [
        ("de", 1),
        ("en", 4),
    ]


def test_batch_check_outcomes_are_recorded_with_what_was_observed(db_path, tmp_path):
    batch = BATCH_CASES["duplicate_texts_bounded"]
    load_batch(db_path, "run-1", pages_of(batch), batch, [], gate=make_gate(tmp_path))
    ((success, observed, rows, level, source),) = run_query(
        db_path,
        """
        select success, observed_value, rows, level, source from validation_results
        where check_name = 'duplicate_texts_bounded'""",
    ).rows
    assert (success, json.loads(observed), rows, level, source) == (False, 0.4, 5, "batch", "news")  # 2 of 5 unique


def test_most_pages_failing_extraction_holds_the_batch_but_keeps_pages_and_failures(db_path, tmp_path):
    (only,) = batch = [story(1)]
    failures = [
        ExtractionFailure(f"{SITE}/story-{n}", "news", sha256_hex(f"<html>{n}</html>"), "no main text")
        for n in (2, 3, 4)
    ]
    results = pages_of(batch) + [fetched(f.url, f"<html>{n}</html>".encode()) for n, f in zip((2, 3, 4), failures)]

    counts = load_batch(db_path, "run-1", results, batch, failures, gate=make_gate(tmp_path))

    assert counts[:5] == (0, 0, 0, 4, 1)
    (line,) = counts.held
    assert line.startswith("source 'news': pages_mostly_loaded failed (")
    ((table_name, level, checks, source, row_key, record),) = quarantine_rows(db_path)
    assert (table_name, level, checks, source, row_key) == (
        "articles",
        "batch",
        ["pages_mostly_loaded"],
        "news",
        only.article_id,
    )
    assert record["url"] == only.url
    assert article_ids(db_path) == []
    assert failed_checks(db_path, "articles") == []  # the article itself was fine
    assert failed_checks(db_path, "pages") == [("pages_mostly_loaded", 3, 4)]
    assert run_query(db_path, "select url, reason, run_id from extraction_failures order by url").rows == [
        (f.url, "no main text", "run-1") for f in failures
    ]
    assert run_query(db_path, "select count(*) from pages").rows == [(4,)]
    # None of them gave an article that was merged: all are due again next run.
    assert run_query(db_path, "select url, state, last_error from frontier order by url").rows == [
        (f"{SITE}/story-{n}", "failed", "gave no article") for n in (1, 2, 3, 4)
    ]
    assert run_query(db_path, "select count(*) from fetch_log").rows == [(4,)]


def test_a_fetch_attempt_failing_a_check_is_quarantined_and_the_others_logged(db_path, tmp_path):
    ok, odd_status, negative, timeout = (f"{SITE}/{name}" for name in ("ok", "odd-status", "negative", "timeout"))
    bad_size = fetched(negative)
    bad_size = replace(bad_size, attempts=[replace(bad_size.attempts[0], bytes=-1)])
    results = [
        fetched(ok),
        fetched(odd_status, status=999),
        bad_size,
        fetched(timeout, outcome="failed", status=None, error="timeout", tries=2),
    ]  # no status: no failure

    counts = load_batch(db_path, "run-1", results, [], [], gate=make_gate(tmp_path))

    assert counts == BatchCounts(0, 0, 0, 3, 2, ())
    rows = quarantine_rows(db_path)
    assert [r[:5] for r in rows] == [
        ("fetch_log", "row", ["sizes_not_negative"], "news", f"{negative}|1"),
        ("fetch_log", "row", ["status_is_http"], "news", f"{odd_status}|1"),
    ]
    assert [(r[5]["url"], r[5]["status"], r[5]["bytes"]) for r in rows] == [(negative, 200, -1), (odd_status, 999, 17)]
    assert run_query(db_path, "select url, attempt, status from fetch_log order by url, attempt").rows == [
        (ok, 1, 200),
        (timeout, 1, None),
        (timeout, 2, None),
    ]
    assert failed_checks(db_path, "fetch_log") == [("sizes_not_negative", 1, 5), ("status_is_http", 1, 5)]
    # The frontier and pages do not depend on the log: the page with an odd status is still stored.
    assert run_query(db_path, "select url from pages order by url").rows == [(negative,), (odd_status,), (ok,)]
    assert run_query(db_path, "select count(*) from frontier").rows == [(4,)]


def test_without_a_gate_nothing_is_validated(db_path):
    bad = [story(5, language="fr"), story(6, words=3), story(7, published_at=NOW + timedelta(days=30))]
    batch = good_batch() + bad + [replace(story(8), title=None)]
    results = pages_of(batch) + [fetched(f"{SITE}/odd", status=999)]

    counts = load_batch(db_path, "run-1", results, batch, [], gate=None)

    assert counts == BatchCounts(8, 0, 0, 9, 0, ())
    assert article_ids(db_path) == sorted(a.article_id for a in batch)
    assert run_query(db_path, "select count(*) from fetch_log where status = 999").rows == [(1,)]
    assert run_query(db_path, "select count(*) from quarantine").rows == [(0,)]
    assert run_query(db_path, "select count(*) from validation_results").rows == [(0,)]


def test_rerunning_a_good_batch_through_the_gate_changes_nothing(db_path, tmp_path):
    batch = good_batch()
    first = load_batch(db_path, "run-1", pages_of(batch), batch, [], gate=make_gate(tmp_path))
    assert first == BatchCounts(4, 0, 0, 4, 0, ())
    before = table(db_path, "articles", "article_id")

    again = load_batch(db_path, "run-2", pages_of(batch), batch, [], gate=make_gate(tmp_path))

    assert again == BatchCounts(0, 0, 4, 0, 0, ())
    assert table(db_path, "articles", "article_id") == before  # updated_at and run_id included
    assert run_query(db_path, "select count(*) from quarantine").rows == [(0,)]
    # Both batches were validated, each check once per batch, and every check passed.
    assert run_query(
        db_path,
        """
        select run_id, suite, count(*), count(distinct batch_id), bool_and(success) from validation_results
        group by all order by all""",
    ).rows == [
        ("run-1", "articles", 9, 1, True),
        ("run-1", "fetch_log", 6, 1, True),
        ("run-1", "pages", 1, 1, True),
        ("run-2", "articles", 9, 1, True),
        ("run-2", "fetch_log", 6, 1, True),
        ("run-2", "pages", 1, 1, True),
    ]


def test_rerunning_a_batch_with_a_bad_row_holds_it_again_under_a_new_batch(db_path, tmp_path):
    batch = good_batch() + [story(9, language="fr")]
    for run in ("run-1", "run-2"):
        counts = load_batch(db_path, run, pages_of(batch), batch, [], gate=make_gate(tmp_path))
        assert counts.quarantined == 1
    assert run_query(
        db_path,
        """
        select run_id, row_key, checks from quarantine order by run_id""",
    ).rows == [("run-1", batch[-1].article_id, ["language_known"]), ("run-2", batch[-1].article_id, ["language_known"])]
    assert run_query(
        db_path, "select count(distinct quarantine_id), count(distinct batch_id) from quarantine"
    ).rows == [(2, 2)]
    assert article_ids(db_path) == sorted(a.article_id for a in batch[:-1])
