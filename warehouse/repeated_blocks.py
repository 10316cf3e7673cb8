"""`block_texts.articles`, how many of a source's articles hold each block: the counts behind the
`repeated_blocks` view, kept true to `block_sightings`.

Counting the sightings at query time, then joining the counts to the texts, took 16 s for one
source at a million articles, so the counts are kept beside the texts as sightings are written:
a writer calls `count_before` with the articles whose sightings it is about to replace, and
`count_after` once it has written them and any new texts, in its transaction. Maintenance,
which drops sightings wholesale, recounts every block with `recount`.
"""

from __future__ import annotations

import duckdb

_SIGHTINGS = """
    select source, block_key, {sign} * count(*) as articles from block_sightings
    where article_id in (select article_id from recount_sightings) group by all
"""


def count_before(conn: duckdb.DuckDBPyConnection, articles: str) -> None:
    """Before the sightings of `articles` (a query whose first column is article ids) are replaced."""
    conn.execute(
        f"create or replace temp table recount_sightings as select distinct #1 as article_id from ({articles})"
    )
    conn.execute(f"create or replace temp table sighting_changes as {_SIGHTINGS.format(sign=-1)}")


def count_after(conn: duckdb.DuckDBPyConnection) -> None:
    """After they were, and the texts of new blocks added: each block's count moves by the change."""
    conn.execute(f"insert into sighting_changes {_SIGHTINGS.format(sign=1)}")
    conn.execute("""
        update block_texts t set articles = t.articles + d.articles
        from (select source, block_key, sum(articles) as articles from sighting_changes
              group by all having sum(articles) <> 0) d
        where t.source = d.source and t.block_key = d.block_key
    """)
    conn.execute("drop table recount_sightings")
    conn.execute("drop table sighting_changes")


def recount(conn: duckdb.DuckDBPyConnection) -> None:
    """Every block's count from its sightings (0 for a text no sighting holds)."""
    conn.execute("""
        update block_texts t set articles = c.articles
        from (select source, block_key, count(*) as articles from block_sightings group by all) c
        where t.source = c.source and t.block_key = c.block_key and t.articles <> c.articles
    """)
    conn.execute("""
        update block_texts t set articles = 0
        where articles <> 0
          and not exists (select 1 from block_sightings s where s.source = t.source and s.block_key = t.block_key)
    """)
