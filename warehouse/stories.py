"""Stories in the warehouse: each article written by a load joins the story of a stored or
batch copy of it, or founds one (transforms/stories.py decides), in the load's transaction.

A story's canonical copy is its first-seen article: the only one enriched, so a story's entities
and events are stored once, under that article. A copy that stops being canonical loses its own.
"""

from __future__ import annotations

from datetime import datetime

import duckdb

from winnow.transforms.stories import Copy, assign_stories
from winnow.warehouse import staging
from winnow.warehouse.comentions import pairs_recounted


def place_articles(conn: duckdb.DuckDBPyConnection, written_at: datetime) -> int:
    """Place the articles this transaction wrote at `written_at` (new ones, and those whose text
    changed) in their stories; returns how many of them are copies of a story held by another."""
    rows = conn.execute(
        """
        select article_id, content_hash, text, story_id from articles where updated_at = ?
        order by first_seen_at, article_id
    """,
        [written_at],
    ).fetchall()
    if not rows:
        return 0
    batch = [Copy(*row) for row in rows]
    conn.register("batch_bands", staging.story_bands(batch))
    conn.register("placed_ids", staging.story_copies(batch))
    conn.register("placed", staging.stories(assign_stories(batch, _stored_copies(conn))))
    conn.execute("""
        create or replace temp table touched_stories as
        select story_id from articles semi join placed_ids using (article_id) where story_id is not null
        union select story_id from placed
    """)
    conn.execute("update articles set story_id = p.story_id from placed p where articles.article_id = p.article_id")
    conn.execute("delete from story_bands where article_id in (select article_id from placed_ids)")
    conn.execute("insert into story_bands by name select * from batch_bands")
    _choose_canonical(conn)
    (copies,) = conn.execute(
        "select count(*) from articles semi join placed_ids using (article_id) where not canonical"
    ).fetchone()
    return copies


def _stored_copies(conn: duckdb.DuckDBPyConnection) -> list[Copy]:
    """The stored articles, not of the batch, with the same text as one of it or a band key in common,
    each with its stored band keys: of the copies with one text in one story, only the first seen.
    The others have its text, so its band keys and shingles, and come after it: assign_stories
    takes a text's first copy for an exact match and the first of equally similar ones, so they
    never decide a story, and reading them all (every earlier copy of a wire story, each batch)
    made a load slower the more copies the warehouse held."""
    rows = conn.execute("""
        with firsts as (
            select article_id, content_hash, story_id, first_seen_at from articles a
            where a.article_id not in (select article_id from placed_ids)
              and (a.content_hash in (select content_hash from placed_ids)
                   or a.article_id in (select s.article_id from story_bands s semi join batch_bands using (band_key)))
            qualify row_number() over (partition by content_hash, story_id order by first_seen_at, article_id) = 1
        )
        select f.article_id, f.content_hash, a.text, f.story_id,
               (select list(s.band_key) from story_bands s where s.article_id = f.article_id) as bands
        from firsts f join articles a using (article_id)
        order by f.first_seen_at, f.article_id
    """).fetchall()
    # An article stored without band keys (an empty text, or one loaded before stories) has them made from its text.
    return [Copy(*row[:4], stored_bands=tuple(row[4]) if row[4] is not None else None) for row in rows]


def _choose_canonical(conn: duckdb.DuckDBPyConnection) -> None:
    """The first-seen copy of each touched story is its canonical one; copies that stop being
    canonical lose their enrichment (a new canonical one has none, so it is enriched next)."""
    conn.execute("""
        update articles set canonical = articles.article_id = f.article_id
        from (select story_id, first(article_id order by first_seen_at, article_id) as article_id
              from articles where story_id in (select story_id from touched_stories) group by story_id) f
        where articles.story_id = f.story_id
          and articles.canonical is distinct from (articles.article_id = f.article_id)
    """)
    copies = """select article_id from articles
                where not canonical and story_id in (select story_id from touched_stories)"""
    with pairs_recounted(conn, copies):
        conn.execute(f"delete from mentions where article_id in ({copies})")
    conn.execute(f"delete from events where article_id in ({copies})")
    conn.execute(f"delete from article_enrichment where article_id in ({copies})")
