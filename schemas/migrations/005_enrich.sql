-- The enrich stage: canonical entities, how each article mentions them, and the events it reports.

-- One real-world person, organisation or place; entity_id hashes its type and canonical name,
-- so the same entity has the same id in every article and every run.
create table entities (
    entity_id     varchar primary key,
    name          varchar not null,
    type          varchar not null,         -- person, organisation, place
    country_code  varchar,                  -- ISO 3166-1 alpha-2, for places when known
    aliases       varchar[] not null,       -- every surface form seen, across articles
    first_seen_at timestamptz not null,
    updated_at    timestamptz not null
);

-- How one article mentions one entity; replaced whenever the article is enriched again.
create table mentions (
    article_id    varchar not null,
    entity_id     varchar not null,
    surface_forms varchar[] not null,
    count         integer not null,         -- mentions in the title and text
    first_offset  integer,                  -- character offset of the first in the text; null: title only
    salience      double not null,          -- share of the article's mentions; title and lead weigh more
    run_id        varchar not null,
    primary key (article_id, entity_id)
);

-- The events an article reports (taxonomy: transforms/enrich/events.yaml, README "Events").
create table events (
    event_id        varchar primary key,
    article_id      varchar not null,
    event_type      varchar not null,
    cameo_code      varchar,                -- CAMEO root code; null for election
    trigger         varchar not null,       -- the word(s) that report it
    actor1          varchar,                -- entity_id: who did it
    actor2          varchar,                -- entity_id: to or with whom
    location        varchar,                -- entity_id of a place
    event_date      date,
    date_precision  varchar not null,       -- day, week, month, year, unknown
    sentence        varchar not null,       -- the evidence
    sentence_offset integer not null,       -- in the article's text
    confidence      double not null,
    run_id          varchar not null
);

-- Which version of an article's text was enriched, and how: an article is enriched again when
-- its text changes or the enrichment (model, rules, aliases) does.
create table article_enrichment (
    article_id     varchar primary key,
    content_hash   varchar not null,
    enrich_version varchar not null,
    entities       integer not null,
    events         integer not null,
    enriched_at    timestamptz not null,
    run_id         varchar not null
);

alter table runs add column enriched integer default 0;
alter table runs add column entities_found integer default 0;
alter table runs add column events_found integer default 0;
alter table runs add column enrich_seconds double default 0;

-- Events per day, type and country (the event's place, else its first actor's country).
create view daily_event_counts as
select e.event_date, e.event_type, coalesce(l.country_code, a1.country_code) as country_code,
       count(*) as events, count(distinct e.article_id) as articles
from events e
left join entities l on l.entity_id = e.location
left join entities a1 on a1.entity_id = e.actor1 and a1.type = 'place'
where e.event_date is not null
group by all;

-- Pairs of entities mentioned in the same articles (entity_a's id sorts first).
create view entity_comentions as
select a.entity_id as entity_a, ea.name as name_a, ea.type as type_a,
       b.entity_id as entity_b, eb.name as name_b, eb.type as type_b,
       count(*) as articles, round(sum(a.salience * b.salience), 6) as weight
from mentions a
join mentions b on a.article_id = b.article_id and a.entity_id < b.entity_id
join entities ea on ea.entity_id = a.entity_id
join entities eb on eb.entity_id = b.entity_id
group by all;

-- One row per article with its entities (most salient first) and events, for `where article_id = ?`.
create view article_overview as
select ar.article_id, ar.source, ar.url, ar.title, ar.published_at,
       (select list({'name': en.name, 'type': en.type, 'country_code': en.country_code,
                     'count': m.count, 'salience': m.salience} order by m.salience desc, en.name)
        from mentions m join entities en using (entity_id) where m.article_id = ar.article_id) as entities,
       (select list({'event_type': ev.event_type, 'trigger': ev.trigger, 'actor1': a1.name, 'actor2': a2.name,
                     'location': lo.name, 'event_date': ev.event_date, 'date_precision': ev.date_precision,
                     'confidence': ev.confidence, 'sentence': ev.sentence} order by ev.sentence_offset, ev.trigger)
        from events ev
        left join entities a1 on a1.entity_id = ev.actor1
        left join entities a2 on a2.entity_id = ev.actor2
        left join entities lo on lo.entity_id = ev.location
        where ev.article_id = ar.article_id) as events
from articles ar;
