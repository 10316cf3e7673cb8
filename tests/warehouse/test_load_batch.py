import gzip
from dataclasses import replace
from datetime import timedelta

import duckdb
import pytest

from tests.support.queries import table
from tests.support.records import T0, article, fetched
from winnow.schemas.records import Article, ChaffBlock, ExtractionFailure
from winnow.transforms.chaff.repetition import block_key
from winnow.transforms.hashing import sha256_hex
from winnow.warehouse.articles import BatchCounts, block_counts, load_batch
from winnow.warehouse.migrate import migrate, migrate_before
from winnow.warehouse.query import run_query, stored_pages

A, B = "https://news.example/a", "https://news.example/b"


def snapshot(db_path):
    return {
        name: table(db_path, name, key)
        for name, key in [
            ("articles", "article_id"),
            ("pages", "url, page_hash"),
            ("page_bodies", "url, page_hash"),
            ("frontier", "url"),
            ("extraction_failures", "url, page_hash"),
        ]
    }


def test_new_then_unchanged_then_updated(db_path):
    results = [fetched(A, b"<html>a</html>"), fetched(B, b"<html>b</html>")]
    first = [article(A, "First text of a.", body=b"<html>a</html>"), article(B, "Text of b.", body=b"<html>b</html>")]
    assert load_batch(db_path, "run-1", results, first, []) == BatchCounts(2, 0, 0, 2)
    before = snapshot(db_path)

    assert load_batch(db_path, "run-2", results, first, []) == BatchCounts(0, 0, 2, 0)
    assert snapshot(db_path) == before  # not one value changed, updated_at and run_id included
    assert run_query(db_path, "select count(*) from fetch_log").rows == [(4,)]  # the attempts did happen

    changed = [article(A, "Second text of a.", body=b"<html>a2</html>"), first[1]]
    assert load_batch(db_path, "run-3", [fetched(A, b"<html>a2</html>")], changed, []) == BatchCounts(0, 1, 1, 1)
    (old,) = [row for row in before["articles"] if row[2] == A]
    old = dict(zip(run_query(db_path, "select * from articles limit 0").columns, old))
    row = run_query(db_path, "select text, first_seen_at, updated_at, run_id from articles where url = ?", [A]).rows[0]
    assert row[0] == "Second text of a."
    assert row[1] == old["first_seen_at"]  # kept
    assert row[2] > old["updated_at"] and row[3] == "run-3"
    b_row = run_query(db_path, "select run_id from articles where url = ?", [B]).rows
    assert b_row == [("run-1",)]


def test_duplicate_article_ids_in_one_batch_keep_the_last(db_path):
    batch = [article(A, "Early version."), article(A, "Late version.")]
    assert load_batch(db_path, "run-1", [fetched(A)], batch, []) == BatchCounts(1, 0, 0, 1)
    assert run_query(db_path, "select text, authors from articles").rows == [("Late version.", ["A. Writer"])]


def test_pages_are_stored_compressed_once_per_body(db_path):
    body = b"<html>" + b"<p>the same words again</p>" * 200 + b"</html>"
    load_batch(db_path, "run-1", [fetched(A, body)], [], [])
    load_batch(db_path, "run-2", [fetched(A, body, at=T0 + timedelta(hours=1))], [], [])
    (row,) = run_query(
        db_path, "select page_hash, html_gz, size, run_id from pages join page_bodies using (url, page_hash)"
    ).rows
    assert row[0] == sha256_hex(body)
    assert len(row[1]) < len(body) and gzip.decompress(row[1]) == body
    assert row[2:] == (len(body), "run-1")

    newer = b"<html>changed</html>"
    load_batch(db_path, "run-3", [fetched(A, newer, at=T0 + timedelta(hours=2)), fetched(B, source="other")], [], [])
    assert [(p.url, p.body) for p in stored_pages(db_path, "news")] == [(A, newer)]
    assert [p.url for p in stored_pages(db_path)] == [A, B]


def test_a_page_keeps_one_body_however_often_it_is_loaded(db_path):
    """The bodies' table has no key (migration 018): the load writes a body only for a page its
    insert stored, so a batch mixing stored and new pages, loaded twice, adds one body per new page."""
    load_batch(db_path, "run-1", [fetched(A, b"<html>a</html>")], [], [])
    mixed = [fetched(A, b"<html>a</html>"), fetched(A, b"<html>a2</html>"), fetched(B, b"<html>b</html>")]
    assert load_batch(db_path, "run-2", mixed, [], []).pages_stored == 2
    assert load_batch(db_path, "run-3", mixed, [], []).pages_stored == 0
    bodies = "select url, page_hash, count(*) from page_bodies group by all order by all"
    assert run_query(db_path, bodies).rows == sorted(
        (url, sha256_hex(body), 1)
        for url, body in [(A, b"<html>a</html>"), (A, b"<html>a2</html>"), (B, b"<html>b</html>")]
    )
    assert run_query(db_path, "select count(*) from pages anti join page_bodies using (url, page_hash)").rows == [(0,)]


