"""The warehouse of bench/scale.py: a DuckDB file with the migrations before 016, filled by bulk SQL
against that schema, then migrated by warehouse/migrate.py as an existing warehouse would be.
Values are hashes of the row number: the same warehouse every time."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

import duckdb

from bench.scale_vocabulary import (
    COUNTRIES,
    EVENT_TYPES,
    FIRST_NAMES,
    ORG_KINDS,
    ROLES,
    SOURCES,
    SYLLABLES,
    WORDS,
    sql_list,
)
from winnow.warehouse.migrate import migrate, migrate_before

# The data are loaded under the schema before the views at scale, which then migrate them as
# they would an existing warehouse (and count the pairs and blocks they keep).
SCALE_MIGRATION = 16


def build(db_path: Path, articles: int, say: Callable[[str], None]) -> dict[str, float]:
    """A new file: the migrations before 016, the data by bulk SQL, then the rest of the migrations;
    returns seconds per step."""
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    migrate_before(db_path, SCALE_MIGRATION)
    n_entities = max(1_000, articles // 4)
    with duckdb.connect(str(db_path)) as conn:
        conn.execute("set TimeZone = 'UTC'")
        conn.execute("set preserve_insertion_order = false")
        conn.execute("set memory_limit = '8GB'")  # a shared machine
        # u(i, k): the k-th (k < 64) uniform draw in [0, 1) of row i, a hash: the same warehouse every time. A
        # hash of (i, k) would not do: it combines hash(i) and hash(k), so draws of a row are correlated.
        conn.execute("create temp macro u(_row, _k) as hash(_row * 64 + _k) / 18446744073709551616.0")
        # Zipf with exponent 1: rank r (1..n) with probability ~1/r.
        conn.execute("create temp macro zipf(_row, _k, _n) as least(_n, floor(pow(_n + 1, u(_row, _k))))::bigint")
        conn.execute("create temp macro pick(_xs, _row, _k) as _xs[1 + floor(u(_row, _k) * len(_xs))::bigint]")
        has_stories = bool(
            conn.execute(
                "select 1 from information_schema.columns where table_name = 'articles' and column_name = 'story_id'"
            ).fetchall()
        )
        for step, statements in _steps(articles, n_entities, has_stories):
            t0 = time.perf_counter()
            for statement in statements:
                conn.execute(statement)
            seconds[step] = time.perf_counter() - t0
            say(f"built {step} in {seconds[step]:.1f} s")
        conn.execute("checkpoint")
    t0 = time.perf_counter()
    migrate(db_path)
    seconds[f"migrate_{SCALE_MIGRATION:03d}_on"] = time.perf_counter() - t0
    seconds["total"] = time.perf_counter() - started
    return {step: round(s, 1) for step, s in seconds.items()}


def _steps(articles: int, n_entities: int, has_stories: bool) -> list[tuple[str, list[str]]]:
    sources, words = sql_list(SOURCES), sql_list(WORDS)
    syllable = f"pick({sql_list(SYLLABLES)}"
    countries = sql_list(COUNTRIES)
    types, codes, triggers = (sql_list(t[i] for t in EVENT_TYPES) for i in range(3))
    roles, agents = sql_list(r for r, _ in ROLES), sql_list(a for _, a in ROLES)
    runs = max(1, articles // 2_000)
    # Four years of news; run r loaded the articles first seen in its slice of them.
    span = "to_seconds((u(i, 3) * 4 * 365 * 86400)::bigint)"
    # Stories (migration 015), when the schema has them: one in ten articles a copy of an earlier
    # one's story, not canonical, so not enriched.
    copy = "u(i, 35) < 0.1 and i > 100"
    stories = (
        (
            f", md5('text' || case when {copy} then i - 1 - floor(u(i, 36) * 100)::bigint else i end) as story_id,"
            f" not ({copy}) as canonical"
        )
        if has_stories
        else ""
    )
    enriched = f"where not ({copy})" if has_stories else ""
    steps = [
        (
            "runs",
            [
                f"""
            insert into runs (run_id, flow, started_at, finished_at, status, sources, fetched, new, seconds)
            select md5('run' || r), 'ingest', timestamptz '2023-01-01' + to_seconds(r * 14400),
                   timestamptz '2023-01-01' + to_seconds(r * 14400 + 300), 'completed', {sources}, 2000, 2000, 300
            from range({runs}) t(r)"""
            ],
        ),
        (
            "entities",
            [
                f"""
            create temp table ent as
            select r as rank, type, name, country_code, left(sha256(type || '|' || lower(name)), 32) as entity_id
            from (
            -- names the syllables give twice take their rank, as homonyms are told apart
            select r, type, country_code,
                   name || case when row_number() over (partition by type, name order by r) > 1 then ' ' || r
                                else '' end as name
            from (
                select r, case when r % 20 < 9 then 'person' when r % 20 < 15 then 'organisation' else 'place' end
                       as type,
                       case when r % 20 < 9 then pick({sql_list(FIRST_NAMES)}, r, 1) || ' '
                                || upper({syllable}, r, 2)[1]) || {syllable}, r, 3)[2:] || {syllable}, r, 4)
                                || {syllable}, r, 5) || 's'
                            when r % 20 < 15 then upper({syllable}, r, 2)[1]) || {syllable}, r, 2)[2:]
                                || {syllable}, r, 3) || ' ' || pick({sql_list(ORG_KINDS)}, r, 6)
                            else upper({syllable}, r, 2)[1]) || {syllable}, r, 2)[2:] || {syllable}, r, 4)
                                || 'ia' end as name,
                       case when r % 20 >= 15 then
                            case when u(r, 7) < 0.15 then 'SY' else pick({countries}, r, 8) end end as country_code
                from range(1, {n_entities} + 1) t(r)))""",
                """insert into entities (entity_id, name, type, country_code, aliases, first_seen_at, updated_at,
                                     name_key, strong)
               select entity_id, name, type, country_code, [name], timestamptz '2023-01-01',
                      timestamptz '2023-01-01', lower(name), rank % 3 = 0
               from ent""",
            ],
        ),
        (
            "articles",
            [
                f"""
            create temp table art as
            select i, {sources}[1 + floor(pow(u(i, 1), 2.0) * {len(SOURCES)})::bigint] as source,
                   timestamptz '2022-12-01' + {span} as published_at,
                   -- one article is the README's '%mayor-elected%'
                   case when i = {articles} // 2 then 'mayor-elected-in-vale'
                        else pick({words}, i, 4) || '-' || pick({words}, i, 5) || '-' || pick({words}, i, 6) end as slug,
                   200 + floor(u(i, 7) * 1200)::int as word_count
            from range({articles}) t(i)""",
                """alter table art add column url varchar""",
                """update art set url = 'https://' || source || '.example/' || strftime(published_at, '%Y/%m/%d') || '/'
                                   || slug || '-' || i""",
                """alter table art add column article_id varchar""",
                """update art set article_id = left(sha256(url), 32)""",
                f"""insert into articles by name
                select article_id, source, url, url as fetched_url,
                       upper(slug[1]) || replace(slug[2:], '-', ' ') as title,
                       [{sql_list(FIRST_NAMES)}[1 + i % 20] || ' Writer'] as authors,
                       case when u(i, 8) < 0.02 then null else published_at end as published_at, 'en' as language,
                       source as site_name,
                       upper(slug[1]) || replace(slug[2:], '-', ' ') || '. '
                           || repeat('The story number ' || i || ' goes on. ', 12) as text,
                       word_count, md5('text' || i) as content_hash, md5('page' || i) as page_hash,
                       published_at + interval 1 hour as first_seen_at, published_at + interval 1 hour as updated_at,
                       md5('run' || least({runs} - 1, i * {runs} // {articles})) as run_id
                       {stories}
                from art""",
            ],
        ),
        (
            "pages_frontier_fetch_log",
            [
                """insert into pages
               select url, md5('page' || i), source, url, 200, 'text/html', null, null,
                      ('<html>' || i || '</html>')::blob, 4000 + i % 90000, published_at + interval 1 hour,
                      md5('run' || 0)
               from art""",
                """insert into frontier (url, source, via, discovered_at, state, attempts, last_status,
                                     last_fetched_at, page_hash)
               select url, source, 'https://' || source || '.example/feed.xml', published_at, 'fetched', 0, 200,
                      published_at + interval 1 hour, md5('page' || i)
               from art""",
                f"""insert into fetch_log
                select md5('run' || least({runs} - 1, i * {runs} // {articles})), source, url, 1,
                       case when u(i, 9) < 0.03 then 503 else 200 end,
                       case when u(i, 9) < 0.03 then 'HTTP 503' end, 4000, 120.0,
                       published_at + interval 1 hour, 'page'
                from art""",
                """insert into extraction_failures
               select url || '?print', md5('failed' || i), source, 'no article in the page', md5('run' || 0),
                      published_at
               from art where u(i, 10) < 0.03""",
            ],
        ),
        (
            "mentions",
            [
                f"""
            create temp table drawn as
            select a.article_id, a.i, min(j) as j, any_value(r) as run, zipf(a.i * 16 + j, 11, {n_entities}) as rank
            from (select i, article_id, least({runs} - 1, i * {runs} // {articles}) as r,
                         5 + floor(u(i, 12) * 11)::int as k from art {enriched}) a, range(15) t(j)
            where j < a.k
            group by all""",
                """insert into mentions
               select d.article_id, e.entity_id, [e.name], 1 + floor(4 * u(d.i * 16 + d.j, 13) / (d.j + 1))::int,
                      case when d.j = 0 and u(d.i, 14) < 0.3 then null else d.j * 250 + 40 end,
                      w / sum(w) over (partition by d.article_id), md5('run' || d.run)
               from (select *, 1.0 / (j + 1) as w from drawn) d join ent e using (rank)""",
            ],
        ),
        (
            "events",
            [
                f"""
            create temp table drawn_events as
            select a.i * 8 + j as e, a.article_id, a.i, j, a.published_at,
                   1 + floor(pow(u(a.i * 8 + j, 25), 2.5) * {len(EVENT_TYPES)})::int as x,
                   case when u(a.i * 8 + j, 26) < 0.5 then 'reported' when u(a.i * 8 + j, 26) < 0.8 then 'day'
                        when u(a.i * 8 + j, 26) < 0.85 then 'month' when u(a.i * 8 + j, 26) < 0.88 then 'year'
                        else 'unknown' end as p,
                   case when u(a.i * 8 + j, 16) < 0.8 then zipf(a.i * 8 + j, 28, {n_entities}) end as actor,
                   case when u(a.i * 8 + j, 17) < 0.5 then zipf(a.i * 8 + j, 29, {n_entities}) end as other,
                   -- a place: the place-typed rank (r % 20 >= 15) next below a Zipf draw
                   case when u(a.i * 8 + j, 18) < 0.7
                        then greatest(15, (zipf(a.i * 8 + j, 30, {n_entities}) - 15) // 20 * 20 + 15) end as place
            from (select * from art {enriched}) a, range(7) t(j)
            where j < floor(u(a.i, 27) * 7)""",
                f"""insert into events
            select left(sha256(d.article_id || '|' || d.j), 32), d.article_id, {types}[x], {codes}[x], {triggers}[x],
                   ac.entity_id, ot.entity_id, pl.entity_id,
                   case when p <> 'unknown' then cast(d.published_at - to_days(floor(u(e, 19) * 3)::int) as date) end,
                   p, 'Sentence ' || d.j || ' of story ' || d.i || ', where it ' || {triggers}[x] || '.',
                   d.j * 300, 0.5 + u(e, 20) / 2, md5('run' || least({runs} - 1, d.i * {runs} // {articles})),
                   case when u(e, 21) < 0.3 then pick({roles}, e, 22) end,
                   case when u(e, 21) < 0.3 then pick({agents}, e, 22) end,
                   case when u(e, 21) < 0.4 then pick({countries}, e, 23) end,
                   null, null, null
            from drawn_events d left join ent ac on ac.rank = d.actor left join ent ot on ot.rank = d.other
            left join ent pl on pl.rank = d.place""",
                f"""insert into article_enrichment by name
               select a.article_id, a.content_hash, 'bench' as enrich_version, coalesce(m.n, 0) as entities,
                      coalesce(v.n, 0) as events, a.first_seen_at as enriched_at, a.run_id, 'en' as language
               from articles a semi join (select article_id from art {enriched}) e using (article_id)
               left join (select article_id, count(*) as n from mentions group by all) m using (article_id)
               left join (select article_id, count(*) as n from events group by all) v using (article_id)""",
            ],
        ),
        (
            "chaff_blocks",
            [
                """
            insert into article_chaff
            select article_id, j, 'Sign up for the ' || source || ' newsletter', 'newsletter', 'repetition',
                   'repeated in 5 articles', md5('run' || 0)
            from art, range(3) t(j) where u(i * 4 + j, 31) < 0.5""",
                # Each article's ~12 blocks: a third of them the source's boilerplate (a few hundred
                # Zipf-repeated boxes), the rest its own paragraphs.
                """create temp table blocks as
                select source, case when u(i * 16 + j, 32) < 0.33 then md5(source || zipf(i * 16 + j, 33, 300))
                                    else md5('p' || i || '|' || j) end as block_key,
                       article_id, published_at as seen_at,
                       case when u(i * 16 + j, 32) < 0.33 then 'Boilerplate ' || zipf(i * 16 + j, 33, 300)
                            || ' of ' || source
                            else 'Paragraph ' || j || ' of story ' || i end as text
                from art, range(16) t(j) where j < 8 + floor(u(i, 34) * 9)""",
                """insert into block_sightings select distinct source, block_key, article_id, seen_at from blocks""",
                """insert into block_texts select source, block_key, any_value(text) from blocks group by all""",
                """drop table blocks""",
            ],
        ),
    ]
    if has_stories:  # 16 MinHash band keys per article (transforms/stories.py)
        steps.append(
            (
                "story_bands",
                ["insert into story_bands select (hash(i, b) >> 1)::bigint, article_id from art, range(16) t(b)"],
            )
        )
    return steps
