"""The views rewritten for a million articles (migration 016) answer as the views before them,
and the pair counts behind entity_comentions stay true as mentions are rewritten."""

from __future__ import annotations

from datetime import datetime, timezone

import duckdb
import pytest

from winnow.warehouse import db, repeated_blocks
from winnow.warehouse.comentions import follow_renamed, mark_renamed, pairs_recounted
from winnow.warehouse.migrate import migrate, migrate_before

SCALE_MIGRATION = 16
T = datetime(2025, 3, 1, 12, 0, tzinfo=timezone.utc)

# entity_comentions as migration 005 defined it: the pairs counted at query time.
COMENTIONS_BEFORE = """
    select a.entity_id as entity_a, ea.name as name_a, ea.type as type_a,
           b.entity_id as entity_b, eb.name as name_b, eb.type as type_b,
           count(*) as articles, round(sum(a.salience * b.salience), 6) as weight
    from mentions a
    join mentions b on a.article_id = b.article_id and a.entity_id < b.entity_id
    join entities ea on ea.entity_id = a.entity_id
    join entities eb on eb.entity_id = b.entity_id
    group by all order by all
"""

ENTITIES = [  # id, name, type, country
    ("e1", "Ada Brennan", "person", None),
    ("e2", "Port Authority", "organisation", None),
    ("e3", "Syria", "place", "SY"),
    ("e4", "Brackenford", "place", "GB"),
    ("e5", "Tom Hale", "person", None),
    ("e6", "Mill Lane", "place", None),
]
ARTICLES = [  # id, source, title
    ("a1", "vale-courier", "Mayor elected"),
    ("a2", "vale-courier", "Port strike"),
    ("a3", "harbour-herald", "Ceasefire talks"),
    ("a4", "harbour-herald", "No entities here"),
    ("a5", "harbour-herald", "Mayor elected, a copy"),
]
MENTIONS = [  # article, entity, count, salience
    ("a1", "e1", 3, 0.5),
    ("a1", "e2", 1, 0.25),
    ("a1", "e4", 1, 0.25),
    ("a2", "e1", 1, 0.125),
    ("a2", "e2", 2, 0.625),
    ("a2", "e4", 1, 0.25),
    ("a3", "e3", 2, 0.5),
    ("a3", "e5", 1, 0.25),
    ("a3", "e2", 1, 0.25),
]
EVENTS = [  # id, article, type, actor1, actor2, location, date, precision, offset, trigger
    ("v1", "a1", "election", "e1", None, "e4", "2025-02-28", "day", 10, "elected"),
    ("v2", "a1", "statement", "e1", None, None, "2025-03-01", "reported", 5, "said"),
    ("v3", "a2", "protest", "e2", "e1", "e4", "2025-02-28", "day", 0, "struck"),
    ("v4", "a3", "ceasefire", "e3", None, None, "2025-02-27", "day", 40, "agreed a truce"),
    ("v5", "a3", "consult", "e5", "e2", "e3", None, "unknown", 20, "met"),
    ("v6", "a3", "assault", "e4", None, None, "2025-02-27", "day", 30, "attacked"),
    ("v7", "a2", "protest", "e4", None, "e6", "2025-02-28", "day", 50, "marched"),  # a place with no country
    ("v8", "a2", "assault", "e3", None, "gone", "2025-02-28", "day", 60, "shelled"),
]  # an entity not stored
BLOCKS = [  # source, key, article
    ("vale-courier", "k1", "a1"),
    ("vale-courier", "k1", "a2"),
    ("vale-courier", "k2", "a1"),
    ("harbour-herald", "k1", "a3"),
    ("harbour-herald", "k3", "a3"),
    ("harbour-herald", "k3", "a4"),
]


def _fill(path) -> None:
    with duckdb.connect(str(path)) as conn:
        columns = {
            name
            for (name,) in conn.execute(
                "select column_name from information_schema.columns where table_name = 'articles'"
            ).fetchall()
        }
        for article_id, source, title in ARTICLES:
            conn.execute(
                """insert into articles by name select ? as article_id, ? as source, ? as url,
                            ? as fetched_url, ? as title, ? as published_at, 'text' as text, 1 as word_count,
                            ? as content_hash, 'p' as page_hash, ? as first_seen_at, ? as updated_at, 'r' as run_id""",
                [
                    article_id,
                    source,
                    f"https://{source}.example/{article_id}-{title.lower().replace(' ', '-')}",
                    f"https://{source}.example/{article_id}",
                    title,
                    T,
                    f"h-{article_id}",
                    T,
                    T,
                ],
            )
        if "story_id" in columns:  # stories (migration 015): a5 is a copy of a1's story
            conn.execute(
                "update articles set story_id = case when article_id = 'a5' then 'a1' else article_id end,"
                " canonical = article_id <> 'a5'"
            )
        conn.executemany(
            "insert into entities (entity_id, name, type, country_code, aliases, first_seen_at,"
            " updated_at) values (?, ?, ?, ?, [], ?, ?)",
            [(*e, T, T) for e in ENTITIES],
        )
        conn.executemany(
            "insert into mentions (article_id, entity_id, surface_forms, count, first_offset, salience,"
            " run_id) values (?, ?, [], ?, 0, ?, 'r')",
            MENTIONS,
        )
        conn.executemany(
            """insert into events (event_id, article_id, event_type, trigger, actor1, actor2, location,
                            event_date, date_precision, sentence, sentence_offset, confidence, run_id)
                            values (?, ?, ?, ?, ?, ?, ?, ?, ?, 'A sentence.', ?, 0.75, 'r')""",
            [(v[0], v[1], v[2], v[9], v[3], v[4], v[5], v[6], v[7], v[8]) for v in EVENTS],
        )
        conn.executemany("insert into block_sightings values (?, ?, ?, ?)", [(*b, T) for b in BLOCKS])
        conn.executemany(
            "insert into block_texts values (?, ?, ?)", sorted({(s, k, f"text of {k}") for s, k, _ in BLOCKS})
        )


