"""Warehouse upkeep: repetition statistics trimmed to what can still be counted, and compaction."""

from __future__ import annotations

import os
from dataclasses import replace

from tests.support.records import article
from winnow.warehouse import db
from winnow.warehouse.articles import load_batch
from winnow.warehouse.maintenance import compact, refresh_repetition
from winnow.warehouse.query import run_query

BOX = "Sign up for our newsletter"


def _with_blocks(url: str, source: str, story: str):
    return replace(article(url, story, source=source), blocks=(story, BOX))


def test_refresh_drops_the_sightings_nothing_counts(db_path):
    stories = ["Harbour wall repaired", "Ferry late again", "Mayor elected"]
    load_batch(
        db_path,
        "run-1",
        [],
        [_with_blocks(f"https://a.example/{i}", "a", story) for i, story in enumerate(stories)]
        + [_with_blocks("https://b.example/1", "b", "Bridge closed")],
        [],
    )
    with db.write(db_path) as conn:  # as someone purging an article by hand would
        conn.execute("delete from articles where url = 'https://a.example/0'")

    done = refresh_repetition(db_path)

    assert (done.orphaned, done.removed_sources, done.removed_source_sightings, done.block_texts, done.sightings) == (
        2,
        [],
        0,
        1,
        6,
    )  # its two blocks; the text of its story, which no other article holds
    assert run_query(
        db_path, "select source, articles, text from repeated_blocks where text = ? order by source", [BOX]
    ).rows == [("a", 2, BOX), ("b", 1, BOX)]
    assert refresh_repetition(db_path) == (0, [], 0, 0, 6)  # nothing left to drop

    forgotten = refresh_repetition(db_path, keep_sources=["a"])  # b removed from the config for good

    assert (
        forgotten.removed_sources,
        forgotten.removed_source_sightings,
        forgotten.block_texts,
        forgotten.sightings,
    ) == (["b"], 2, 2, 4)
    assert run_query(db_path, "select count(*) from articles").rows == [(3,)]  # articles are never touched


def test_compaction_gives_the_free_space_back_and_keeps_every_row(db_path):
    # Random text does not compress: enough blocks for the deleted rows to be most of the file.
    stories = [article(f"https://a.example/{i}", os.urandom(1500).hex(), source="a") for i in range(1500)]
    load_batch(db_path, "run-1", [], stories, [])
    with db.write(db_path) as conn:
        conn.execute("delete from articles where url not like 'https://a.example/7%'")
    kept = run_query(db_path, "select * from articles order by article_id").rows
    migrations = run_query(db_path, "select version from schema_migrations order by 1").rows

    done = compact(db_path, min_reclaimable=0.2)

    assert done.copied and done.reclaimable > 0.5
    assert done.bytes_after < done.bytes_before / 2, done
    assert os.path.getsize(db_path) == done.bytes_after
    assert not list(db_path.parent.glob("*.compacting*"))
    assert run_query(db_path, "select * from articles order by article_id").rows == kept
    assert run_query(db_path, "select version from schema_migrations order by 1").rows == migrations

    again = compact(db_path, min_reclaimable=0.2)  # nothing to give back: a checkpoint only

    assert not again.copied and again.bytes_after == again.bytes_before
    load_batch(db_path, "run-2", [], [article("https://a.example/new", "Still writable.", source="a")], [])
