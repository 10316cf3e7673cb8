-- The views at a million articles (bench/scale.py): each documented query under a second.

-- The pairs of entities mentioned in the same articles, with their names, written as mentions
-- and entities are (warehouse/comentions.py) rather than computed at each query: joining every
-- article's mentions with themselves took 48 s at a million articles, and joining the millions
-- of pairs to their names seconds more. No key: an index would hold every pair in memory (see
-- 003); a writer merges its batch's changes in one pass.
create table entity_pairs (
    entity_a  varchar not null,             -- sorts before entity_b
    name_a    varchar not null,
    type_a    varchar not null,
    entity_b  varchar not null,
    name_b    varchar not null,
    type_b    varchar not null,
    articles  bigint not null,              -- articles mentioning both
    weight    double not null               -- sum over those articles of the two saliences' product
);
insert into entity_pairs
select p.entity_a, ea.name, ea.type, p.entity_b, eb.name, eb.type, p.articles, p.weight
from (select a.entity_id as entity_a, b.entity_id as entity_b, count(*) as articles,
             sum(a.salience * b.salience) as weight
      from mentions a join mentions b on a.article_id = b.article_id and a.entity_id < b.entity_id
      group by all) p
join entities ea on ea.entity_id = p.entity_a
join entities eb on eb.entity_id = p.entity_b
order by p.articles desc;  -- stored most shared first, the top pairs are read from the first row groups

create or replace view entity_comentions as
select entity_a, name_a, type_a, entity_b, name_b, type_b, articles, round(weight, 6) as weight
from entity_pairs;

-- How many of its source's articles hold each block, beside the block's text, counted as
-- sightings are written (warehouse/block_counts.py): counting them and joining the counts to
-- the texts at each query took 16 s for one source at a million articles. A source's most
-- repeated blocks are then its texts' top counts.
alter table block_texts add column articles bigint default 0;
update block_texts t set articles = c.articles
from (select source, block_key, count(*) as articles from block_sightings group by all) c
where t.source = c.source and t.block_key = c.block_key;

create or replace view repeated_blocks as
select source, block_key, articles, text from block_texts where articles > 0
order by articles desc;

-- Events per day, type and country: the events placed by their location's country, then those
-- placed by their first actor's (a place) where the location gives none. Two branches, so that
-- a filter on the country reaches the few places of that country before the millions of events
-- are joined (4.8 s at a million articles, one country).
create or replace view daily_event_counts as
select event_date, event_type, country_code, count(*) as events, count(distinct article_id) as articles
from (
    select e.event_date, e.event_type, l.country_code, e.article_id
    from events e join entities l on l.entity_id = e.location
    where e.event_date is not null and l.country_code is not null
    union all
    select e.event_date, e.event_type, a1.country_code, e.article_id
    from events e left join entities a1 on a1.entity_id = e.actor1 and a1.type = 'place'
    where e.event_date is not null
      and not exists (select 1 from entities l where l.entity_id = e.location and l.country_code is not null)
)
group by all;

-- One row per article with its story's entities and events, for a filter on the article (its
-- id, its URL). Each of the filtered articles looks up its story's canonical copy, and each of
-- that copy's events its actors' and place's names, by a subquery of its own: joined instead,
-- the lookups read the 900,000 canonical articles and three times every entity for any one
-- article (7.5 s at a million articles). A story has one canonical copy (015).
create or replace view article_overview as
select ar.article_id, ar.source, ar.url, ar.title, ar.published_at,
       (select list({'name': en.name, 'type': en.type, 'country_code': en.country_code,
                     'count': m.count, 'salience': m.salience} order by m.salience desc, en.name)
        from mentions m join entities en using (entity_id) where m.article_id = ar.story_article) as entities,
       (select list({'event_type': ev.event_type, 'trigger': ev.trigger,
                     'actor1': (select name from entities where entity_id = ev.actor1),
                     'actor2': (select name from entities where entity_id = ev.actor2),
                     'location': (select name from entities where entity_id = ev.location),
                     'event_date': ev.event_date, 'date_precision': ev.date_precision,
                     'confidence': ev.confidence, 'sentence': ev.sentence} order by ev.sentence_offset, ev.trigger)
        from events ev where ev.article_id = ar.story_article) as events
from (select a.*, (select any_value(st.article_id) from articles st where st.story_id = a.story_id and st.canonical)
                  as story_article
      from articles a) ar;