def _views(path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(path)) as conn:
        names = [
            name
            for (name,) in conn.execute(
                "select table_name from information_schema.tables where table_type = 'VIEW' order by 1"
            ).fetchall()
        ]
        return {name: conn.execute(f"select * from {name} order by all").fetchall() for name in names}


@pytest.fixture
def filled(db_path):
    migrate_before(db_path, SCALE_MIGRATION)
    _fill(db_path)
    return db_path


def test_every_view_answers_as_before_the_rewrite(filled):
    before = _views(filled)
    assert migrate(filled)[0].startswith("016_")
    after = _views(filled)
    assert after == before
    assert before["entity_comentions"] and before["daily_event_counts"] and before["repeated_blocks"]
    overview = {row[0]: row for row in before["article_overview"]}
    assert [e["name"] for e in overview["a2"][5]] == ["Port Authority", "Brackenford", "Ada Brennan"]
    assert overview["a4"][5] is None and overview["a4"][6] is None


def test_one_article_chosen_by_a_subquery_is_its_row_of_the_view(filled):
    migrate(filled)
    with duckdb.connect(str(filled)) as conn:
        view = conn.execute("select * from article_overview where article_id = 'a5'").fetchall()
        chosen = conn.execute(
            "select * from article_overview_of((select article_id from articles where title = ?))",
            [conn.execute("select title from articles where article_id = 'a5'").fetchone()[0]],
        ).fetchall()
        nothing = conn.execute("select * from article_overview_of('no such article')").fetchall()
    assert chosen == view and len(view) == 1
    assert view[0][5] and [e["name"] for e in view[0][5]] == [e["name"] for e in _overview_of(filled, "a1")[5]]
    assert nothing == []


def _overview_of(path, article_id: str) -> tuple:
    with duckdb.connect(str(path)) as conn:
        return conn.execute("select * from article_overview_of(?)", [article_id]).fetchone()


def test_the_pair_counts_follow_mentions_rewritten(filled):
    migrate(filled)
    with db.write(filled) as conn:
        with pairs_recounted(conn, "select unnest(['a1', 'a3', 'a4'])"):  # a1 and a3 change, a4 gains its first
            conn.execute("delete from mentions where article_id in ('a1', 'a3')")
            conn.executemany(
                "insert into mentions (article_id, entity_id, surface_forms, count, first_offset,"
                " salience, run_id) values (?, ?, [], 1, 0, ?, 'r')",
                [("a1", "e1", 0.5), ("a1", "e5", 0.5), ("a4", "e1", 0.25), ("a4", "e2", 0.75)],
            )
        with pairs_recounted(conn, "select 'a2'"):  # the same mentions again: nothing changes
            rows = conn.execute("select * from mentions where article_id = 'a2'").fetchall()
            conn.execute("delete from mentions where article_id = 'a2'")
            conn.executemany("insert into mentions values (?, ?, ?, ?, ?, ?, ?)", rows)
        # An entity renamed and retyped by an upsert: its pairs follow.
        conn.execute(
            "create temp table new_entities as select 'e1' as entity_id, 'Ada Brennan-Hale' as name,"
            " 'organisation' as type"
        )
        mark_renamed(conn, "new_entities")
        conn.execute("update entities set name = 'Ada Brennan-Hale', type = 'organisation' where entity_id = 'e1'")
        follow_renamed(conn)
        assert (
            conn.execute("select * from entity_comentions order by all").fetchall()
            == conn.execute(COMENTIONS_BEFORE).fetchall()
        )
        assert conn.execute("select count(*) from entity_pairs where name_a = 'Ada Brennan-Hale'").fetchone()[0] > 0
        # A pair no article holds any more is gone, not kept at zero.
        assert conn.execute("select count(*) from entity_pairs where articles <= 0").fetchone() == (0,)
        assert conn.execute("select count(*) from entity_pairs where 'e3' in (entity_a, entity_b)").fetchone() == (0,)


def test_the_block_counts_follow_sightings_rewritten(filled):
    migrate(filled)
    with db.write(filled) as conn:
        repeated_blocks.count_before(conn, "select 'a1'")
        conn.execute("delete from block_sightings where article_id = 'a1'")
        conn.execute(
            "insert into block_sightings values ('vale-courier', 'k1', 'a1', ?), ('vale-courier', 'k4', 'a1', ?)",
            [T, T],
        )
        conn.execute("insert into block_texts (source, block_key, text) values ('vale-courier', 'k4', 'text of k4')")
        repeated_blocks.count_after(conn)
        counted = conn.execute("select * from repeated_blocks order by all").fetchall()
        assert (
            counted
            == conn.execute("""
            select s.source, s.block_key, count(*), any_value(t.text) from block_sightings s
            join block_texts t using (source, block_key) group by all order by all""").fetchall()
        )
        assert ("vale-courier", "k2", 1, "text of k2") not in counted  # a1 no longer holds it
        conn.execute("update block_texts set articles = 7")
        repeated_blocks.recount(conn)
        assert conn.execute("select * from repeated_blocks order by all").fetchall() == counted