def test_pages_stored_before_their_bodies_moved_keep_them(db_path):
    """Migration 018 moves the bodies of a warehouse's pages out of `pages`."""
    migrate_before(db_path, 18)
    body = b"<html>stored before</html>"
    with duckdb.connect(str(db_path)) as conn:
        conn.execute(
            "insert into pages values (?, ?, 'news', ?, 200, 'text/html', null, null, ?, ?, ?, 'run-0')",
            [A, sha256_hex(body), A, gzip.compress(body), len(body), T0],
        )
    migrate(db_path)
    assert [(p.url, p.body) for p in stored_pages(db_path)] == [(A, body)]
    assert "html_gz" not in run_query(db_path, "select * from pages limit 0").columns
    load_batch(db_path, "run-1", [fetched(A, body)], [], [])
    assert run_query(db_path, "select count(*) from page_bodies").rows == [(1,)]


def test_extraction_failures_are_upserted_on_url_and_page_hash(db_path):
    failure = ExtractionFailure(A, "news", sha256_hex(b"x"), "no main text")
    load_batch(db_path, "run-1", [], [], [failure, failure])
    load_batch(db_path, "run-2", [], [], [failure])
    assert run_query(db_path, "select reason, run_id from extraction_failures").rows == [("no main text", "run-1")]
    load_batch(db_path, "run-3", [], [], [ExtractionFailure(A, "news", failure.page_hash, "too short")])
    assert run_query(db_path, "select reason, run_id from extraction_failures").rows == [("too short", "run-3")]


def test_a_failing_batch_writes_nothing(db_path):
    bad = fetched(A, outcome="exploded")  # the frontier's check constraint refuses it
    with pytest.raises(duckdb.ConstraintException):
        load_batch(db_path, "run-1", [fetched(B), bad], [article(B)], [])
    for name in ("fetch_log", "pages", "frontier", "articles"):
        assert run_query(db_path, f"select count(*) from {name}").rows == [(0,)], name


def _with_blocks(url: str, kept: list[str], box: list[str]) -> Article:
    blocks = tuple(kept + box)
    chaff = tuple(ChaffBlock(len(kept) + i, text, "newsletter", "detector", "test rule") for i, text in enumerate(box))
    text = "\n".join(kept)
    return replace(article(url, text), text=text, content_hash=sha256_hex(text), blocks=blocks, chaff=chaff)


def test_chaff_and_block_sightings_are_replaced_with_their_article_and_never_doubled(db_path):
    box = ["Sign up for our newsletter.", "No spam."]
    first = [_with_blocks(A, ["Story a."], box), _with_blocks(B, ["Story b."], box)]
    load_batch(db_path, "run-1", [], first, [])
    load_batch(db_path, "run-2", [], first, [])  # unchanged: nothing written twice
    assert run_query(db_path, "select count(*) from article_chaff").rows == [(4,)]
    assert run_query(db_path, "select count(*) from block_sightings").rows == [(6,)]
    assert run_query(db_path, "select articles, text from repeated_blocks where articles = 2 order by text").rows == [
        (2, "No spam."),
        (2, "Sign up for our newsletter."),
    ]
    box_keys = [block_key(text) for text in box]
    assert block_counts(db_path, "news", box_keys, []) == {key: 2 for key in box_keys}
    assert block_counts(db_path, "news", box_keys, [first[0].article_id]) == {key: 1 for key in box_keys}

    load_batch(db_path, "run-3", [], [_with_blocks(A, ["Story a, corrected."], [])], [])
    assert run_query(
        db_path, "select count(*), min(run_id) from article_chaff where article_id = ?", [first[0].article_id]
    ).rows == [(0, None)]
    assert run_query(db_path, "select articles from repeated_blocks where text = 'No spam.'").rows == [(1,)]
    assert run_query(db_path, "select count(*) from block_texts").rows == [(5,)]  # texts stay, one per key


def test_chaff_found_otherwise_replaces_its_rows_though_the_text_is_the_same(db_path):
    learned = _with_blocks(A, ["Story a."], ["Sign up for our newsletter."])
    learned = replace(
        learned, chaff=tuple(replace(c, evidence="repetition", rule="in 5 articles of news") for c in learned.chaff)
    )
    detected = _with_blocks(A, ["Story a."], ["Sign up for our newsletter."])
    load_batch(db_path, "run-1", [], [learned], [])
    assert load_batch(db_path, "run-2", [], [detected], []) == BatchCounts(0, 0, 1, 0)
    after = run_query(db_path, "select evidence, rule, run_id from article_chaff").rows
    assert after == [("detector", "test rule", "run-2")]
    assert run_query(db_path, "select run_id from articles").rows == [("run-1",)]  # the article itself is unchanged
    load_batch(db_path, "run-3", [], [detected], [])
    assert run_query(db_path, "select evidence, rule, run_id from article_chaff").rows == after
