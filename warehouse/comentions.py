"""`entity_pairs`, the rows behind the `entity_comentions` view, kept true to `mentions` and
`entities`.

Counting the pairs from mentions at query time joins every article's mentions with themselves
(48 s at a million articles), and joining millions of pairs to their entities' names takes
seconds more, so both are done as they are written: a writer that replaces some articles'
mentions does it inside `pairs_recounted`, which takes those articles' pairs out of the counts
before and puts what they then hold back after; one that upserts entities calls `mark_renamed`
before and `follow_renamed` after. All work in the writer's transaction, and an unchanged
article or entity changes no row.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import duckdb

# The pairs of the articles in `recount_articles`, each counted `sign` times.
_PAIRS = """
    select a.entity_id as entity_a, b.entity_id as entity_b, {sign} as articles, {sign} * a.salience * b.salience as weight
    from mentions a join mentions b on a.article_id = b.article_id and a.entity_id < b.entity_id
    where a.article_id in (select article_id from recount_articles)
      and b.article_id in (select article_id from recount_articles)
"""


@contextmanager
def pairs_recounted(conn: duckdb.DuckDBPyConnection, articles: str, params: Sequence = ()) -> Iterator[None]:
    """Keep `entity_pairs` true while the body rewrites the mentions of `articles` (a query whose
    first column is article ids, with `params`, read before the body runs), in its transaction."""
    conn.execute(
        f"create or replace temp table recount_articles as select distinct #1 as article_id from ({articles})",
        list(params),
    )
    conn.execute(f"create or replace temp table pair_changes as {_PAIRS.format(sign=-1)}")
    yield
    conn.execute(f"insert into pair_changes {_PAIRS.format(sign=1)}")
    # Pairs that were and still are there with the same saliences cancel out and are not written.
    # A mention's entity is always stored before it (load and release write entities first).
    conn.execute("""
        merge into entity_pairs p
        using (select d.entity_a, ea.name as name_a, ea.type as type_a, d.entity_b, eb.name as name_b,
                      eb.type as type_b, d.articles, d.weight
               from (select entity_a, entity_b, sum(articles) as articles, sum(weight) as weight from pair_changes
                     group by all having sum(articles) <> 0 or sum(weight) <> 0) d
               join entities ea on ea.entity_id = d.entity_a
               join entities eb on eb.entity_id = d.entity_b) d
        on p.entity_a = d.entity_a and p.entity_b = d.entity_b
        when matched and p.articles + d.articles = 0 then delete
        when matched then update set articles = p.articles + d.articles, weight = p.weight + d.weight
        when not matched then insert (entity_a, name_a, type_a, entity_b, name_b, type_b, articles, weight)
            values (d.entity_a, d.name_a, d.type_a, d.entity_b, d.name_b, d.type_b, d.articles, d.weight)
    """)
    conn.execute("drop table recount_articles")
    conn.execute("drop table pair_changes")


def mark_renamed(conn: duckdb.DuckDBPyConnection, staged: str) -> None:
    """Before entities staged in `staged` are upserted: note those whose name or type is new."""
    conn.execute(f"""
        create or replace temp table renamed_entities as
        select entity_id from {staged} n join entities e using (entity_id)
        where n.name <> e.name or n.type <> e.type
    """)


def follow_renamed(conn: duckdb.DuckDBPyConnection) -> None:
    """After the upsert: the pairs of the entities `mark_renamed` noted take their names and
    types as stored. It scans every pair, but a batch renames no entity most of the time."""
    if conn.execute("select count(*) from renamed_entities").fetchone()[0]:
        for side in ("a", "b"):
            conn.execute(f"""
                update entity_pairs p set name_{side} = e.name, type_{side} = e.type
                from entities e semi join renamed_entities using (entity_id)
                where p.entity_{side} = e.entity_id and (p.name_{side} <> e.name or p.type_{side} <> e.type)
            """)
    conn.execute("drop table renamed_entities")
